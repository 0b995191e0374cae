"""The link checker's use cases, shared by the command line and the interface.

Nothing here imports the HTTP client at module level: the engine is imported when a check
runs, so reading states (``latest_states``) stays cheap. Running a check lives in
:mod:`studyplan.links.runner` (re-exported here), which does not import SQLAlchemy either.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy import select as sa_select
from sqlmodel import col

from studyplan.catalog.vocabulary import PRIMARY_ID
from studyplan.db.database import Database
from studyplan.db.models import Resource, Step, dump_json, utcnow
from studyplan.errors import NotFoundError
from studyplan.links import store
from studyplan.links.archive import archive_url
from studyplan.links.extract import LinkTarget, TargetSet, normalize_url
from studyplan.links.policy import CheckOptions
from studyplan.links.result import FAILED, REDIRECTED
from studyplan.links.runner import CheckRun, LinkCheck, ProgressCallback, run_check

__all__ = [
    "CheckRun",
    "LinkCheck",
    "LinkState",
    "ProgressCallback",
    "RedirectChange",
    "apply_redirects",
    "check_resources",
    "database_targets",
    "latest_states",
    "run_check",
]

UNCHECKED = "unchecked"


@dataclass
class LinkState:
    """The latest known health of one resource's address (for reports and the interface)."""

    resource_id: str
    title: str
    url: str
    step: int
    status: str = UNCHECKED
    http_status: int | None = None
    final_url: str = ""
    error: str = ""
    checked_at: datetime | None = None
    failing_streak: int = 0
    """How many of the latest checks in a row were dead or errors."""
    alternatives: list[dict[str, Any]] = field(default_factory=list)
    archive_url: str | None = None
    """The Wayback Machine copy of ``url``, or None when none can exist (a loopback, private or
    reserved host, or a resource added today): see :mod:`studyplan.links.archive`. Reports
    and the interface offer it only when the address :attr:`failed`."""

    @property
    def failed(self) -> bool:
        """Whether the latest check found the address dead or failing."""
        return self.status in FAILED

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of a state (``links report --format json``).

        A failed state has ``alternatives``, and ``archive_url`` when a copy can exist.
        """
        data: dict[str, Any] = {
            "resource": self.resource_id,
            "title": self.title,
            "step": self.step,
            "url": self.url,
            "status": self.status,
            "http_status": self.http_status,
            "final_url": self.final_url,
            "error": self.error,
            "checked_at": self.checked_at.isoformat(timespec="seconds")
            if self.checked_at
            else None,
            "failing_streak": self.failing_streak,
        }
        if self.failed:
            if self.archive_url is not None:
                data["archive_url"] = self.archive_url
            data["alternatives"] = self.alternatives
        return data


def _current_resources(db: Database, step: int | None, *columns: Any) -> list[Any]:
    """``columns`` of every current resource in study order (of main step ``step`` if given)."""
    query = (
        sa_select(*columns)
        .select_from(Resource)
        .join(Step, col(Step.id) == col(Resource.step_id))
        .where(col(Resource.retired_at).is_(None), col(Step.retired_at).is_(None))
        .order_by(col(Step.curriculum_id), col(Step.number), col(Resource.position))
    )
    if step is not None:
        query = query.where(col(Step.number) == step, col(Step.curriculum_id) == PRIMARY_ID)
    with db.read() as session:
        rows = list(session.execute(query).all())
        if step is not None and not rows:
            _require_step(session, step)
    return rows


def _require_step(session: Any, number: int) -> None:
    """Raise :class:`NotFoundError` unless the main curriculum has a current step ``number``."""
    query = sa_select(col(Step.id)).where(
        col(Step.curriculum_id) == PRIMARY_ID,
        col(Step.number) == number,
        col(Step.retired_at).is_(None),
    )
    if session.execute(query).first() is None:
        raise NotFoundError(f"no step {number}; 'studyplan steps' lists them")


def database_targets(
    db: Database, step: int | None = None, include_fragments: bool = False
) -> list[LinkTarget]:
    """The addresses of every current resource in the database (of step ``step`` if given).

    An unknown step raises :class:`NotFoundError`; a step without resources gives no targets.
    With ``include_fragments`` an address keeps its ``#part`` (see :class:`TargetSet`).
    """
    rows = _current_resources(
        db,
        step,
        col(Resource.id),
        col(Resource.url),
        col(Resource.created_at),
        col(Resource.origin),
    )
    targets = TargetSet(include_fragments)
    for resource_id, url, created_at, origin in rows:
        targets.add(url, resource_id, "database", _added_at(created_at, origin))
    return targets.targets()


def _added_at(created_at: datetime | None, origin: str) -> datetime | None:
    """When the learner added a resource of their own; None for the catalog's resources.

    The catalog's addresses come from the article and its curators, written long before
    the day a database was created, so the "added today, no archive yet" rule is only for
    the learner's own additions.
    """
    return created_at if origin == "user" else None


async def check_resources(
    db: Database,
    options: CheckOptions,
    progress: ProgressCallback | None = None,
    step: int | None = None,
) -> CheckRun:
    """Check every current resource of the database (the interface's "check links").

    The rate memory is the learner's (:func:`studyplan.paths.host_pace_file`).
    """
    from studyplan import paths

    targets = database_targets(db, step, options.include_fragments)
    return await run_check(targets, options, db, progress, paths.host_pace_file())


def latest_states(
    db: Database, step: int | None = None, now: datetime | None = None
) -> dict[str, LinkState]:
    """The latest link state of every current resource, keyed by resource id.

    An unknown ``step`` raises :class:`NotFoundError`. ``now`` (default: the current time)
    decides which resources were added today and so can have no archived copy.
    """
    rows = _current_resources(
        db,
        step,
        col(Resource.id),
        col(Resource.title),
        col(Resource.url),
        col(Resource.alternatives),
        col(Step.number),
        col(Resource.created_at),
        col(Resource.origin),
    )
    urls = [row[2] for row in rows]
    # a check without --include-fragments keeps an address without its #part
    latest = store.latest_results(db, urls + [normalize_url(u) for u in urls])
    streaks = store.failing_streaks(db, urls)
    now = now or utcnow()
    states: dict[str, LinkState] = {}
    for resource_id, title, url, alternatives, number, created_at, origin in rows:
        state = LinkState(
            resource_id,
            title,
            url,
            number,
            alternatives=_alternatives(alternatives),
            failing_streak=streaks.get(url, 0),
            archive_url=archive_url(url, _added_at(created_at, origin), now),
        )
        found = latest.get(url) or latest.get(normalize_url(url))
        if found is not None:
            state.status = found.status
            state.http_status = found.http_status
            state.final_url = found.final_url
            state.error = found.error
            state.checked_at = found.checked_at
        states[resource_id] = state
    return states


def _alternatives(text: str) -> list[dict[str, Any]]:
    try:
        value = json.loads(text or "[]")
    except ValueError:
        return []
    return value if isinstance(value, list) else []


@dataclass(frozen=True)
class RedirectChange:
    """A learner's resource whose address moved permanently."""

    resource_id: str
    old_url: str
    new_url: str


def apply_redirects(db: Database, dry_run: bool = False) -> list[RedirectChange]:
    """Point the learner's own resources at their permanent new address, keeping the old one.

    Only resources with origin ``user`` whose latest check found a permanent redirect change;
    the old address goes into ``alternatives`` as "previous address". One transaction.
    """
    latest = store.latest_results(db)

    def work(session: Any) -> list[RedirectChange]:
        changes: list[RedirectChange] = []
        query = select(Resource).where(
            col(Resource.origin) == "user",
            col(Resource.retired_at).is_(None),
        )
        for resource in session.scalars(query):
            found = latest.get(resource.url)
            if found is None or found.status != REDIRECTED or not found.moved_permanently:
                continue
            changes.append(RedirectChange(resource.id, resource.url, found.final_url))
            if dry_run:
                continue
            when = (found.checked_at or utcnow()).date().isoformat()
            alternatives = _alternatives(resource.alternatives)
            alternatives.append(
                {
                    "title": "previous address",
                    "url": resource.url,
                    "why": f"moved permanently on {when}",
                }
            )
            resource.alternatives = dump_json(alternatives)
            resource.url = found.final_url
            resource.updated_at = utcnow()
            session.add(resource)
        return changes

    return db.write(work, as_learner=False)
