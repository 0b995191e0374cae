"""What to study now, and why: a resource to read, or a lab right after its reading."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from studyplan.db.database import Database
from studyplan.db.learner_scope import mine
from studyplan.db.models import Curriculum, Lab, LabProgress, Progress, Resource, Step
from studyplan.labs.service import LabView, find_lab
from studyplan.services.catalog_query import find_view
from studyplan.services.views import ResourceView


@dataclass(frozen=True)
class Suggestion:
    """A resource or a lab to work on now, and the reason it was chosen."""

    reason: str
    resource: ResourceView | None = None
    lab: LabView | None = None

    @property
    def id(self) -> str:
        """The id of what is suggested."""
        if self.lab is not None:
            return self.lab.id
        assert self.resource is not None
        return self.resource.id


def _visible() -> tuple[ColumnElement[bool], ...]:
    return (
        col(Resource.retired_at).is_(None),
        col(Step.retired_at).is_(None),
    )


def next_up(db: Database) -> Suggestion | None:
    """Work begun first (earliest started), then the first unfinished item in study order.

    A lab comes right after the resource it follows, once that resource is done or
    skipped; a resource not done yet comes before the labs of later resources.
    """
    with db.read() as session:
        begun = _begun(session)
        if begun is not None:
            return begun
        return _first_unfinished(session)


def _begun(session: Session) -> Suggestion | None:
    started = (
        select(col(Resource.id), col(Progress.started_at))
        .join(Progress, and_(col(Progress.resource_id) == col(Resource.id), mine(Progress)))
        .join(Step, col(Step.id) == col(Resource.step_id))
        .where(col(Progress.status) == "in_progress", *_visible())
        .order_by(col(Progress.started_at), col(Step.number), col(Resource.position))
        .limit(1)
    )
    lab_started = (
        select(col(Lab.id), col(LabProgress.started_at))
        .join(LabProgress, and_(col(LabProgress.lab_id) == col(Lab.id), mine(LabProgress)))
        .join(Step, col(Step.id) == col(Lab.step_id))
        .where(
            col(LabProgress.status) == "started",
            col(Lab.retired_at).is_(None),
            col(Step.retired_at).is_(None),
        )
        .order_by(col(LabProgress.started_at), col(Step.number), col(Lab.position))
        .limit(1)
    )
    resource = session.execute(started).first()
    lab = session.execute(lab_started).first()
    if lab is not None and (resource is None or _earlier(lab[1], resource[1])):
        view = find_lab(session, lab[0])
        return Suggestion(
            f"you started this lab and it does not pass yet ({_day(lab[1])})", lab=view
        )
    if resource is not None:
        found = find_view(session, resource[0])
        return Suggestion(
            f"you started it and have not finished it ({_day(found.started_at)})",
            resource=found,
        )
    return None


def _earlier(a: datetime | None, b: datetime | None) -> bool:
    return a is not None and (b is None or a < b)


def _day(when: datetime | None) -> str:
    return f"started {when:%Y-%m-%d}" if when is not None else "started earlier"


def _first_unfinished(session: Session) -> Suggestion | None:
    todo = (
        select(
            col(Resource.id),
            col(Curriculum.position),
            col(Step.number),
            col(Resource.position),
        )
        .join(Step, col(Step.id) == col(Resource.step_id))
        .join(Curriculum, col(Curriculum.id) == col(Step.curriculum_id))
        .outerjoin(Progress, and_(col(Progress.resource_id) == col(Resource.id), mine(Progress)))
        .where(func.coalesce(col(Progress.status), "todo") == "todo", *_visible())
        .order_by(
            col(Curriculum.position), col(Step.number), col(Resource.position), col(Resource.id)
        )
        .limit(1)
    )
    resource = session.execute(todo).first()
    lab = session.execute(_lab_ready()).first()
    if lab is not None and (resource is None or _key(lab, 0.5) < _key(resource, 0.0)):
        view = find_lab(session, lab[0])
        return Suggestion(f"you finished '{view.follows_title}': this lab practises it", lab=view)
    if resource is None:
        return None
    found = find_view(session, resource[0])
    reason = (
        f"it is the first unfinished resource of step {found.step} ({found.step_title})"
        if found.position > 1 or found.step > 1
        else "it is where the curriculum begins"
    )
    return Suggestion(reason, resource=found)


def _lab_ready() -> Any:
    """The first lab, in study order, whose resource is finished and which is not passed."""
    follows = Resource.__table__.alias("follows")  # type: ignore[attr-defined]
    followed = aliased(Progress, name="followed")
    return (
        select(
            col(Lab.id),
            col(Curriculum.position),
            col(Step.number),
            follows.c.position,
        )
        .join(Step, col(Step.id) == col(Lab.step_id))
        .join(Curriculum, col(Curriculum.id) == col(Step.curriculum_id))
        .join(follows, follows.c.id == col(Lab.follows))
        .join(followed, and_(col(followed.resource_id) == follows.c.id, mine(followed)))
        .outerjoin(LabProgress, and_(col(LabProgress.lab_id) == col(Lab.id), mine(LabProgress)))
        .where(
            col(followed.status).in_(("done", "skipped")),
            func.coalesce(col(LabProgress.status), "") != "passed",
            col(Lab.retired_at).is_(None),
            col(Step.retired_at).is_(None),
        )
        .order_by(col(Curriculum.position), col(Step.number), follows.c.position, col(Lab.position))
        .limit(1)
    )


def _key(row: Any, after: float) -> tuple[int, int, float]:
    """Study order: curriculum, step, then place; a lab (``after`` 0.5) sits just after the
    resource it follows."""
    return (row[1], row[2], float(row[3]) + after)
