"""Rows the planner tests put in the database directly, with the times they need."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from studyplan.db.database import Database
from studyplan.db.models import StudySession


def timed(db: Database, rid: str, start: datetime, minutes: int) -> None:
    """A finished timer session of ``minutes`` on resource ``rid`` from ``start``."""

    def work(session: Session) -> None:
        session.add(
            StudySession(
                resource_id=rid,
                started_at=start,
                ended_at=start + timedelta(minutes=minutes),
                seconds=minutes * 60,
            )
        )

    db.write(work)
