"""``studyplan plan`` through the real command: the pace, the weeks, the finish date, and one
clear line (with the stored pace untouched) for every impossible request.

The clock is pinned with STUDYPLAN_NOW at Monday 4 January 2027, 09:00 UTC; the small
catalog holds intro-video (30 min) and basics-notes (60) in step 1, backprop-post (45) and
old-slides (20) in step 2.
"""

from __future__ import annotations

import json
import os
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import cli_fails as fails
from tests.conftest import cli_ok as ok
from tests.conftest import database_rows, run_cli, studyplan_command

MONDAY = "2027-01-04T09:00:00+00:00"
PACE = ("--hours-per-week", "5", "--days", "mon,wed,sat", "--start", "2027-01-04")


@pytest.fixture
def at_monday(env: dict[str, str]) -> dict[str, str]:
    """The small catalog, on Monday 4 January 2027 at 09:00 UTC."""
    return {**env, "STUDYPLAN_NOW": MONDAY}


def plan_json(*args: str, env: dict[str, str]) -> dict[str, Any]:
    """``studyplan plan ARGS --json``, parsed."""
    data: dict[str, Any] = json.loads(ok("plan", *args, "--json", env=env))
    return data


def layout(data: dict[str, Any]) -> list[tuple[str, list[tuple[str, int, str]]]]:
    """Each day of ``plan --json``: its date and its parts as (id, minutes, 'n/of')."""
    return [
        (d["date"], [(p["id"], p["minutes"], f"{p['part']}/{p['of']}") for p in d["parts"]])
        for d in data["days"]
    ]


def stored_pace(env: dict[str, str]) -> list[tuple[Any, ...]]:
    """The pace rows, read from the database itself."""
    query = "SELECT minutes_per_day, hours_per_week, days, start, updated_at FROM pace"
    return database_rows(env, query)


def edited_catalog(env: dict[str, str], old: str, new: str) -> dict[str, str]:
    """``env`` with ``old`` replaced by ``new`` in its catalog."""
    catalog = Path(env["STUDYPLAN_CATALOG"])
    text = catalog.read_text()
    assert old in text
    catalog.write_text(text.replace(old, new, 1))
    return env


def test_no_pace_yet_is_one_line(at_monday: dict[str, str]) -> None:
    line = fails("plan", env=at_monday)
    assert line.startswith("studyplan: usage error: no plan yet: set your pace")
    assert "--hours-per-week" in line
    data = plan_json(env=at_monday)
    assert (data["pace"], data["days"], data["finish"], data["items_left"]) == (None, [], None, 4)


def test_a_pace_prints_the_weeks_and_the_finish_and_is_kept(at_monday: dict[str, str]) -> None:
    first = ok("plan", *PACE, env=at_monday)
    assert first.splitlines()[:2] == [
        "Pace     5 h a week: 100 min on mon, wed, sat, from 2027-01-04",
        "Left     2h 35m in 4 items; finish Wed 2027-01-06 (about 1 week)",
    ]
    assert "Week of Mon 2027-01-04  (2h 35m)" in first
    assert "Mon 04 Jan  1h 30m  <- today" in first
    assert "Wed 06 Jan  1h 05m" in first
    assert first.index("[intro-video]") < first.index("[basics-notes]") < first.index("Wed 06")
    assert first.index("Wed 06") < first.index("[backprop-post]") < first.index("[old-slides]")
    assert ok("plan", env=at_monday) == first


