"""The scheduler's promises, checked over random items, paces and start dates (hypothesis).

:func:`check_schedule` states every rule the scheduler keeps; the property tests run it over
random inputs and the example tests pin the cases a learner reads about (a 150-minute read at
60 minutes a day is parts 1/3, 2/3, 3/3; a lab longer than a day gets a day of its own).

The rules themselves are stated and checked in tests/planner/invariants.py.
"""

from __future__ import annotations

from datetime import date, timedelta
from itertools import islice

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studyplan.planner.schedule import (
    MIN_LEFT,
    MIN_PART,
    Pace,
    PlanItem,
    PlanTooLongError,
    schedule,
    study_days,
)
from studyplan.planner.service import PaceView, plan_from
from tests.planner.invariants import check_schedule, every_study_day

GREGORIAN_CYCLE = timedelta(days=146_097)
"""400 years: the calendar repeats, weekdays included (146,097 is a multiple of 7)."""

START = date(2027, 1, 4)
"""A Monday."""

MON, WED, SAT = 0, 2, 5


def item(minutes: int, splittable: bool = True, name: str = "") -> PlanItem:
    """A resource (or, when it cannot be split, a lab) of ``minutes``."""
    kind = "resource" if splittable else "lab"
    ident = name or f"{kind}-{minutes}"
    return PlanItem(kind, ident, ident.title(), minutes, splittable=splittable)


@st.composite
def item_lists(draw: st.DrawFn, max_size: int = 25) -> list[PlanItem]:
    """Items with unique ids: minutes 0..600 (and some below 0: more timed than estimated)."""
    count = draw(st.integers(0, max_size))
    minutes = st.one_of(st.integers(-30, 30), st.integers(0, 600))
    return [
        item(draw(minutes), draw(st.booleans()), name=f"item-{number}") for number in range(count)
    ]


budgets = st.one_of(
    st.integers(1, 1440), st.integers(1, 40), st.sampled_from([MIN_PART, 60, 100, 1440])
)
weekday_sets = st.frozensets(st.integers(0, 6), min_size=1)
paces = st.builds(Pace, budgets, weekday_sets)
starts = st.dates(min_value=date(1990, 1, 1), max_value=date(2200, 12, 31))


@settings(max_examples=400, deadline=None)
@given(item_lists(), paces, starts)
def test_schedule_keeps_every_rule(items: list[PlanItem], pace: Pace, first: date) -> None:
    days = schedule(items, pace, first)
    check_schedule(items, pace, first, days)
    assert bool(days) == bool(items)


@settings(max_examples=300, deadline=None)
@given(item_lists(), paces, starts, st.integers(0, 1500))
def test_time_studied_today_counts_against_todays_budget(
    items: list[PlanItem], pace: Pace, first: date, studied: int
) -> None:
    days = schedule(items, pace, first, studied)
    check_schedule(items, pace, first, days, studied)
    if days and days[0].day == first:
        today = days[0]
        assert today.minutes <= pace.minutes_per_day - studied or len(today.parts) == 1


def test_a_day_already_studied_in_full_is_not_planned() -> None:
    read = PlanItem("resource", "read", "Read", 30)
    monday = date(2027, 1, 4)
    pace = Pace(60, frozenset(range(7)))
    assert [d.day for d in schedule([read], pace, monday, 60)] == [monday + timedelta(days=1)]
    (today,) = schedule([read], pace, monday, 20)
    assert (today.day, today.minutes, today.parts[0].label) == (monday, 30, "")
    both = schedule([read], pace, monday, 45)
    assert [(d.day, d.minutes) for d in both] == [(monday, 15), (monday + timedelta(days=1), 15)]
    assert both[0].parts[0].label == "part 1/2"
    (tomorrow,) = schedule([read], pace, monday, 50)  # 10 minutes left: too little to start
    assert tomorrow.day == monday + timedelta(days=1)


@settings(max_examples=150, deadline=None)
@given(item_lists(max_size=40), st.integers(1, 30), weekday_sets, starts)
def test_short_days_keep_every_rule(
    items: list[PlanItem], budget: int, weekdays: frozenset[int], first: date
) -> None:
    """Budgets around MIN_PART and MIN_LEFT, where splitting is hardest."""
    pace = Pace(budget, weekdays)
    check_schedule(items, pace, first, schedule(items, pace, first))


@settings(max_examples=150, deadline=None)
@given(item_lists(max_size=12), paces, st.dates(min_value=date(9999, 1, 1)))
def test_end_of_the_calendar(items: list[PlanItem], pace: Pace, first: date) -> None:
    """Near year 9999 the plan either fits (every rule kept) or raises PlanTooLongError,
    exactly when the same plan 400 years earlier (the same weekdays) ends after 9999-12-31."""
    earlier = schedule(items, pace, first - GREGORIAN_CYCLE)
    too_long = bool(earlier) and earlier[-1].day > date.max - GREGORIAN_CYCLE
    if too_long:
        with pytest.raises(PlanTooLongError):
            schedule(items, pace, first)
        return
    days = schedule(items, pace, first)
    check_schedule(items, pace, first, days)
    assert [d.day - GREGORIAN_CYCLE for d in days] == [d.day for d in earlier]
    assert [d.parts for d in days] == [d.parts for d in earlier]


