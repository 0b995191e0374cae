"""What a link check found: one :class:`LinkResult` per URL (no network code here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

ALIVE = "alive"
REDIRECTED = "redirected"
DEAD = "dead"
BLOCKED = "blocked"
ERROR = "error"
SKIPPED = "skipped"

STATUSES = (ALIVE, REDIRECTED, DEAD, BLOCKED, ERROR, SKIPPED)
"""Every status a result can have."""

FAILED = frozenset({DEAD, ERROR})
"""Statuses that make ``links check`` exit 2."""

REUSABLE = frozenset({ALIVE, REDIRECTED})
"""Statuses a later run may reuse instead of asking again (failures are never reused)."""


@dataclass
class LinkResult:
    """The outcome of checking one URL."""

    url: str
    status: str
    http_status: int | None = None
    final_url: str = ""
    redirects: list[dict[str, Any]] = field(default_factory=list)
    """The chain: one ``{"url": ..., "status": ...}`` per redirect followed, in order."""
    attempts: int = 0
    elapsed_ms: int = 0
    error: str = ""
    resources: list[str] = field(default_factory=list)
    checked_at: datetime | None = None
    cached: bool = False
    """Whether this result was reused from an earlier run (within ``--max-age``)."""
    archive_url: str | None = None
    """The Wayback Machine copy of ``url``, or None when none can exist (a loopback, private or
    reserved host, or a catalog resource added today): see :mod:`studyplan.links.archive`.
    Reports offer it for failed results only."""

    @property
    def failed(self) -> bool:
        """Whether this result counts as a failure (dead or error)."""
        return self.status in FAILED

    @property
    def moved_permanently(self) -> bool:
        """Whether the chain holds a permanent redirect (301/308) to another address."""
        return self.status == REDIRECTED and bool(self.final_url) and self.final_url != self.url

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of a result (``links check --format json``).

        ``archive_url`` is there only for a failed result that has an archived copy.
        """
        data: dict[str, Any] = {
            "url": self.url,
            "status": self.status,
            "http_status": self.http_status,
            "final_url": self.final_url,
            "redirects": self.redirects,
            "attempts": self.attempts,
            "elapsed_ms": self.elapsed_ms,
            "error": self.error,
            "resources": self.resources,
            "checked_at": self.checked_at.isoformat(timespec="seconds")
            if self.checked_at
            else None,
            "cached": self.cached,
        }
        if self.failed and self.archive_url is not None:
            data["archive_url"] = self.archive_url
        return data
