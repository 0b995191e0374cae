"""The ``studyplan`` console script: ``links check`` straight away, everything else via Typer.

Nothing is imported here before the command is known: ``links check`` goes to
:func:`studyplan.cli.links_check.run_fast`, which starts its requests before Typer, SQLAlchemy
or pydantic are loaded; any other command, and any ``links check`` it does not understand,
goes to the Typer application (:func:`studyplan.cli.main.run`).
"""

from __future__ import annotations

import contextlib
import os
import sys


def run() -> None:
    """Console-script entry point."""
    argv = sys.argv[1:]
    debug = argv[:1] == ["--debug"]
    if debug:
        argv = argv[1:]
    if argv[:2] == ["links", "check"]:
        from studyplan.cli.links_check import run_fast

        code = run_fast(argv[2:], debug)
        if code is not None:
            _exit_now(code)
    from studyplan.cli.main import run as run_typer

    run_typer()


def _exit_now(code: int) -> None:
    """End the process at once: the boundary has closed the database and flushed stdout.

    What is left is the interpreter's teardown of the thousand modules SQLAlchemy and
    pydantic brought in, 75 ms that change nothing (measured); every file was written and
    closed with ``with``, and the threads still alive are daemons waiting on nothing.
    """
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)
