"""Study statistics over time: minutes per day and week, streaks, and the burndown.

Minutes studied on a day are the timer's sessions started that day, plus each item finished
that day at its estimate less the time the timer already counted on it (so nothing counts
twice); a lab counts its estimate on the day it passed. A day is *active* when anything was
studied or recorded: a timer session, a status change, a lab check, a note saved.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from studyplan import clock
from studyplan.db.database import Database
from studyplan.db.models import (
    Activity,
    LabAttempt,
    Note,
)
from studyplan.planner.service import Plan
from studyplan.planner.studied import StudyFacts, gather, local_day, minutes_by_day

HEATMAP_WEEKS = 53
"""The heatmap shows the last 12 months: 53 weeks, today's week last."""

WEEKS_SHOWN = 12
"""Minutes per week are given for the last 12 weeks."""

RATE_DAYS = 28
"""The actual pace is the minutes finished in the last four weeks."""


@dataclass(frozen=True)
class Streaks:
    """Runs of active study days; a day that is not a study day never breaks one."""

    current: int
    longest: int


@dataclass(frozen=True)
class StudyStats:
    """Everything the statistics show over time."""

    today: date
    first_weekday: int
    daily: dict[date, int]
    """Minutes studied on each active day of the last 12 months (0 for a day with activity
    but no minutes)."""
    weeks: list[tuple[date, int]]
    """Minutes studied in each of the last :data:`WEEKS_SHOWN` weeks, oldest first."""
    burndown: list[tuple[date, int]]
    """Minutes left (estimates of unfinished items) at the end of each week, today last."""
    minutes_left: int
    minutes_per_week: float
    """The actual pace: estimates of items finished in the last four weeks, per week."""
    actual_finish: date | None
    """The finish date at the actual pace (None without recent progress)."""
    planned_finish: date | None
    """The finish date of the plan (None without a pace)."""
    planned_too_long: bool = False
    """A pace is set, but at it the plan would end after the year 9999."""
    streaks: Streaks | None = None
    """None unless the learner opted in (the ``streaks`` setting)."""
    study_days: frozenset[int] = field(default_factory=lambda: frozenset(range(7)))

    @property
    def heatmap_start(self) -> date:
        """The first day the heatmap shows: the start of the week 52 weeks before today's."""
        return clock.week_start(self.today, self.first_weekday) - timedelta(weeks=HEATMAP_WEEKS - 1)

    @property
    def active_days(self) -> int:
        """Days with activity in the last 12 months."""
        return sum(1 for day in self.daily if day >= self.heatmap_start)

    @property
    def minutes_this_week(self) -> int:
        """Minutes studied this week so far."""
        return self.weeks[-1][1] if self.weeks else 0


@dataclass
class _Facts(StudyFacts):
    """The facts of time studied, and the other moments of activity."""

    moments: list[datetime] = field(default_factory=list)
    """Status changes, lab checks, notes saved."""


def _gather(session: Session, since: datetime) -> _Facts:
    studied = gather(session)
    facts = _Facts(studied.sessions, studied.finished, studied.labs)
    for moment_column in (col(Activity.at), col(LabAttempt.at), col(Note.updated_at)):
        query: Any = sa_select(moment_column).where(moment_column >= since)
        facts.moments.extend(r[0] for r in session.execute(query))
    return facts


def _daily_minutes(facts: _Facts, tz: tzinfo) -> dict[date, int]:
    """Minutes studied per day, and 0 on a day with only other activity."""
    daily = minutes_by_day(facts, tz)
    for moment in facts.moments:
        day = local_day(moment, tz)
        if day is not None:
            daily.setdefault(day, 0)
    return daily


def _finish_days(facts: _Facts, tz: tzinfo) -> list[tuple[date, int]]:
    """(day finished, estimate) of every finished item, resources and labs."""
    found = [
        (day, minutes)
        for _, finished_at, status, minutes in facts.finished
        if status in ("done", "skipped") and (day := local_day(finished_at, tz)) is not None
    ]
    found.extend(
        (day, minutes) for passed_at, minutes in facts.labs if (day := local_day(passed_at, tz))
    )
    return sorted(found)


def _total_minutes(facts: _Facts) -> int:
    return sum(m for *_, m in facts.finished) + sum(m for _, m in facts.labs)


