"""The study timer: start and stop timing a resource; time spent is logged per session."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from studyplan.db.database import Database
from studyplan.db.models import StudySession, utcnow
from studyplan.services.catalog_query import find_view


@dataclass(frozen=True)
class TimerState:
    """Which resource is being timed, if any, and the total logged on it."""

    resource_id: str | None
    running: bool
    seconds_logged: int
    started_at: datetime | None = None
    """When the running timer started (None when it is not running)."""


def _open_session(session: Session) -> StudySession | None:
    query = select(StudySession).where(col(StudySession.ended_at).is_(None))
    return session.execute(query).scalars().first()


def _close(session: Session, open_: StudySession) -> None:
    now = utcnow()
    open_.ended_at = now
    open_.seconds = max(0, int((now - open_.started_at).total_seconds()))
    session.add(open_)


def toggle_timer(db: Database, ref: str) -> TimerState:
    """Start timing ``ref``; if it is being timed, stop. Any other open timer is stopped."""

    def work(session: Session) -> TimerState:
        view = find_view(session, ref)
        open_ = _open_session(session)
        running = True
        if open_ is not None:
            running = open_.resource_id != view.id
            _close(session, open_)
        started = utcnow() if running else None
        if started is not None:
            session.add(StudySession(resource_id=view.id, started_at=started))
        session.flush()
        return TimerState(view.id, running, _logged(session, view.id), started)

    return db.write(work, serializable=True)  # one running timer: no key says so


def stop_timer(db: Database) -> TimerState | None:
    """Stop whatever timer is running; None if none was."""

    def work(session: Session) -> TimerState | None:
        open_ = _open_session(session)
        if open_ is None:
            return None
        _close(session, open_)
        session.flush()
        return TimerState(open_.resource_id, False, _logged(session, open_.resource_id))

    return db.write(work, serializable=True)  # one running timer: no key says so


def timer_state(db: Database) -> TimerState | None:
    """The running timer, if any."""
    with db.read() as session:
        open_ = _open_session(session)
        if open_ is None:
            return None
        logged = _logged(session, open_.resource_id)
        return TimerState(open_.resource_id, True, logged, open_.started_at)


def seconds_logged(db: Database, resource_id: str) -> int:
    """Total seconds logged on ``resource_id`` by finished timer sessions."""
    with db.read() as session:
        return _logged(session, resource_id)


def _logged(session: Session, resource_id: str) -> int:
    query = select(func.coalesce(func.sum(col(StudySession.seconds)), 0)).where(
        col(StudySession.resource_id) == resource_id
    )
    return int(session.execute(query).scalar_one())
