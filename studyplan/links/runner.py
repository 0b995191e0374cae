"""One ``links check`` run: reuse fresh stored successes, check the rest, store the results.

Kept apart from :mod:`studyplan.links.service` and light to import (no SQLAlchemy): the command
line sends its first requests while another thread opens the database (SQLAlchemy, migrations,
catalog sync), and results are stored as they arrive, in batches, by a thread of their own
(:class:`ResultSink`). The interface runs the same :class:`LinkCheck` through
:func:`run_check`.

The run also reads and updates the rate memory (:mod:`studyplan.links.pace_memory`): hosts
that asked for a slower pace last time start at it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial

from studyplan.links.extract import LinkTarget
from studyplan.links.policy import CheckOptions
from studyplan.links.result import LinkResult

TYPE_CHECKING = False  # not typing's: importing typing costs a link check 3 ms
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Protocol

    from studyplan.db.database import Database
    from studyplan.links.checker import LinkChecker

    class Sink(Protocol):
        """Where results go as they arrive: :class:`ResultSink`, or another process."""

        def put(self, result: LinkResult) -> None:
            """Queue ``result`` to be stored."""

        def close(self) -> None:
            """No more results will come."""

        def abandon(self) -> None:
            """Store nothing more (the run was cancelled or failed)."""

        def hand_over(self) -> None:
            """No more results will come: have every one on its way to storage."""

        def finish(self) -> int:
            """Wait until everything is stored (re-raising what went wrong); how many were."""


ProgressCallback = Callable[[LinkResult, int, int], None]
"""Called as ``(result, done, total)`` after each URL (reused results included)."""


class CheckRun:
    """The outcome of one ``links check``."""

    def __init__(
        self,
        results: list[LinkResult],
        checked: int = 0,
        reused: int = 0,
        warnings: list[str] | None = None,
    ) -> None:
        self.results = results
        self.checked = checked
        """URLs asked over the network (or skipped) in this run."""
        self.reused = reused
        """URLs answered from stored results younger than ``max_age``."""
        self.warnings = warnings or []
        """What went wrong around the check without spoiling it (the rate memory unwritable)."""

    @property
    def failed(self) -> list[LinkResult]:
        """Results that are dead, errors, input problems or missing fragments (exit code 2)."""
        return [r for r in self.results if r.failed]


BATCH_SIZE = 500
"""Results stored in one transaction at most once this many are waiting."""
BATCH_SECONDS = 0.5
"""…or once this long has passed: a transaction per result would cost more than the check."""


class ResultSink:
    """Stores results as they arrive, in batches, from a thread of its own.

    ``saver`` runs first in that thread and gives the function that stores a batch (and
    says how many it stored): :func:`saving_to` a database, maybe waiting while another
    thread opens it, without holding up the check. :meth:`finish` stores what is left and
    re-raises what went wrong (the database could not be opened, or refused the rows).
    ``on_stored`` runs in the sink's thread once the last batch is stored (the command line
    closes the database there, while it prints the report). ``every`` is the longest a
    result waits to be stored (see :data:`BATCH_SECONDS`).
    """

    def __init__(
        self,
        saver: Callable[[], Callable[[list[LinkResult]], int]],
        on_stored: Callable[[], None] | None = None,
        every: float = BATCH_SECONDS,
    ) -> None:
        self._saver = saver
        self._on_stored = on_stored
        self._every = every
        self._pending: list[LinkResult] = []
        self._cond = threading.Condition(threading.Lock())
        self._closed = False
        self._error: BaseException | None = None
        self.stored = 0
        self._thread = threading.Thread(target=self._run, name="studyplan-store", daemon=True)
        self._thread.start()

    def put(self, result: LinkResult) -> None:
        """Queue ``result`` to be stored (reused results are not stored again)."""
        if result.cached:
            return
        with self._cond:
            self._pending.append(result)
            if len(self._pending) >= BATCH_SIZE:
                self._cond.notify()

    def _batch_ready(self) -> bool:
        return self._closed or len(self._pending) >= BATCH_SIZE

    def _run(self) -> None:
        try:
            save = self._saver()
            while True:
                with self._cond:
                    self._cond.wait_for(self._batch_ready, timeout=self._every)
                    batch, self._pending = self._pending, []
                    closed = self._closed
                if batch:
                    self.stored += save(batch)
                if closed and not self._pending:
                    break
            if self._on_stored is not None:
                self._on_stored()
        except BaseException as exc:  # re-raised by finish(), in the caller's thread
            self._error = exc

    def abandon(self) -> None:
        """Store nothing more and let the thread end (the run was cancelled or failed)."""
        with self._cond:
            self._pending = []
            self._closed = True
            self._cond.notify()

    def close(self) -> None:
        """No more results will come: store what is left, without waiting for it."""
        with self._cond:
            self._closed = True
            self._cond.notify()

    def hand_over(self) -> None:
        """No more results will come (the thread stores them: see :meth:`close`)."""
        self.close()

    def finish(self) -> int:
        """Store what is left, wait for the thread; how many results were stored."""
        self.close()
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self.stored


def saving_to(database: Callable[[], Database]) -> Callable[[list[LinkResult]], int]:
    """A :class:`ResultSink`'s saver: batches go to ``database()`` (opened on first need)."""
    db = database()  # first: the thread opening it imports SQLAlchemy meanwhile
    from studyplan.links import store

    return partial(store.save_results, db)


