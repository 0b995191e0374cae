"""Open the database: create or upgrade it, detect damage, back up before migrating.

Creating and migrating a SQLite database is done by one process at a time: a file lock
next to the database (``studyplan.db.lock``) makes twenty first runs at once wait for the
one that creates the schema, then go on. A file or folder that cannot be written is opened
read-only: reading commands work, writes say what to do.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, inspect, text
from sqlalchemy.exc import DatabaseError as SADatabaseError
from sqlalchemy.exc import DBAPIError, OperationalError

from studyplan import paths
from studyplan.db import learners, revision
from studyplan.db.backups import backup_database, latest_backup
from studyplan.db.database import Database, WaitCallback
from studyplan.db.engine import display_url, make_engine, parse_url, sqlite_file
from studyplan.db.faults import driver_message, explain, unreachable_server
from studyplan.errors import DatabaseBusyError, DatabaseError
from studyplan.learner_names import system_learner

__all__ = ["backup_database", "current_revision", "latest_backup", "open_database"]


def open_database(
    url: str,
    patience_seconds: float = 10.0,
    backups_keep: int = 7,
    on_wait: WaitCallback | None = None,
    learner: str = "",
) -> Database:
    """Return a ready database at ``url``: created, checked and at the newest revision.

    ``learner`` is who works (the rows the handle reads and writes are theirs); on a group's
    PostgreSQL server the login role of a group member decides instead; empty means the
    operating-system user.
    """
    learner = learner or system_learner()
    file = sqlite_file(parse_url(url))
    if file is None:
        return _open_server(url, patience_seconds, learner)
    path = Path(file)
    _prepare_folder(path)
    if path.exists() and not _writable(path):
        return _open_read_only(url, path, patience_seconds, learner)
    db = Database(
        make_engine(url, min(patience_seconds, 2.0)),
        url,
        patience_seconds,
        False,
        backups_keep,
        learner=learner,
    )
    db.on_wait = on_wait
    db.created_now = not _has_data(path)
    try:
        current = _inspect(db, path, check=not db.created_now)
        if current != revision.HEAD:
            with creation_lock(path, patience_seconds, on_wait):
                current = _inspect(db, path, check=False)
                if current != revision.HEAD:
                    _bring_to_head(db, current)
        learners.take_seat(db, learner)
    except BaseException:
        db.dispose()
        raise
    return db


MIGRATION_LOCK = 0x5354_5544_5950_4C4E
"""The PostgreSQL advisory lock held while one process creates or upgrades the schema."""


def _open_server(url: str, patience_seconds: float, learner: str = "") -> Database:
    db = Database(make_engine(url), url, patience_seconds, learner=learner)
    try:
        with db.engine.connect() as conn:
            current = current_revision(conn)
        if current != revision.HEAD:
            with _server_lock(db):
                with db.engine.connect() as conn:
                    current = current_revision(conn)
                if current != revision.HEAD:
                    _bring_to_head(db, current)
        learners.take_seat(db, learner)
    except DBAPIError as exc:
        db.dispose()
        shown = display_url(url)
        raise unreachable_server(exc, shown) or DatabaseError(
            f"cannot open {shown}: {driver_message(exc)}"
        ) from None
    except BaseException:
        db.dispose()
        raise
    return db


@contextmanager
def _server_lock(db: Database) -> Iterator[None]:
    """On PostgreSQL, one process at a time creates or upgrades the schema (advisory lock)."""
    if db.engine.dialect.name != "postgresql":
        yield
        return
    with db.base_engine.connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
        conn.commit()
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK})
            conn.commit()


def _open_read_only(url: str, path: Path, patience_seconds: float, learner: str) -> Database:
    db = Database(
        make_engine(url, 2.0, read_only=True),
        url,
        patience_seconds,
        read_only=True,
        learner=learner,
    )
    try:
        current = _inspect(db, path, check=True)
    except BaseException:
        db.dispose()
        raise
    if current != revision.HEAD:
        db.dispose()
        raise DatabaseError(
            f"{path} is read-only and needs an upgrade this studyplan cannot write; make it "
            "and its folder writable and run studyplan again"
        )
    return db


def _writable(path: Path) -> bool:
    """Whether SQLite can write ``path`` and keep its journal files beside it."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK | os.X_OK)


def _has_data(path: Path) -> bool:
    return path.exists() and path.stat().st_size > 0