class _TimerCredit:
    """Minutes on the timer that count against unfinished resources, as of a given day."""

    def __init__(self, facts: StudyFacts, tz: tzinfo) -> None:
        self.sessions = sorted(
            (day, rid, secs)
            for rid, started, secs in facts.sessions
            if (day := local_day(started, tz)) is not None
        )
        timed = {rid for _, rid, _ in self.sessions}
        self.resources = {
            rid: (minutes, local_day(at, tz) if status in ("done", "skipped") else None)
            for rid, at, status, minutes in facts.finished
            if rid in timed
        }

    @property
    def first_day(self) -> date | None:
        """The day of the first timer session."""
        return self.sessions[0][0] if self.sessions else None

    def on(self, day: date) -> int:
        """Minutes timed up to ``day`` on resources still unfinished then (at most each
        one's estimate)."""
        seconds: dict[str, int] = defaultdict(int)
        for when, rid, secs in self.sessions:
            if when > day:
                break
            seconds[rid] += secs
        credit = 0
        for rid, secs in seconds.items():
            minutes, finished = self.resources.get(rid, (0, None))
            if finished is None or finished > day:
                credit += min(minutes, secs // 60)
        return credit


def _burndown(
    finished: list[tuple[date, int]],
    total: int,
    today: date,
    first_weekday: int,
    credit: _TimerCredit,
) -> list[tuple[date, int]]:
    """Minutes left at the end of each week since the first finished item (a year at most)."""
    this_week = clock.week_start(today, first_weekday)
    oldest = this_week - timedelta(weeks=HEATMAP_WEEKS - 1)
    starts = [d for d in (finished[0][0] if finished else None, credit.first_day) if d]
    first = clock.week_start(min(starts), first_weekday) if starts else this_week
    week = max(first, oldest)
    points = []
    done = sum(m for day, m in finished if day < week)
    index = sum(1 for day, _ in finished if day < week)
    while week <= this_week:
        end = min(week + timedelta(days=6), today)
        while index < len(finished) and finished[index][0] <= end:
            done += finished[index][1]
            index += 1
        points.append((end, total - done - credit.on(end)))
        week += timedelta(weeks=1)
    return points


def _weeks(daily: dict[date, int], today: date, first_weekday: int) -> list[tuple[date, int]]:
    this_week = clock.week_start(today, first_weekday)
    starts = [this_week - timedelta(weeks=n) for n in range(WEEKS_SHOWN - 1, -1, -1)]
    totals = dict.fromkeys(starts, 0)
    for day, minutes in daily.items():
        start = clock.week_start(day, first_weekday)
        if start in totals:
            totals[start] += minutes
    return [(start, totals[start]) for start in starts]


def streaks(active: set[date], study_days: frozenset[int], today: date) -> Streaks:
    """Current and longest runs of active days.

    A chosen study day without activity ends a run; any other day never does (it adds one
    when it is active). Today, until it is over, does not end the current run.
    """
    if not active:
        return Streaks(0, 0)
    run = longest = 0
    day = min(active)
    while day <= today:
        if day in active:
            run += 1
        elif day.weekday() in study_days and day != today:
            run = 0
        longest = max(longest, run)
        day += timedelta(days=1)
    return Streaks(run, longest)


def _finish_at(today: date, left: int, rate: float) -> date | None:
    """The day ``left`` minutes are done at ``rate`` minutes a week (None if never, or after
    the calendar's end)."""
    if rate <= 0 or left <= 0:
        return None
    try:
        return today + timedelta(days=math.ceil(left / rate * 7))
    except OverflowError:
        return None


def _rate(finished: list[tuple[date, int]], today: date) -> float:
    since = today - timedelta(days=RATE_DAYS - 1)
    return sum(m for day, m in finished if since <= day <= today) * 7 / RATE_DAYS


def study_stats(
    db: Database,
    tz: tzinfo,
    first_weekday: int,
    plan: Plan,
    now: datetime | None = None,
    with_streaks: bool = False,
) -> StudyStats:
    """The statistics over time, as of ``now`` in ``tz``; ``plan`` gives the planned finish."""
    moment = now or clock.now()
    today = clock.today(tz, moment)
    since = moment - timedelta(days=7 * (HEATMAP_WEEKS + 1))
    with db.read() as session:
        facts = _gather(session, since)
    daily = _daily_minutes(facts, tz)
    finished = _finish_days(facts, tz)
    total = _total_minutes(facts)
    credit = _TimerCredit(facts, tz)
    left = total - sum(m for _, m in finished) - credit.on(today)
    rate = _rate(finished, today)
    actual = _finish_at(today, left, rate)
    if left <= 0:
        actual = today
    days = plan.pace.weekdays if plan.pace else frozenset(range(7))
    start = clock.week_start(today, first_weekday) - timedelta(weeks=HEATMAP_WEEKS - 1)
    return StudyStats(
        today=today,
        first_weekday=first_weekday,
        daily={d: m for d, m in daily.items() if start <= d <= today},
        weeks=_weeks(daily, today, first_weekday),
        burndown=_burndown(finished, total, today, first_weekday, credit),
        minutes_left=left,
        minutes_per_week=rate,
        actual_finish=actual,
        planned_finish=plan.finish,
        planned_too_long=plan.too_long,
        streaks=streaks({d for d in daily if d <= today}, days, today) if with_streaks else None,
        study_days=days,
    )


def heatmap_grid(stats: StudyStats) -> list[list[int | None]]:
    """Seven rows (the week's days from ``first_weekday``) by 53 columns (weeks, oldest
    first) of :func:`heat_level` values; None for a day after today."""
    start = stats.heatmap_start
    grid: list[list[int | None]] = [[None] * HEATMAP_WEEKS for _ in range(7)]
    for week in range(HEATMAP_WEEKS):
        for row in range(7):
            day = start + timedelta(weeks=week, days=row)
            if day <= stats.today:
                minutes = stats.daily.get(day)
                grid[row][week] = heat_level(minutes, active=minutes is not None)
    return grid


HEAT_LEVELS = ("no activity", "under 30 min", "30-59 min", "1-2 h", "2 h or more")
"""What each heat level means (the legend)."""


def heat_level(minutes: int | None, active: bool = False) -> int:
    """0 (nothing) to 4 (two hours or more); a day with activity but no minutes is 1."""
    if not minutes:
        return 1 if active else 0
    return 1 if minutes < 30 else 2 if minutes < 60 else 3 if minutes < 120 else 4
