"""Find resources: by reference, by filters, and the steps overview."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, and_, case, cast, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from studyplan.catalog.vocabulary import KINDS, PRIMARY_ID
from studyplan.db.database import Database
from studyplan.db.learner_scope import mine
from studyplan.db.models import (
    STATUSES,
    Curriculum,
    Lab,
    LabProgress,
    Progress,
    Resource,
    Step,
    StudySession,
)
from studyplan.errors import NotFoundError, UsageError
from studyplan.services.views import ResourceView, resource_table, step_of, to_views, view_select
from studyplan.wording import finished_count, percent_finished

_POSITION = re.compile(r"^(?:(?P<cur>[a-z0-9-]+)/)?(?P<step>\d{1,9})\.(?P<n>\d{1,9})$")


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
        if self.tag is not None and not self.tag.strip():
            raise UsageError("--tag must not be empty")


def list_resources(db: Database, filters: Filters | None = None) -> list[ResourceView]:
    """Visible resources in study order, narrowed by ``filters``.

    An unknown curriculum or step is an error, not an empty list.
    """
    filters = filters or Filters()
    filters.check()
    within = []
    if filters.curriculum:
        within.append(col(Step.curriculum_id) == filters.curriculum)
    if filters.step is not None:
        within.append(col(Step.number) == filters.step)
        if not filters.curriculum:
            within.append(col(Step.curriculum_id) == PRIMARY_ID)
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
        views = to_views(session.connection().execute(query))
        if not views:
            curriculum = filters.curriculum or PRIMARY_ID
            if filters.curriculum:
                require_curriculum(session, curriculum)
            if filters.step is not None:
                require_step(session, curriculum, filters.step)
    return views


def require_curriculum(session: Session, curriculum: str) -> None:
    """Raise :class:`NotFoundError` naming the known curricula if ``curriculum`` is unknown."""
    known = list(
        session.execute(select(col(Curriculum.id)).order_by(col(Curriculum.position))).scalars()
    )
    if curriculum not in known:
        raise NotFoundError(
            f"no curriculum '{curriculum}'; known: {', '.join(known) or 'none yet'}"
        )


def require_step(session: Session, curriculum: str, number: int) -> None:
    """Raise :class:`NotFoundError` if ``curriculum`` has no current step ``number``."""
    query = select(col(Step.id)).where(
        col(Step.curriculum_id) == curriculum,
        col(Step.number) == number,
        col(Step.retired_at).is_(None),
    )
    if session.execute(query).first() is None:
        prefix = "" if curriculum == PRIMARY_ID else f"{curriculum}/"
        raise NotFoundError(f"no step {prefix}{number}; 'studyplan steps' lists them")


def get_resource(db: Database, ref: str, include_retired: bool = True) -> ResourceView:
    """The resource named by ``ref``: an id, ``STEP.N`` or ``CURRICULUM/STEP.N``.

    A retired resource (dropped from the catalog, its history kept) is found by its id.
    """
    with db.read() as session:
        return find_view(session, ref, include_retired)


def find_view(session: Session, ref: str, include_retired: bool = False) -> ResourceView:
    """Resolve ``ref`` inside ``session``; raise :class:`NotFoundError` with a hint.

    Without ``include_retired``, naming a retired resource says it was retired.
    """
    ref = ref.strip()
    match = _POSITION.match(ref)
    if match:
        table = resource_table(
            col(Step.curriculum_id) == (match["cur"] or PRIMARY_ID),
            col(Step.number) == int(match["step"]),
        )
        query = view_select(table).where(table.c.position == int(match["n"]))
    else:
        table = resource_table(step_of([ref]))
        query = view_select(table).where(table.c.id == ref)
    views = to_views(session.execute(query))
    if views:
        return views[0]
    if not match:
        retired = _retired_view(session, ref)
        if retired is not None:
            if include_retired:
                return retired
            when = f"{retired.retired_at:%Y-%m-%d}" if retired.retired_at else "earlier"
            raise NotFoundError(
                f"'{ref}' was retired from the catalog on {when}; its progress and note are "
                f"kept ('studyplan show {ref}' shows them)"
            )
    raise NotFoundError(_not_found_hint(session, ref, match))


def _retired_view(session: Session, rid: str) -> ResourceView | None:
    table = resource_table(col(Resource.id) == rid, include_retired=True)
    views = to_views(session.execute(view_select(table)))
    return views[0] if views and views[0].retired_at is not None else None


def _not_found_hint(session: Session, ref: str, match: re.Match[str] | None) -> str:
    if match:
        curriculum = match["cur"] or PRIMARY_ID
        require_curriculum(session, curriculum)
        require_step(session, curriculum, int(match["step"]))
        prefix = "" if curriculum == PRIMARY_ID else f" --curriculum {curriculum}"
        return (
            f"no resource at position {ref}; 'studyplan list --step {match['step']}{prefix}' "
            "shows the positions of that step"
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
    labs_total: int = 0
    labs_passed: int = 0

    @property
    def items(self) -> int:
        """Resources and labs: what the step asks of the learner."""
        return self.total + self.labs_total

    @property
    def finished_count(self) -> int:
        """Items finished: resources done or skipped, labs passed."""
        return finished_count(self.done, self.skipped) + self.labs_passed

    @property
    def percent(self) -> float:
        """Share of the step's items finished, 0-100."""
        return percent_finished(self.done + self.labs_passed, self.skipped, self.items)

    @property
    def finished(self) -> bool:
        """Every resource is finished and every lab passed."""
        return self.items > 0 and self.finished_count == self.items


