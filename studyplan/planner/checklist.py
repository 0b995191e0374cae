"""The checklist of the whole course: every step with its resources and labs, in study order,
finished or not (with when they were begun and finished), and the learner's notes on them.
The HTML, Markdown and CSV exports list it.

One query per table (steps, resources, labs, notes), whatever the size of the catalog. The
order is the plan's (:mod:`studyplan.planner.items`) without putting begun items first: steps
in curriculum and number order, resources by position, each lab right after the resource it
follows (a lab following nothing known goes to the end of its step).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from typing import Any

from sqlalchemy import and_, func, literal
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from studyplan.catalog.vocabulary import PRIMARY_ID
from studyplan.db.database import Database
from studyplan.db.learner_scope import mine
from studyplan.db.models import Curriculum, Lab, LabProgress, Note, Progress, Resource, Step
from studyplan.planner.items import step_label

FINISHED = ("done", "skipped", "passed")
"""Statuses of a finished item: a resource done or skipped, a lab passed."""

_LAST = 2**62
"""Sort position of a lab whose resource is unknown: the end of its step."""


@dataclass(slots=True)
class ChecklistItem:
    """A resource or a lab as the checklist shows it.

    (Not frozen: a frozen dataclass of this size takes some 6 µs to build, a plain one a
    tenth of that, which shows with 100,000 resources.)
    """

    kind: str
    """``resource`` or ``lab``."""
    id: str
    title: str
    resource_kind: str
    """The resource's kind (``video``, ``notes`` …); ``lab`` for a lab."""
    url: str
    minutes: int
    status: str
    """A resource: ``todo``, ``in_progress``, ``done``, ``skipped``; a lab: ``not_started``,
    ``started``, ``passed``."""
    advice: str = ""
    started: datetime | None = None
    """When the learner began (UTC, timezone-aware); None if not begun."""
    ended: datetime | None = None
    """When a resource was done or skipped, or a lab passed (UTC, timezone-aware)."""
    skip_reason: str = ""

    @property
    def is_lab(self) -> bool:
        """Whether this item is a lab."""
        return self.kind == "lab"

    @property
    def finished(self) -> bool:
        """Done, skipped, or (a lab) passed."""
        return self.status in FINISHED


@dataclass
class ChecklistStep:
    """A step and its items, in study order."""

    id: int
    curriculum: str
    curriculum_title: str
    number: int
    title: str
    items: list[ChecklistItem] = field(default_factory=list)

    @property
    def label(self) -> str:
        """``3``, or ``other-course/3`` for a step of an imported curriculum."""
        return step_label(self.curriculum, self.number)


@dataclass(frozen=True)
class Notes:
    """The learner's non-empty notes: on resources by id, on steps by step id."""

    resources: dict[str, str] = field(default_factory=dict)
    steps: dict[int, str] = field(default_factory=dict)


def as_utc(moment: datetime | None) -> datetime | None:
    """A stored time as timezone-aware UTC (SQLite gives them back without a zone)."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def local_date(moment: datetime | None, tz: tzinfo) -> date | None:
    """The learner's date (in ``tz``) of a stored time."""
    aware = as_utc(moment)
    return aware.astimezone(tz).date() if aware is not None else None


def _utc(start: datetime | None, end: datetime | None) -> tuple[datetime | None, datetime | None]:
    return as_utc(start), as_utc(end)


def _rows(session: Session, query: Any) -> list[Any]:
    """Plain rows through the connection, without the ORM's work on each row."""
    return list(session.connection().execute(query).all())


def _steps(session: Session) -> list[ChecklistStep]:
    query: Any = (
        sa_select(
            col(Step.id),
            col(Step.curriculum_id),
            col(Curriculum.title),
            col(Step.number),
            col(Step.title),
        )
        .join(Curriculum, col(Curriculum.id) == col(Step.curriculum_id))
        .where(col(Step.retired_at).is_(None))
        .order_by(col(Step.curriculum_id) != PRIMARY_ID, col(Step.curriculum_id), col(Step.number))
    )
    return [ChecklistStep(*row) for row in _rows(session, query)]


def _resources(session: Session) -> list[tuple[int, tuple[int, int, int], ChecklistItem]]:
    query: Any = (
        sa_select(
            col(Resource.step_id),
            col(Resource.position),
            col(Resource.id),
            col(Resource.title),
            col(Resource.kind),
            col(Resource.url),
            col(Resource.minutes),
            func.coalesce(col(Progress.status), "todo"),
            col(Resource.advice),
            col(Progress.started_at),
            col(Progress.finished_at),
            func.coalesce(col(Progress.skip_reason), ""),
        )
        .outerjoin(Progress, and_(col(Progress.resource_id) == col(Resource.id), mine(Progress)))
        .where(col(Resource.retired_at).is_(None))
    )
    return [
        (
            step,
            (position, 0, 0),
            ChecklistItem(
                "resource", rid, title, kind, url, minutes, status, advice, *_utc(start, end), why
            ),
        )
        for step, position, rid, title, kind, url, minutes, status, advice, start, end, why in (
            _rows(session, query)
        )
    ]


def _labs(session: Session) -> list[tuple[int, tuple[int, int, int], ChecklistItem]]:
    followed = Resource.__table__.alias("followed")  # type: ignore[attr-defined]
    query: Any = (
        sa_select(
            col(Lab.step_id),
            func.coalesce(followed.c.position, literal(_LAST)),
            col(Lab.position),
            col(Lab.id),
            col(Lab.title),
            col(Lab.minutes),
            func.coalesce(col(LabProgress.status), "not_started"),
            col(LabProgress.started_at),
            col(LabProgress.passed_at),
        )
        .outerjoin(followed, followed.c.id == col(Lab.follows))
        .outerjoin(LabProgress, and_(col(LabProgress.lab_id) == col(Lab.id), mine(LabProgress)))
        .where(col(Lab.retired_at).is_(None))
    )
    return [
        (
            step,
            (after, 1, position),
            ChecklistItem("lab", lab_id, title, "lab", "", minutes, status, "", *_utc(start, end)),
        )
        for step, after, position, lab_id, title, minutes, status, start, end in (
            _rows(session, query)
        )
    ]


def checklist(db: Database) -> list[ChecklistStep]:
    """Every current step with all its resources and labs, in study order."""
    with db.read() as session:
        steps = _steps(session)
        rows = _resources(session) + _labs(session)
    by_id = {step.id: step for step in steps}
    rows.sort(key=lambda row: (row[0], row[1]))
    for step_id, _, item in rows:
        step = by_id.get(step_id)
        if step is not None:
            step.items.append(item)
    return steps


def notes(db: Database) -> Notes:
    """The learner's non-empty notes on resources and on steps."""
    found = Notes()
    query: Any = sa_select(col(Note.resource_id), col(Note.step_id), col(Note.body)).where(
        col(Note.body) != "", mine(Note)
    )
    with db.read() as session:
        for resource_id, step_id, body in session.execute(query):
            if not body.strip():
                continue
            if resource_id is not None:
                found.resources[resource_id] = body
            elif step_id is not None:
                found.steps[step_id] = body
    return found
