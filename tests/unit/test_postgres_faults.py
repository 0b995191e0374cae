"""Faults a group's server can have: a connection that dies mid-write, an old server."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event, text

from studyplan.db.database import Database
from studyplan.errors import DatabaseError
from studyplan.settings import Settings


@pytest.fixture
def pg(postgres_server: Any, postgres_database: str, settings: Settings) -> Iterator[Database]:
    from studyplan.services.workspace import open_workspace

    db = open_workspace(settings.with_values(database_url=postgres_database, learner="ada"))
    yield db
    db.dispose()


def _kill_own_backend_on(db: Database, table: str, times: int, server: Any) -> list[int]:
    """Terminate the connection that is about to write into ``table``, ``times`` times."""
    killed: list[int] = []

    def before(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
        if len(killed) < times and statement.lstrip().upper().startswith(
            f"INSERT INTO {table.upper()}"
        ):
            pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
            with server.connect() as admin:
                admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
            killed.append(pid)

    event.listen(db.base_engine, "before_cursor_execute", before)
    return killed


def test_a_connection_dropped_mid_write_is_retried_once(pg: Database, postgres_server: Any) -> None:
    from studyplan.services.progress import set_status

    killed = _kill_own_backend_on(pg, "activity", 1, postgres_server)
    change = set_status(pg, "intro-video", "done")
    assert change.after == "done" and len(killed) == 1
    with pg.read() as session:
        rows = session.execute(text("SELECT learner, to_status FROM activity")).all()
    assert rows == [("ada", "done")]  # written once, by the retry


def test_a_connection_dropped_twice_is_one_line_and_nothing_written(
    pg: Database, postgres_server: Any
) -> None:
    from studyplan.services.progress import set_status

    _kill_own_backend_on(pg, "activity", 2, postgres_server)
    with pytest.raises(DatabaseError) as caught:
        set_status(pg, "intro-video", "done")
    assert "\n" not in str(caught.value)
    assert "was lost" in str(caught.value) and "nothing was changed" in str(caught.value)
    with pg.read() as session:
        assert session.execute(text("SELECT COUNT(*) FROM activity")).scalar() == 0
        assert session.execute(text("SELECT COUNT(*) FROM progress")).scalar() == 0


def test_a_server_older_than_supported_is_refused_in_one_line(pg: Database) -> None:
    from studyplan.services.group import check_server

    with pg.read() as session:
        version = int(session.execute(text("SHOW server_version_num")).scalar_one())
    check_server(pg)  # this server is new enough
    with pytest.raises(
        DatabaseError, match=r"runs PostgreSQL \d+; .* need PostgreSQL \d+ or newer"
    ):
        check_server(pg, minimum=version + 10000)


def test_serialization_conflicts_are_retried(pg: Database, postgres_database: str) -> None:
    """Two writers that read then write the same row: the loser runs again and wins."""
    from studyplan.db.open import open_database
    from studyplan.services.notes import get_note, save_note

    other = open_database(postgres_database, learner="ada")
    save_note(pg, "basics-notes", "first change: ada's row exists before the race")
    conflicts: list[int] = []
    pg.on_wait = lambda attempt, waited: conflicts.append(attempt)
    first = {"done": False}

    def meddle(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
        if not first["done"] and statement.lstrip().upper().startswith("INSERT INTO NOTE"):
            first["done"] = True
            save_note(other, "intro-video", "written meanwhile")  # commits first

    event.listen(pg.base_engine, "before_cursor_execute", meddle)
    save_note(pg, "intro-video", "mine")
    note = get_note(pg, "intro-video")
    assert note is not None and note.body == "mine"
    with pg.read() as session:
        kept = session.execute(text("SELECT body FROM note_version")).scalars().all()
    assert kept == ["written meanwhile"]
    other.dispose()


def test_a_table_locked_by_another_session_makes_a_write_wait_then_say_busy(
    pg: Database, postgres_server: Any, postgres_database: str
) -> None:
    """A session holding a lock (a learner's psql can lock a table) does not hang studyplan."""
    from sqlalchemy.engine import make_url

    from studyplan.errors import DatabaseBusyError
    from studyplan.services.progress import set_status

    pg.patience_seconds = 3.0
    waits: list[int] = []
    pg.on_wait = lambda attempt, waited: waits.append(attempt)
    name = make_url(postgres_database).database
    with postgres_server.connect(name) as holder:
        holder.autocommit = False
        holder.execute("LOCK TABLE progress IN ACCESS EXCLUSIVE MODE")
        with pytest.raises(DatabaseBusyError, match="nothing was changed"):
            set_status(pg, "intro-video", "done")
        holder.rollback()
    assert waits  # it said it was waiting
    assert set_status(pg, "intro-video", "done").after == "done"  # the lock gone, it works
