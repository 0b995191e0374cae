"""Statistics over time as plain text and JSON: minutes per week, the heatmap, the burndown.

Drawn with characters only (no colours), so the charts read in any terminal, in a pipe and
with NO_COLOR.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from studyplan.planner.statistics import (
    HEAT_LEVELS,
    HEATMAP_WEEKS,
    StudyStats,
    heatmap_grid,
)
from studyplan.wording import duration

SHADES = "·░▒▓█"
"""One character per heat level, from no activity to two hours or more."""

BAR_WIDTH = 40


def study_stats_dict(stats: StudyStats) -> dict[str, Any]:
    """The statistics over time as ``stats --json`` prints them."""
    return {
        "today": stats.today.isoformat(),
        "minutes_per_week": [
            {"week": start.isoformat(), "minutes": minutes} for start, minutes in stats.weeks
        ],
        "active_days": {day.isoformat(): m for day, m in sorted(stats.daily.items())},
        "active_days_count": stats.active_days,
        "heatmap": {
            "start": stats.heatmap_start.isoformat(),
            "levels": heatmap_grid(stats),
            "legend": list(HEAT_LEVELS),
        },
        "streaks": None
        if stats.streaks is None
        else {"current": stats.streaks.current, "longest": stats.streaks.longest},
        "burndown": [
            {"date": day.isoformat(), "minutes_left": left} for day, left in stats.burndown
        ],
        "pace_minutes_per_week": round(stats.minutes_per_week, 1),
        "finish_actual": _iso(stats.actual_finish),
        "finish_planned": _iso(stats.planned_finish),
    }


def _iso(day: Any) -> str | None:
    return day.isoformat() if day is not None else None


def study_stats_text(stats: StudyStats) -> str:
    """Minutes per week as bars, the heatmap, streaks and the burndown with finish dates."""
    parts = [_weeks_text(stats), _heatmap_text(stats)]
    if stats.streaks is not None:
        s = stats.streaks
        parts.append(f"Streak      {_days(s.current)} now, {_days(s.longest)} at the longest")
    parts.append(_burndown_text(stats))
    return "\n\n".join(parts)


def _days(n: int) -> str:
    return f"{n} day{'s' * (n != 1)}"


def _bar(value: int, most: int) -> str:
    if most <= 0 or value <= 0:
        return ""
    return "█" * max(1, round(value / most * BAR_WIDTH))


def _weeks_text(stats: StudyStats) -> str:
    most = max((m for _, m in stats.weeks), default=0)
    lines = [f"Minutes studied per week (the last {len(stats.weeks)}, timer and finished items)"]
    for start, minutes in stats.weeks:
        lines.append(f"  {start:%a %d %b}  {duration(minutes):>7}  {_bar(minutes, most)}".rstrip())
    return "\n".join(lines)


def _heatmap_text(stats: StudyStats) -> str:
    grid = heatmap_grid(stats)
    start = stats.heatmap_start
    months = [" "] * HEATMAP_WEEKS
    for week in range(HEATMAP_WEEKS):
        first = start + timedelta(weeks=week)
        if week == 0 or first.month != (first - timedelta(weeks=1)).month:
            label = f"{first:%b}"
            if all(c == " " for c in months[week : week + len(label)]):
                months[week : week + len(label)] = list(label)
    lines = [
        f"Active days {stats.active_days} in the last 12 months",
        "      " + "".join(months[:HEATMAP_WEEKS]),
    ]
    for row in range(7):
        name = f"{start + timedelta(days=row):%a}"
        cells = "".join(SHADES[c] if c is not None else " " for c in grid[row])
        lines.append(f"  {name} {cells}".rstrip())
    legend = "  ".join(f"{SHADES[i]} {text}" for i, text in enumerate(HEAT_LEVELS))
    lines.append(f"      {legend}")
    return "\n".join(lines)


def _burndown_text(stats: StudyStats) -> str:
    lines = [f"Burndown    {duration(stats.minutes_left)} left"]
    points = stats.burndown[-12:]
    most = max((left for _, left in points), default=0)
    for day, left in points:
        lines.append(f"  {day:%a %d %b}  {duration(left):>8}  {_bar(left, most)}")
    pace = duration(round(stats.minutes_per_week))
    if stats.minutes_left <= 0:
        lines.append("Finish      everything is finished")
    elif stats.actual_finish is not None:
        lines.append(
            f"Finish      {stats.actual_finish} at your pace ({pace} a week, last 4 weeks)"
        )
    else:
        lines.append("Finish      no estimate at your pace: nothing finished in the last 4 weeks")
    if stats.planned_finish is not None:
        lines.append(f"Planned     {stats.planned_finish} (studyplan plan)")
    elif stats.planned_too_long:
        lines.append("Planned     after the year 9999 at your pace: set a faster one")
    else:
        lines.append(
            "Planned     no pace set: studyplan plan --hours-per-week 5 --days mon,wed,sat"
        )
    return "\n".join(lines)