def test_plan_json_fields(at_monday: dict[str, str]) -> None:
    data = plan_json(*PACE, env=at_monday)
    assert data["pace"] == {
        "minutes_per_day": 100,
        "hours_per_week": 5.0,
        "days": ["mon", "wed", "sat"],
        "start": "2027-01-04",
    }
    assert (data["today"], data["first"], data["finish"]) == (
        "2027-01-04",
        "2027-01-04",
        "2027-01-06",
    )
    assert (data["minutes_left"], data["items_left"]) == (155, 4)
    assert [(d["date"], d["minutes"]) for d in data["days"]] == [
        ("2027-01-04", 90),
        ("2027-01-06", 65),
    ]
    assert data["days"][0]["parts"][0] == {
        "kind": "resource",
        "id": "intro-video",
        "title": "Intro Video",
        "step": "1",
        "minutes": 30,
        "part": 1,
        "of": 1,
        "url": "https://video.example.org/intro",
    }
    assert plan_json(env=at_monday) == data


def test_a_long_read_is_split_over_three_sessions(at_monday: dict[str, str]) -> None:
    env = edited_catalog(at_monday, "minutes: 60", "minutes: 150")
    ok("done", "intro-video", env=env)
    text = ok("plan", "--minutes-per-day", "60", "--days", "mon,wed,sat", env=env)
    for n in (1, 2, 3):
        assert f"Basics Notes on Sigmoid  [basics-notes]  (part {n}/3)" in text
    assert layout(plan_json(env=env))[:3] == [
        ("2027-01-04", [("basics-notes", 60, "1/3")]),
        ("2027-01-06", [("basics-notes", 60, "2/3")]),
        ("2027-01-09", [("basics-notes", 30, "3/3"), ("backprop-post", 30, "1/2")]),
    ]


BAD_PACES = [
    (("--hours-per-week", "0"), "--hours-per-week: 0 is not a pace"),
    (("--hours-per-week", "-1"), "--hours-per-week: -1 is not a pace"),
    (("--hours-per-week", "nan"), "--hours-per-week: nan is not a pace"),
    (("--hours-per-week", "inf"), "--hours-per-week: inf is not a pace"),
    (("--hours-per-week", "1e9"), "--hours-per-week: 1e+09 is not a pace"),
    (("--hours-per-week", "0.001", "--days", "mon"), "is under a minute a day"),
    (("--minutes-per-day", "0"), "--minutes-per-day: 0 is not a pace"),
    (("--minutes-per-day", "1441"), "--minutes-per-day: 1441 is not a pace"),
    (("--minutes-per-day", "9" * 30), "is not a pace"),
    (("--hours-per-week", "5", "--minutes-per-day", "30"), "not both"),
    (("--days", ""), "--days: choose at least one day"),
    (("--days", ","), "--days: choose at least one day"),
    (("--days", "mon,funday"), "--days: 'funday' is not a day"),
    (("--start", "2027-02-30"), "'2027-02-30' is not a date; use YYYY-MM-DD"),
    (("--start", "next week"), "'next week' is not a date"),
    (("--weeks", "0"), "--weeks"),
    (
        ("--minutes-per-day", "1", "--days", "sun", "--start", "9998-01-01"),
        "at 1 min on 1 day a week from 9998-01-01 the plan would end after the year 9999",
    ),
]


@pytest.mark.parametrize(("args", "message"), BAD_PACES, ids=[" ".join(a) for a, _ in BAD_PACES])
def test_an_impossible_pace_is_one_line_and_changes_nothing(
    at_monday: dict[str, str], args: tuple[str, ...], message: str
) -> None:
    ok("plan", *PACE, env=at_monday)
    before = stored_pace(at_monday)
    line = fails("plan", *args, env=at_monday)
    assert line.startswith("studyplan: usage error: ") and message in line
    assert stored_pace(at_monday) == before


def test_a_start_in_the_past_warns_once_and_plans_from_today(at_monday: dict[str, str]) -> None:
    result = run_cli("plan", "-m", "60", "--start", "2026-12-01", "--json", env=at_monday)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        "studyplan: warning: start date 2026-12-01 is in the past; the plan starts today "
        "(2027-01-04)"
    ]
    data = json.loads(result.stdout)
    assert (data["pace"]["start"], data["first"], data["days"][0]["date"]) == (
        "2026-12-01",
        "2027-01-04",
        "2027-01-04",
    )
    again = run_cli("plan", "--json", env=at_monday)
    assert again.stderr == "" and json.loads(again.stdout) == data


