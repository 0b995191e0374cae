"""Storing the pace: what a change keeps, and a refused change leaves the pace as it was."""

from __future__ import annotations

from datetime import date

import pytest

from studyplan.db.database import Database
from studyplan.errors import UsageError
from studyplan.planner.service import get_pace, set_pace

TODAY = date(2027, 1, 4)


def test_hours_per_week_are_spread_again_over_new_days(plan_db: Database) -> None:
    set_pace(plan_db, TODAY, hours_per_week=5, days="mon,wed,sat")
    assert get_pace(plan_db).minutes_per_day == 100  # type: ignore[union-attr]
    change = set_pace(plan_db, TODAY, days="tuesday,thu")
    assert (change.pace.minutes_per_day, change.pace.hours_per_week) == (150, 5)
    assert change.pace.days == ("tue", "thu")
    change = set_pace(plan_db, TODAY, minutes_per_day=45)
    assert (change.pace.minutes_per_day, change.pace.hours_per_week) == (45, None)
    assert change.pace.describe() == "45 min on tue, thu, from 2027-01-04"


def test_a_start_in_the_past_is_kept_with_a_warning(plan_db: Database) -> None:
    change = set_pace(plan_db, TODAY, minutes_per_day=60, start=date(2026, 12, 1))
    assert change.warnings == [
        "start date 2026-12-01 is in the past; the plan starts today (2027-01-04)"
    ]
    assert change.pace.start == date(2026, 12, 1)
    assert (change.plan.first, change.plan.days[0].day) == (TODAY, TODAY)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"minutes_per_day": 1, "days": "sun", "start": date(9995, 1, 1)}, "after the year 9999"),
        ({"hours_per_week": 0.001}, "under a minute a day"),
        ({"hours_per_week": 168, "days": "mon"}, "more than 24 h a day"),
        ({"days": "mon,funday"}, "'funday' is not a day"),
        ({"minutes_per_day": 0}, "not a pace"),
        ({"hours_per_week": float("nan")}, "not a pace"),
        ({"hours_per_week": 5, "minutes_per_day": 60}, "not both"),
    ],
)
def test_a_refused_change_leaves_the_pace_as_it_was(
    plan_db: Database, options: dict[str, object], message: str
) -> None:
    set_pace(plan_db, TODAY, hours_per_week=5, days="mon,wed,sat")
    before = get_pace(plan_db)
    with pytest.raises(UsageError, match=message):
        set_pace(plan_db, TODAY, **options)  # type: ignore[arg-type]
    assert get_pace(plan_db) == before


def test_the_first_pace_needs_an_amount(plan_db: Database) -> None:
    with pytest.raises(UsageError, match="no pace yet"):
        set_pace(plan_db, TODAY, days="mon")
    assert get_pace(plan_db) is None
