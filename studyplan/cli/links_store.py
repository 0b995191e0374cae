"""Store ``links check`` results from another process: ``python -m studyplan.cli.links_store``.

Opening the database costs half a second of CPU (SQLAlchemy, SQLModel and pydantic to import,
then SQL). Done in a thread of the checking process, it takes the interpreter's lock from the
event loop every few hundred microseconds while answers arrive, and a check of 2,000 URLs
took 40 ms longer (benchmarks/links_bench.py). In a process of its own the operating system
runs it beside the loop instead; and when the database is ready it appends the rows with
:mod:`sqlite3` alone, without opening it the usual way at all (:class:`_Writer`).
:class:`StoreProcess` is the checking side; :func:`main` the storing side.

The protocol, over the child's standard input and output: one JSON object per result (the
fields of a ``link_check`` row), then end of input; the child answers one line, ``stored N``
or ``error TEXT`` (the one-line message a user would see), and exits. Warnings (a broken
catalog, a busy database) go straight to the shared standard error. If the checking process
dies, the child stores what it got and exits.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections import deque

from studyplan.errors import StudyplanError

TYPE_CHECKING = False  # not typing's: importing typing costs a link check 3 ms
if TYPE_CHECKING:
    import sqlite3
    import subprocess
    from collections.abc import Callable, Iterator

    from studyplan.cli.run_state import CliState
    from studyplan.links.result import LinkResult

WRITE_EVERY = 0.1
"""Seconds between two writes to the child (results wait in memory meanwhile)."""
STORE_EVERY = 0.1
"""Seconds between two transactions of the child: the last one, after the last answer, is
small (a transaction costs the child 1-2 ms, spent beside the check, not after it)."""


class StoreFailed(StudyplanError):
    """The storing process could not store the results: its one-line message."""

    def __str__(self) -> str:
        return self.message


class StoreProcess:
    """The checking side: starts the child, feeds it results from a writer thread.

    ``put`` only appends to a queue (the event loop never waits on the pipe); a thread
    serializes and writes every :data:`WRITE_EVERY` seconds. :meth:`hand_over` writes the
    rest itself and closes the pipe (no waiting for the thread to wake); :meth:`finish`
    then waits for the child's answer.
    """

    def __init__(self, debug: bool = False) -> None:
        import subprocess

        env = dict(os.environ)
        if debug:
            env["STUDYPLAN_STORE_DEBUG"] = "1"
        self._child: subprocess.Popen[bytes] = subprocess.Popen(
            [sys.executable, "-m", "studyplan.cli.links_store"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
        )
        self._queue: deque[str] = deque()
        """JSON lines, made by :meth:`put` (in the event loop's lulls): the writer thread
        only joins and writes them, so it holds the interpreter's lock for little."""
        self._closed = threading.Event()
        self._pipe = threading.Lock()
        """Held while writing to the child: by the writer thread, or by :meth:`hand_over`."""
        self._handed = False
        """The rest was written and the pipe closed by :meth:`hand_over`."""
        self._error: BaseException | None = None
        self._writer = threading.Thread(target=self._write, name="studyplan-feed", daemon=True)
        self._writer.start()

    def put(self, result: LinkResult) -> None:
        """Queue ``result`` to be stored (reused results are not stored again)."""
        if not result.cached:
            self._queue.append(_dumps(_row(result)) + "\n")

    def _send_queued(self) -> None:
        """Write what is queued to the child (with :attr:`_pipe` held)."""
        stream = self._child.stdin
        assert stream is not None
        lines = []
        while self._queue:
            lines.append(self._queue.popleft())
        if lines:
            stream.write("".join(lines).encode("utf-8"))
            stream.flush()

    def _close_pipe(self) -> None:
        """The child's end of input: it stores what it has and answers."""
        stream = self._child.stdin
        assert stream is not None
        with contextlib.suppress(OSError):
            stream.close()

    def _write(self) -> None:
        _no_sigpipe_here()
        while True:
            closed = self._closed.wait(WRITE_EVERY)
            with self._pipe:
                if self._handed:
                    return
                try:
                    self._send_queued()
                except OSError as exc:  # the child died: finish() reports what it said
                    self._error = exc
                    closed = True
                if closed and (self._error is not None or not self._queue):
                    self._handed = True
                    self._close_pipe()
                    return

    def close(self) -> None:
        """No more results will come: send the rest, without waiting."""
        self._closed.set()

    def hand_over(self) -> None:
        """Write every result to the child now: it stores them even if this process dies."""
        with self._pipe:
            if not self._handed:
                self._handed = True
                with _pipe_errors_raised():  # closing writes too: what a failed write left
                    try:
                        self._send_queued()
                    except OSError as exc:  # the child died: finish() reports what it said
                        self._error = exc
                    finally:
                        self._close_pipe()
        # the writer thread ends when it next wakes (not woken now: it would take the
        # interpreter's lock from the report)

    def abandon(self) -> None:
        """Store nothing more (the run was cancelled): the child stores what it has."""
        self._queue.clear()
        self._closed.set()

    def finish(self) -> int:
        """Send the rest, wait for the child; how many results it stored.

        Raises :class:`StoreFailed` with the child's one-line message if it failed. Once it
        has said what it stored, its exit is not waited for (it has nothing left to do).
        """
        self.hand_over()
        stdout = self._child.stdout
        assert stdout is not None
        answer = stdout.readline().decode("utf-8", "replace").strip()
        if answer.startswith("stored "):
            return int(answer.split()[1])
        self._child.wait()
        if answer.startswith("error "):
            raise StoreFailed(answer[len("error ") :])
        raise StoreFailed(
            "links: the results could not be stored (the storing process ended with code "
            f"{self._child.returncode}); run the check again"
        )


def _no_sigpipe_here() -> None:
    """Writing to a dead child's pipe raises BrokenPipeError in this thread, not SIGPIPE.

    The command line restores SIGPIPE's default (``studyplan list | head`` ends quietly), and
    that default ends the whole process. A write's SIGPIPE goes to the thread that wrote:
    blocked here, the write fails with EPIPE instead, and :meth:`StoreProcess.finish` says
    in one line that the storing process died.
    """
    import signal

    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGPIPE})


