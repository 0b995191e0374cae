"""What is left to study: every unfinished resource and lab, in the order of the plan.

In-progress resources and started labs come first; then the rest in step order, each lab
right after the resource it follows. Minutes studied with the timer count against an item's
estimate.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, func, literal
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from studyplan.catalog.vocabulary import PRIMARY_ID
from studyplan.db.learner_scope import mine
from studyplan.db.models import Lab, LabProgress, Progress, Resource, Step
from studyplan.planner.schedule import PlanItem
from studyplan.services.catalog_query import timed_seconds

UNFINISHED = ("todo", "in_progress")

_LAST = 2**62
"""Sort position of a lab whose resource is unknown: the end of its step."""


def step_label(curriculum: str, number: int) -> str:
    """``3``, or ``other-course/3`` for a step of an imported curriculum."""
    return str(number) if curriculum == PRIMARY_ID else f"{curriculum}/{number}"


def _resource_rows(session: Session) -> Any:
    status = func.coalesce(col(Progress.status), "todo")
    timed = timed_seconds()
    query: Any = (
        sa_select(
            col(Resource.id),
            col(Resource.title),
            col(Resource.minutes),
            col(Resource.url),
            col(Resource.advice),
            col(Resource.position),
            col(Step.curriculum_id),
            col(Step.number),
            status.label("status"),
            func.coalesce(timed.c.seconds, 0),
        )
        .join(Step, col(Step.id) == col(Resource.step_id))
        .outerjoin(Progress, and_(col(Progress.resource_id) == col(Resource.id), mine(Progress)))
        .outerjoin(timed, timed.c.resource_id == col(Resource.id))
        .where(
            col(Resource.retired_at).is_(None),
            col(Step.retired_at).is_(None),
            status.in_(UNFINISHED),
        )
    )
    return session.connection().execute(query)


def _lab_rows(session: Session) -> Any:
    followed = Resource.__table__.alias("followed")  # type: ignore[attr-defined]
    query: Any = (
        sa_select(
            col(Lab.id),
            col(Lab.title),
            col(Lab.minutes),
            col(Lab.position),
            func.coalesce(followed.c.position, literal(_LAST)).label("after"),
            col(Step.curriculum_id),
            col(Step.number),
            func.coalesce(col(LabProgress.status), "not_started").label("status"),
        )
        .join(Step, col(Step.id) == col(Lab.step_id))
        .outerjoin(followed, followed.c.id == col(Lab.follows))
        .outerjoin(LabProgress, and_(col(LabProgress.lab_id) == col(Lab.id), mine(LabProgress)))
        .where(
            col(Lab.retired_at).is_(None),
            col(Step.retired_at).is_(None),
            func.coalesce(col(LabProgress.status), "") != "passed",
        )
    )
    return session.connection().execute(query)


def _curriculum_order(curriculum: str) -> tuple[bool, str]:
    return (curriculum != PRIMARY_ID, curriculum)


def plan_items(session: Session) -> list[PlanItem]:
    """Every unfinished resource and lab, begun ones first, then in study order.

    One query per table, run on the session's connection (SQLAlchemy Core: the ORM's row
    processing added a third); rows are unpacked as tuples (attribute access on a row
    costs ten times as much). Both show at 100,000 resources.
    """
    keyed: list[tuple[tuple[Any, ...], PlanItem]] = []
    rows = _resource_rows(session)
    for rid, title, minutes, url, advice, position, curriculum, number, status, timed in rows:
        left = minutes - int(timed) // 60
        step = step_label(curriculum, number)
        item = PlanItem("resource", rid, title, left, step, url, status, True, advice)
        begun = status == "in_progress"
        keyed.append(((not begun, *_curriculum_order(curriculum), number, position, 0, 0), item))
    for lid, title, minutes, position, after, curriculum, number, status in _lab_rows(session):
        item = PlanItem(
            "lab", lid, title, minutes, step_label(curriculum, number), "", status, False
        )
        begun = status == "started"
        keyed.append(
            ((not begun, *_curriculum_order(curriculum), number, after, 1, position), item)
        )
    keyed.sort(key=lambda pair: pair[0])
    return [item for _, item in keyed]
