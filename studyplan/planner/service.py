"""The plan use cases: store the learner's pace, and build the schedule from today."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo

from sqlmodel import Session, col, select

from studyplan import clock, collector
from studyplan.db.database import Database
from studyplan.db.models import Pace, utcnow
from studyplan.errors import UsageError
from studyplan.planner.items import plan_items
from studyplan.planner.schedule import Pace as SchedulePace
from studyplan.planner.schedule import PlanItem, PlanTooLongError, StudyDay, schedule
from studyplan.planner.studied import minutes_studied_on

ALL_DAYS = ",".join(clock.WEEKDAYS)
MAX_MINUTES_PER_DAY = 24 * 60
MAX_HOURS_PER_WEEK = 7 * 24


@dataclass(frozen=True)
class PaceView:
    """The stored pace, as the learner chose it."""

    minutes_per_day: int
    hours_per_week: float | None
    days: tuple[str, ...]
    start: date
    updated_at: datetime | None = None

    @property
    def weekdays(self) -> frozenset[int]:
        """The study days as weekday numbers (0 = Monday)."""
        return frozenset(clock.WEEKDAYS.index(d) for d in self.days)

    @property
    def minutes_per_week(self) -> int:
        """The budget of a whole week."""
        return self.minutes_per_day * len(self.days)

    def describe(self) -> str:
        """``5 h a week: 100 min on mon, wed, sat, from 2027-01-04``."""
        per_day = f"{self.minutes_per_day} min on {', '.join(self.days)}"
        if self.hours_per_week is not None:
            return f"{self.hours_per_week:g} h a week: {per_day}, from {self.start}"
        return f"{per_day}, from {self.start}"


@dataclass
class Plan:
    """The schedule from ``first`` for what is left, at the stored pace."""

    pace: PaceView | None
    today: date
    first: date
    items: list[PlanItem]
    days: list[StudyDay] = field(default_factory=list)
    studied_today: int = 0
    """Minutes already studied today (they count against today's budget)."""
    too_long: bool = False
    """At the stored pace the plan would end after the year 9999 (nothing is planned)."""

    @property
    def too_long_text(self) -> str:
        """What to say of a plan that is too long."""
        pace = self.pace
        assert pace is not None
        return (
            f"at the stored pace ({pace.minutes_per_day} min on "
            f"{_count(len(pace.days), 'day')} a week) the plan would end after the year 9999; "
            "set a faster one, e.g. studyplan plan --minutes-per-day 60"
        )

    @property
    def minutes_left(self) -> int:
        """The time still needed: estimates of what is unfinished less the time the timer
        logged on it (the figure ``steps`` and ``stats`` give too)."""
        return sum(max(0, item.minutes) for item in self.items)

    @property
    def minutes_planned(self) -> int:
        """Minutes of all the planned sessions (an item whose time is used up still gets a
        few minutes to finish it off)."""
        return sum(d.minutes for d in self.days)

    @property
    def finish(self) -> date | None:
        """The last planned day, if anything is left and a pace is set."""
        return self.days[-1].day if self.days else None

    def scheduled(self) -> dict[str, list[date]]:
        """Each planned item's days, by item id."""
        found: dict[str, list[date]] = {}
        for day in self.days:
            for part in day.parts:
                found.setdefault(part.item.id, []).append(day.day)
        return found

    def weeks(self, first_weekday: int) -> list[tuple[date, list[StudyDay]]]:
        """The planned days grouped by week (each week's first day, then its days)."""
        grouped: list[tuple[date, list[StudyDay]]] = []
        for day in self.days:
            start = clock.week_start(day.day, first_weekday)
            if not grouped or grouped[-1][0] != start:
                grouped.append((start, []))
            grouped[-1][1].append(day)
        return grouped


def parse_days(text: str) -> tuple[str, ...]:
    """``mon,wed,sat`` -> ``("mon", "wed", "sat")`` in week order; full names work too."""
    names = [part.strip().lower() for part in text.split(",") if part.strip()]
    if not names:
        raise UsageError("--days: choose at least one day, e.g. --days mon,wed,sat")
    days = set()
    for name in names:
        short = name[:3]
        if short not in clock.WEEKDAYS or not _full_name(short).startswith(name):
            raise UsageError(
                f"--days: '{name}' is not a day; use {', '.join(clock.WEEKDAYS)}, comma-separated"
            )
        days.add(short)
    return tuple(d for d in clock.WEEKDAYS if d in days)


def _full_name(short: str) -> str:
    full = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    return full[clock.WEEKDAYS.index(short)]


def _count(number: int, noun: str) -> str:
    """``1 day``, ``3 days``."""
    return f"{number} {noun}{'s' * (number != 1)}"


def _check_hours(hours_per_week: float) -> None:
    if not math.isfinite(hours_per_week) or not 0 < hours_per_week <= MAX_HOURS_PER_WEEK:
        raise UsageError(
            f"--hours-per-week: {hours_per_week:g} is not a pace; give more than 0 and at most "
            f"{MAX_HOURS_PER_WEEK}"
        )


def _per_day(hours_per_week: float, days: int, option: str) -> int:
    """Minutes a study day for ``hours_per_week`` over ``days`` days (``option`` names what
    the learner gave, for the message)."""
    _check_hours(hours_per_week)
    # rounded down, so that a week never holds more than the hours asked for
    minutes = math.floor(hours_per_week * 60 / days + 1e-9)
    over = f"{option}: {hours_per_week:g} h a week over {_count(days, 'day')}"
    if minutes < 1:
        raise UsageError(f"{over} is under a minute a day; give more hours")
    if minutes > MAX_MINUTES_PER_DAY:
        raise UsageError(f"{over} is more than 24 h a day; choose more days or fewer hours")
    return minutes


def _check_minutes(minutes: int) -> None:
    if not 0 < minutes <= MAX_MINUTES_PER_DAY:
        raise UsageError(
            f"--minutes-per-day: {minutes} is not a pace; give 1 to {MAX_MINUTES_PER_DAY}"
        )


def _stored(session: Session) -> Pace | None:
    return session.execute(select(Pace).order_by(col(Pace.id))).scalars().first()


def _view(row: Pace) -> PaceView:
    days = tuple(d for d in row.days.split(",") if d in clock.WEEKDAYS) or clock.WEEKDAYS
    return PaceView(row.minutes_per_day, row.hours_per_week, days, row.start, row.updated_at)


def get_pace(db: Database) -> PaceView | None:
    """The stored pace, if the learner has set one."""
    with db.read() as session:
        row = _stored(session)
        return _view(row) if row is not None else None


@dataclass(frozen=True)
class PaceChange:
    """The pace after ``studyplan plan`` with options, the plan at it, and warnings to show."""

    pace: PaceView
    warnings: list[str]
    plan: Plan
    """The schedule at the new pace from today, built in the same transaction."""


def set_pace(
    db: Database,
    today: date,
    *,
    hours_per_week: float | None = None,
    minutes_per_day: int | None = None,
    days: str | None = None,
    start: date | None = None,
    tz: tzinfo = UTC,
) -> PaceChange:
    """Store the pace and build the plan at it; options not given keep their stored value.

    The first pace needs hours per week or minutes per day. A start date in the past is
    allowed (the plan starts today) with a warning. The plan is built in the same
    transaction: a pace whose plan cannot be built (it would end after the year 9999) is
    refused and the stored pace stays as it was.
    """
    if hours_per_week is not None and minutes_per_day is not None:
        raise UsageError("give --hours-per-week or --minutes-per-day, not both")
    chosen = parse_days(days) if days is not None else None
    if minutes_per_day is not None:
        _check_minutes(minutes_per_day)
    if hours_per_week is not None:
        _check_hours(hours_per_week)
    warnings = []
    if start is not None and start < today:
        warnings.append(f"start date {start} is in the past; the plan starts today ({today})")

    def work(session: Session) -> tuple[PaceView, Plan]:
        row = _stored(session)
        if row is None and hours_per_week is None and minutes_per_day is None:
            raise UsageError(
                "no pace yet: say how much, e.g. studyplan plan --hours-per-week 5 "
                "--days mon,wed,sat"
            )
        old = _view(row) if row is not None else None
        new_days = chosen or (old.days if old else clock.WEEKDAYS)
        hours = hours_per_week if hours_per_week is not None else None
        if minutes_per_day is not None:
            per_day = minutes_per_day
        elif hours is not None:
            per_day = _per_day(hours, len(new_days), "--hours-per-week")
        elif old is not None and old.hours_per_week is not None:
            hours = old.hours_per_week
            per_day = _per_day(hours, len(new_days), "--days")
        else:
            assert old is not None
            per_day = old.minutes_per_day
        if row is None:
            row = Pace(minutes_per_day=per_day, start=start or today)
        row.minutes_per_day = per_day
        row.hours_per_week = hours
        row.days = ",".join(new_days)
        if start is not None:
            row.start = start
        row.updated_at = utcnow()
        session.add(row)
        session.flush()
        view = _view(row)
        return view, _build(session, view, today, tz, strict=True)

    pace, plan = db.write(work)
    return PaceChange(pace, warnings, plan)


def build_plan(db: Database, tz: tzinfo, now: datetime | None = None) -> Plan:
    """The schedule from today (in ``tz``) for everything unfinished, at the stored pace."""
    today = clock.today(tz, now)
    with db.read() as session:
        row = _stored(session)
        return _build(session, _view(row) if row is not None else None, today, tz)


def _build(
    session: Session, pace: PaceView | None, today: date, tz: tzinfo, strict: bool = False
) -> Plan:
    """The plan of what is left in the database, at ``pace`` from ``today`` (in ``tz``);
    what was studied today already counts against today's budget.

    The garbage collector is paused meanwhile: the items and parts of 100,000 resources are
    no garbage, and scanning them again and again took a third of the time (measured: 1.2 s
    with it running, 0.75 s paused, for the items of 100,000 resources).
    """
    studied = minutes_studied_on(session, today, tz)
    with collector.paused():
        return plan_from(plan_items(session), pace, today, studied, strict)


def plan_from(
    items: list[PlanItem],
    pace: PaceView | None,
    today: date,
    studied_today: int = 0,
    strict: bool = False,
) -> Plan:
    """Lay ``items`` out at ``pace`` from today or the start date, whichever is later;
    ``studied_today`` minutes count against today's budget.

    A plan that would end after the year 9999 is refused with :class:`UsageError` when
    ``strict`` (a pace being set); otherwise it is returned empty, marked ``too_long``, so
    that the statistics and the exports still work with a pace stored earlier.
    """
    first = max(today, pace.start) if pace else today
    plan = Plan(pace, today, first, items, studied_today=studied_today)
    if pace is None:
        return plan
    studied_first = studied_today if first == today else 0
    try:
        plan.days = schedule(
            items, SchedulePace(pace.minutes_per_day, pace.weekdays), first, studied_first
        )
    except PlanTooLongError:
        if not strict:
            plan.too_long = True
            return plan
        raise UsageError(
            f"at {pace.minutes_per_day} min on {_count(len(pace.days), 'day')} a week from "
            f"{first.isoformat()} the plan would end after the year 9999; choose a faster pace "
            "or an earlier start"
        ) from None
    return plan
