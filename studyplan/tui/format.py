"""Drawing helpers of the interface (words, marks and durations live in studyplan.wording)."""

from __future__ import annotations

from rich.style import Style


def bar(fraction: float, width: int) -> str:
    """A progress bar of ``width`` cells made of full and light blocks."""
    width = max(0, width)
    filled = round(max(0.0, min(1.0, fraction)) * width)
    return "█" * filled + "░" * (width - filled)


def foreground(full: Style, partial: Style) -> Style:
    """A component's text style for spans of text: its colour blended as drawn (``full``,
    where a colour with transparency is mixed with the background) and its text style
    (``partial``), but no background, so that a cursor's background still shows."""
    return Style(color=full.color) + partial.without_color