def test_a_start_in_the_future_is_kept(at_monday: dict[str, str]) -> None:
    data = plan_json("-m", "60", "--days", "fri", "--start", "2027-02-01", env=at_monday)
    assert data["first"] == "2027-02-01"
    assert [d["date"] for d in data["days"]] == ["2027-02-05", "2027-02-12", "2027-02-19"]


def test_the_time_zone_decides_what_today_is(env: dict[str, str]) -> None:
    late = {**env, "STUDYPLAN_NOW": "2027-01-04T23:30:00+00:00"}
    assert plan_json("-m", "60", env=late)["today"] == "2027-01-04"
    tokyo = {**late, "STUDYPLAN_TIMEZONE": "Asia/Tokyo"}
    data = plan_json(env=tokyo)
    assert (data["today"], data["first"], data["days"][0]["date"]) == (
        "2027-01-05",
        "2027-01-05",
        "2027-01-05",
    )
    assert "Tue 05 Jan  1h  <- today" in ok("plan", env=tokyo)


def test_weeks_start_on_the_chosen_day(at_monday: dict[str, str]) -> None:
    args = ("-m", "30", "--days", "mon,sat,sun")
    monday = ok("plan", *args, env=at_monday)
    weeks = [line for line in monday.splitlines() if line.startswith("Week of")]
    assert weeks == ["Week of Mon 2027-01-04  (1h 30m)", "Week of Mon 2027-01-11  (1h 05m)"]
    sunday = ok("plan", env={**at_monday, "STUDYPLAN_WEEK_START": "sunday"})
    weeks = [line for line in sunday.splitlines() if line.startswith("Week of")]
    assert weeks == [
        "Week of Sun 2027-01-03  (1h)",
        "Week of Sun 2027-01-10  (1h 15m)",
        "Week of Sun 2027-01-17  (20m)",  # old slides: not cut into 15 and 5
    ]


def test_weeks_option_shows_the_first_weeks(at_monday: dict[str, str]) -> None:
    text = ok("plan", "-m", "30", "--days", "mon", "--weeks", "2", env=at_monday)
    assert text.count("Week of") == 2
    assert text.rstrip().endswith("… 4 more weeks (drop --weeks to see them all)")


def test_finished_items_leave_the_plan(at_monday: dict[str, str]) -> None:
    before = plan_json(*PACE, env=at_monday)
    assert before["days"][0]["parts"][0]["id"] == "intro-video"
    ok("done", "intro-video", env=at_monday)
    ok("skip", "old-slides", env=at_monday)
    after = plan_json(env=at_monday)
    # 45 minutes do not fit the 40 left on Monday; 40 + 5 would leave a sliver: 30 + 15
    assert layout(after) == [
        ("2027-01-04", [("basics-notes", 60, "1/1"), ("backprop-post", 30, "1/2")]),
        ("2027-01-06", [("backprop-post", 15, "2/2")]),
    ]
    assert (after["items_left"], after["minutes_left"]) == (2, 105)


def test_in_progress_comes_first(at_monday: dict[str, str]) -> None:
    ok("start", "old-slides", env=at_monday)
    data = plan_json("-m", "600", env=at_monday)
    ids = [p["id"] for d in data["days"] for p in d["parts"]]
    assert ids == ["old-slides", "intro-video", "basics-notes", "backprop-post"]


def test_missed_sessions_move_forward(at_monday: dict[str, str]) -> None:
    before = plan_json(*PACE, env=at_monday)
    later = {**at_monday, "STUDYPLAN_NOW": "2027-01-07T09:00:00+00:00"}
    after = plan_json(env=later)
    assert after["today"] == after["first"] == "2027-01-07"
    assert [d["date"] for d in after["days"]] == ["2027-01-09", "2027-01-11"]
    assert [d["parts"] for d in after["days"]] == [d["parts"] for d in before["days"]]