def _prepare_folder(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseError(
            f"cannot create the folder {path.parent} ({exc.strerror}); set STUDYPLAN_HOME "
            "to a folder you can write"
        ) from None
    if not path.exists() and not os.access(path.parent, os.W_OK | os.X_OK):
        raise DatabaseError(
            f"cannot create {path}: the folder {path.parent} is read-only; make it writable "
            "or set STUDYPLAN_HOME to a folder you can write"
        )


def _inspect(db: Database, path: Path, check: bool) -> str | None:
    """The stored revision; with ``check``, run SQLite's quick integrity check first."""
    try:
        with db.engine.connect() as conn:
            if check:
                _check_integrity(conn, path)
            return current_revision(conn)
    except OperationalError as exc:
        if _is_damage(exc):
            raise _corrupt(path, [driver_message(exc)]) from None
        raise explain(exc, str(path), str(path), writing=False) from None
    except SADatabaseError as exc:
        raise _corrupt(path, [driver_message(exc)]) from None


def _is_damage(exc: BaseException) -> bool:
    text = driver_message(exc).lower()
    return "malformed" in text or "not a database" in text or "corrupt" in text


@contextmanager
def creation_lock(
    path: Path, patience_seconds: float, on_wait: WaitCallback | None
) -> Iterator[None]:
    """Hold the lock file next to ``path`` while creating or migrating the database."""
    from filelock import FileLock, Timeout

    lock = FileLock(f"{path}.lock")
    try:
        lock.acquire(timeout=0)
    except Timeout:
        if on_wait is not None:
            on_wait(1, 0.0)
        try:
            lock.acquire(timeout=max(patience_seconds, 30.0))
        except Timeout:
            raise DatabaseBusyError(
                f"another studyplan has been creating or upgrading {path} for too long; "
                f"if none is running, remove {lock.lock_file} and try again"
            ) from None
    except OSError as exc:
        raise DatabaseError(f"cannot create the lock file {lock.lock_file} ({exc})") from None
    try:
        yield
    finally:
        lock.release()


def current_revision(conn: Connection) -> str | None:
    """The Alembic revision stored in the database, or None for an empty database."""
    try:
        row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
    except OperationalError as exc:
        if "no such table" not in driver_message(exc).lower():
            raise
        conn.rollback()
        return None
    except SADatabaseError as exc:
        if "does not exist" in str(exc.orig) or "no such table" in str(exc.orig):
            conn.rollback()
            return None
        raise
    return row[0] if row else None


def _check_integrity(conn: Connection, path: Path) -> None:
    if conn.dialect.name != "sqlite":
        return
    rows = conn.exec_driver_sql("PRAGMA quick_check").fetchall()
    if [r[0] for r in rows] != ["ok"]:
        raise _corrupt(path, [str(r[0]) for r in rows])


def _corrupt(path: Path, details: list[str]) -> DatabaseError:
    """The damaged-database error: details go to a report file, the message names it."""
    report = _write_damage_report(path, details)
    seen = f" (details in {report})" if report else ""
    backup = latest_backup()
    hint = (
        f"the latest backup is {backup}: move the damaged file away and copy the backup in its place"
        if backup
        else "no backup exists; move the damaged file away to start afresh"
    )
    return DatabaseError(f"{path} is damaged{seen}; {hint}")


def _write_damage_report(path: Path, details: list[str]) -> Path | None:
    now = datetime.now(UTC)
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    report = paths.data_dir() / f"damage-report-{now:%Y%m%d}.txt"  # one a day, the latest
    lines = [f"studyplan found {path} damaged at {stamp}.", "", "SQLite says:", *details, ""]
    try:
        report.write_text("\n".join(lines), encoding="utf-8")
    except OSError:
        return None
    return report


def _bring_to_head(db: Database, current: str | None) -> None:
    if current is not None and current not in revision.KNOWN:
        raise DatabaseError(
            f"{db.display} is at revision {current}, newer than this studyplan knows "
            f"({revision.HEAD}); upgrade studyplan"
        )
    if current is None:
        tables = set(inspect(db.engine).get_table_names())
        if tables - {"alembic_version"}:
            raise DatabaseError(
                f"{db.display} holds tables that are not studyplan's; "
                "point STUDYPLAN_DATABASE_URL at another database"
            )
    elif db.file is not None:
        backup_database(db.file, f"rev{current}")
    from studyplan.db import migrate

    try:
        migrate.upgrade(db.base_engine, learner=db.learner)
    except OperationalError as exc:
        raise explain(exc, db.display, db.file, writing=True) from None
