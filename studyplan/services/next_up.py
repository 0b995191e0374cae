"""What to study now, and why."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from studyplan.db.database import Database
from studyplan.db.models import Curriculum, Progress, Resource, Step
from studyplan.services.catalog_query import find_view
from studyplan.services.views import ResourceView


@dataclass(frozen=True)
class Suggestion:
    """A resource to study now and the reason it was chosen."""

    resource: ResourceView
    reason: str


def _visible() -> tuple[object, ...]:
    return (
        Resource.retired_at.is_(None),  # type: ignore[union-attr]
        Step.retired_at.is_(None),  # type: ignore[union-attr]
    )


def next_up(db: Database) -> Suggestion | None:
    """In-progress work first (earliest started), then the first todo in step order."""
    started = (
        select(Resource.id)
        .join(Progress, Progress.resource_id == Resource.id)  # type: ignore[arg-type]
        .join(Step, Step.id == Resource.step_id)  # type: ignore[arg-type]
        .where(Progress.status == "in_progress", *_visible())  # type: ignore[arg-type]
        .order_by(Progress.started_at, Step.number, Resource.position)
        .limit(1)
    )
    todo = (
        select(Resource.id)
        .join(Step, Step.id == Resource.step_id)  # type: ignore[arg-type]
        .join(Curriculum, Curriculum.id == Step.curriculum_id)  # type: ignore[arg-type]
        .outerjoin(Progress, Progress.resource_id == Resource.id)  # type: ignore[arg-type]
        .where(func.coalesce(Progress.status, "todo") == "todo", *_visible())  # type: ignore[arg-type]
        .order_by(Curriculum.position, Step.number, Resource.position, Resource.id)
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
