"""Keep link-check results in the database (table ``link_check``, one row per check).

Successes younger than ``max_age`` are reused by the next run; failures never are. The
rows kept answer "dead for the last N checks" (:func:`failing_streaks`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta

from sqlalchemy import func, insert, select
from sqlmodel import Session, col

from studyplan.db.database import Database
from studyplan.db.models import LinkCheck, utcnow
from studyplan.links.result import FAILED, REUSABLE, LinkResult
from studyplan.links.stored_row import check_row

_CHUNK = 500


def _chunks(items: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def save_results(db: Database, results: Iterable[LinkResult]) -> int:
    """Store every result that was not reused from the cache, in one transaction."""
    rows = [check_row(r) for r in results if not r.cached]
    if rows:
        db.write(lambda session: session.execute(insert(LinkCheck), rows), as_learner=False)
    return len(rows)


def _result(row: LinkCheck) -> LinkResult:
    try:
        chain = json.loads(row.redirects or "[]")
    except ValueError:
        chain = []
    return LinkResult(
        url=row.url,
        status=row.status,
        http_status=row.http_status,
        final_url=row.final_url,
        redirects=chain,
        attempts=row.attempts,
        elapsed_ms=row.elapsed_ms,
        error=row.error,
        checked_at=row.checked_at,
        cached=True,
    )


def _latest_rows(session: Session, urls: list[str] | None) -> list[LinkCheck]:
    newest = select(func.max(col(LinkCheck.id))).group_by(col(LinkCheck.url))
    if urls is None:
        return list(session.scalars(select(LinkCheck).where(col(LinkCheck.id).in_(newest))))
    rows: list[LinkCheck] = []
    for chunk in _chunks(urls):
        query = select(LinkCheck).where(
            col(LinkCheck.id).in_(newest.where(col(LinkCheck.url).in_(chunk)))
        )
        rows.extend(session.scalars(query))
    return rows


def latest_results(db: Database, urls: Iterable[str] | None = None) -> dict[str, LinkResult]:
    """The most recent stored result of each URL (of ``urls``, or of every URL checked)."""
    wanted = None if urls is None else list(dict.fromkeys(urls))
    with db.read() as session:
        return {row.url: _result(row) for row in _latest_rows(session, wanted)}


def reusable_results(
    db: Database, urls: Iterable[str], max_age: timedelta, now: datetime | None = None
) -> dict[str, LinkResult]:
    """Stored results a run may reuse: the latest check is a success younger than ``max_age``.

    A failure is never reused, even when an older success would be young enough.
    """
    if max_age <= timedelta(0):
        return {}
    cutoff = (now or utcnow()) - max_age
    return {
        url: result
        for url, result in latest_results(db, urls).items()
        if result.status in REUSABLE and result.checked_at and result.checked_at >= cutoff
    }


def failing_streaks(db: Database, urls: Iterable[str]) -> dict[str, int]:
    """For each URL, how many of its most recent checks in a row were dead or errors."""
    wanted = list(dict.fromkeys(urls))
    streaks: dict[str, int] = {}
    broken: set[str] = set()
    with db.read() as session:
        for chunk in _chunks(wanted):
            query = (
                select(col(LinkCheck.url), col(LinkCheck.status))
                .where(col(LinkCheck.url).in_(chunk))
                .order_by(col(LinkCheck.url), col(LinkCheck.id).desc())
            )
            for url, status in session.execute(query):
                if url in broken:
                    continue
                if status in FAILED:
                    streaks[url] = streaks.get(url, 0) + 1
                else:
                    broken.add(url)
                    streaks.setdefault(url, 0)
    return streaks
