"""The Database handle: sessions for reading, retried transactions for writing."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from studyplan.db.engine import is_sqlite, sqlite_file
from studyplan.errors import DatabaseBusyError

T = TypeVar("T")

WaitCallback = Callable[[int, float], None]
"""Called as ``(attempt, seconds_waited)`` while another process holds the database."""


def is_locked_error(exc: BaseException) -> bool:
    """Whether ``exc`` says the database is locked or busy."""
    text = str(getattr(exc, "orig", exc)).lower()
    return "database is locked" in text or "database is busy" in text


class Database:
    """An engine plus the rules for using it: short reads, retried write transactions."""

    def __init__(self, engine: Engine, url: str, patience_seconds: float = 10.0) -> None:
        self.engine = engine
        self.url = url
        self.patience_seconds = patience_seconds
        self.on_wait: WaitCallback | None = None
        self._writer = engine.execution_options(sqlite_immediate=True)

    @property
    def is_sqlite(self) -> bool:
        """Whether this is a SQLite database (FTS5 and pragmas available)."""
        return is_sqlite(self.url)

    @property
    def file(self) -> str | None:
        """The SQLite file, if there is one."""
        return sqlite_file(self.url)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading; nothing it does is committed."""
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    def write(self, work: Callable[[Session], T]) -> T:
        """Run ``work`` in one transaction, committed on success.

        If another process holds the database, wait and retry (calling ``on_wait``) until
        ``patience_seconds`` have passed, then raise :class:`DatabaseBusyError`.
        """
        started = time.monotonic()
        attempt = 0
        while True:
            attempt += 1
            try:
                with Session(self._writer, expire_on_commit=False) as session:
                    result = work(session)
                    session.commit()
                    return result
            except OperationalError as exc:
                if not is_locked_error(exc):
                    raise
                waited = time.monotonic() - started
                if waited >= self.patience_seconds:
                    raise DatabaseBusyError(
                        f"{self.file or self.url} stayed locked by another studyplan process "
                        f"for {waited:.0f} s; nothing was changed, try again when it is done"
                    ) from None
                if self.on_wait is not None:
                    self.on_wait(attempt, waited)
                time.sleep(min(1.0, 0.05 * 2**attempt) * (0.5 + random.random()))

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()
