"""Drawing helpers of the interface (words, marks and durations live in studyplan.wording)."""

from __future__ import annotations


def bar(fraction: float, width: int) -> str:
    """A progress bar of ``width`` cells made of full and light blocks."""
    width = max(0, width)
    filled = round(max(0.0, min(1.0, fraction)) * width)
    return "█" * filled + "░" * (width - filled)
