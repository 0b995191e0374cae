"""Store ``links check`` results from another process: ``python -m studyplan.cli.links_store``.

Opening the database costs half a second of CPU (SQLAlchemy, SQLModel and pydantic to import,
then SQL). Done in a thread of the checking process, it takes the interpreter's lock from the
event loop every few hundred microseconds while answers arrive, and a check of 2,000 URLs
took 40 ms longer (benchmarks/links_bench.py). In a process of its own the operating system
runs it beside the loop instead. :class:`StoreProcess` is the checking side; :func:`main`
the storing side.

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
    import subprocess

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
    serializes and writes every :data:`WRITE_EVERY` seconds. :meth:`finish` sends the rest,
    closes the pipe and waits for the child's answer.
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
        self._queue: deque[LinkResult] = deque()
        self._closed = threading.Event()
        self._error: BaseException | None = None
        self._writer = threading.Thread(target=self._write, name="studyplan-feed", daemon=True)
        self._writer.start()

    def put(self, result: LinkResult) -> None:
        """Queue ``result`` to be stored (reused results are not stored again)."""
        if not result.cached:
            self._queue.append(result)

    def _write(self) -> None:
        import json

        _no_sigpipe_here()
        stream = self._child.stdin
        assert stream is not None
        try:
            while True:
                closed = self._closed.wait(WRITE_EVERY)
                lines = []
                while self._queue:
                    lines.append(json.dumps(_row(self._queue.popleft())) + "\n")
                if lines:
                    stream.write("".join(lines).encode("utf-8"))
                    stream.flush()
                if closed and not self._queue:
                    break
        except OSError as exc:  # the child died: finish() reports what it said
            self._error = exc
        finally:
            with contextlib.suppress(OSError):
                stream.close()

    def close(self) -> None:
        """No more results will come: send the rest, without waiting."""
        self._closed.set()

    def abandon(self) -> None:
        """Store nothing more (the run was cancelled): the child stores what it has."""
        self._queue.clear()
        self._closed.set()

    def finish(self) -> int:
        """Send the rest, wait for the child; how many results it stored.

        Raises :class:`StoreFailed` with the child's one-line message if it failed.
        """
        self.close()
        self._writer.join()
        stdout = self._child.stdout
        assert stdout is not None
        answer = stdout.read().decode("utf-8", "replace").strip()
        self._child.wait()
        if answer.startswith("stored "):
            return int(answer.split()[1])
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


def _row(result: LinkResult) -> dict[str, object]:
    return {
        "url": result.url,
        "checked_at": result.checked_at.isoformat() if result.checked_at else None,
        "status": result.status,
        "http_status": result.http_status,
        "final_url": result.final_url,
        "redirects": result.redirects,
        "attempts": result.attempts,
        "elapsed_ms": result.elapsed_ms,
        "error": result.error,
    }


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
    try:
        sink = ResultSink(lambda: run_state.database(sync=False), every=STORE_EVERY)
        for line in sys.stdin.buffer:
            sink.put(_result(json.loads(line)))
        stored = sink.finish()
        # SQLite: no close, every row is committed and the next process to open the database
        # checkpoints its write-ahead log (closing would cost the check 6 ms more); a server
        # is told goodbye
        if not run_state.database(sync=False).is_sqlite:
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
