"""Remembered choices of the learner, such as the interface's theme."""

from __future__ import annotations

from sqlmodel import Session

from studyplan.db.database import Database
from studyplan.db.learner_scope import find_own
from studyplan.db.models import Preference


def get_preference(db: Database, key: str, default: str = "") -> str:
    """The remembered value of ``key``, or ``default``."""
    with db.read() as session:
        row = find_own(session, Preference, key=key)
        return row.value if row else default


def set_preference(db: Database, key: str, value: str) -> None:
    """Remember ``value`` for ``key``."""

    def work(session: Session) -> None:
        row = find_own(session, Preference, key=key) or Preference(key=key)
        row.value = value
        session.add(row)

    db.write(work)
