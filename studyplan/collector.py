"""The one place that tunes Python's cyclic garbage collector.

Loading SQLAlchemy, SQLModel, pydantic or Textual creates some 100,000 long-lived
objects, and parsing a big catalog millions more, none of them garbage; the collector would
scan them again and again (measured: about a tenth of the start-up time of ``studyplan
list``; on a 40 MB catalog, validation 4.7 s with it running and 1.4 s paused). Reference
counting still frees everything; the collector is always turned back on as it was, so every
command runs with it on.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """Pause the collector while the block runs; resume it as it was."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def loading_libraries() -> Iterator[None]:
    """Pause the collector while the block loads libraries; then freeze what was loaded."""
    with paused():
        try:
            yield
        finally:
            freeze_survivors()


def freeze_survivors() -> None:
    """Move every object alive now out of the collector's sight (``gc.freeze``).

    A one-shot command holding some 100,000 long-lived objects (SQLAlchemy, pydantic, Typer)
    would pay about 85 ms for each full collection that scans them, and the interpreter
    runs several while it exits. Frozen objects are still freed by reference counting; only
    cycles among them wait for the process to end.
    """
    gc.freeze()


def settle() -> None:
    """Freeze what is alive now, once per process (:func:`freeze_survivors`).

    For a long-running process (the interface) once its first screen is up: what is alive
    then lives as long as the program, and every later full collection skips it (measured:
    the lab screen opens in half the time). No collection first: it would stall the
    interface some 70 ms for a few thousand objects of garbage, which stay frozen instead.
    """
    global _settled
    if not _settled:
        _settled = True
        gc.freeze()


_settled = False
