"""The error boundary of every command: each failure becomes one line and an exit code.

studyplan's own errors print as ``studyplan: title: message`` (exit 1), an interrupt or
termination as ``studyplan: interrupted`` (130), a full disk behind standard output as what
it is, anything else as one line of internal error (the traceback only with ``--debug``).
Typer is not imported here: ``links check`` runs through this boundary before Typer loads.
"""

from __future__ import annotations

import _signal  # signal's core: the signal module builds enums at import (0.5 ms)
import errno
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from studyplan.cli.output import err

TYPE_CHECKING = False  # not typing's: importing typing costs a link check 3 ms
if TYPE_CHECKING:
    from types import FrameType

    from studyplan.cli.run_state import CliState

OUTPUT_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO})
"""What writing to standard output meets behind a redirection to a full disk."""

INTERRUPTED = 130
INTERRUPTED_TEXT = "studyplan: interrupted; nothing half-done was kept"


class OutputError(Exception):
    """Standard output could not be written (a full disk behind a redirection)."""

    def __init__(self, exc: OSError) -> None:
        super().__init__(
            f"cannot write the output ({exc.strerror or exc}); nothing else went wrong: free "
            "some space or send the output elsewhere"
        )


def _interrupt(signum: int, _frame: FrameType | None) -> None:
    """SIGTERM or SIGHUP: unwind like Ctrl-C, so transactions roll back and files close."""
    import signal

    raise KeyboardInterrupt(signal.Signals(signum).name)


def install_signals() -> None:
    """SIGTERM and SIGHUP unwind like Ctrl-C; SIGPIPE ends quietly (``studyplan list | head``)."""
    for signum in (_signal.SIGTERM, getattr(_signal, "SIGHUP", None)):
        if signum is not None:
            _signal.signal(signum, _interrupt)
    if hasattr(_signal, "SIGPIPE"):
        _signal.signal(_signal.SIGPIPE, _signal.SIG_DFL)


@contextmanager
def sigpipe_ignored() -> Iterator[None]:
    """SIGPIPE ignored for the while (main thread): a write to a closed pipe or a reset
    socket raises BrokenPipeError instead of ending the process.

    :func:`install_signals` lets SIGPIPE end a command quietly (``studyplan list | head``);
    a link check must not end so when a server resets a connection, nor when the storing
    process has died under the results still written to it.
    """
    pipe = getattr(_signal, "SIGPIPE", None)
    if pipe is None:
        yield
        return
    previous = _signal.signal(pipe, _signal.SIG_IGN)
    try:
        yield
    finally:
        _signal.signal(pipe, previous)


def guarded(work: Callable[[], int], run_state: CliState) -> int:
    """Run ``work`` (which returns an exit code) inside the boundary; the exit code.

    Closes the run's database and flushes standard output whatever happened.
    """
    from studyplan.errors import StudyplanError

    code = 0
    try:
        code = work()
    except StudyplanError as exc:
        if run_state.debug:
            raise
        code = 1
        err(f"studyplan: {exc}")
    except KeyboardInterrupt:
        code = INTERRUPTED
        err(INTERRUPTED_TEXT)
    except OverflowError as exc:  # a number beyond what a database or date can hold
        if run_state.debug:
            raise
        code = 1
        err(f"studyplan: usage error: a number in the command is too large ({exc})")
    except Exception as exc:
        if run_state.debug:
            raise
        code = 1
        if isinstance(exc, OSError) and exc.errno in OUTPUT_ERRNOS:
            err(f"studyplan: {OutputError(exc)}")
        else:
            # the first line only: a database error goes on with the statement and its
            # parameters, which may hold what nobody should see (a password's verifier)
            first = (str(exc).strip().splitlines() or [""])[0]
            err(
                f"studyplan: internal error: {type(exc).__name__}: {first} "
                "(run with --debug for details)"
            )
    finally:
        run_state.close()
    try:
        sys.stdout.flush()
    except OSError as exc:
        code = 1
        err(f"studyplan: {OutputError(exc)}")
    return code
