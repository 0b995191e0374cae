"""The plan and statistics screens: opened by keys and from the palette, drawn from the
database, and a resource started from the plan."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, timedelta
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList
from textual.widgets._footer import FooterKey

from studyplan.db.database import Database
from studyplan.planner.service import build_plan
from studyplan.planner.statistics import study_stats
from studyplan.services.catalog_query import get_resource
from studyplan.tui.app import StudyplanApp
from studyplan.tui.screens.help_screen import keys_table
from studyplan.tui.screens.lab_screen import LabScreen
from studyplan.tui.screens.main_screen import MainScreen
from studyplan.tui.screens.plan_screen import PlanScreen
from studyplan.tui.screens.stats_screen import StatsScreen
from studyplan.tui.widgets import plan_list
from studyplan.tui.widgets.heatmap import LABEL_WIDTH, Heatmap, active_cells, month_labels
from studyplan.tui.widgets.plan_list import TODAY_MARK
from studyplan.tui.widgets.study_charts import BurndownChart, WeeklyChart, projection
from studyplan.wording import duration

from .conftest import AppFactory, settle, wait_until
from .seeding import NOW, seed_pace, seed_snapshot_progress

TODAY = NOW.date()
"""A Wednesday."""


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test here runs at :data:`NOW` in UTC."""
    monkeypatch.setenv("STUDYPLAN_NOW", NOW.isoformat())


async def open_plan(pilot: Pilot[Any], key: str = "p") -> PlanScreen:
    """Press ``key`` on the main screen and wait for the plan on the terminal."""
    app = pilot.app
    await settle(pilot)
    await pilot.press(key)
    await wait_until(pilot, lambda: isinstance(app.screen, PlanScreen), "the plan screen")
    screen = app.screen
    assert isinstance(screen, PlanScreen)
    await wait_until(pilot, screen.shown.is_set, "the plan drawn")
    return screen


async def open_stats(pilot: Pilot[Any], key: str = "S") -> StatsScreen:
    """Press ``key`` on the main screen and wait for the statistics on the terminal."""
    app = pilot.app
    await settle(pilot)
    await pilot.press(key)
    await wait_until(pilot, lambda: isinstance(app.screen, StatsScreen), "the statistics")
    screen = app.screen
    assert isinstance(screen, StatsScreen)
    await wait_until(pilot, screen.shown.is_set, "the statistics drawn")
    return screen


def prompts(screen: PlanScreen) -> list[str]:
    """The list's lines as text."""
    return [str(option.prompt) for option in screen.weeks.options]


def footer_keys(app: StudyplanApp) -> dict[str, FooterKey]:
    return {key.description: key for key in app.screen.query(FooterKey)}


# the plan ------------------------------------------------------------------------------------


async def test_the_plan_starts_on_todays_session_highlighted(
    app_factory: AppFactory, db: Database
) -> None:
    seed_pace(db, TODAY - timedelta(days=9))  # mon, wed, sat: today is a study day
    plan = build_plan(db, UTC, NOW)
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_plan(pilot)
        lines = prompts(screen)
        assert lines[0].startswith("Week of Mon 10 Mar 2025")
        assert lines[1].startswith(f"{TODAY_MARK} Wed 12 Mar") and lines[1].endswith("today")
        entry = screen.weeks.current
        assert entry is not None and entry.today and entry.day == TODAY
        assert entry.part == plan.days[0].parts[0]
        assert screen.weeks.highlighted == 2  # the first item under today's line
        today_parts = [e for e in screen.weeks.parts if e.today]
        assert [e.part for e in today_parts] == plan.days[0].parts
        today_style = screen.weeks.get_component_rich_style("plan-list--today")
        assert today_style.bold
        for index, line in enumerate(screen.weeks.options):
            entry = screen.weeks.entries[index]
            if entry is not None:
                style: Any = line.prompt.style  # today's items are bold, the others not
                assert (bool(style) and bool(style.bold)) is entry.today
        summary = summary_of(screen)
        assert f"Finish {plan.finish:%a %d %b %Y}" in summary and "Next today" in summary
        assert "5 h a week" in str(screen.query_one("#plan-title").render())