def test_the_timer_counts_against_an_item(
    at_monday: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """25 minutes timed on basics-notes (60) leave 35; a running timer does not count yet."""
    ok("plan", "-m", "600", env=at_monday)
    for name, value in at_monday.items():
        monkeypatch.setenv(name, value)
    from sqlalchemy import update

    from studyplan.db.models import StudySession
    from studyplan.services.timer import seconds_logged, toggle_timer
    from studyplan.services.workspace import open_workspace
    from studyplan.settings import load_settings

    def started_earlier(seconds: int) -> None:
        """The running timer was started ``seconds`` ago."""
        when = datetime.now(UTC) - timedelta(seconds=seconds)
        query = update(StudySession).where(StudySession.ended_at.is_(None))  # type: ignore[union-attr]
        db.write(lambda session: session.execute(query.values(started_at=when)))

    db = open_workspace(load_settings())
    try:
        toggle_timer(db, "basics-notes")
        started_earlier(25 * 60)
        assert not toggle_timer(db, "basics-notes").running
        assert 25 * 60 <= seconds_logged(db, "basics-notes") < 26 * 60
        toggle_timer(db, "intro-video")
        started_earlier(20 * 60)
    finally:
        db.dispose()
    parts = {p["id"]: p["minutes"] for d in plan_json(env=at_monday)["days"] for p in d["parts"]}
    assert (parts["basics-notes"], parts["intro-video"]) == (35, 30)


def test_a_plan_past_the_year_9999_is_one_line(at_monday: dict[str, str]) -> None:
    late = at_monday
    line = fails(
        "plan", "--minutes-per-day", "1", "--days", "sun", "--start", "9998-06-01", env=late
    )
    assert line == (
        "studyplan: usage error: at 1 min on 1 day a week from 9998-06-01 the plan would end "
        "after the year 9999; choose a faster pace or an earlier start"
    )
    assert stored_pace(late) == []


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        pytest.param(  # refused before the database is opened, like the next two
            "STUDYPLAN_TIMEZONE",
            "Mars/Olympus",
            "unknown time zone 'Mars/Olympus'",
            marks=pytest.mark.no_database,
        ),
        pytest.param(
            "STUDYPLAN_WEEK_START",
            "funday",
            "setting 'week_start' must be a day of the week",
            marks=pytest.mark.no_database,
        ),
        pytest.param(
            "STUDYPLAN_STUDY_TIME",
            "25:00",
            "setting 'study_time' must be a time of day",
            marks=pytest.mark.no_database,
        ),
        ("STUDYPLAN_NOW", "yesterday", "STUDYPLAN_NOW: 'yesterday' is not an ISO 8601 moment"),
        ("STUDYPLAN_NOW", "2027-13-01T00:00:00", "is not an ISO 8601 moment"),
        ("STUDYPLAN_NOW", "9999-12-31T23:00:00-05:00", "too close to the calendar's ends"),
        ("STUDYPLAN_NOW", "0001-01-01T00:00:00+00:00", "too close to the calendar's ends"),
        ("STUDYPLAN_NOW", "9500-06-01T00:00:00+00:00", "from 1900-01-01 to 9000-12-31"),
    ],
)
def test_a_bad_setting_is_one_line(
    at_monday: dict[str, str], variable: str, value: str, message: str
) -> None:
    line = fails("plan", *PACE, env={**at_monday, variable: value})
    assert line.startswith("studyplan: settings error: ") and message in line


