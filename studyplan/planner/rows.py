"""Every resource and lab with where the learner stands, in study order, for the exports.

The plan (:mod:`studyplan.planner.items`) lists only what is left; a checklist, a spreadsheet
or a page lists everything, finished items too. :func:`study_rows` reads it in two queries
(one for resources, one for labs, each joined to its step, its curriculum and its progress)
and groups it by step:

- curricula: the main one first, then the imported ones by id (as the plan orders them);
- steps by number; in a step, resources by position, each lab right after the resource it
  follows (a lab following no known resource comes at the end of its step);
- retired resources, labs and steps are left out.

Times are timezone-aware in UTC; :func:`local_date` gives the learner's date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from typing import Any

from sqlalchemy import func, literal
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from studyplan.catalog.vocabulary import PRIMARY_ID
from studyplan.db.database import Database
from studyplan.db.models import Curriculum, Lab, LabProgress, Progress, Resource, Step
from studyplan.planner.items import step_label

LAB_KIND = "lab"
"""The ``kind`` of a lab row (resources have their catalog kind: video, notes …)."""

FINISHED = frozenset({"done", "skipped", "passed"})
"""Statuses of a finished item (a resource done or skipped, a lab passed)."""

_LAST = 2**62
"""Sort position of a lab whose resource is unknown: the end of its step."""


@dataclass(slots=True)
class ItemRow:
    """One resource or lab and where the learner stands on it.

    (Not frozen: a frozen dataclass takes ten times as long to build, which shows with
    100,000 resources.)
    """

    kind: str
    """The resource's kind (``video``, ``notes`` …) or :data:`LAB_KIND`."""
    id: str
    title: str
    url: str
    """The resource's address; empty for a lab."""
    minutes: int
    """The catalog's estimate (not less the time studied)."""
    status: str
    """``todo``, ``in_progress``, ``done``, ``skipped``; a lab ``not_started``, ``started``,
    ``passed``."""
    started: datetime | None
    finished: datetime | None
    """When a resource was done or skipped, or a lab passed."""
    advice: str = ""
    skip_reason: str = ""

    @property
    def is_lab(self) -> bool:
        """Whether this row is a lab."""
        return self.kind == LAB_KIND

    @property
    def is_finished(self) -> bool:
        """Done, skipped or passed."""
        return self.status in FINISHED


@dataclass
class StepRows:
    """A step and its items in study order."""

    curriculum: str
    """The curriculum id (``main`` for the catalog in settings)."""
    curriculum_title: str
    number: int
    title: str
    items: list[ItemRow] = field(default_factory=list)

    @property
    def label(self) -> str:
        """``3``, or ``other/3`` for a step of an imported curriculum."""
        return step_label(self.curriculum, self.number)

    @property
    def note_target(self) -> str:
        """How a note on this step is named (``step-3``, ``other/step-3``)."""
        prefix = "" if self.curriculum == PRIMARY_ID else f"{self.curriculum}/"
        return f"{prefix}step-{self.number}"


def as_utc(moment: datetime | None) -> datetime | None:
    """A stored time as timezone-aware UTC (SQLite gives them back without a zone)."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def local_date(moment: datetime | None, tz: tzinfo) -> date | None:
    """The learner's date (in ``tz``) of a stored time."""
    aware = as_utc(moment)
    return aware.astimezone(tz).date() if aware is not None else None


def _step_columns() -> tuple[Any, ...]:
    return (
        col(Step.curriculum_id),
        col(Curriculum.title),
        col(Step.number),
        col(Step.title),
    )


def _resources(session: Session) -> Any:
    query: Any = (
        sa_select(
            *_step_columns(),
            col(Resource.position),
            col(Resource.id),
            col(Resource.title),
            col(Resource.kind),
            col(Resource.url),
            col(Resource.minutes),
            func.coalesce(col(Progress.status), "todo"),
            col(Progress.started_at),
            col(Progress.finished_at),
            col(Resource.advice),
            func.coalesce(col(Progress.skip_reason), ""),
        )
        .join(Step, col(Step.id) == col(Resource.step_id))
        .join(Curriculum, col(Curriculum.id) == col(Step.curriculum_id))
        .outerjoin(Progress, col(Progress.resource_id) == col(Resource.id))
        .where(col(Resource.retired_at).is_(None), col(Step.retired_at).is_(None))
    )
    return session.connection().execute(query)  # Core rows: half the cost of ORM ones


def _labs(session: Session) -> Any:
    followed = Resource.__table__.alias("followed")  # type: ignore[attr-defined]
    query: Any = (
        sa_select(
            *_step_columns(),
            func.coalesce(followed.c.position, literal(_LAST)),
            col(Lab.position),
            col(Lab.id),
            col(Lab.title),
            col(Lab.minutes),
            func.coalesce(col(LabProgress.status), "not_started"),
            col(LabProgress.started_at),
            col(LabProgress.passed_at),
        )
        .join(Step, col(Step.id) == col(Lab.step_id))
        .join(Curriculum, col(Curriculum.id) == col(Step.curriculum_id))
        .outerjoin(followed, followed.c.id == col(Lab.follows))
        .outerjoin(LabProgress, col(LabProgress.lab_id) == col(Lab.id))
        .where(col(Lab.retired_at).is_(None), col(Step.retired_at).is_(None))
    )
    return session.connection().execute(query)


def read_rows(session: Session) -> list[StepRows]:
    """Every step that holds a resource or a lab, with its items, in study order."""
    keyed: list[tuple[Any, ItemRow]] = []
    steps: dict[tuple[bool, str, int], StepRows] = {}
    for curriculum, c_title, number, s_title, position, *item in _resources(session):
        key = (curriculum != PRIMARY_ID, curriculum, number)
        if key not in steps:
            steps[key] = StepRows(curriculum, c_title, number, s_title)
        rid, title, kind, url, minutes, status, started, finished, advice, reason = item
        row = ItemRow(
            kind, rid, title, url, minutes, status, _utc(started), _utc(finished), advice, reason
        )
        keyed.append(((key, position, 0, 0), row))
    for curriculum, c_title, number, s_title, after, position, *item in _labs(session):
        key = (curriculum != PRIMARY_ID, curriculum, number)
        if key not in steps:
            steps[key] = StepRows(curriculum, c_title, number, s_title)
        lid, title, minutes, status, started, passed = item
        row = ItemRow(LAB_KIND, lid, title, "", minutes, status, _utc(started), _utc(passed))
        keyed.append(((key, after, 1, position), row))
    keyed.sort(key=lambda pair: pair[0])
    for (key, *_), row in keyed:
        steps[key].items.append(row)
    return [steps[key] for key in sorted(steps)]


def _utc(moment: datetime | None) -> datetime | None:
    """A stored time (naive UTC on SQLite) as an aware one; most are None."""
    return None if moment is None else as_utc(moment)


def study_rows(db: Database) -> list[StepRows]:
    """:func:`read_rows` in a read transaction of its own."""
    with db.read() as session:
        return read_rows(session)


def note_bodies(db: Database) -> dict[str, str]:
    """Every non-empty note's text by what it is on: a resource id, or a step's
    :attr:`StepRows.note_target` (one query)."""
    from studyplan.services.notes import list_notes

    return {view.target: view.body for view in list_notes(db)}
