"""Rows the planner tests put in the database directly, with the times they need."""

from __future__ import annotations

from datetime import datetime

from studyplan.db.database import Database
from tests.tui.seeding import seed_sessions


def timed(db: Database, rid: str, start: datetime, minutes: int) -> None:
    """A finished timer session of ``minutes`` on resource ``rid`` from ``start``."""
    seed_sessions(db, [(rid, start, minutes)])
