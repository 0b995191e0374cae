"""Snapshot tests of every screen and dialog (pytest-textual-snapshot).

Each test first asserts the state the picture is meant to show, then compares the picture.
Nothing time-dependent is on screen: a fresh database, no timer, cursors that do not blink,
the theme fixed by the app factory, NO_COLOR and TEXTUAL_THEME removed (tests/environment.py).
Update with ``pytest tests/tui --snapshot-update`` after checking the change by eye.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from studyplan.db.database import Database
from studyplan.errors import NotFoundError
from studyplan.links import store
from studyplan.links.result import LinkResult
from studyplan.services.catalog_query import get_resource
from studyplan.tui.app import StudyplanApp
from studyplan.tui.modals.error_modal import ErrorModal
from studyplan.tui.modals.open_modal import OpenModal
from studyplan.tui.modals.search_modal import SearchModal
from studyplan.tui.modals.skip_modal import SkipModal
from studyplan.tui.screens.help_screen import HelpScreen
from studyplan.tui.screens.main_screen import MainScreen
from studyplan.tui.screens.plan_screen import PlanScreen
from studyplan.tui.screens.stats_screen import StatsScreen

from .conftest import AppFactory, settle, wait_until
from .seeding import NOW, seed_snapshot_progress

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
ALL_SIZES = [
    pytest.param((40, 12), id="40x12"),
    *SIZES,
    pytest.param((200, 60), id="200x60"),
]


async def _steady(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await settle(pilot)


def _main(app: Any) -> MainScreen:
    assert isinstance(app, StudyplanApp)
    return app.main_screen


@pytest.mark.parametrize("size", ALL_SIZES)
def test_main_screen(snap_compare: Any, app_factory: AppFactory, size: tuple[int, int]) -> None:
    async def before(pilot: Pilot[Any]) -> None:
        await _steady(pilot)
        screen = _main(pilot.app)
        assert screen.current_step == ("main", 1)
        assert screen.table.current is not None and screen.table.current.ref == "1.1"
        narrow = size[0] < 64
        assert screen.query_one("#steps").display is not narrow

    assert snap_compare(app_factory(), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES)
def test_help_screen(snap_compare: Any, app_factory: AppFactory, size: tuple[int, int]) -> None:
    async def before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("question_mark")
        await _steady(pilot)
        assert isinstance(pilot.app.screen, HelpScreen)

    assert snap_compare(app_factory(), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES)
def test_search(snap_compare: Any, app_factory: AppFactory, size: tuple[int, int]) -> None:
    async def before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("slash", *"backprop")
        await _steady(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, SearchModal)
        await wait_until(pilot, lambda: bool(screen.results), "the results")
        assert any(v.id == "mazur-backprop" for v in screen.results)

    assert snap_compare(app_factory(), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES)
def test_skip_reason_modal(
    snap_compare: Any, app_factory: AppFactory, size: tuple[int, int]
) -> None:
    async def before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("s", *"already know it")
        await _steady(pilot)
        assert isinstance(pilot.app.screen, SkipModal)
        assert pilot.app.screen.query_one(Input).value == "already know it"

    assert snap_compare(app_factory(), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES)
def test_error_modal(snap_compare: Any, app_factory: AppFactory, size: tuple[int, int]) -> None:
    async def before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        app: Any = pilot.app
        app.show_error(NotFoundError("no resource with id 'nope'; 'studyplan list' shows the ids"))
        await _steady(pilot)
        assert isinstance(app.screen, ErrorModal) and app.screen.error_title == "not found"

    assert snap_compare(app_factory(), terminal_size=size, run_before=before)


def _store_link_history(db: Database) -> None:
    """Link checks of step 1 at fixed times: 1.1 dead three times, 1.2 moved, 1.3 alive."""
    first = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    dead, moved, alive = (get_resource(db, ref).url for ref in ("1.1", "1.2", "1.3"))
    results = [
        LinkResult(dead, "dead", 404, checked_at=first + timedelta(days=day)) for day in range(3)
    ]
    results += [
        LinkResult(moved, "redirected", 200, "https://example.org/new.pdf", checked_at=first),
        LinkResult(alive, "alive", 200, checked_at=first),
    ]
    store.save_results(db, results)


@pytest.mark.parametrize("size", SIZES)
def test_main_screen_with_link_states(
    snap_compare: Any, app_factory: AppFactory, db: Database, size: tuple[int, int]
) -> None:
    _store_link_history(db)

    async def before(pilot: Pilot[Any]) -> None:
        await _steady(pilot)
        screen = _main(pilot.app)
        await wait_until(pilot, lambda: bool(screen.link_states), "the link states")
        assert screen.table.links[get_resource(db, "1.1").id] == "dead"
        await _steady(pilot)

    assert snap_compare(app_factory(), terminal_size=size, run_before=before)


def test_open_dialog_on_a_dead_link(
    snap_compare: Any, app_factory: AppFactory, db: Database
) -> None:
    _store_link_history(db)

    async def before(pilot: Pilot[Any]) -> None:
        await _steady(pilot)
        screen = _main(pilot.app)
        await wait_until(pilot, lambda: bool(screen.link_states), "the link states")
        await pilot.press("o")
        await _steady(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, OpenModal)
        labels = [c.label for c in dialog.choices]
        assert labels[:2] == ["the original address (dead)", "the archived copy (2016)"]
        assert len(labels) == 2 + len(get_resource(db, "1.1").alternatives)

    assert snap_compare(app_factory(), terminal_size=(80, 24), run_before=before)


async def _open(pilot: Pilot[Any], key: str, kind: type[PlanScreen | StatsScreen]) -> Any:
    """Press ``key`` and wait until the screen of ``kind`` is drawn, steady."""
    await settle(pilot)
    await pilot.press(key)
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, kind), kind.__name__)
    screen: Any = pilot.app.screen
    await wait_until(pilot, screen.shown.is_set, f"{kind.__name__} drawn")
    await _steady(pilot)
    return screen


@pytest.mark.parametrize("size", [pytest.param((100, 30), id="100x30")])
def test_plan_screen(
    snap_compare: Any,
    app_factory: AppFactory,
    db: Database,
    monkeypatch: pytest.MonkeyPatch,
    size: tuple[int, int],
) -> None:
    monkeypatch.setenv("STUDYPLAN_NOW", NOW.isoformat())
    seed_snapshot_progress(db)

    async def before(pilot: Pilot[Any]) -> None:
        screen = await _open(pilot, "p", PlanScreen)
        entry = screen.weeks.current
        assert entry is not None and entry.today and entry.part.item.status == "in_progress"

    assert snap_compare(app_factory(), terminal_size=size, run_before=before)


@pytest.mark.parametrize(
    "size", [pytest.param((100, 30), id="100x30"), pytest.param((80, 24), id="80x24")]
)
def test_stats_screen(
    snap_compare: Any,
    app_factory: AppFactory,
    db: Database,
    monkeypatch: pytest.MonkeyPatch,
    size: tuple[int, int],
) -> None:
    monkeypatch.setenv("STUDYPLAN_NOW", NOW.isoformat())
    seed_snapshot_progress(db)

    async def before(pilot: Pilot[Any]) -> None:
        screen = await _open(pilot, "S", StatsScreen)
        assert screen.data.stats.active_days == 42 and screen.data.pace is not None

    assert snap_compare(app_factory(), terminal_size=size, run_before=before)
