"""How studyplan says things, defined once for the command line and the interface.

Status marks and words, link-health marks and words, durations, and what "finished" means.
"""

from __future__ import annotations

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
