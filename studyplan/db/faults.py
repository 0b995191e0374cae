"""Turn what the database driver raises into one line a user can act on.

A full disk, a read-only file or folder, a file that cannot be opened and a server that is
down each get their own message; nothing here prints.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from studyplan.errors import DatabaseError

LOW_SPACE_BYTES = 1024 * 1024
"""Less free space than this on the database's disk counts as a full disk."""


def driver_message(exc: BaseException) -> str:
    """The first line of the driver's own message (SQLAlchemy wraps it in ``orig``)."""
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def is_locked_error(exc: BaseException) -> bool:
    """Whether ``exc`` says the database is locked or busy."""
    text = driver_message(exc).lower()
    return "database is locked" in text or "database is busy" in text


CONFLICT_STATES = {
    "40001": "serialization failure",
    "40P01": "deadlock",
    "23505": "unique violation",
}
"""PostgreSQL errors that mean "another transaction got there first": run the work again.

Writes run SERIALIZABLE, so any read-then-write that another transaction invalidated fails
with 40001; two first inserts of the same key (a first note, an id) fail with 23505, and the
retry finds the row the other one made."""

DROPPED_STATES = ("08000", "08003", "08006", "57P01", "57P02", "57P03")
"""Connection lost, or the server shutting down or restarting."""


def sqlstate(exc: BaseException) -> str:
    """The SQLSTATE code of a server's error ('' when there is none)."""
    return str(getattr(getattr(exc, "orig", None), "sqlstate", "") or "")


def retry_kind(exc: BaseException) -> str | None:
    """How :meth:`Database.write` should treat ``exc``: ``busy`` (SQLite's lock: wait),
    ``conflict`` (another transaction won a race: run again), ``dropped`` (the connection
    died: run again once), or None (not to be retried)."""
    state = sqlstate(exc)
    if is_locked_error(exc) or state == "55P03":  # lock_not_available: lock_timeout passed
        return "busy"
    if state in CONFLICT_STATES:
        return "conflict"
    if state in DROPPED_STATES or getattr(exc, "connection_invalidated", False):
        return "dropped"
    return None


_UNREACHABLE = (
    "connection refused",
    "no such file or directory",
    "could not translate host name",
    "failed to resolve host",
    "name or service not known",
    "timeout expired",
    "network is unreachable",
    "no route to host",
    "the database system is starting up",
    "the database system is shutting down",
    "the database system is in recovery mode",
)
"""What drivers (libpq through psycopg) say when no server answers at the address."""

_SERVER_AT = re.compile(
    r'connection to server (?:on socket "(?P<socket>[^"]+)"|at "(?P<host>[^"]+)", '
    r"port (?P<port>\d+)) failed: (?P<reason>[^\n]*)"
)


def unreachable_server(exc: BaseException, where: str) -> DatabaseError | None:
    """The error for a database server that does not answer, or None if ``exc`` is another.

    ``where`` is the database URL as shown to the user (no password). The line names the
    server as the driver tried it (a socket, or a host and port) and what to check.
    """
    text = str(getattr(exc, "orig", None) or exc).strip()
    lower = text.lower()
    if not any(sign in lower for sign in _UNREACHABLE):
        return None
    found = _SERVER_AT.search(text)
    if found is not None and found["socket"]:
        server = f"on the socket {found['socket']}"
    elif found is not None:
        server = f"at {found['host']} port {found['port']}"
    else:
        server = _server_address(where)
    reason = (found["reason"] if found is not None else text.splitlines()[0]).strip()
    setting = f"STUDYPLAN_DATABASE_URL or the 'database_url' setting ({where})"
    if "resolve host" in lower or "translate host name" in lower or "service not known" in lower:
        ask = f"is the host name right? check {setting}"
    else:
        ask = f"is it running and accepting connections? check the server, then {setting}"
    return DatabaseError(
        f"cannot connect to the {_server_kind(where)} server {server} ({reason.rstrip('.')}): {ask}"
    )


def _server_kind(where: str) -> str:
    try:
        backend = make_url(where).get_backend_name()
    except (ArgumentError, ValueError):
        return "database"
    return {"postgresql": "PostgreSQL", "mysql": "MySQL", "mariadb": "MariaDB"}.get(
        backend, "database"
    )


def _server_address(where: str) -> str:
    """The server's address as the URL gives it (host, or ``host`` in the query, and port)."""
    try:
        url = make_url(where)
    except (ArgumentError, ValueError):
        return f"of {where}"
    host = url.host or str(url.query.get("host", "")) or "localhost"
    return f"at {host} port {url.port}" if url.port else f"at {host}"


def disk_is_full(folder: Path) -> bool:
    """Whether the disk holding ``folder`` has (almost) no free space left."""
    try:
        return shutil.disk_usage(folder).free < LOW_SPACE_BYTES
    except OSError:
        return False


_LOST = (
    "server closed the connection",
    "consuming input failed",
    "terminating connection",
    "connection is closed",
    "connection is lost",
    "the connection is bad",
)
"""What drivers say when a server's connection died under a statement."""


def explain(exc: BaseException, where: str, file: str | None, writing: bool) -> DatabaseError:
    """A :class:`DatabaseError` saying what ``exc`` means for the database at ``where``.

    ``file`` is the SQLite file (None for a server); ``writing`` says whether a change was
    being made (then the message says nothing was changed).
    """
    text = driver_message(exc)
    lower = text.lower()
    unchanged = "nothing was changed; " if writing else ""
    if file is None and (unreachable := unreachable_server(exc, where)) is not None:
        return unreachable
    folder = Path(file).parent if file else None
    if folder is not None and (
        "database or disk is full" in lower or ("disk i/o error" in lower and disk_is_full(folder))
    ):
        return DatabaseError(
            f"the disk holding {folder} is full: {unchanged}free some space and try again"
        )
    if file is not None and "readonly database" in lower:
        return DatabaseError(
            f"{file} is read-only: {unchanged}make it and its folder writable "
            f"(chmod u+w '{file}' '{folder}') to change anything; reading commands still work"
        )
    if file is not None and "unable to open database file" in lower:
        return DatabaseError(_cannot_open(Path(file)))
    if file is None and any(sign in lower for sign in _LOST):
        return DatabaseError(
            f"the connection to {where} was lost ({text.rstrip('.')}): {unchanged}check that "
            "the server is up, then try again"
        )
    if "disk i/o error" in lower:
        return DatabaseError(
            f"disk I/O error on {where}: {unchanged}check the disk (and that the file was not "
            "removed or replaced meanwhile), then try again"
        )
    return DatabaseError(f"{where}: {text}")


def _cannot_open(path: Path) -> str:
    folder = path.parent
    if not folder.exists():
        return f"cannot open {path}: the folder {folder} does not exist"
    if not os.access(folder, os.W_OK | os.X_OK):
        return (
            f"cannot open {path}: the folder {folder} is read-only, so SQLite cannot keep its "
            "journal there; make the folder writable, or set STUDYPLAN_HOME to a writable folder"
        )
    return f"cannot open {path}: check that it is a studyplan database and readable"
