"""What a link check found: one :class:`LinkResult` per URL (no network code here)."""

from __future__ import annotations

from studyplan.links.records import Record

TYPE_CHECKING = False  # not typing's: importing typing costs a link check 3 ms
if TYPE_CHECKING:
    from datetime import datetime
    from typing import Any

ALIVE = "alive"
REDIRECTED = "redirected"
DEAD = "dead"
BLOCKED = "blocked"
ERROR = "error"
SKIPPED = "skipped"
FRAGMENT_MISSING = "fragment-missing"
"""The page answers, but has no anchor for the URL's ``#part`` (``--include-fragments``)."""
INVALID = "invalid"
"""An input problem: the address cannot be parsed or its host is malformed; never requested."""

STATUSES = (ALIVE, REDIRECTED, DEAD, FRAGMENT_MISSING, BLOCKED, ERROR, INVALID, SKIPPED)
"""Every status a result can have."""

FAILED = frozenset({DEAD, ERROR, FRAGMENT_MISSING, INVALID})
"""Statuses that make ``links check`` exit 2."""

REUSABLE = frozenset({ALIVE, REDIRECTED})
"""Statuses a later run may reuse instead of asking again (failures are never reused)."""


class LinkResult(Record):
    """The outcome of checking one URL."""

    _fields = (
        "url",
        "status",
        "http_status",
        "final_url",
        "redirects",
        "attempts",
        "elapsed_ms",
        "error",
        "resources",
        "checked_at",
        "cached",
        "archive_url",
    )
    __slots__ = _fields

    def __init__(
        self,
        url: str,
        status: str,
        http_status: int | None = None,
        final_url: str = "",
        redirects: list[dict[str, Any]] | None = None,
        attempts: int = 0,
        elapsed_ms: int = 0,
        error: str = "",
        resources: list[str] | None = None,
        checked_at: datetime | None = None,
        cached: bool = False,
        archive_url: str | None = None,
    ) -> None:
        self.url = url
        self.status = status
        self.http_status = http_status
        self.final_url = final_url
        self.redirects: list[dict[str, Any]] = redirects if redirects is not None else []
        """The chain: one ``{"url": ..., "status": ...}`` per redirect followed, in order."""
        self.attempts = attempts
        self.elapsed_ms = elapsed_ms
        self.error = error
        self.resources: list[str] = resources if resources is not None else []
        self.checked_at = checked_at
        self.cached = cached
        """Whether this result was reused from an earlier run (within ``--max-age``)."""
        self.archive_url = archive_url
        """The Wayback Machine copy of ``url``, or None when none can exist (a loopback,
        private or reserved host, or a catalog resource added today): see
        :mod:`studyplan.links.archive`. Reports offer it for failed results only."""

    @property
    def failed(self) -> bool:
        """Whether this result counts as a failure (exit code 2): see :data:`FAILED`."""
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
