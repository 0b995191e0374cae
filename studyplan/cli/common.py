"""What every command shares: the run's state (in Typer's context), output and errors.

Everything printed goes through :func:`out`, :func:`err` or :func:`print_json`, which show
control characters a user or a catalog wrote as visible signs (:mod:`studyplan.safe_text`)
so that no note or title can move the cursor, clear the screen or ring the bell.
"""

from __future__ import annotations

import json
import sys
import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

import typer

from studyplan import collector
from studyplan.safe_text import visible, visible_json
from studyplan.settings import Settings, load_settings

if TYPE_CHECKING:
    from studyplan.db.database import Database

JSON_OPTION = typer.Option(False, "--json", help="Print JSON instead of text.")


@dataclass
class CliState:
    """The state of one command-line run: options, settings and the database, opened once.

    It lives in Typer's context (``ctx.obj``); :func:`state` finds it. Threads that need the
    database (``links check`` opens it while requests fly) are handed the bound method
    :meth:`database`, never the context.
    """

    debug: bool = False
    warnings: list[str] = field(default_factory=list)
    """The warnings printed so far (the interface shows them too)."""
    _settings: Settings | None = None
    _db: Database | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def settings(self) -> Settings:
        """The settings for this run (read once)."""
        if self._settings is None:
            self._settings = load_settings()
        return self._settings

    def database(self, sync: bool = True) -> Database:
        """The database at head, with the configured catalog in sync if ``sync`` (opened once).

        A broken configured catalog does not stop the command: one warning line on standard
        error, and the command goes on with the catalog as last synced.
        """
        with self._lock:
            if self._db is None:
                from studyplan.services.workspace import open_workspace

                with collector.loading_libraries():
                    db = open_workspace(
                        self.settings(), sync=sync, on_wait=say_waiting, on_warning=self.warn
                    )
                self._db = db
            return self._db

    def warn(self, message: str) -> None:
        """Print a one-line warning and remember it."""
        self.warnings.append(message)
        warn(message)

    def close(self) -> None:
        """Close the database cleanly (on SQLite: checkpoint the WAL)."""
        db, self._db = self._db, None
        if db is not None:
            db.dispose()


def state(ctx: typer.Context) -> CliState:
    """The current run's state, from Typer's context (a fresh one when run without it)."""
    found = ctx.find_object(CliState)
    if found is None:
        found = ctx.ensure_object(CliState)
    return found


def settings(ctx: typer.Context) -> Settings:
    """The settings for this run (read once)."""
    return state(ctx).settings()


def open_db(ctx: typer.Context, sync: bool = True) -> Database:
    """The database for this run, at head and with the catalog in sync (opened once)."""
    return state(ctx).database(sync)


def say_waiting(attempt: int, waited: float) -> None:
    """Say once that another studyplan holds the database and this one waits."""
    if attempt == 1:
        err("database busy: another studyplan is using the database; waiting…")


def warn(message: str) -> None:
    """Print a one-line warning on standard error; the command goes on."""
    err(f"studyplan: warning: {message}")


def err(message: str) -> None:
    """Print to standard error, control characters shown as visible signs."""
    print(visible(message), file=sys.stderr)


def out(message: str = "") -> None:
    """Print to standard output, control characters shown as visible signs."""
    print(visible(message))


def print_json(data: Any) -> None:
    """Print ``data`` as indented JSON (datetimes as ISO 8601), safe for a terminal."""
    print(visible_json(json.dumps(data, indent=2, ensure_ascii=False, default=_json_default)))


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    raise TypeError(f"cannot serialize {type(value).__name__}")
