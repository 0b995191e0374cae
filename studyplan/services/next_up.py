"""What to study now, and why."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, func
from sqlmodel import col, select

from studyplan.db.database import Database
from studyplan.db.models import Curriculum, Progress, Resource, Step
from studyplan.services.catalog_query import find_view
from studyplan.services.views import ResourceView


@dataclass(frozen=True)
class Suggestion:
    """A resource to study now and the reason it was chosen."""

    resource: ResourceView
    reason: str


def _visible() -> tuple[ColumnElement[bool], ...]:
    return (
        col(Resource.retired_at).is_(None),
        col(Step.retired_at).is_(None),
    )


def next_up(db: Database) -> Suggestion | None:
    """In-progress work first (earliest started), then the first todo in step order."""
    started = (
        select(col(Resource.id))
        .join(Progress, col(Progress.resource_id) == col(Resource.id))
        .join(Step, col(Step.id) == col(Resource.step_id))
        .where(col(Progress.status) == "in_progress", *_visible())
        .order_by(col(Progress.started_at), col(Step.number), col(Resource.position))
        .limit(1)
    )
    todo = (
        select(col(Resource.id))
        .join(Step, col(Step.id) == col(Resource.step_id))
        .join(Curriculum, col(Curriculum.id) == col(Step.curriculum_id))
        .outerjoin(Progress, col(Progress.resource_id) == col(Resource.id))
        .where(func.coalesce(col(Progress.status), "todo") == "todo", *_visible())
        .order_by(
            col(Curriculum.position), col(Step.number), col(Resource.position), col(Resource.id)
        )
        .limit(1)
    )
    with db.read() as session:
        rid = session.execute(started).scalar_one_or_none()
        if rid is not None:
            view = find_view(session, rid)
            return Suggestion(view, f"you started it and have not finished it ({_ago(view)})")
        rid = session.execute(todo).scalar_one_or_none()
        if rid is None:
            return None
        view = find_view(session, rid)
    reason = (
        f"it is the first unfinished resource of step {view.step} ({view.step_title})"
        if view.position > 1 or view.step > 1
        else "it is where the curriculum begins"
    )
    return Suggestion(view, reason)


def _ago(view: ResourceView) -> str:
    if view.started_at is None:
        return "started earlier"
    return f"started {view.started_at:%Y-%m-%d}"