def test_a_stored_pace_too_slow_for_the_catalog_leaves_stats_and_exports_working(
    at_monday: dict[str, str],
) -> None:
    """A pace accepted earlier, then a huge resource: plan says so; the rest still works."""
    env = at_monday
    ok("plan", "--minutes-per-day", "1", "--days", "sun", env=env)
    for n in range(6):  # 600,000 minutes at 1 a week: past the year 9999
        ok(
            "add", f"https://example.org/huge{n}", "--step", "2", "--title", f"Huge {n}",
            "--kind", "course", "--minutes", "100000", env=env,
        )  # fmt: skip
    line = fails("plan", env=env)
    assert "at the stored pace (1 min on 1 day a week) the plan would end after" in line
    assert "Planned     after the year 9999" in ok("stats", env=env)
    for fmt in ("markdown", "json", "csv", "ics", "html"):
        ok("export", "--format", fmt, env=env)


def test_a_title_with_line_breaks_stays_on_its_row(at_monday: dict[str, str]) -> None:
    ok("plan", *PACE, env=at_monday)
    ok(
        "add", "https://example.org/lines", "--step", "1", "--title", "one\ntwo\r\nthree",
        "--kind", "blog-post", "--minutes", "20", env=at_monday,
    )  # fmt: skip
    rows = [line for line in ok("plan", env=at_monday).splitlines() if "one" in line]
    assert rows and all("one␊two␍␊three" in row for row in rows)


def test_weeks_narrows_the_json_too(at_monday: dict[str, str]) -> None:
    """At 20 minutes on Mondays the small catalog takes weeks; --weeks 2 gives two days."""
    data = plan_json("--minutes-per-day", "20", "--days", "mon", env=at_monday)
    assert len(data["days"]) > 2
    short = plan_json("--weeks", "2", env=at_monday)
    assert [d["date"] for d in short["days"]] == ["2027-01-04", "2027-01-11"]
    assert short["finish"] == data["finish"]  # the figures still speak of the whole plan


def test_a_plan_too_long_fails_in_json_too(at_monday: dict[str, str]) -> None:
    ok("plan", "--minutes-per-day", "1", "--days", "sun", env=at_monday)
    for n in range(6):
        ok(
            "add", f"https://example.org/big{n}", "--step", "2", "--title", f"Big {n}",
            "--kind", "course", "--minutes", "100000", env=at_monday,
        )  # fmt: skip
    assert "the plan would end after the year 9999" in fails("plan", "--json", env=at_monday)


def test_output_to_a_full_disk_is_one_line(at_monday: dict[str, str]) -> None:
    ok("plan", *PACE, env=at_monday)
    for args in (("plan",), ("stats",), ("export", "--format", "html")):
        with open("/dev/full", "w") as full:
            result = subprocess.run(
                [*studyplan_command(), *args],
                stdout=full,
                stderr=subprocess.PIPE,
                text=True,
                env={**os.environ, **at_monday},
                timeout=60,
            )
        assert result.returncode == 1
        assert result.stderr.strip() == (
            "studyplan: cannot write the output (No space left on device); nothing else went "
            "wrong: free some space or send the output elsewhere"
        )


@pytest.mark.no_database
def test_a_file_name_too_long_is_one_line(at_monday: dict[str, str], tmp_path: Path) -> None:
    long = tmp_path / ("a" * 300 + ".md")
    assert fails("export", "-o", str(long), env=at_monday).endswith(
        ": the name is too long; choose a shorter one"
    )
    assert "File name too long" in fails("import-progress", str(long), env=at_monday)
    assert fails("import-progress", "", env=at_monday) == (
        "studyplan: import error: give the export file to read, or - for standard input"
    )


def test_the_pace_is_stamped_in_utc_whatever_the_servers_zone(at_monday: dict[str, str]) -> None:
    """The suite's PostgreSQL server lives in Asia/Kolkata (tests/postgres.py): a time kept
    in the server's zone instead of UTC would be 5 h 30 off."""
    before = datetime.now(UTC).replace(microsecond=0)
    ok("plan", *PACE, env=at_monday)
    after = datetime.now(UTC)
    data = json.loads(ok("export", "--format", "json", env=at_monday))
    assert before <= datetime.fromisoformat(data["pace"]["updated_at"]) <= after
