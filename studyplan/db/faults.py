"""Turn what the database driver raises into one line a user can act on.

A full disk, a read-only file or folder, a file that cannot be opened and a server that is
down each get their own message; nothing here prints.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

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
    if is_locked_error(exc):
        return "busy"
    state = sqlstate(exc)
    if state in CONFLICT_STATES:
        return "conflict"
    if state in DROPPED_STATES or getattr(exc, "connection_invalidated", False):
        return "dropped"
    return None


def disk_is_full(folder: Path) -> bool:
    """Whether the disk holding ``folder`` has (almost) no free space left."""
    try:
        return shutil.disk_usage(folder).free < LOW_SPACE_BYTES
    except OSError:
        return False


def explain(exc: BaseException, where: str, file: str | None, writing: bool) -> DatabaseError:
    """A :class:`DatabaseError` saying what ``exc`` means for the database at ``where``.

    ``file`` is the SQLite file (None for a server); ``writing`` says whether a change was
    being made (then the message says nothing was changed).
    """
    text = driver_message(exc)
    lower = text.lower()
    unchanged = "nothing was changed; " if writing else ""
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