def timed_seconds() -> Any:
    """Seconds on the timer per resource (finished sessions), as a subquery with the
    columns ``resource_id`` and ``seconds``."""
    return (
        sa_select(
            col(StudySession.resource_id).label("resource_id"),
            func.sum(col(StudySession.seconds)).label("seconds"),
        )
        .where(col(StudySession.ended_at).is_not(None), mine(StudySession))
        .group_by(col(StudySession.resource_id))
        .subquery("timed")
    )


def step_summaries(db: Database, curriculum: str | None = None) -> list[StepSummary]:
    """Every visible step with its counts and minutes left, in order.

    Minutes left are the estimates of unfinished resources and labs less the time the timer
    logged on them (never below zero): the figure the plan and the statistics use too.
    """
    status = func.coalesce(col(Progress.status), "todo")
    open_ = status.in_(("todo", "in_progress"))
    timed = timed_seconds()
    # an integer, not PostgreSQL's bigint: the sum of bigints below would be a numeric there
    studied = cast(func.coalesce(timed.c.seconds, 0) // 60, Integer)
    still = case((col(Resource.minutes) > studied, col(Resource.minutes) - studied), else_=0)
    query: Any = (
        sa_select(
            col(Step.id).label("step_id"),
            col(Step.curriculum_id).label("curriculum"),
            col(Step.number).label("number"),
            col(Step.title).label("title"),
            col(Step.summary).label("summary"),
            func.count(col(Resource.id)).label("total"),
            func.sum(case((status == "done", 1), else_=0)).label("done"),
            func.sum(case((status == "skipped", 1), else_=0)).label("skipped"),
            func.sum(case((status == "in_progress", 1), else_=0)).label("in_progress"),
            func.coalesce(func.sum(col(Resource.minutes)), 0).label("minutes_total"),
            func.coalesce(func.sum(case((open_, still), else_=0)), 0).label("minutes_left"),
            func.coalesce(
                func.sum(case((status == "done", col(Resource.minutes)), else_=0)), 0
            ).label("minutes_done"),
        )
        .select_from(Step)
        .outerjoin(
            Resource,
            (col(Resource.step_id) == col(Step.id)) & col(Resource.retired_at).is_(None),
        )
        .outerjoin(Progress, and_(col(Progress.resource_id) == col(Resource.id), mine(Progress)))
        .outerjoin(timed, timed.c.resource_id == col(Resource.id))
        .where(col(Step.retired_at).is_(None))
        .group_by(col(Step.id))
        .order_by(col(Step.curriculum_id) != PRIMARY_ID, col(Step.curriculum_id), col(Step.number))
    )
    if curriculum:
        query = query.where(col(Step.curriculum_id) == curriculum)
    with db.read() as session:
        labs = _lab_counts(session)
        summaries = []
        for r in session.execute(query):
            lab = labs.get(r.step_id, _NO_LABS)
            summaries.append(
                StepSummary(
                    curriculum=r.curriculum,
                    number=r.number,
                    title=r.title,
                    summary=r.summary,
                    total=r.total,
                    done=r.done or 0,
                    skipped=r.skipped or 0,
                    in_progress=r.in_progress or 0,
                    minutes_total=r.minutes_total + lab.minutes_total,
                    minutes_left=r.minutes_left + lab.minutes_left,
                    minutes_done=r.minutes_done + lab.minutes_done,
                    labs_total=lab.total,
                    labs_passed=lab.passed,
                )
            )
        return summaries


@dataclass(frozen=True)
class _LabCounts:
    total: int = 0
    passed: int = 0
    minutes_total: int = 0
    minutes_left: int = 0
    minutes_done: int = 0


_NO_LABS = _LabCounts()


def _lab_counts(session: Session) -> dict[int, _LabCounts]:
    """Per step id: how many current labs, how many passed, and their minutes."""
    passed = func.coalesce(col(LabProgress.status), "") == "passed"
    query: Any = (
        sa_select(
            col(Lab.step_id).label("step_id"),
            func.count(col(Lab.id)).label("total"),
            func.sum(case((passed, 1), else_=0)).label("passed"),
            func.coalesce(func.sum(col(Lab.minutes)), 0).label("minutes_total"),
            func.coalesce(func.sum(case((passed, col(Lab.minutes)), else_=0)), 0).label(
                "minutes_done"
            ),
        )
        .outerjoin(LabProgress, and_(col(LabProgress.lab_id) == col(Lab.id), mine(LabProgress)))
        .where(col(Lab.retired_at).is_(None))
        .group_by(col(Lab.step_id))
    )
    return {
        r.step_id: _LabCounts(
            r.total,
            r.passed or 0,
            r.minutes_total,
            r.minutes_total - r.minutes_done,
            r.minutes_done,
        )
        for r in session.execute(query)
    }
