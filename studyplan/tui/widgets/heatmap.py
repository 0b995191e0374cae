"""The calendar heatmap of active days: a week per column, a day of the week per row.

Drawn as text: each level has its own shading character (``·░▒▓█``), so the map reads the
same without colour (NO_COLOR); with colour, each level also takes a colour of the theme
(the ``heatmap--level-N`` component classes).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from studyplan import clock
from studyplan.planner.statistics import HEAT_LEVELS
from studyplan.tui.format import foreground

LEVEL_CHARS = ("·", "░", "▒", "▓", "█")
"""The character of each heat level, 0 (no activity) to 4 (two hours or more)."""

LEVEL_NAMES = tuple(f"level-{n}" for n in range(len(LEVEL_CHARS)))

LABEL_WIDTH = 4
"""The weekday labels' column: ``Mon `` (and the room the month labels skip)."""

StyleOf = Callable[[str], Style]
"""Gives the style of a part of the map: ``level-0`` … ``level-4``, ``label``."""


def _plain(_name: str) -> Style:
    return Style()


def month_labels(start: date, weeks: int) -> str:
    """The line above the map: a month's name over the week holding its first day (a name
    that would run into the next one is left out; the first, partial month too if so)."""
    line = [" "] * weeks
    marks = []
    for week in range(weeks):
        days = [start + timedelta(weeks=week, days=n) for n in range(7)]
        firsts = [day for day in days if day.day == 1]
        if firsts:
            marks.append((week, f"{firsts[0]:%b}"))
    if not marks or marks[0][0] >= 4:
        marks.insert(0, (0, f"{start:%b}"))
    end = 0
    for week, name in marks:
        if week < end or week + len(name) > weeks:
            continue
        line[week : week + len(name)] = name
        end = week + len(name) + 1
    return " " * LABEL_WIDTH + "".join(line)


def heatmap_text(
    grid: list[list[int | None]],
    start: date,
    first_weekday: int,
    active_days: int,
    style_of: StyleOf = _plain,
) -> Text:
    """The map of ``grid`` (7 rows of levels from :func:`~studyplan.planner.statistics.
    heatmap_grid`, None after today), month and weekday labels, and the legend."""
    weeks = len(grid[0]) if grid else 0
    text = Text(month_labels(start, weeks), style=style_of("label"))
    for row, levels in enumerate(grid):
        name = clock.WEEKDAYS[(first_weekday + row) % 7].capitalize()
        text.append(f"\n{name:<{LABEL_WIDTH}}", style=style_of("label"))
        for level in levels:
            if level is None:
                text.append(" ")
            else:
                text.append(LEVEL_CHARS[level], style=style_of(f"level-{level}"))
    text.append("\n")
    for level, meaning in enumerate(HEAT_LEVELS):
        text.append("\n" if level == 3 else "  " if level else "")
        text.append(LEVEL_CHARS[level], style=style_of(f"level-{level}"))
        text.append(f" {meaning}", style=style_of("label"))
    text.append(f"   {active_days} active day{'s' * (active_days != 1)}", style="bold")
    return text


def active_cells(text: Text | str) -> int:
    """How many days the drawn map shows as active (for tests: the map's own count)."""
    rows = str(text).split("\n")[1:8]
    return sum(row[LABEL_WIDTH:].count(c) for row in rows for c in LEVEL_CHARS[1:])


class Heatmap(Static):
    """The last 12 months of activity (see the module docstring)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "heatmap--label",
        *(f"heatmap--{name}" for name in LEVEL_NAMES),
    }

    DEFAULT_CSS = """
    Heatmap {
        height: auto;
        & > .heatmap--label { color: $text-muted; }
        & > .heatmap--level-0 { color: $foreground 25%; }
        & > .heatmap--level-1 { color: $success 45%; }
        & > .heatmap--level-2 { color: $success 70%; }
        & > .heatmap--level-3 { color: $success; }
        & > .heatmap--level-4 { color: $text-success; }
    }
    """

    _shown: tuple[list[list[int | None]], date, int, int] | None = None
    _drawn: tuple[int, object] | None = None
    """The weeks left out and the data of the map on screen (drawn again only if they change)."""

    def show(
        self, grid: list[list[int | None]], start: date, first_weekday: int, active_days: int
    ) -> None:
        """Draw ``grid`` (call once mounted: the colours come from the theme); the latest
        weeks that fit when the map is narrower than a year."""
        self._shown = (grid, start, first_weekday, active_days)
        self._draw()

    def on_resize(self) -> None:
        """Draw again: as many weeks as now fit."""
        self._draw()

    def _draw(self) -> None:
        if self._shown is None:
            return
        grid, start, first_weekday, active_days = self._shown
        weeks = len(grid[0]) if grid else 0
        room = self.content_size.width - LABEL_WIDTH
        skip = weeks - max(1, min(weeks, room)) if room > 0 else 0
        if (skip, self._shown) == self._drawn:
            return
        self._drawn = (skip, self._shown)
        styles = {name: self._style(name) for name in ("label", *LEVEL_NAMES)}
        cropped = [row[skip:] for row in grid]
        first = start + timedelta(weeks=skip)
        self.update(heatmap_text(cropped, first, first_weekday, active_days, styles.__getitem__))

    def _style(self, name: str) -> Style:
        component = f"heatmap--{name}"
        full = self.get_component_rich_style(component)
        return foreground(full, self.get_component_rich_style(component, partial=True))


__all__ = ["LEVEL_CHARS", "Heatmap", "active_cells", "heatmap_text", "month_labels"]
