"""The charts of the HTML export as inline SVG: the heatmap, minutes per week, the burndown.

Each chart is one ``<svg role="img">`` with a ``<title>``; each day, week and point carries its
own ``<title>`` (shown on hover, read by screen readers). Colours come from the page's CSS
classes (``l0`` … ``l4`` for heat levels), so dark mode and printing restyle them.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

from studyplan.planner.exports.html_text import text
from studyplan.planner.statistics import HEATMAP_WEEKS, StudyStats, heatmap_grid
from studyplan.wording import duration

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def day_text(day: date) -> str:
    """``Wed 2027-03-10``."""
    return f"{DAYS[day.weekday()]} {day.isoformat()}"


def _svg(name: str, width: int, height: int, title: str) -> str:
    return (
        f'<svg class="chart {name}" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-labelledby="{name}-title">'
        f'<title id="{name}-title">{text(title)}</title>'
    )


def _label(x: float, y: float, words: str, anchor: str = "start") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}">{text(words)}</text>'


# The heatmap: 53 columns (weeks, oldest first) by 7 rows (days from the week's first day).
CELL, PITCH, HEAT_LEFT, HEAT_TOP = 11, 13, 30, 16


def _day_title(day: date, minutes: int | None) -> str:
    if minutes is None:
        return f"{day_text(day)}: no activity"
    if minutes == 0:
        return f"{day_text(day)}: active, 0 min"
    return f"{day_text(day)}: {minutes} min"


def _month_labels(start: date) -> list[str]:
    """A month's name above the week holding its first day (the first column's month too,
    unless the next label is within two weeks)."""
    columns: list[tuple[int, int]] = []
    for week in range(HEATMAP_WEEKS):
        first = start + timedelta(weeks=week)
        ones = [first + timedelta(days=n) for n in range(7)]
        month = next((d.month for d in ones if d.day == 1), None)
        if month is not None:
            columns.append((week, month))
    if not columns or columns[0][0] >= 2:
        columns.insert(0, (0, start.month))
    return [
        _label(HEAT_LEFT + week * PITCH, HEAT_TOP - 5, MONTHS[month - 1]) for week, month in columns
    ]


def heatmap(stats: StudyStats) -> str:
    """The last 12 months, one cell per day coloured by :func:`heat_level`."""
    width = HEAT_LEFT + HEATMAP_WEEKS * PITCH
    height = HEAT_TOP + 7 * PITCH
    start = stats.heatmap_start
    parts = [_svg("heatmap", width, height, "Minutes studied per day, the last 12 months")]
    parts.extend(_month_labels(start))
    for row in range(7):
        name = DAYS[(stats.first_weekday + row) % 7]
        parts.append(_label(HEAT_LEFT - 4, HEAT_TOP + row * PITCH + 9, name, "end"))
    grid = heatmap_grid(stats)
    for week in range(HEATMAP_WEEKS):
        for row in range(7):
            level = grid[row][week]
            if level is None:
                continue
            day = start + timedelta(weeks=week, days=row)
            parts.append(
                f'<rect x="{HEAT_LEFT + week * PITCH}" y="{HEAT_TOP + row * PITCH}" '
                f'width="{CELL}" height="{CELL}" rx="2" class="l{level}">'
                f"<title>{text(_day_title(day, stats.daily.get(day)))}</title></rect>"
            )
    parts.append("</svg>")
    return "".join(parts)


# Minutes per week: one bar per week, the value above it and the week's first day below.
BAR_PITCH, BAR_WIDTH, WEEKS_HEIGHT, WEEKS_TOP, WEEKS_BOTTOM = 40, 28, 130, 16, 18


def weeks_chart(stats: StudyStats) -> str:
    """Minutes studied in each of the last weeks (:data:`statistics.WEEKS_SHOWN`)."""
    width = len(stats.weeks) * BAR_PITCH + 4
    room = WEEKS_HEIGHT - WEEKS_TOP - WEEKS_BOTTOM
    most = max((m for _, m in stats.weeks), default=0) or 1
    parts = [_svg("weeks", width, WEEKS_HEIGHT, "Minutes studied per week, the last 12 weeks")]
    base = WEEKS_HEIGHT - WEEKS_BOTTOM
    for n, (start, minutes) in enumerate(stats.weeks):
        x = 2 + n * BAR_PITCH + (BAR_PITCH - BAR_WIDTH) / 2
        tall = round(room * minutes / most, 1)
        centre = x + BAR_WIDTH / 2
        title = f"week of {day_text(start)}: {minutes} min"
        parts.append(
            f'<g class="week"><title>{text(title)}</title>'
            f'<rect class="bar" x="{x:.1f}" y="{base - tall:.1f}" width="{BAR_WIDTH}" '
            f'height="{tall}"/>'
        )
        if minutes:
            parts.append(_label(centre, base - tall - 3, duration(minutes), "middle"))
        parts.append(
            _label(centre, WEEKS_HEIGHT - 5, f"{MONTHS[start.month - 1]} {start.day}", "middle")
        )
        parts.append("</g>")
    parts.append(f'<line class="axis" x1="0" y1="{base}" x2="{width}" y2="{base}"/></svg>')
    return "".join(parts)


# The burndown: minutes left at the end of each week, then the projections to the finish.
BURN_WIDTH, BURN_HEIGHT, BURN_LEFT, BURN_RIGHT, BURN_TOP, BURN_BOTTOM = 640, 220, 58, 20, 12, 30
BURN_HORIZON = timedelta(days=365)
"""The chart ends at most a year after the planned finish (or today): a finish at a slow
actual pace, years away, would squash the weeks already studied into a corner."""
TICK_ROOM = 64
"""The least distance between two date labels of the x axis (SVG units)."""


class _Scale:
    """Dates to x and minutes to y inside the burndown's plot area."""

    def __init__(self, first: date, last: date, most: int) -> None:
        self.first = first
        self.days = max((last - first).days, 1)
        self.most = max(most, 1)

    def x(self, day: date) -> float:
        span = BURN_WIDTH - BURN_LEFT - BURN_RIGHT
        return BURN_LEFT + (day - self.first).days / self.days * span

    def y(self, minutes: int) -> float:
        span = BURN_HEIGHT - BURN_TOP - BURN_BOTTOM
        return BURN_TOP + (1 - minutes / self.most) * span


