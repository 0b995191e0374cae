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
