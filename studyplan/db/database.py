"""The Database handle: sessions for reading, retried transactions for writing."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlmodel import Session

from studyplan.db.engine import display_url, is_sqlite, sqlite_file
from studyplan.db.faults import driver_message, explain, is_locked_error, retry_kind, sqlstate
from studyplan.db.learner_scope import tell_learner
from studyplan.errors import DatabaseBusyError, DatabaseError

T = TypeVar("T")

MAX_CONFLICTS = 50
"""Runs of one write on PostgreSQL before giving up (each lost a race to another writer)."""

WaitCallback = Callable[[int, float], None]
"""Called as ``(attempt, seconds_waited)`` while another process holds the database."""

WarnCallback = Callable[[str], None]
"""Called with a one-line warning that should not stop the work (a backup that failed)."""

__all__ = ["Database", "WaitCallback", "WarnCallback", "is_locked_error"]


class Database:
    """An engine plus the rules for using it: short reads, retried write transactions.

    ``read_only`` databases (a SQLite file or folder that cannot be written) serve reads;
    every write is refused at once with a message that says what to do. ``backups_keep``
    copies are kept of a SQLite file, one made before the first write of each day.
    """

    def __init__(
        self,
        engine: Engine,
        url: str,
        patience_seconds: float = 10.0,
        read_only: bool = False,
        backups_keep: int = 7,
        learner: str = "",
    ) -> None:
        self.base_engine = engine
        self.engine = engine
        self.learner = ""
        self.url = url
        self.patience_seconds = patience_seconds
        self.read_only = read_only
        self.backups_keep = backups_keep
        self.on_wait: WaitCallback | None = None
        self.on_warning: WarnCallback | None = None
        self._writers = self._write_engines(engine)
        tell_learner(engine, lambda: self.learner)
        if learner:
            self.use_learner(learner)
        self._backup_checked = False
        self._seated = False
        self.group_member = False
        """Whether this connection is a group member's login role (PostgreSQL): the catalog
        is the organiser's to change."""
        self.created_now = False
        """Whether this process created the database (a new, empty file needs no copy)."""

    def use_learner(self, learner: str) -> None:
        """Work as ``learner`` from now on: their rows only, new rows theirs."""
        if self.learner and learner != self.learner and not self.is_sqlite:
            self.base_engine.dispose()  # server connections were told the old learner
        self.learner = learner
        self._seated = False
        self.engine = self.base_engine.execution_options(learner=learner)
        self._writers = self._write_engines(self.engine)

    @staticmethod
    def _write_engines(engine: Engine) -> dict[bool, Engine]:
        """The engines write transactions use, by "needs SERIALIZABLE": BEGIN IMMEDIATE on
        SQLite (one writer at a time: every write is serializable); on PostgreSQL,
        SERIALIZABLE or REPEATABLE READ (see :meth:`write`)."""
        if engine.dialect.name == "postgresql":
            return {
                True: engine.execution_options(isolation_level="SERIALIZABLE"),
                False: engine.execution_options(isolation_level="REPEATABLE READ"),
            }
        immediate = engine.execution_options(sqlite_immediate=True)
        return {True: immediate, False: immediate}

    @property
    def is_sqlite(self) -> bool:
        """Whether this is a SQLite database (FTS5 and pragmas available)."""
        return is_sqlite(self.url)

    @property
    def file(self) -> str | None:
        """The SQLite file, if there is one."""
        return sqlite_file(self.url)

    @property
    def display(self) -> str:
        """Where the database is, for messages: the file, or the URL without its password."""
        return self.file or display_url(self.url)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading; nothing it does is committed."""
        try:
            with Session(self.engine, expire_on_commit=False) as session:
                yield session
        except OperationalError as exc:
            raise explain(exc, self.display, self.file, writing=False) from None

    def write(
        self,
        work: Callable[[Session], T],
        as_learner: bool = True,
        serializable: bool | None = None,
    ) -> T:
        """Run ``work`` in one transaction, committed on success.

        ``as_learner``: the work writes the learner's own rows, so the learner's row is made
        first if it is missing (a learner exists from their first change on). Catalog and
        group work pass False.

        ``serializable`` (PostgreSQL; default: not ``as_learner``): a learner's own rows
        are keyed by the learner, so REPEATABLE READ already turns every race on them into
        an error that is run again: two changes of one row (a status, a note's body) fail
        the second with a serialization failure, two first inserts of one key (a first
        note, a first status) with a unique violation. SERIALIZABLE would add conflicts
        between learners who share only index pages (measured: 93% of writes run again with
        50 learners writing at once, against none). The catalog, positions and the group
        (``add`` picks the next free position and id), and rules no key enforces (one
        running timer), need SERIALIZABLE: their callers ask for it.

        One retry policy for every backend. SQLite: a write starts with ``BEGIN IMMEDIATE``;
        while another process holds the lock, wait and retry (calling ``on_wait``).
        PostgreSQL: a write runs SERIALIZABLE, so every use case that reads then writes is
        safe without locks of its own; when another transaction got there first
        (serialization failure, deadlock, a unique key both inserted), run ``work`` again.
        A connection that died mid-transaction (nothing of it was committed) is retried
        once. After ``patience_seconds`` (or 50 conflicts) raise :class:`DatabaseBusyError`.
        """
        if self.read_only:
            raise DatabaseError(
                f"{self.display} is read-only: nothing was changed; make it and its folder "
                "writable to change anything (reading commands work)"
            )
        self._daily_backup()
        started = time.monotonic()
        attempt = dropped = 0
        while True:
            attempt += 1
            try:
                writer = self._writers[not as_learner if serializable is None else serializable]
                with Session(writer, expire_on_commit=False) as session:
                    if as_learner and not self._seated:
                        from studyplan.db.learners import ensure_seat

                        ensure_seat(session, self.learner)
                    result = work(session)
                    session.commit()
                    self._seated = self._seated or as_learner
                    return result
            except DBAPIError as exc:
                kind = retry_kind(exc)
                if kind is None or (kind == "dropped" and dropped >= 1):
                    raise self._explain(exc) from None
                dropped += kind == "dropped"
                waited = time.monotonic() - started
                if waited >= self.patience_seconds or attempt >= MAX_CONFLICTS:
                    raise self._gave_up(kind, waited) from None
                if self.on_wait is not None and (kind == "busy" or waited >= 1.0):
                    self.on_wait(attempt, waited)
                time.sleep(min(1.0, 0.05 * 2**attempt) * (0.5 + random.random()))

    def _explain(self, exc: DBAPIError) -> Exception:
        if sqlstate(exc) == "42501":  # insufficient_privilege: the server's own refusal
            if self.group_member and not self._still_member():
                return DatabaseError(
                    f"{self.display}: the learner '{self.learner}' was removed from the "
                    "group meanwhile; nothing was changed: ask the organiser to add them again"
                )
            return DatabaseError(
                f"{self.display}: the database refused this change ({driver_message(exc)}); "
                "nothing was changed: in a study group the catalog and the group are the "
                "organiser's to change"
            )
        if isinstance(exc, OperationalError) or exc.connection_invalidated:
            return explain(exc, self.display, self.file, writing=True)
        return exc

    def _still_member(self) -> bool:
        """Whether this group member is still in the group (their row is, and their login
        role still has a member's rights)."""
        from sqlalchemy import text

        query = text("SELECT removed_at IS NULL FROM learner WHERE name = :me")
        try:
            with self.read() as session:
                return bool(session.execute(query, {"me": self.learner}).scalar())
        except DBAPIError as exc:  # the role was dropped (42704) or lost its rights (42501)
            return sqlstate(exc) not in ("42704", "42501")
        except DatabaseError:
            return True  # cannot tell: the general refusal is the safer thing to say

    def _gave_up(self, kind: str, waited: float) -> DatabaseBusyError:
        if kind == "busy":
            return DatabaseBusyError(
                f"{self.display} stayed locked by another studyplan process "
                f"for {waited:.0f} s; nothing was changed, try again when it is done"
            )
        return DatabaseBusyError(
            f"{self.display}: this change kept conflicting with other writers for "
            f"{waited:.0f} s; nothing was changed, try again"
        )

    def _daily_backup(self) -> None:
        """Before this process's first write: today's copy of a SQLite file, if none yet."""
        if self._backup_checked or self.created_now:
            return
        self._backup_checked = True
        file = self.file
        if file is None or self.backups_keep <= 0:
            return
        from studyplan.db.backups import daily_backup_warning

        warning = daily_backup_warning(file, self.backups_keep)
        if warning is not None and self.on_warning is not None:
            self.on_warning(warning)

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.base_engine.dispose()
