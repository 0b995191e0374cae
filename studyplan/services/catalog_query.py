"""Find resources: by reference, by filters, and the steps overview."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import case, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from studyplan.catalog.vocabulary import KINDS, PRIMARY_ID
from studyplan.db.database import Database
from studyplan.db.models import STATUSES, Progress, Resource, Step
from studyplan.errors import NotFoundError, UsageError
from studyplan.services.views import ResourceView, resource_table, step_of, to_view, view_select

_POSITION = re.compile(r"^(?:(?P<cur>[a-z0-9-]+)/)?(?P<step>\d+)\.(?P<n>\d+)$")


@dataclass(frozen=True)
class Filters:
    """What ``studyplan list`` narrows the listing to."""

    step: int | None = None
    status: str | None = None
    kind: str | None = None
    tag: str | None = None
    curriculum: str | None = None

    def check(self) -> None:
        """Refuse values that can never match, with the values that can."""
        if self.status and self.status not in STATUSES:
            raise UsageError(f"unknown status '{self.status}'; use one of: {', '.join(STATUSES)}")
        if self.kind and self.kind not in KINDS:
            raise UsageError(f"unknown kind '{self.kind}'; use one of: {', '.join(KINDS)}")


def list_resources(db: Database, filters: Filters | None = None) -> list[ResourceView]:
    """Visible resources in study order, narrowed by ``filters``."""
    filters = filters or Filters()
    filters.check()
    within = []
    if filters.curriculum:
        within.append(col(Step.curriculum_id) == filters.curriculum)
    if filters.step is not None:
        within.append(col(Step.number) == filters.step)
        if not filters.curriculum:
            within.append(col(Step.curriculum_id) == "main")
    table = resource_table(*within)
    query = view_select(table)
    c = table.c
    if filters.status:
        status = func.coalesce(c.status, "todo")
        query = query.where(status == filters.status)
    if filters.kind:
        query = query.where(c.kind == filters.kind)
    if filters.tag:
        query = query.where(c.tags.like(f'%"{filters.tag}"%'))
    with db.read() as session:
        views = [to_view(row) for row in session.connection().execute(query)]
        if not views and filters.step is not None:
            _require_step(session, filters.curriculum or PRIMARY_ID, filters.step)
    return views


def _require_step(session: Session, curriculum: str, number: int) -> None:
    query = select(col(Step.id)).where(
        col(Step.curriculum_id) == curriculum,
        col(Step.number) == number,
        col(Step.retired_at).is_(None),
    )
    if session.execute(query).first() is None:
        raise NotFoundError(f"no step {number}; 'studyplan steps' lists them")


def get_resource(db: Database, ref: str) -> ResourceView:
    """The resource named by ``ref``: an id, ``STEP.N`` or ``CURRICULUM/STEP.N``."""
    with db.read() as session:
        return find_view(session, ref)


def find_view(session: Session, ref: str) -> ResourceView:
    """Resolve ``ref`` inside ``session``; raise :class:`NotFoundError` with a hint."""
    match = _POSITION.match(ref.strip())
    if match:
        table = resource_table(
            col(Step.curriculum_id) == (match["cur"] or "main"),
            col(Step.number) == int(match["step"]),
        )
        query = view_select(table).where(table.c.rank == int(match["n"]))
    else:
        table = resource_table(step_of([ref.strip()]))
        query = view_select(table).where(table.c.id == ref.strip())
    row = session.execute(query).first()
    if row is None:
        raise NotFoundError(_not_found_hint(session, ref))
    return to_view(row)


def _not_found_hint(session: Session, ref: str) -> str:
    match = _POSITION.match(ref.strip())
    if match:
        return (
            f"no resource at position {ref}; 'studyplan list --step {match['step']}' shows "
            "the positions of a step"
        )
    words = [w for w in re.split(r"[^a-z0-9]+", ref.lower()) if len(w) > 2]
    close: list[str] = []
    if words:
        query = select(col(Resource.id)).where(col(Resource.retired_at).is_(None))
        query = query.where(col(Resource.id).like(f"%{words[0]}%")).limit(3)
        close = list(session.execute(query).scalars())
    hint = f"; did you mean {', '.join(close)}?" if close else "; 'studyplan list' shows the ids"
    return f"no resource with id '{ref}'{hint}"


@dataclass(frozen=True)
class StepSummary:
    """One step with its counts: what ``studyplan steps`` prints."""

    curriculum: str
    number: int
    title: str
    summary: str
    total: int
    done: int
    skipped: int
    in_progress: int
    minutes_total: int
    minutes_left: int
    minutes_done: int

    @property
    def finished(self) -> bool:
        """Every resource is done or skipped."""
        return self.total > 0 and self.done + self.skipped == self.total


def step_summaries(db: Database, curriculum: str | None = None) -> list[StepSummary]:
    """Every visible step with done/total counts and minutes left, in order."""
    status = func.coalesce(col(Progress.status), "todo")
    open_ = status.in_(("todo", "in_progress"))
    query = (
        sa_select(
            col(Step.curriculum_id),
            col(Step.number),
            col(Step.title),
            col(Step.summary),
            func.count(col(Resource.id)),
            func.sum(case((status == "done", 1), else_=0)),
            func.sum(case((status == "skipped", 1), else_=0)),
            func.sum(case((status == "in_progress", 1), else_=0)),
            func.coalesce(func.sum(col(Resource.minutes)), 0),
            func.coalesce(func.sum(case((open_, col(Resource.minutes)), else_=0)), 0),
            func.coalesce(func.sum(case((status == "done", col(Resource.minutes)), else_=0)), 0),
        )
        .select_from(Step)
        .outerjoin(
            Resource,
            (col(Resource.step_id) == col(Step.id)) & col(Resource.retired_at).is_(None),
        )
        .outerjoin(Progress, col(Progress.resource_id) == col(Resource.id))
        .where(col(Step.retired_at).is_(None))
        .group_by(col(Step.id))
        .order_by(col(Step.curriculum_id) != "main", col(Step.curriculum_id), col(Step.number))
    )
    if curriculum:
        query = query.where(col(Step.curriculum_id) == curriculum)
    with db.read() as session:
        return [
            StepSummary(
                r[0], r[1], r[2], r[3], r[4], r[5] or 0, r[6] or 0, r[7] or 0, r[8], r[9], r[10]
            )
            for r in session.execute(query)
        ]
