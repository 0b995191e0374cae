"""How studyplan says things, defined once for the command line and the interface.

Status marks and words, link-health marks and words, durations, and what "finished" means.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

STATUS_MARK = {"todo": "[ ]", "in_progress": "[~]", "done": "[x]", "skipped": "[-]"}
"""The mark of each status in listings (``studyplan list`` and the interface's table)."""

STATUS_WORD = {"todo": "todo", "in_progress": "in progress", "done": "done", "skipped": "skipped"}
"""How a status reads in sentences."""

FINISHED_STATUSES = ("done", "skipped")
"""A resource is *finished* when it is done or skipped (a lab when passed): every progress
count uses this."""

FINISHED_MEANS = "finished = done or skipped; a lab when passed"
"""The definition, as printed next to counts."""


def finished_count(done: int, skipped: int) -> int:
    """How many resources are finished (done or skipped)."""
    return done + skipped


def percent_finished(done: int, skipped: int, total: int) -> float:
    """The share of ``total`` that is finished, 0-100."""
    return 100.0 * finished_count(done, skipped) / total if total else 0.0


LINK_MARK = {
    "alive": "✓",
    "redirected": "→",
    "dead": "✗",
    "blocked": "?",
    "error": "!",
    "fragment-missing": "#",
    "invalid": "✗",
    "skipped": "-",
    "unchecked": "·",
}
"""The link-health column: one narrow cell per resource."""

LINK_WORD = {
    "alive": "alive",
    "redirected": "redirected",
    "dead": "dead",
    "blocked": "blocked (maybe alive; a person should look)",
    "error": "error",
    "fragment-missing": "page alive, but its #part is missing",
    "invalid": "invalid address (fix it in the catalog)",
    "skipped": "not checked (scheme skipped)",
    "unchecked": "not checked yet",
}
"""How a link status reads in the detail pane."""


def duration(minutes: int) -> str:
    """``95`` -> ``1h 35m``; ``40`` -> ``40m``; ``120`` -> ``2h``; ``0`` -> ``0m``."""
    hours, rest = divmod(max(0, minutes), 60)
    if not hours:
        return f"{rest}m"
    return f"{hours}h {rest:02d}m" if rest else f"{hours}h"


def seconds_text(seconds: int) -> str:
    """Logged study time: ``59`` -> ``<1m``, ``3700`` -> ``1h 01m``."""
    if 0 < seconds < 60:
        return "<1m"
    return duration(seconds // 60)


def elapsed_text(seconds: float) -> str:
    """A running timer: ``75`` -> ``1:15``; ``3725`` -> ``1:02:05``."""
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def ago_text(moment: datetime | None, now: datetime, tz: tzinfo) -> str:
    """How long ago ``moment`` was: ``just now``, ``5 min ago``, ``2 h ago``, ``3 days ago``;
    from a week on (or for a moment after ``now``), its date in ``tz``: ``03 Mar``, with the
    year if it is not ``now``'s (``28 Dec 2024``); ``never`` for None."""
    if moment is None:
        return "never"
    seconds = (now - moment).total_seconds()
    if -60 < seconds < 60:
        return "just now"
    if 0 < seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if 0 < seconds < 86400:
        return f"{int(seconds // 3600)} h ago"
    if 0 < seconds < 7 * 86400:
        days = int(seconds // 86400)
        return f"{days} day{'s' * (days != 1)} ago"
    local = moment.astimezone(tz)
    return f"{local:%d %b}" if local.year == now.astimezone(tz).year else f"{local:%d %b %Y}"