async def test_on_a_day_off_the_cursor_starts_on_the_next_study_day(
    app_factory: AppFactory, db: Database
) -> None:
    seed_pace(db, TODAY - timedelta(days=9), days="tue,fri")
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_plan(pilot)
        assert not any(TODAY_MARK in line or "today" in line for line in prompts(screen))
        entry = screen.weeks.current
        assert entry is not None and entry.day == date(2025, 3, 14) and not entry.today
        assert "Next Fri 14 Mar" in summary_of(screen)


async def test_enter_starts_a_resource_and_the_plan_follows(
    app_factory: AppFactory, db: Database
) -> None:
    seed_pace(db, TODAY - timedelta(days=9))
    plan = build_plan(db, UTC, NOW)
    first, second = [p.item for d in plan.days for p in d.parts if p.item.kind == "resource"][:2]
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_plan(pilot)
        await pilot.press("down")
        entry = screen.weeks.current
        assert entry is not None and entry.part.item.id == second.id
        await pilot.press("enter")
        await wait_until(
            pilot, lambda: get_resource(db, second.id).status == "in_progress", "the write"
        )
        # in progress comes first: the plan is built again, the cursor follows the item
        await wait_until(
            pilot,
            lambda: (
                screen.weeks.entries[2] is not None
                and screen.weeks.entries[2].part.item.id == second.id
            ),
            "the plan built again",
        )
        entry = screen.weeks.current
        assert entry is not None and entry.part.item.id == second.id
        assert entry.part.item.status == "in_progress"
        assert prompts(screen)[2].startswith("    [~]")
        assert "in progress" in str(screen.query_one("#plan-detail").render())
        assert get_resource(db, first.id).status == "todo"
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen), "the steps")


async def test_enter_on_a_lab_opens_the_lab_screen(app_factory: AppFactory, db: Database) -> None:
    seed_pace(db, TODAY - timedelta(days=9))
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_plan(pilot)
        labs = [i for i, e in enumerate(screen.weeks.entries) if e and e.part.item.kind == "lab"]
        screen.weeks.highlighted = labs[0]
        lab_id = screen.weeks.entries[labs[0]].part.item.id  # type: ignore[union-attr]
        detail = screen.query_one("#plan-detail")
        await wait_until(pilot, lambda: "enter opens it" in str(detail.render()), "the lab's line")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, LabScreen), "the lab screen")
        lab_screen = app.screen
        assert isinstance(lab_screen, LabScreen) and lab_screen.lab.id == lab_id
        await wait_until(pilot, lab_screen.opened.is_set, "the lab to open")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen, "the plan again")
        await wait_until(
            pilot,
            lambda: any(
                e and e.part.item.id == lab_id and e.part.item.status == "started"
                for e in screen.weeks.entries
            ),
            "the lab started in the plan",
        )


async def test_without_a_pace_the_plan_says_how_to_set_one(
    app_factory: AppFactory, db: Database
) -> None:
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_plan(pilot)
        summary = summary_of(screen)
        assert "studyplan plan --hours-per-week 5 --days mon,wed,sat" in summary
        assert not screen.weeks.display and not screen.weeks.options
        keys = footer_keys(app)
        assert "Back" in keys and "Start" not in keys
        await pilot.press("enter")  # nothing to start: nothing happens
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen), "the steps")


