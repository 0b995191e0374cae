"""The state of one command-line run: settings and the database, each opened once.

Nothing here imports Typer, SQLAlchemy or pydantic until asked: ``links check`` starts its
requests first and opens the database meanwhile, in another thread.
"""

from __future__ import annotations

import threading

from studyplan import collector
from studyplan.cli.output import say_waiting, warn

TYPE_CHECKING = False  # not typing's: importing typing costs a link check 3 ms
if TYPE_CHECKING:
    from studyplan.db.database import Database
    from studyplan.settings import Settings


class CliState:
    """The state of one command-line run: options, settings and the database, opened once.

    It lives in Typer's context (``ctx.obj``); :func:`studyplan.cli.common.state` finds it.
    Threads that need the database (``links check`` opens it while requests fly) are handed
    the bound method :meth:`database`, never the context.
    """

    def __init__(self, debug: bool = False) -> None:
        self.debug = debug
        self.warnings: list[str] = []
        """The warnings printed so far (the interface shows them too)."""
        self._settings: Settings | None = None
        self._db: Database | None = None
        self._lock = threading.Lock()

    def settings(self) -> Settings:
        """The settings for this run (read once)."""
        if self._settings is None:
            from studyplan.settings import load_settings

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
        with self._lock:
            db, self._db = self._db, None
        if db is not None:
            db.dispose()