def _round_up(minutes: int) -> int:
    """The top of the y axis: whole hours (or ten minutes below an hour)."""
    step = 60 if minutes >= 60 else 10
    return max(step, math.ceil(minutes / step) * step)


def _burn_axes(scale: _Scale, ticks: list[date], today: date) -> list[str]:
    bottom = BURN_HEIGHT - BURN_BOTTOM
    right = BURN_WIDTH - BURN_RIGHT
    parts = [
        f'<line class="axis" x1="{BURN_LEFT}" y1="{BURN_TOP}" x2="{BURN_LEFT}" y2="{bottom}"/>',
        f'<line class="axis" x1="{BURN_LEFT}" y1="{bottom}" x2="{right}" y2="{bottom}"/>',
    ]
    for minutes in (scale.most, scale.most // 2):
        y = scale.y(minutes)
        parts.append(
            f'<line class="grid" x1="{BURN_LEFT}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}"/>'
        )
        parts.append(_label(BURN_LEFT - 4, y + 3, duration(minutes), "end"))
    parts.append(_label(BURN_LEFT - 4, bottom + 3, "0", "end"))
    placed: list[float] = []
    for day in ticks:
        x = scale.x(day)
        if any(abs(x - other) < TICK_ROOM for other in placed):
            continue
        placed.append(x)
        anchor = "start" if x - BURN_LEFT < 30 else "end" if right - x < 30 else "middle"
        parts.append(_label(x, bottom + 16, "today" if day == today else day.isoformat(), anchor))
    return parts


def _projection(
    scale: _Scale, name: str, what: str, finish: date, today: date, left: int, last: date
) -> str:
    """A dashed line from today's minutes left to none at ``finish`` (cut at ``last``)."""
    end, rest, note = finish, 0, ""
    if finish > last:
        end, note = last, " (beyond the chart)"
        rest = round(left * (finish - last).days / max((finish - today).days, 1))
    return (
        f'<line class="{name}" x1="{scale.x(today):.1f}" y1="{scale.y(left):.1f}" '
        f'x2="{scale.x(end):.1f}" y2="{scale.y(rest):.1f}">'
        f"<title>{text(f'{what}: {day_text(finish)}{note}')}</title></line>"
    )


def burndown(stats: StudyStats) -> str:
    """Minutes left per week, and dashed lines from today to the planned and actual finish."""
    today = stats.today
    points = stats.burndown or [(today, stats.minutes_left)]
    first = points[0][0]
    planned, actual = stats.planned_finish, stats.actual_finish
    horizon = max(today, planned or today) + BURN_HORIZON
    last = max([today, first + timedelta(days=7)] + [d for d in (planned, actual) if d])
    last = min(last, horizon)
    scale = _Scale(first, last, _round_up(max([m for _, m in points] + [stats.minutes_left])))
    ticks = [d for d in (first, last, today, planned, actual) if d is not None and d <= last]
    parts = [_svg("burndown", BURN_WIDTH, BURN_HEIGHT, "Minutes left, week by week")]
    parts.extend(_burn_axes(scale, ticks, today))
    left = stats.minutes_left
    if left > 0:
        for name, finish, what in (
            ("planned", planned, "planned finish"),
            ("actual", actual, "finish at your actual pace"),
        ):
            if finish is not None:
                parts.append(_projection(scale, name, what, finish, today, left, last))
    line = " ".join(f"{scale.x(d):.1f},{scale.y(m):.1f}" for d, m in points)
    parts.append(f'<polyline class="left" points="{line}"/>')
    for day, minutes in points:
        title = f"{day_text(day)}: {minutes} min left"
        parts.append(
            f'<circle class="left" cx="{scale.x(day):.1f}" cy="{scale.y(minutes):.1f}" r="2.5">'
            f"<title>{text(title)}</title></circle>"
        )
    parts.append("</svg>")
    return "".join(parts)
