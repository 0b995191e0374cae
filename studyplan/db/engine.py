"""Engine factory and database URLs. SQLite gets WAL, foreign keys and a busy timeout.

Every URL shown to the user goes through :func:`display_url`, which hides the password.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from studyplan.db.plain_sqlite import CONNECT_PRAGMAS, WRITE_PRAGMAS
from studyplan.errors import DatabaseError

DRIVER_PACKAGES = {
    "MySQLdb": "mysqlclient",
    "pymysql": "PyMySQL",
    "mysql": "mysql-connector-python",
    "mariadb": "mariadb",
    "psycopg": "psycopg[binary]",
    "psycopg2": "psycopg2-binary",
    "pg8000": "pg8000",
    "asyncpg": "asyncpg",
    "oracledb": "oracledb",
    "cx_Oracle": "cx-Oracle",
    "pyodbc": "pyodbc",
    "pymssql": "pymssql",
}
"""The package a user installs for each Python driver module SQLAlchemy imports."""

_PASSWORD = re.compile(r"(?P<head>://[^:/@\s]*:)[^@\s]*(?=@)")


_SECRET_KEYS = re.compile(r"pass|pwd|secret|token|key|auth", re.IGNORECASE)
_SECRET_QUERY = re.compile(
    r"(?P<head>[?&][^=&#]*(?:pass|pwd|secret|token|key|auth)[^=&#]*=)[^&#]*", re.IGNORECASE
)


def display_url(url: str) -> str:
    """``url`` with its password (and secrets in its query string) shown as ``***``."""
    try:
        parsed = make_url(url)
        hidden = {k: ("***" if _SECRET_KEYS.search(k) else v) for k, v in parsed.query.items()}
        shown = parsed.set(query=hidden).render_as_string(hide_password=True)
        # a socket folder in the query (``?host=/run/postgresql``) reads as the folder
        return shown.replace("=%2A%2A%2A", "=***").replace("%2F", "/")
    except (ArgumentError, ValueError, TypeError):
        return _SECRET_QUERY.sub(r"\g<head>***", _PASSWORD.sub(r"\g<head>***", url))


def parse_url(url: str) -> URL:
    """Parse a database URL; a URL studyplan cannot use is a :class:`DatabaseError`."""
    try:
        parsed = make_url(url)
        parsed.get_dialect()
    except ModuleNotFoundError as exc:
        raise missing_driver(url, exc.name or "") from None
    except (ArgumentError, NoSuchModuleError, ValueError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DatabaseError(
            f"'{display_url(url)}' is not a database URL studyplan can use ({reason}); "
            "fix STUDYPLAN_DATABASE_URL or the 'database_url' setting"
        ) from None
    return parsed


def missing_driver(url: str, module: str) -> DatabaseError:
    """The error for a URL whose Python driver is not installed, naming the package."""
    top = module.split(".")[0]
    package = DRIVER_PACKAGES.get(top, top)
    return DatabaseError(
        f"the database URL {display_url(url)} needs the Python driver '{top}'; install it "
        f"(pip install '{package}') or set STUDYPLAN_DATABASE_URL to another database"
    )


def is_sqlite(url: str | URL) -> bool:
    """Whether ``url`` names a SQLite database."""
    parsed = url if isinstance(url, URL) else make_url(url)
    return parsed.get_backend_name() == "sqlite"


def sqlite_file(url: str | URL) -> str | None:
    """The file of a SQLite URL, or None for other databases and in-memory SQLite."""
    parsed = url if isinstance(url, URL) else make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database or ""
    return None if database in ("", ":memory:") else database


WRITE_BUSY_MS = 250
"""How long SQLite itself waits for the write lock before :meth:`Database.write` takes over
(it retries with backoff and says "waiting" at once, instead of after a silent wait)."""


def make_engine(url: str, busy_timeout_seconds: float = 2.0, read_only: bool = False) -> Engine:
    """Create an engine for ``url``; for SQLite, install the pragmas and explicit BEGINs.

    Write transactions on SQLite start with ``BEGIN IMMEDIATE`` (execution option
    ``sqlite_immediate``) so two processes never deadlock upgrading a read lock; they wait
    :data:`WRITE_BUSY_MS` for the lock, reads ``busy_timeout_seconds``.
    ``read_only`` opens a SQLite file that cannot be written (a read-only file or folder):
    reading works, any write fails at once.
    """
    parsed = parse_url(url)
    if not is_sqlite(parsed):
        try:
            engine = create_engine(parsed)
        except ModuleNotFoundError as exc:
            raise missing_driver(url, exc.name or "") from None
        if parsed.get_backend_name() == "postgresql":
            event.listen(engine, "connect", _session_in_utc)
        return engine
    file = sqlite_file(parsed)
    options: dict[str, Any] = {"connect_args": {"check_same_thread": False}}
    if read_only and file is not None:
        options["creator"] = _read_only_connector(Path(file))
    engine = create_engine(parsed, **options)
    timeout_ms = int(busy_timeout_seconds * 1000)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {timeout_ms}")
        record.info["busy_timeout_ms"] = timeout_ms
        for pragma in CONNECT_PRAGMAS + (WRITE_PRAGMAS if file and not read_only else ()):
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        immediate = connection.get_execution_options().get("sqlite_immediate", False)
        wanted = WRITE_BUSY_MS if immediate else timeout_ms
        if connection.info.get("busy_timeout_ms") != wanted:
            connection.exec_driver_sql(f"PRAGMA busy_timeout = {wanted}")
            connection.info["busy_timeout_ms"] = wanted
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


LOCK_TIMEOUT_MS = 2000
"""How long one PostgreSQL statement waits for a lock another session holds."""


def _session_in_utc(dbapi_connection: Any, record: Any) -> None:
    """Run each PostgreSQL session in UTC, whatever the server's own time zone.

    A column without a time zone (``pace.updated_at``) keeps what it is given in the
    session's zone and returns it without one, which studyplan reads as UTC (as it does on
    SQLite): on a server in Asia/Kolkata the pace was stamped 5 h 30 in the future. The
    ``SET`` is committed at once: a later rollback would otherwise undo it.
    """
    autocommit = dbapi_connection.autocommit
    dbapi_connection.autocommit = True
    cursor = dbapi_connection.cursor()
    cursor.execute("SET TIME ZONE 'UTC'")
    # a lock another session holds (a learner's psql can lock a whole table) fails this
    # statement after a while instead of waiting for ever: Database.write waits and retries
    # within its patience, then says the database is busy
    cursor.execute(f"SET lock_timeout = '{LOCK_TIMEOUT_MS}ms'")
    cursor.close()
    dbapi_connection.autocommit = autocommit


def _read_only_connector(path: Path) -> Any:
    """Connect read-only; in a folder where SQLite cannot create its WAL index, immutable."""
    folder_writable = _writable(path.parent)
    wal_files = all(Path(f"{path}{suffix}").exists() for suffix in ("-wal", "-shm"))
    flags = "mode=ro" if folder_writable or wal_files else "mode=ro&immutable=1"
    uri = f"{path.resolve().as_uri()}?{flags}"

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(uri, uri=True, check_same_thread=False)

    return connect


def _writable(path: Path) -> bool:
    import os

    return os.access(path, os.W_OK)
