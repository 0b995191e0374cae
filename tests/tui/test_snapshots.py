"""Snapshot tests of every screen and dialog at 80x24 and 120x40 (pytest-textual-snapshot).

Nothing time-dependent is on screen: a fresh database, no timer, cursors that do not blink.
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

from .conftest import AppFactory, settle

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


async def _steady(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await settle(pilot)


@pytest.mark.parametrize("size", SIZES)
def test_main_screen(snap_compare: Any, app_factory: AppFactory, size: tuple[int, int]) -> None:
    assert snap_compare(app_factory(), terminal_size=size, run_before=_steady)


@pytest.mark.parametrize("size", SIZES)
def test_help_screen(snap_compare: Any, app_factory: AppFactory, size: tuple[int, int]) -> None:
    async def before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("question_mark")
        await _steady(pilot)

    assert snap_compare(app_factory(), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES)
def test_search(snap_compare: Any, app_factory: AppFactory, size: tuple[int, int]) -> None:
    async def before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("slash", *"backprop")
        await _steady(pilot)

    assert snap_compare(app_factory(), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES)
def test_skip_reason_modal(
    snap_compare: Any, app_factory: AppFactory, size: tuple[int, int]
) -> None:
    async def before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("s", *"already know it")
        await _steady(pilot)

    assert snap_compare(app_factory(), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES)
def test_error_modal(snap_compare: Any, app_factory: AppFactory, size: tuple[int, int]) -> None:
    async def before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        app: Any = pilot.app
        app.show_error(NotFoundError("no resource with id 'nope'; 'studyplan list' shows the ids"))
        await _steady(pilot)

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
    assert snap_compare(app_factory(), terminal_size=size, run_before=_steady)
