"""Appending rows to a SQLite database at head with the standard library alone.

Opening a database the usual way (:func:`studyplan.db.open.open_database`) imports
SQLAlchemy, SQLModel and pydantic: half a second of CPU, more than a link check of 2,000
URLs spends on its requests. A process that only appends rows to one table of a database
that is already there and up to date (the storing process of ``links check``) can use
:mod:`sqlite3` directly: :func:`open_at_head` opens the file only when nothing else is
needed first (it exists, can be written, passes the quick check, is at :data:`HEAD`), and
:func:`insert_rows` appends in one transaction. Anything else (a file to create or migrate,
damage, a lock held too long, a full disk) is ``None`` or :class:`sqlite3.Error`: the caller
then goes the usual way, which waits, migrates or says in one line what is wrong.

The values written are the ones SQLAlchemy writes (:func:`sqlite_datetime`,
:func:`dump_json`); a test holds the two ways to the same bytes.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3

from studyplan.db import revision

TYPE_CHECKING = False  # not typing's: importing typing costs a link check 3 ms
if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from datetime import datetime
    from typing import Any

CONNECT_PRAGMAS = ("PRAGMA foreign_keys = ON",)
"""Run on every connection to a SQLite database."""
WRITE_PRAGMAS = ("PRAGMA journal_mode = WAL", "PRAGMA synchronous = NORMAL")
"""Run on every connection to a SQLite file that may be written."""

_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": "))


def dump_json(value: Any) -> str:
    """Serialize a list or mapping for a JSON text column."""
    return _ENCODER.encode(value)


def sqlite_datetime(moment: datetime) -> str:
    """``moment`` as SQLAlchemy stores a DateTime in SQLite: UTC, no zone, microseconds.

    A moment without a zone is taken as UTC already (as studyplan reads them back).
    """
    if moment.tzinfo is not None:
        offset = moment.utcoffset()
        if offset:
            moment = moment - offset
        moment = moment.replace(tzinfo=None)
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def open_at_head(file: str, busy_seconds: float = 2.0) -> sqlite3.Connection | None:
    """The SQLite database ``file`` opened for appending, or None if it needs more first.

    None when the file does not exist or is empty, cannot be written (or its folder, where
    the write-ahead log lives), fails ``PRAGMA quick_check``, or is not at the newest
    revision: the usual way creates, migrates, or explains. A write waits ``busy_seconds``
    for another process's lock before :class:`sqlite3.OperationalError`.
    """
    try:
        if os.path.getsize(file) == 0:
            return None
    except OSError:
        return None
    folder = os.path.dirname(os.path.abspath(file))
    if not (os.access(file, os.W_OK) and os.access(folder, os.W_OK | os.X_OK)):
        return None
    try:
        conn = sqlite3.connect(
            file, timeout=busy_seconds, isolation_level=None, check_same_thread=False
        )
    except sqlite3.Error:
        return None
    try:
        for pragma in CONNECT_PRAGMAS + WRITE_PRAGMAS:
            conn.execute(pragma)
        checked = [row[0] for row in conn.execute("PRAGMA quick_check")]
        stored = conn.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.Error:
        conn.close()
        return None
    if checked != ["ok"] or stored != [(revision.HEAD,)]:
        conn.close()
        return None
    return conn


def insert_rows(
    conn: sqlite3.Connection, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Append ``rows`` (values in the order of ``columns``) in one transaction; how many.

    Nothing is written if anything fails: the error (:class:`sqlite3.Error`) is raised.
    """
    names = ", ".join(columns)
    marks = ", ".join("?" * len(columns))
    conn.execute("BEGIN IMMEDIATE")
    try:
        cursor = conn.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
        conn.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")
        raise
    return cursor.rowcount