class LinkCheck:
    """One run over ``targets``: what is reused, what is checked, where results go.

    ``database`` gives the database (maybe waiting while another thread opens it): stored
    results to reuse (unless ``--force``), and where the new ones go; None keeps nothing.
    ``memory`` is the rate memory's file (None: no memory). ``more`` (with ``--force``, and
    no ``database`` to reuse from) gives every target once the first requests, to
    ``targets``, are out: see :meth:`LinkChecker.check_all`. :meth:`run` blocks until every
    answer is in; the last results may still be being stored: :meth:`finish_storing` waits
    for them (``on_stored`` runs once they are). :meth:`cancel` may be called from another
    thread.
    """

    def __init__(
        self,
        targets: list[LinkTarget],
        options: CheckOptions,
        database: Callable[[], Database] | None = None,
        progress: ProgressCallback | None = None,
        memory: str | Path | None = None,
        on_stored: Callable[[], None] | None = None,
        store: Callable[[], Sink] | None = None,
        more: Callable[[], list[LinkTarget]] | None = None,
    ) -> None:
        self.on_stored = on_stored
        self.more = more
        self.store = store
        self._sink: Sink | None = None
        self.targets = targets
        self.options = options
        self.database = database
        self.progress = progress
        self.memory = memory
        self._checker: LinkChecker | None = None
        self._cancelled = threading.Event()

    def cancel(self) -> None:
        """Stop the run soon; nothing more is stored."""
        self._cancelled.set()
        checker = self._checker
        if checker is not None:
            checker.cancel()

    def run(self) -> CheckRun:
        """Reuse, check, store; the results in the targets' order."""
        from studyplan.links.checker import LinkChecker

        reused = self._reusable()
        total = len(self.targets)
        progress = self.progress
        done = 0
        for target in self.targets:
            cached = reused.get(target.url)
            if cached is not None:
                cached.resources = list(target.resources)
                cached.archive_url = _archive_url(target)
                done += 1
                if progress is not None:
                    progress(cached, done, total)
        todo = [t for t in self.targets if t.url not in reused]
        warnings: list[str] = []
        checker = self._checker = LinkChecker(self.options, paces=self._paces())
        if self._cancelled.is_set():
            checker.cancel()
        sink: Sink | None = None
        early: list[LinkResult] = []  # finished before the sink exists (skipped, invalid)

        def forward(result: LinkResult, index: int, count: int) -> None:
            if sink is not None:
                sink.put(result)
            else:
                early.append(result)
            if progress is not None:
                progress(result, done + index, done + count)

        def started() -> None:
            # the requests are out: now the database may open (imports, SQL) meanwhile
            nonlocal sink
            if self.store is not None:
                sink = self._sink = self.store()
            elif self.database is not None:
                sink = self._sink = ResultSink(partial(saving_to, self.database), self.on_stored)
            if sink is not None:
                for result in early:
                    sink.put(result)

        more = self._every_target if self.more is not None and not reused else None
        try:
            fresh = checker.check_all(todo, forward, started, more) if todo or more else []
        except BaseException:
            if sink is not None:
                sink.abandon()
            raise
        finally:
            checker.close()
        if self.memory is not None:
            from studyplan.links.pace_memory import save_run

            warning = save_run(self.memory, checker.asked_pace, checker.contacted)
            if warning:
                warnings.append(warning)
        if sink is not None:
            sink.close()
        by_url = {r.url: r for r in fresh} | reused
        return CheckRun(
            [by_url[t.url] for t in self.targets],
            checked=len(fresh),
            reused=len(reused),
            warnings=warnings,
        )

    def _every_target(self) -> list[LinkTarget]:
        """Every target, from ``more``: the run's results follow their order."""
        assert self.more is not None
        self.targets = self.more()
        return self.targets

    def hand_over(self) -> None:
        """Have every result on its way to storage, without waiting for it to be stored.

        With a storing process, every result is then in its pipe: it stores them even if
        this process ends (a report written to a closed pipe, say).
        """
        if self._sink is not None:
            self._sink.hand_over()

    def finish_storing(self) -> int:
        """Wait until every result is stored (re-raising what went wrong); how many were."""
        sink = self._sink
        return 0 if sink is None else sink.finish()

    def _reusable(self) -> dict[str, LinkResult]:
        """Stored successes younger than ``max_age`` (none with ``--force`` or no database)."""
        if self.database is None or self.options.force:
            return {}
        from studyplan.links import store

        db = self.database()
        return store.reusable_results(db, [t.url for t in self.targets], self.options.max_age)

    def _paces(self) -> dict[str, float]:
        if self.memory is None:
            return {}
        from studyplan.links.pace_memory import PaceMemory

        return PaceMemory.load(self.memory).hosts()


def _archive_url(target: LinkTarget) -> str | None:
    from studyplan.links.archive import archive_url

    return archive_url(target.url, target.created_at)


async def run_check(
    targets: list[LinkTarget],
    options: CheckOptions,
    db: Database | None = None,
    progress: ProgressCallback | None = None,
    memory: str | Path | None = None,
) -> CheckRun:
    """Check ``targets`` from an event loop: :class:`LinkCheck` in a thread.

    Without ``db`` nothing is reused or stored. Cancelling the awaiting task cancels the
    check; what was not stored yet is dropped.
    """
    import asyncio

    check = LinkCheck(targets, options, None if db is None else lambda: db, progress, memory)

    def run() -> CheckRun:
        done = check.run()
        check.finish_storing()
        return done

    try:
        return await asyncio.to_thread(run)
    except asyncio.CancelledError:
        check.cancel()
        raise
