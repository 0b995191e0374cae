"""Open the database: create or upgrade it, detect corruption, back up before migrating."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
from sqlalchemy.exc import DatabaseError as SADatabaseError

from studyplan import paths
from studyplan.db import revision
from studyplan.db.database import Database
from studyplan.db.engine import make_engine, sqlite_file
from studyplan.errors import DatabaseError


def open_database(url: str, patience_seconds: float = 10.0) -> Database:
    """Return a ready database at ``url``: created, checked and at the newest revision."""
    file = sqlite_file(url)
    existed = False
    if file is not None:
        path = Path(file)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseError(f"cannot create {path.parent} ({exc.strerror})") from None
        existed = path.exists() and path.stat().st_size > 0
    engine = _engine(url, patience_seconds)
    db = Database(engine, url, patience_seconds)
    try:
        with engine.connect() as conn:
            if existed:
                _check_integrity(conn, file or url)
            current = current_revision(conn)
    except DatabaseError:
        engine.dispose()
        raise
    except OperationalError as exc:
        engine.dispose()
        raise DatabaseError(f"cannot open {file or url}: {exc.orig}") from None
    except SADatabaseError as exc:
        engine.dispose()
        raise _corrupt(file or url, str(exc.orig)) from None
    if current != revision.HEAD:
        _bring_to_head(db, current)
    return db


def _engine(url: str, patience_seconds: float) -> Engine:
    try:
        return make_engine(url, busy_timeout_seconds=min(patience_seconds, 2.0))
    except ModuleNotFoundError as exc:
        raise DatabaseError(
            f"the database URL needs the Python driver '{exc.name}'; install it "
            f"(pip install {exc.name}) or set STUDYPLAN_DATABASE_URL to another database"
        ) from None
    except (ArgumentError, NoSuchModuleError) as exc:
        raise DatabaseError(
            f"'{url}' is not a database URL studyplan can use ({exc}); "
            "fix STUDYPLAN_DATABASE_URL or the 'database_url' setting"
        ) from None


def current_revision(conn: Connection) -> str | None:
    """The Alembic revision stored in the database, or None for an empty database."""
    try:
        row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
    except OperationalError:
        conn.rollback()
        return None
    except SADatabaseError as exc:
        if "does not exist" in str(exc.orig) or "no such table" in str(exc.orig):
            conn.rollback()
            return None
        raise
    return row[0] if row else None


def _check_integrity(conn: Connection, where: str) -> None:
    if conn.dialect.name != "sqlite":
        return
    rows = conn.exec_driver_sql("PRAGMA quick_check").fetchall()
    if [r[0] for r in rows] != ["ok"]:
        raise _corrupt(where, "; ".join(str(r[0]) for r in rows[:3]))


def _corrupt(where: str, detail: str) -> DatabaseError:
    backup = latest_backup()
    hint = (
        f"the latest backup is {backup}: move the damaged file away and copy the backup in its place"
        if backup
        else "no backup exists; move the damaged file away to start afresh"
    )
    return DatabaseError(f"{where} is damaged ({detail}); {hint}")


def _bring_to_head(db: Database, current: str | None) -> None:
    if current is not None and current not in revision.KNOWN:
        raise DatabaseError(
            f"{db.file or db.url} is at revision {current}, newer than this studyplan knows "
            f"({revision.HEAD}); upgrade studyplan"
        )
    if current is None:
        tables = set(inspect(db.engine).get_table_names())
        if tables - {"alembic_version"}:
            raise DatabaseError(
                f"{db.file or db.url} holds tables that are not studyplan's; "
                "point STUDYPLAN_DATABASE_URL at another database"
            )
    elif db.file is not None:
        backup_database(db.file, f"rev{current}")
    from studyplan.db import migrate

    migrate.upgrade(db.engine)


def backup_database(file: str, label: str = "") -> Path:
    """Copy the SQLite database ``file`` to a timestamped file in the backups folder."""
    folder = paths.backups_dir()
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    suffix = f"-{label}" if label else ""
    target = folder / f"studyplan-{stamp}{suffix}.db"
    source = sqlite3.connect(file)
    try:
        destination = sqlite3.connect(target)
        try:
            source.backup(destination)
        finally:
            destination.close()
    finally:
        source.close()
    return target


def latest_backup() -> Path | None:
    """The newest backup file, if any."""
    folder = paths.backups_dir()
    if not folder.is_dir():
        return None
    backups = sorted(folder.glob("studyplan-*.db"))
    return backups[-1] if backups else None