async def test_a_long_plan_lists_its_first_weeks(
    app_factory: AppFactory, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(plan_list, "MAX_PARTS", 5)
    seed_pace(db, TODAY - timedelta(days=9))
    weeks = build_plan(db, UTC, NOW).weeks(0)
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_plan(pilot)
        lines = prompts(screen)
        shown = sum(line.startswith("Week of") for line in lines)
        assert 1 < shown < len(weeks) and len(screen.weeks.parts) > 5
        left = len(weeks) - shown
        assert lines[-1] == f"… {left} more weeks: studyplan plan shows them all"


# the statistics ------------------------------------------------------------------------------


async def test_the_statistics_show_the_seeded_activity(
    app_factory: AppFactory, db: Database
) -> None:
    seed_snapshot_progress(db)
    expected = study_stats(db, UTC, 0, build_plan(db, UTC, NOW), NOW)
    assert expected.active_days == 42  # 40 days of timer sessions, 2 other days finished
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_stats(pilot)
        heatmap = screen.query_one(Heatmap)
        await wait_until(pilot, lambda: "Mon" in str(heatmap.render()), "the heatmap")
        assert active_cells(heatmap.render()) == 42
        assert f"{expected.active_days} active days" in str(heatmap.render())
        figures = str(screen.query_one("#stats-figures").render())
        assert f"Left {duration(expected.minutes_left)}" in figures
        assert f"This week {duration(expected.minutes_this_week)}" in figures
        assert f"{duration(round(expected.minutes_per_week))} a week" in figures
        assert expected.planned_finish is not None and expected.actual_finish is not None
        assert f"planned {expected.planned_finish:%a %d %b %Y}" in figures
        assert f"at your pace {expected.actual_finish:%a %d %b %Y}" in figures
        assert "Streak" not in figures  # streaks are opt-in
        assert screen.query_one(WeeklyChart).weeks == expected.weeks
        assert screen.query_one(BurndownChart).points == expected.burndown
        bars = str(screen.query_one("#step-bars").render()).splitlines()
        assert bars[0].startswith("1 ") and " 2/5 " in bars[0]  # two of step 1 done
        assert len(bars) == 7


async def test_the_statistics_without_any_progress(app_factory: AppFactory) -> None:
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_stats(pilot)
        heatmap = screen.query_one(Heatmap)
        await wait_until(pilot, lambda: "Mon" in str(heatmap.render()), "the heatmap")
        assert active_cells(heatmap.render()) == 0
        figures = str(screen.query_one("#stats-figures").render())
        assert "no plan yet: studyplan plan --hours-per-week 5" in figures
        assert "at your pace unknown" in figures


async def test_streaks_show_when_the_setting_is_on(app_factory: AppFactory, db: Database) -> None:
    seed_snapshot_progress(db)
    expected = study_stats(db, UTC, 0, build_plan(db, UTC, NOW), NOW, with_streaks=True)
    assert expected.streaks is not None
    app = app_factory(streaks=True)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_stats(pilot)
        figures = str(screen.query_one("#stats-figures").render())
        assert f"(longest {expected.streaks.longest})" in figures


async def test_the_week_starts_on_the_chosen_day(app_factory: AppFactory, db: Database) -> None:
    seed_snapshot_progress(db)
    app = app_factory(week_start="sunday")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_stats(pilot)
        lines = str(screen.query_one(Heatmap).render()).splitlines()
        assert [line[:3] for line in lines[1:8]] == [
            "Sun",
            "Mon",
            "Tue",
            "Wed",
            "Thu",
            "Fri",
            "Sat",
        ]
        assert active_cells(screen.query_one(Heatmap).render()) == 42


# keys, palette, sizes ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "screen_type"),
    [("Show the study plan", PlanScreen), ("Show the statistics", StatsScreen)],
)
async def test_both_screens_open_from_the_palette(
    app_factory: AppFactory, db: Database, command: str, screen_type: type
) -> None:
    seed_pace(db, TODAY)
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *command)
        palette = app.screen
        await wait_until(
            pilot,
            lambda: any(
                command in str(option.prompt)
                for option in palette.query(OptionList).first().options
            ),
            "the palette to list the command",
        )
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, screen_type), command)
        screen = app.screen
        await pilot.press("ctrl+p", *"Go back to the steps")
        palette = app.screen
        await wait_until(
            pilot,
            lambda: any(
                "Go back to the steps" in str(option.prompt)
                for option in palette.query(OptionList).first().options
            ),
            "the palette to offer the way back",
        )
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen), "the steps")
        assert not screen.is_attached