@settings(max_examples=100, deadline=None)
@given(item_lists(), paces, starts, starts)
def test_plan_finishes_on_its_last_day(
    items: list[PlanItem], pace: Pace, start: date, today: date
) -> None:
    """(g) the finish date is the last planned day; the plan starts at today or the start
    date, whichever is later, and the minutes left are what the items need."""
    days = tuple(
        name
        for n, name in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))
        if n in pace.weekdays
    )
    view = PaceView(pace.minutes_per_day, None, days, start)
    plan = plan_from(items, view, today)
    assert plan.first == max(today, start)
    assert plan.days == schedule(items, pace, plan.first)
    if items:
        assert plan.finish == plan.days[-1].day == max(d.day for d in plan.days)
    else:
        assert plan.finish is None
    assert plan.minutes_planned == sum(max(i.minutes, MIN_LEFT) for i in items)
    assert plan.minutes_left == sum(max(i.minutes, 0) for i in items)
    assert sorted(plan.scheduled()) == sorted(i.id for i in items)


@settings(max_examples=300, deadline=None)
@given(
    weekday_sets,
    st.one_of(starts, st.dates(min_value=date(9999, 11, 1)), st.just(date.max)),
    st.integers(0, 60),
)
def test_study_days_are_the_chosen_weekdays(
    weekdays: frozenset[int], first: date, count: int
) -> None:
    """The scheduler's study days jump from one chosen weekday to the next; walking day by
    day finds the same ones, up to the end of the calendar."""
    assert list(islice(study_days(first, weekdays), count)) == list(
        islice(every_study_day(first, weekdays), count)
    )


def test_a_long_read_is_split_in_three() -> None:
    days = schedule([item(150)], Pace(60, frozenset({MON, WED, SAT})), START)
    assert [(d.day, [(p.minutes, p.label) for p in d.parts]) for d in days] == [
        (date(2027, 1, 4), [(60, "part 1/3")]),
        (date(2027, 1, 6), [(60, "part 2/3")]),
        (date(2027, 1, 9), [(30, "part 3/3")]),
    ]


def test_a_lab_longer_than_a_day_gets_a_day_of_its_own() -> None:
    items = [item(20), item(90, splittable=False), item(10)]
    days = schedule(items, Pace(60, frozenset({MON})), START)
    assert [[(p.item.id, p.minutes) for p in d.parts] for d in days] == [
        [("resource-20", 20)],
        [("lab-90", 90)],
        [("resource-10", 10)],
    ]


def test_a_lab_waits_for_a_day_with_room() -> None:
    items = [item(40), item(30, splittable=False), item(20)]
    days = schedule(items, Pace(60, frozenset(range(7))), START)
    assert [[p.item.id for p in d.parts] for d in days] == [
        ["resource-40"],
        ["lab-30", "resource-20"],
    ]


def test_a_split_is_not_started_in_the_last_few_minutes() -> None:
    """50 of 60 minutes used: 10 are under MIN_PART, so a long read starts the next day;
    with 15 left it starts at once."""
    short = schedule([item(50), item(100)], Pace(60, frozenset(range(7))), START)
    assert [[p.minutes for p in d.parts] for d in short] == [[50], [60], [40]]
    roomy = schedule([item(45), item(100)], Pace(60, frozenset(range(7))), START)
    assert [[p.minutes for p in d.parts] for d in roomy] == [[45, 15], [60], [25]]


def test_used_up_items_still_get_a_few_minutes() -> None:
    """Timed past its estimate (or estimated at 0): MIN_LEFT minutes to finish it off."""
    days = schedule([item(-40), item(0, splittable=False)], Pace(60, frozenset({MON})), START)
    assert [p.minutes for p in days[0].parts] == [MIN_LEFT, MIN_LEFT]


def test_nothing_left_plans_no_day() -> None:
    assert schedule([], Pace(60, frozenset({MON})), START) == []


def test_no_study_day_left_in_the_calendar() -> None:
    """9999-12-31 is a Friday: a plan on Mondays from then has no day at all."""
    with pytest.raises(PlanTooLongError):
        schedule([item(10)], Pace(60, frozenset({MON})), date(9999, 12, 31))
    days = schedule([item(10)], Pace(60, frozenset({4})), date(9999, 12, 31))
    assert [d.day for d in days] == [date.max]


@pytest.mark.parametrize(
    ("minutes", "weekdays"), [(0, frozenset({MON})), (60, frozenset()), (60, frozenset({7}))]
)
def test_an_impossible_pace_is_refused(minutes: int, weekdays: frozenset[int]) -> None:
    with pytest.raises(ValueError):
        Pace(minutes, weekdays)


def test_a_split_leaves_no_sliver() -> None:
    monday = date(2027, 1, 4)
    every_day = Pace(100, frozenset(range(7)))
    first = PlanItem("resource", "first", "First", 45)
    long = PlanItem("resource", "long", "Long", 65)
    short = PlanItem("resource", "short", "Short", 20)
    days = schedule([first, long], every_day, monday)
    assert [[(p.item.id, p.minutes) for p in d.parts] for d in days] == [
        [("first", 45), ("long", 50)],
        [("long", 15)],
    ]
    days = schedule([PlanItem("resource", "x", "X", 85), short], every_day, monday)
    assert [[(p.item.id, p.minutes) for p in d.parts] for d in days] == [
        [("x", 85)],
        [("short", 20)],
    ]
