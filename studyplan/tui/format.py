"""Small text helpers shared by the widgets: minutes, progress bars, status marks."""

from __future__ import annotations

STATUS_MARK = {"todo": "[ ]", "in_progress": "[~]", "done": "[x]", "skipped": "[-]"}
"""The same marks as ``studyplan list`` prints."""

STATUS_WORD = {"todo": "todo", "in_progress": "learning", "done": "done", "skipped": "skipped"}
"""How a status reads in notifications and the detail pane."""


def minutes_text(minutes: int) -> str:
    """``95`` -> ``1h 35m``; ``40`` -> ``40m``; ``0`` -> ``0m``."""
    hours, rest = divmod(max(0, minutes), 60)
    if not hours:
        return f"{rest}m"
    return f"{hours}h {rest:02d}m" if rest else f"{hours}h"


def seconds_text(seconds: int) -> str:
    """Logged study time: ``59`` -> ``<1m``, ``3700`` -> ``1h 01m``."""
    if 0 < seconds < 60:
        return "<1m"
    return minutes_text(seconds // 60)


def bar(fraction: float, width: int) -> str:
    """A progress bar of ``width`` cells made of full and light blocks."""
    width = max(0, width)
    filled = round(max(0.0, min(1.0, fraction)) * width)
    return "█" * filled + "░" * (width - filled)


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


def elapsed_text(seconds: float) -> str:
    """A running timer: ``75`` -> ``1:15``; ``3725`` -> ``1:02:05``."""
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
