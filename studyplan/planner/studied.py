"""Minutes studied, day by day: the rule the statistics and the plan share.

A day's minutes are the timer's sessions started that day, plus each resource done that day
at its estimate less the time the timer already counted on it (so nothing counts twice),
plus each lab passed that day at its estimate.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import and_, func, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from studyplan.db.learner_scope import mine
from studyplan.db.models import Lab, LabProgress, Progress, Resource, Step, StudySession


def local_day(moment: datetime | None, tz: tzinfo) -> date | None:
    """The learner's date of a stored moment (stored times are UTC, naive on SQLite)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(tz).date()


@dataclass
class StudyFacts:
    """What the database says about time studied, one query per table."""

    sessions: list[tuple[str, datetime, int]] = field(default_factory=list)
    """Finished timer sessions: resource id, started_at, seconds."""
    finished: list[tuple[str, datetime | None, str, int]] = field(default_factory=list)
    """Resources: id, finished_at, status, minutes."""
    labs: list[tuple[datetime | None, int]] = field(default_factory=list)
    """Labs: passed_at (None if not passed), minutes."""


def _resources(session: Session, within: tuple[datetime, datetime] | None) -> Any:
    status = func.coalesce(col(Progress.status), "todo")
    query: Any = (
        sa_select(col(Resource.id), col(Progress.finished_at), status, col(Resource.minutes))
        .join(Step, col(Step.id) == col(Resource.step_id))
        .outerjoin(Progress, and_(col(Progress.resource_id) == col(Resource.id), mine(Progress)))
        .where(col(Resource.retired_at).is_(None), col(Step.retired_at).is_(None))
    )
    if within is not None:
        query = query.where(col(Progress.finished_at) >= within[0])
        query = query.where(col(Progress.finished_at) < within[1])
    return session.execute(query)


def _labs(session: Session, within: tuple[datetime, datetime] | None) -> Any:
    query: Any = (
        sa_select(col(LabProgress.passed_at), col(Lab.minutes))
        .select_from(Lab)
        .join(Step, col(Step.id) == col(Lab.step_id))
        .outerjoin(LabProgress, and_(col(LabProgress.lab_id) == col(Lab.id), mine(LabProgress)))
        .where(col(Lab.retired_at).is_(None), col(Step.retired_at).is_(None))
    )
    if within is not None:
        query = query.where(col(LabProgress.passed_at) >= within[0])
        query = query.where(col(LabProgress.passed_at) < within[1])
    return session.execute(query)


def gather(session: Session, within: tuple[datetime, datetime] | None = None) -> StudyFacts:
    """The facts of every day, or only of the UTC span ``within`` (with every timer session
    of the resources finished in it, which their credit needs)."""
    facts = StudyFacts()
    facts.finished = [(r[0], r[1], r[2], int(r[3] or 0)) for r in _resources(session, within)]
    facts.labs = [(r[0], int(r[1] or 0)) for r in _labs(session, within)]
    query: Any = sa_select(
        col(StudySession.resource_id), col(StudySession.started_at), col(StudySession.seconds)
    ).where(col(StudySession.ended_at).is_not(None))
    if within is not None:
        in_span = (col(StudySession.started_at) >= within[0]) & (
            col(StudySession.started_at) < within[1]
        )
        finished_ids = [rid for rid, *_ in facts.finished]
        query = query.where(or_(in_span, col(StudySession.resource_id).in_(finished_ids)))
    facts.sessions = [(r[0], r[1], int(r[2] or 0)) for r in session.execute(query)]
    return facts


def minutes_by_day(facts: StudyFacts, tz: tzinfo) -> dict[date, int]:
    """Minutes studied on each day with any (the rule in the module docstring)."""
    seconds: dict[date, int] = defaultdict(int)
    timed: dict[str, int] = defaultdict(int)
    for resource_id, started, secs in facts.sessions:
        day = local_day(started, tz)
        if day is not None:
            seconds[day] += secs
        timed[resource_id] += secs
    for resource_id, finished_at, status, minutes in facts.finished:
        day = local_day(finished_at, tz)
        if status == "done" and day is not None:
            seconds[day] += max(0, minutes * 60 - timed.get(resource_id, 0))
    for passed_at, minutes in facts.labs:
        day = local_day(passed_at, tz)
        if day is not None:
            seconds[day] += minutes * 60
    return {day: round(secs / 60) for day, secs in seconds.items()}


def minutes_studied_on(session: Session, day: date, tz: tzinfo) -> int:
    """Minutes studied on ``day`` (the learner's date in ``tz``)."""
    start = datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
    return minutes_by_day(gather(session, (start, end)), tz).get(day, 0)