@contextlib.contextmanager
def _pipe_errors_raised() -> Iterator[None]:
    """Within it, a write to the dead child's pipe raises BrokenPipeError, not SIGPIPE.

    In the main thread SIGPIPE is ignored for the while and its handling then restored (the
    command line lets it end ``studyplan … | head`` quietly); another thread blocks it for
    good, as the writer thread does (:func:`_no_sigpipe_here`).
    """
    import threading

    if threading.current_thread() is not threading.main_thread():
        _no_sigpipe_here()
        yield
        return
    from studyplan.cli.boundary import sigpipe_ignored

    with sigpipe_ignored():
        yield


def _dumps(row: dict[str, object]) -> str:
    import json

    return json.dumps(row)


def _row(result: LinkResult) -> dict[str, object]:
    """The JSON object sent to the child: the ``link_check`` columns of ``result``."""
    from studyplan.links.stored_row import COLUMNS

    row: dict[str, object] = {column: getattr(result, column) for column in COLUMNS}
    row["checked_at"] = result.checked_at.isoformat() if result.checked_at else None
    return row


def _result(data: dict[str, object]) -> LinkResult:
    from datetime import datetime

    from studyplan.links.result import LinkResult

    checked = data.get("checked_at")
    return LinkResult(
        url=str(data["url"]),
        status=str(data["status"]),
        http_status=data.get("http_status"),  # type: ignore[arg-type]
        final_url=str(data.get("final_url") or ""),
        redirects=list(data.get("redirects") or []),  # type: ignore[call-overload]
        attempts=int(data.get("attempts") or 0),  # type: ignore[call-overload]
        elapsed_ms=int(data.get("elapsed_ms") or 0),  # type: ignore[call-overload]
        error=str(data.get("error") or ""),
        checked_at=datetime.fromisoformat(checked) if isinstance(checked, str) else None,
    )


class _Writer:
    """Stores the child's batches: with :mod:`sqlite3` alone while it can, else the usual way.

    The usual way (:meth:`CliState.database`: settings, SQLAlchemy, migrations) costs half a
    second of CPU, three times what the check itself spends. When nothing configures another
    database (:func:`_plain_file`) and the file is ready to append to
    (:func:`~studyplan.db.plain_sqlite.open_at_head`), rows go in through :mod:`sqlite3`,
    after today's backup as any first write of a day. If anything fails there (a lock held
    too long, a full disk), that batch and the rest go the usual way, which waits, or says in
    one line what is wrong.
    """

    def __init__(self, run_state: CliState) -> None:
        from studyplan.db.backups import daily_backup_warning
        from studyplan.db.plain_sqlite import open_at_head

        self._run_state = run_state
        self._plain: sqlite3.Connection | None = None
        self.used_database = False
        found = _plain_file()
        if found is None:
            return
        file, keep = found
        self._plain = open_at_head(file)
        if self._plain is not None and keep > 0:
            warning = daily_backup_warning(file, keep)
            if warning is not None:
                run_state.warn(warning)

    def save(self, batch: list[LinkResult]) -> int:
        """Store ``batch`` in one transaction; how many rows."""
        if self._plain is not None:
            import sqlite3

            from studyplan.db.plain_sqlite import insert_rows
            from studyplan.links.stored_row import COLUMNS, TABLE, plain_values

            try:
                return insert_rows(self._plain, TABLE, COLUMNS, [plain_values(r) for r in batch])
            except sqlite3.Error:  # nothing of the batch was written: the usual way explains
                self._plain.close()
                self._plain = None
        self.used_database = True
        from studyplan.links import store

        return store.save_results(self._run_state.database(sync=False), batch)


