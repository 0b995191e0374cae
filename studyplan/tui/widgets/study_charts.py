"""The statistics' charts, drawn with textual-plotext: hours per week, and the burndown.

The series take the theme's colours; each also has its own mark (bars, a solid line, ``·``
for the planned finish, ``x`` for the finish at the learner's pace), so the charts read the
same without colour.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any

from textual.color import Color
from textual_plotext import PlotextPlot

Y_LABELS = 6
"""Room the plots' y axis takes on the left (its labels and line)."""

DAY_LABEL = len("23 Dec")
MONTH_LABEL = len("Dec 2025")

MAX_TICKS = 4
"""Dates under the burndown at most: the first week, the last day shown and two between."""

PROJECTION_DAYS = 366
"""A projected line stops a year after today (a far finish would flatten the history)."""

PLANNED_MARK = "·"
ACTUAL_MARK = "x"


def _hours(minutes: float) -> float:
    return round(minutes / 60, 2)


def projection(today: date, left: int, finish: date) -> tuple[date, float]:
    """Where the straight line from ``(today, left)`` to ``(finish, 0)`` ends on the chart:
    at the finish, or a year after today with what would be left then."""
    span = (finish - today).days
    end = min(span, PROJECTION_DAYS)
    if span <= 0:
        return finish, 0.0
    return today + timedelta(days=end), left * (1 - end / span)


class _Chart(PlotextPlot):
    """A plot whose series take colours of the theme, built once per size and data.

    textual-plotext builds the whole plot each time the widget is drawn; a chart here is
    drawn again only when its data, its size or the theme changes.
    """

    _drawn: tuple[object, ...] | None = None
    _drawing: Any = None
    _version = 0

    def drawing(self) -> Any:
        """The plot for the current size and theme (built only when something changed)."""
        key = (self._version, self.size, self.app.theme)
        if key != self._drawn:
            self._drawn, self._drawing = key, super().render()
        return self._drawing

    def colour(self, name: str) -> tuple[int, int, int]:
        """The theme's colour ``name`` (``primary``, ``warning`` …) as plotext takes it."""
        value = self.app.theme_variables.get(name) or "white"
        return Color.parse(value).rgb

    def _reset(self) -> Any:
        self._version += 1
        plt: Any = self.plt
        plt.clear_data()
        plt.clear_figure()
        return plt


class WeeklyChart(_Chart):
    """Hours studied in each of the last weeks, a bar each, labelled by the week's first day."""

    weeks: list[tuple[date, int]] = []  # noqa: RUF012 (replaced, never changed in place)
    """What is drawn: (week start, minutes), oldest first."""

    def show(self, weeks: list[tuple[date, int]]) -> None:
        """Draw ``weeks`` (week start, minutes), oldest first."""
        self.weeks = weeks
        plt = self._reset()
        values = [_hours(minutes) for _, minutes in weeks]
        plt.bar(list(range(1, len(weeks) + 1)), values, width=0.6, color=self.colour("primary"))
        if not any(values):
            plt.ylim(0, 1)
        self.refresh()

    def render(self) -> Any:
        """Label as many weeks as fit (the latest always), then draw."""
        count = len(self.weeks)
        room = max(1, self.size.width - Y_LABELS)
        step = max(1, math.ceil(count * (DAY_LABEL + 2) / room))
        ticks = list(range(count, 0, -step))[::-1]
        labels = [f"{self.weeks[t - 1][0]:%d %b}" for t in ticks]
        self.plt.xticks([float(t) for t in ticks], labels)
        return self.drawing()


class BurndownChart(_Chart):
    """Hours left at the end of each week, and straight lines to the planned finish and to
    the finish at the learner's pace."""

    points: list[tuple[date, int]] = []  # noqa: RUF012 (replaced, never changed in place)
    """What is drawn: (week end, minutes left), oldest first."""
    first: date | None = None
    """The first day on the x axis (None until something is drawn)."""
    last = 0
    """How many days after :attr:`first` the x axis goes."""

    def show(
        self,
        points: list[tuple[date, int]],
        today: date,
        left: int,
        planned: date | None,
        actual: date | None,
    ) -> None:
        """Draw ``points`` (week end, minutes left) and the projections from today."""
        self.points = points
        plt = self._reset()
        first = points[0][0] if points else today
        lines = [(points, "hd", "primary")]
        for finish, mark, colour in (
            (planned, PLANNED_MARK, "secondary"),
            (actual, ACTUAL_MARK, "warning"),
        ):
            if finish is not None and left > 0 and finish > today:
                end, value = projection(today, left, finish)
                lines.append(([(today, left), (end, round(value))], mark, colour))
        for line, mark, colour in lines:
            plt.plot(
                [(day - first).days for day, _ in line],
                [_hours(minutes) for _, minutes in line],
                marker=mark,
                color=self.colour(colour),
            )
        self.first = first
        self.last = max((day - first).days for line, _, _ in lines for day, _ in line)
        plt.xlim(-1 if not self.last else 0, max(self.last, 1))
        top = max([left, *(m for _, m in points)])
        plt.ylim(0, max(1.0, _hours(top)))
        self.refresh()

    def render(self) -> Any:
        """Date as many points of the x axis as fit (the first and last always), then draw."""
        if self.first is not None:
            room = max(1, self.size.width - Y_LABELS)
            count = max(2, min(MAX_TICKS, room // (MONTH_LABEL + 2)))
            ticks = sorted({round(self.last * n / (count - 1)) for n in range(count)})
            labels = [f"{self.first + timedelta(days=t):%b %Y}" for t in ticks]
            self.plt.xticks([float(t) for t in ticks], labels)
        return self.drawing()


__all__ = ["ACTUAL_MARK", "PLANNED_MARK", "BurndownChart", "WeeklyChart", "projection"]
