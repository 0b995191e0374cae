"""Who works with a database handle: the learner row behind every learner-owned row."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, literal_column, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from studyplan.db.database import Database
from studyplan.db.models import Learner, utcnow
from studyplan.errors import DatabaseError


def insert_or_ignore(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` into ``table``, leaving alone those whose key exists (any process)."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(postgresql.insert(table).on_conflict_do_nothing(), rows)
    elif dialect == "sqlite":
        session.execute(sqlite.insert(table).on_conflict_do_nothing(), rows)
    else:  # pragma: no cover - other servers: a plain insert, retried on a clash
        session.execute(table.insert(), rows)


def role_learner(db: Database) -> str | None:
    """On PostgreSQL, the learner whose login role this connection uses (None otherwise)."""
    if db.engine.dialect.name != "postgresql":
        return None
    query = select(col(Learner.name)).where(
        col(Learner.role_name) == literal_column("current_user"),
        col(Learner.removed_at).is_(None),
    )
    with db.read() as session:
        return session.execute(query).scalar()


def take_seat(db: Database, wanted: str) -> None:
    """Make ``db`` work as its learner: a group member's role decides, else ``wanted``.

    The learner's row is made by their first change (:meth:`Database.write`), so that an
    organiser who only looks at the group does not become a learner.
    """
    member = role_learner(db)
    if member is not None:
        db.use_learner(member)
        db.group_member = True
        return
    db.use_learner(wanted)
    with db.read() as session:
        row = session.get(Learner, wanted)
    if row is not None and row.removed_at is not None:
        raise DatabaseError(
            f"the learner '{wanted}' was removed from the group on {row.removed_at:%Y-%m-%d}; "
            "ask the organiser to add them again, or set 'learner' to another name"
        )


def ensure_seat(session: Session, learner: str) -> None:
    """Inside a write: the learner's row, made if missing (by whichever process is first)."""
    if not learner or session.get(Learner, learner) is not None:
        return
    table = Learner.__table__  # type: ignore[attr-defined]
    row = {"name": learner, "share_notes": False, "created_at": utcnow()}
    insert_or_ignore(session, table, [row])
