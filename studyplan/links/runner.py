"""One ``links check`` run: reuse fresh stored successes, check the rest, store the new results.

Kept apart from :mod:`studyplan.links.service` and light to import (no SQLAlchemy, no HTTP
client at module level): the command line starts checking while another thread opens the
database, which is what imports SQLAlchemy (see :mod:`studyplan.cli.links_cmd`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from studyplan.links.archive import archive_url
from studyplan.links.extract import LinkTarget
from studyplan.links.policy import CheckOptions
from studyplan.links.result import LinkResult

if TYPE_CHECKING:
    from studyplan.db.database import Database

ProgressCallback = Callable[[LinkResult, int, int], None]
"""Called as ``(result, done, total)`` after each URL (reused results included)."""


@dataclass
class CheckRun:
    """The outcome of one ``links check``."""

    results: list[LinkResult]
    checked: int = 0
    """URLs asked over the network (or skipped) in this run."""
    reused: int = 0
    """URLs answered from stored results younger than ``max_age``."""

    @property
    def failed(self) -> list[LinkResult]:
        """Results that are dead or errors (exit code 2)."""
        return [r for r in self.results if r.failed]


async def run_check(
    targets: list[LinkTarget],
    options: CheckOptions,
    db: Database | None = None,
    progress: ProgressCallback | None = None,
) -> CheckRun:
    """Check ``targets``, reusing fresh stored successes and storing the new results.

    Without ``db`` nothing is reused or stored (:func:`store_run` can store the run later).
    """
    from studyplan.links.checker import check_targets

    reused: dict[str, LinkResult] = {}
    if db is not None and not options.force:
        from studyplan.links import store

        reused = store.reusable_results(db, [t.url for t in targets], options.max_age)
    total = len(targets)
    done = 0
    for target in targets:
        cached = reused.get(target.url)
        if cached is not None:
            cached.resources = list(target.resources)
            cached.archive_url = archive_url(target.url, target.created_at)
            done += 1
            if progress is not None:
                progress(cached, done, total)
    todo = [t for t in targets if t.url not in reused]

    def forward(result: LinkResult, index: int, _count: int) -> None:
        if progress is not None:
            progress(result, done + index, total)

    fresh = await check_targets(todo, options, forward) if todo else []
    if db is not None:
        store_results(db, fresh)
    by_url = {r.url: r for r in fresh} | reused
    return CheckRun([by_url[t.url] for t in targets], checked=len(fresh), reused=len(reused))


def store_results(db: Database, results: list[LinkResult]) -> int:
    """Keep the results that were not reused in ``db`` (one transaction); how many were."""
    from studyplan.links import store

    return store.save_results(db, results)
