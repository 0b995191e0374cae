"""Progress at fixed moments, for the plan and statistics screens (and their benchmark).

The services stamp progress with the real clock; pictures and counts must not depend on the
day the tests run, so these helpers write rows with the moments they are given.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlmodel import Session, col, select

from studyplan.db.database import Database
from studyplan.db.learner_scope import find_own
from studyplan.db.models import Progress, Resource, Step, StudySession
from studyplan.planner.service import set_pace

NOW = datetime(2025, 3, 12, 9, 0, tzinfo=UTC)
"""The pinned moment of the screens' tests (a Wednesday): STUDYPLAN_NOW."""


def resource_ids(db: Database) -> list[str]:
    """Every resource id in study order."""
    with db.read() as session:
        query: Any = (
            select(Resource.id)
            .join(Step, col(Step.id) == col(Resource.step_id))
            .order_by(col(Step.curriculum_id), col(Step.number), col(Resource.position))
        )
        return list(session.execute(query).scalars())


def seed_pace(db: Database, start: date, hours: float = 5, days: str = "mon,wed,sat") -> None:
    """Store a pace starting on ``start``."""
    set_pace(db, start, hours_per_week=hours, days=days, start=start)


def seed_finished(db: Database, finished: dict[str, datetime], status: str = "done") -> None:
    """Mark resources finished at the given moments."""

    def work(session: Session) -> None:
        for resource_id, moment in finished.items():
            row = find_own(session, Progress, resource_id=resource_id) or Progress(
                resource_id=resource_id
            )
            row.status = status
            at = moment.astimezone(UTC)
            row.started_at = at - timedelta(hours=1)
            row.finished_at = at
            session.add(row)

    db.write(work)


def seed_in_progress(db: Database, resource_id: str, moment: datetime) -> None:
    """Mark a resource in progress since ``moment``."""

    def work(session: Session) -> None:
        row = find_own(session, Progress, resource_id=resource_id) or Progress(
            resource_id=resource_id
        )
        row.status = "in_progress"
        row.started_at = moment.astimezone(UTC)
        session.add(row)

    db.write(work)


def seed_sessions(db: Database, sessions: list[tuple[str, datetime, int]]) -> None:
    """Timer sessions: (resource id, start, minutes)."""

    def work(session: Session) -> None:
        for resource_id, start, minutes in sessions:
            begun = start.astimezone(UTC)
            session.add(
                StudySession(
                    resource_id=resource_id,
                    started_at=begun,
                    ended_at=begun + timedelta(minutes=minutes),
                    seconds=minutes * 60,
                )
            )

    db.write(work)


def activity_days(today: date, count: int, every: int = 1) -> list[date]:
    """``count`` days ending today, ``every`` days apart, oldest first."""
    return [today - timedelta(days=every * n) for n in range(count - 1, -1, -1)]


def seed_year(db: Database, now: datetime, days: int = 365) -> list[date]:
    """A year of daily study: a timer session every day (25 to 145 minutes, in turn), and
    a resource finished every few days while resources last. The days, oldest first."""
    ids = resource_ids(db)
    today = now.astimezone(UTC).date()
    studied = activity_days(today, days)
    sessions = []
    finished: dict[str, datetime] = {}
    for n, day in enumerate(studied):
        start = datetime.combine(day, time(7, 0), tzinfo=UTC)
        resource = ids[min(n * len(ids) // days, len(ids) - 1)]
        sessions.append((resource, start, 25 + (n * 37) % 121))
        if n % 9 == 8 and len(finished) < len(ids) - 5:
            finished[ids[len(finished)]] = start + timedelta(hours=3)
    seed_sessions(db, sessions)
    seed_finished(db, finished)
    return studied


def seed_snapshot_progress(db: Database) -> None:
    """The progress the screens' pictures show, as of :data:`NOW`: a pace from 3 March, the
    first two resources done in February, the third in progress, and timer sessions (on the
    first two, the last three on the third) on 40 days of the last five months."""
    ids = resource_ids(db)
    seed_pace(db, date(2025, 3, 3))
    seed_finished(
        db,
        {
            ids[0]: datetime(2025, 2, 10, 20, 0, tzinfo=UTC),
            ids[1]: datetime(2025, 2, 24, 20, 0, tzinfo=UTC),
        },
    )
    seed_in_progress(db, ids[2], datetime(2025, 3, 1, 18, 0, tzinfo=UTC))
    today = NOW.date()
    sessions = [
        (
            ids[2] if n >= 37 else ids[n % 2],
            datetime.combine(day, time(19, 0), tzinfo=UTC),
            15 + (n * 29) % 140,
        )
        for n, day in enumerate(activity_days(today - timedelta(days=1), 40, every=4))
    ]
    seed_sessions(db, sessions)