_PLAIN_BLOCKERS = ("STUDYPLAN_DATABASE_URL", "STUDYPLAN_BACKUPS_KEEP")
"""Settings from the environment (any case, as pydantic-settings reads them) that only the
usual way reads."""
SETTING_NAMES = frozenset(
    {
        "backups_keep",
        "busy_timeout_seconds",
        "catalog",
        "database_url",
        "editor",
        "keys",
        "learner",
        "share_notes",
        "streaks",
        "study_time",
        "theme",
        "timezone",
        "week_start",
    }
)
"""Every setting's name (a test holds it to :class:`studyplan.settings.Settings`): a
settings file with another one (a misspelt ``databse_url``) goes the usual way, which
says so."""


def _plain_file() -> tuple[str, int] | None:
    """The default database file and the backups to keep, if nothing else is configured.

    None when the environment sets the database URL or the backups to keep, or the settings
    file cannot be read as TOML, names a setting that does not exist or a database URL, or
    has a ``backups_keep`` that is not a whole number of 0 or more: the usual way reads and
    checks the settings then. The values of the other settings do not change how a link
    check is stored, and are checked by every other command.
    """
    import tomllib

    from studyplan import paths
    from studyplan.db.backups import DEFAULT_KEEP

    if any(k.upper() in _PLAIN_BLOCKERS and v for k, v in os.environ.items()):
        return None
    values: dict[str, object] = {}
    try:
        with open(paths.settings_file(), "rb") as settings:
            values = tomllib.loads(settings.read().decode("utf-8"))
    except FileNotFoundError:
        pass
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    keep = values.get("backups_keep", DEFAULT_KEEP)
    if (
        values.keys() - SETTING_NAMES
        or values.get("database_url")
        or type(keep) is not int
        or keep < 0
    ):
        return None
    return str(paths.database_file()), keep


def main() -> int:
    """The storing side: read results until end of input, store them in batches, answer."""
    import json
    import signal

    from studyplan.cli.run_state import CliState
    from studyplan.links.runner import ResultSink

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the checking process says "interrupted"
    with contextlib.suppress(OSError, AttributeError):  # not on every system
        os.nice(10)  # the checker's answers come first: this can wait a few milliseconds
    debug = bool(os.environ.get("STUDYPLAN_STORE_DEBUG"))
    run_state = CliState(debug=debug)
    writers: list[_Writer] = []

    def saver() -> Callable[[list[LinkResult]], int]:
        writers.append(_Writer(run_state))  # in the sink's thread, while input is read
        return writers[0].save

    try:
        sink = ResultSink(saver, every=STORE_EVERY)
        for line in sys.stdin.buffer:
            sink.put(_result(json.loads(line)))
        stored = sink.finish()
        # SQLite: no close, every row is committed and the next process to open the database
        # checkpoints its write-ahead log (closing would cost the check 6 ms more); a server
        # is told goodbye
        if writers and writers[0].used_database and not run_state.database(sync=False).is_sqlite:
            run_state.close()
    except Exception as exc:
        if debug:
            raise
        if isinstance(exc, StudyplanError):
            text = str(exc)
        else:
            first = (str(exc).strip().splitlines() or [""])[0]
            text = f"internal error: {type(exc).__name__}: {first} (run with --debug for details)"
        _answer(f"error {text}")
        return 1
    _answer(f"stored {stored}")
    return 0


def _answer(line: str) -> None:
    """Tell the checking process, if it still listens (it may have been interrupted)."""
    try:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()
    except OSError:
        pass


if __name__ == "__main__":
    os._exit(main())  # the teardown of SQLAlchemy's modules would only cost time
