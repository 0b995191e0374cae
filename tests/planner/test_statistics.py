"""Statistics over time: minutes per day and week, streaks, burndown, finish dates."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from studyplan.db.database import Database
from studyplan.db.learner_scope import find_own
from studyplan.db.models import Progress
from studyplan.planner.service import build_plan, set_pace
from studyplan.planner.statistics import (
    HEATMAP_WEEKS,
    heat_level,
    heatmap_grid,
    streaks,
    study_stats,
)
from tests.conftest import cli_ok
from tests.planner.seeding import timed

NOW = datetime(2027, 3, 10, 20, 0, tzinfo=UTC)  # a Wednesday


def _finished(db: Database, rid: str, status: str, at: datetime) -> None:
    def work(session: Session) -> None:
        row = find_own(session, Progress, resource_id=rid) or Progress(resource_id=rid)
        row.status, row.started_at, row.finished_at = status, at, at
        session.add(row)

    db.write(work)


def _stats(db: Database, tz: str = "UTC", first_weekday: int = 0, with_streaks: bool = False):
    zone = ZoneInfo(tz)
    return study_stats(db, zone, first_weekday, build_plan(db, zone, NOW), NOW, with_streaks)


def test_timer_time_and_finished_items_are_not_counted_twice(db: Database) -> None:
    """20 timed minutes on a 30-minute video, done two days later: 20 + 10, not 50."""
    timed(db, "intro-video", NOW - timedelta(days=3), 20)
    _finished(db, "intro-video", "done", NOW - timedelta(days=1))
    stats = _stats(db)
    assert stats.daily[date(2027, 3, 7)] == 20
    assert stats.daily[date(2027, 3, 9)] == 10
    assert sum(stats.daily.values()) == 30
    assert stats.weeks[-1] == (date(2027, 3, 8), 10)
    assert stats.weeks[-2] == (date(2027, 3, 1), 20)


def test_skipped_items_leave_the_burndown_but_are_not_studied(db: Database) -> None:
    _finished(db, "old-slides", "skipped", NOW - timedelta(days=2))
    stats = _stats(db)
    assert stats.daily == {}
    assert stats.minutes_left == 155 - 20
    assert stats.burndown[-1] == (NOW.date(), 135)


def test_the_time_zone_decides_the_day(db: Database) -> None:
    """A session at 23:30 UTC on 8 March is on 9 March in Tokyo."""
    timed(db, "basics-notes", datetime(2027, 3, 8, 23, 30, tzinfo=UTC), 45)
    assert _stats(db).daily == {date(2027, 3, 8): 45}
    assert _stats(db, "Asia/Tokyo").daily == {date(2027, 3, 9): 45}


def test_weeks_start_on_the_chosen_day(db: Database) -> None:
    timed(db, "basics-notes", datetime(2027, 3, 7, 10, 0, tzinfo=UTC), 30)  # a Sunday
    monday = _stats(db)
    sunday = _stats(db, first_weekday=6)
    assert monday.weeks[-2] == (date(2027, 3, 1), 30)
    assert sunday.weeks[-1] == (date(2027, 3, 7), 30)
    assert sunday.heatmap_start.weekday() == 6


def test_burndown_counts_down_week_by_week_and_projects_the_finish(db: Database) -> None:
    _finished(db, "intro-video", "done", NOW - timedelta(days=15))
    _finished(db, "basics-notes", "done", NOW - timedelta(days=6))
    stats = _stats(db)
    assert [left for _, left in stats.burndown] == [125, 65, 65]
    assert stats.burndown[-1][0] == NOW.date()
    assert stats.minutes_left == 65
    # 90 minutes in the last four weeks: 22.5 a week, 65 left -> 21 days
    assert stats.minutes_per_week == 22.5
    assert stats.actual_finish == NOW.date() + timedelta(days=21)
    assert stats.planned_finish is None


def test_planned_finish_comes_from_the_plan(db: Database) -> None:
    set_pace(db, NOW.date(), minutes_per_day=60, days="mon,wed,sat")
    stats = _stats(db)
    assert stats.planned_finish == build_plan(db, UTC, NOW).finish
    assert stats.planned_finish is not None and stats.planned_finish.weekday() in (0, 2, 5)


def test_nothing_finished_recently_gives_no_actual_finish(db: Database) -> None:
    _finished(db, "intro-video", "done", NOW - timedelta(days=60))
    stats = _stats(db)
    assert stats.minutes_per_week == 0
    assert stats.actual_finish is None


def test_heatmap_has_a_year_of_weeks_and_levels_by_minutes(db: Database) -> None:
    timed(db, "basics-notes", datetime(2027, 3, 1, 9, 0, tzinfo=UTC), 90)
    timed(db, "backprop-post", datetime(2026, 6, 2, 9, 0, tzinfo=UTC), 10)
    timed(db, "backprop-post", datetime(2025, 6, 2, 9, 0, tzinfo=UTC), 300)  # too old
    stats = _stats(db)
    grid = heatmap_grid(stats)
    assert len(grid) == 7 and all(len(row) == HEATMAP_WEEKS for row in grid)
    assert grid[0][-2] == heat_level(90) == 3  # Monday of last week
    assert grid[3][-1] is None  # Thursday, after today
    assert sum(1 for row in grid for c in row if c) == 2
    assert stats.active_days == 2


def test_streaks_skip_days_that_are_not_study_days() -> None:
    mon_wed_sat = frozenset({0, 2, 5})
    monday = date(2027, 3, 1)
    active = {monday, monday + timedelta(days=2), monday + timedelta(days=5)}
    today = monday + timedelta(days=6)  # Sunday: not a study day
    assert streaks(active, mon_wed_sat, today).current == 3
    # every day a study day: each inactive day breaks it (today, not over, does not)
    assert streaks(active, frozenset(range(7)), today).current == 1
    assert streaks(active, frozenset(range(7)), today).longest == 1
    # a missed Wednesday breaks it; an active Sunday outside the study days counts
    broken = {monday, monday + timedelta(days=5), monday + timedelta(days=6)}
    assert streaks(broken, mon_wed_sat, today).current == 2
    assert streaks(broken, mon_wed_sat, today).longest == 2


def test_today_not_yet_studied_does_not_end_the_streak() -> None:
    monday = date(2027, 3, 1)
    active = {monday, monday + timedelta(days=1)}
    assert streaks(active, frozenset(range(7)), monday + timedelta(days=2)).current == 2
    assert streaks(active, frozenset(range(7)), monday + timedelta(days=3)).current == 0


def test_stats_json_carries_the_figures_and_streaks_only_when_opted_in(
    env: dict[str, str],
) -> None:
    env = {**env, "STUDYPLAN_NOW": NOW.isoformat()}
    cli_ok("done", "intro-video", env=env)
    plain = json.loads(cli_ok("stats", "--json", env=env))
    assert plain["streaks"] is None
    assert len(plain["minutes_per_week"]) == 12
    assert len(plain["heatmap"]["levels"]) == 7
    assert plain["burndown"][-1]["minutes_left"] == plain["minutes_left"]
    opted = json.loads(cli_ok("stats", "--json", env={**env, "STUDYPLAN_STREAKS": "true"}))
    assert opted["streaks"] is not None
    text = cli_ok("stats", env={**env, "STUDYPLAN_STREAKS": "true"})
    assert "Active days" in text and "Burndown" in text and "Streak" in text
    assert "Streak" not in cli_ok("stats", env=env)


def test_time_studied_today_shortens_todays_session(db: Database) -> None:
    """A 30-minute video done and 10 timed minutes this morning leave 20 of today's 60."""
    set_pace(db, NOW.date(), minutes_per_day=60)
    morning = NOW.replace(hour=8)
    _finished(db, "intro-video", "done", morning)
    timed(db, "basics-notes", morning + timedelta(hours=1), 10)
    timed(db, "basics-notes", morning - timedelta(days=1), 15)  # yesterday: not today's
    plan = build_plan(db, UTC, NOW)
    assert plan.studied_today == 40
    today, tomorrow = plan.days[:2]
    assert (today.day, today.minutes) == (NOW.date(), 20)
    assert [(p.item.id, p.minutes, p.label) for p in today.parts] == [
        ("basics-notes", 20, "part 1/2")
    ]
    assert tomorrow.minutes == 60  # the whole budget again


def test_a_day_already_full_starts_the_plan_tomorrow(db: Database) -> None:
    set_pace(db, NOW.date(), minutes_per_day=30)
    timed(db, "basics-notes", NOW.replace(hour=9), 45)
    plan = build_plan(db, UTC, NOW)
    assert plan.days[0].day == NOW.date() + timedelta(days=1)