@pytest.mark.parametrize("size", [(40, 12), (200, 60)])
@pytest.mark.parametrize("key", ["p", "S"])
async def test_the_back_key_shows_and_works_at_any_size(
    app_factory: AppFactory, db: Database, size: tuple[int, int], key: str
) -> None:
    seed_snapshot_progress(db)
    app = app_factory()
    async with app.run_test(size=size) as pilot:
        screen = await (open_plan(pilot) if key == "p" else open_stats(pilot))
        await settle(pilot)
        back = footer_keys(app)["Back"]
        region = back.region
        assert region.width > 0 and region.right <= size[0] and region.y == size[1] - 1
        if isinstance(screen, PlanScreen):
            assert screen.weeks.region.height >= 1 and screen.weeks.current is not None
        else:
            assert screen.query_one(Heatmap).region.width <= size[0]
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen), "the steps")


async def test_the_keys_can_be_remapped(app_factory: AppFactory, db: Database) -> None:
    seed_pace(db, TODAY)
    app = app_factory(keys={"plan": "P", "plan_back": "b", "stats": "i"})
    async with app.run_test(size=(100, 30)) as pilot:
        await open_plan(pilot, "P")
        await pilot.press("b")
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen), "the steps")
        await open_stats(pilot, "i")


def test_the_help_screen_lists_the_new_keys() -> None:
    from rich.console import Console

    console = Console(width=120, record=True)
    console.print(keys_table({}))
    text = console.export_text()
    for binding_id in ("plan", "stats", "plan_start", "plan_back", "stats_back"):
        assert f" {binding_id}\n" in text or f" {binding_id} " in text
    assert "Show the study plan" in text and "Plan" in text and "Statistics" in text


def summary_of(screen: Any) -> str:
    """The plan's summary line as text (its fields hold no-break spaces)."""
    return str(screen.query_one("#plan-summary").render()).replace("\xa0", " ")


def _styles_of(svg: str, text: str) -> list[str]:
    """The CSS of each piece of the screenshot holding ``text``."""
    rules = dict(re.findall(r"\.(terminal-[\w-]+) \{ ([^}]*) \}", svg))
    pieces = re.findall(r'<text class="([^"]+)"[^>]*>([^<]*)</text>', svg)
    return [
        rules.get(css, "")
        for css, piece in pieces
        if text in html.unescape(piece).replace("\xa0", " ")
    ]


async def test_without_colour_both_screens_still_say_it(
    app_factory: AppFactory, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under NO_COLOR Textual draws in greys: what colour says must be said otherwise, by
    characters (the heatmap's levels, today's marker) and bold (today's session)."""
    monkeypatch.setenv("NO_COLOR", "1")
    seed_snapshot_progress(db)
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        assert app.no_color
        screen = await open_stats(pilot)
        await settle(pilot)
        shown = html.unescape(app.export_screenshot())
        for level_mark in "·░▒▓█":  # each level of the heatmap has its own character
            assert level_mark in shown
        assert active_cells(screen.query_one(Heatmap).render()) == 42
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen), "the steps")
        await open_plan(pilot)
        await settle(pilot)
        svg = app.export_screenshot()
        today = _styles_of(svg, "  today")  # the day line's, not the summary's "Next today"
        assert today and all("bold" in css for css in today)  # the marker, in bold
        assert _styles_of(svg, f"{TODAY_MARK} Wed 12 Mar")
        assert not any("bold" in css for css in _styles_of(svg, "Sat 15 Mar"))


# drawing helpers -----------------------------------------------------------------------------


def test_month_names_sit_over_the_week_of_the_first() -> None:
    start = date(2024, 3, 11)  # a Monday; 1 April 2024 is a Monday three weeks later
    line = month_labels(start, 53)
    assert line[LABEL_WIDTH + 3 : LABEL_WIDTH + 6] == "Apr"
    assert line[:LABEL_WIDTH].strip() == "" and "Mar" in line[-8:]  # March 2025, at the end
    names = line.split()
    assert names[:3] == ["Apr", "May", "Jun"] and len(names) == len(set(names)) == 12


def test_a_projection_stops_a_year_after_today() -> None:
    today = date(2025, 3, 12)
    assert projection(today, 600, today + timedelta(days=30)) == (today + timedelta(30), 0.0)
    end, left = projection(today, 730, today + timedelta(days=730))
    assert end == today + timedelta(days=366) and left == pytest.approx(364)
