"""Writes run one at a time, in the order asked, in a thread; the interface never waits."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]


@dataclass
class _Job:
    work: Callable[[], Any]
    done: Done | None
    failed: Failed | None


class WriteQueue:
    """A FIFO of database writes drained by one worker (:meth:`run`).

    ``done`` and ``failed`` are called on the event loop, so they may touch widgets; every
    failure also goes to ``on_error`` (the error dialog). ``on_settled`` is called after each
    job, whatever its outcome (the interface clears a "waiting" message there).
    """

    def __init__(self, on_error: Failed, on_settled: Callable[[], None] | None = None) -> None:
        self._queue: asyncio.Queue[_Job] = asyncio.Queue()
        self._on_error = on_error
        self._on_settled = on_settled

    def submit(
        self, work: Callable[[], Any], done: Done | None = None, failed: Failed | None = None
    ) -> None:
        """Queue ``work`` (called in a thread); then ``done(result)`` or ``failed(error)``."""
        self._queue.put_nowait(_Job(work, done, failed))

    async def run(self) -> None:
        """Drain the queue forever (run it as a worker)."""
        while True:
            job = await self._queue.get()
            try:
                result = await asyncio.to_thread(job.work)
            except Exception as exc:
                if job.failed is not None:
                    job.failed(exc)
                self._on_error(exc)
            else:
                if job.done is not None:
                    job.done(result)
            finally:
                self._queue.task_done()
                if self._on_settled is not None:
                    self._on_settled()

    async def drain(self) -> None:
        """Wait until every submitted write has finished."""
        await self._queue.join()
