"""The group screen: every learner of the database and where each stands, opened with a key,
refreshed live while another learner works, and drawn at every size.

The learner who works here is ada (``STUDYPLAN_LEARNER``); bob works on the same SQLite file
through a second database handle, or through the real ``studyplan`` command.
"""

from __future__ import annotations

import asyncio
import html
import os
import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from rich.text import Text
from sqlmodel import Session
from textual.pilot import Pilot
from textual.widgets import OptionList
from textual.widgets._data_table import default_cell_formatter
from textual.widgets._footer import FooterKey

from studyplan.db.database import Database
from studyplan.db.models import LabProgress
from studyplan.db.open import open_database
from studyplan.services.group import MemberStatus, StepCount, add_learner, group_status
from studyplan.services.progress import set_status
from studyplan.tui.app import StudyplanApp
from studyplan.tui.bindings import check_keymap
from studyplan.tui.screens import group_screen
from studyplan.tui.screens.group_screen import (
    ME_MARK,
    NO_LEARNERS,
    GroupData,
    GroupScreen,
    layout,
    step_mark,
)
from studyplan.tui.screens.help_screen import keys_table
from studyplan.tui.screens.main_screen import MainScreen
from studyplan.wording import ago_text

from .conftest import AppFactory, settle, wait_until
from .seeding import NOW, resource_ids, seed_finished, seed_sessions, seed_snapshot_progress

STUDYPLAN = Path(sys.executable).with_name("studyplan")


@pytest.fixture(autouse=True)
def pinned(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test here runs at :data:`NOW` in UTC, as the learner ada."""
    monkeypatch.setenv("STUDYPLAN_NOW", NOW.isoformat())
    monkeypatch.setenv("STUDYPLAN_LEARNER", "ada")


@pytest.fixture
def bob(db: Database) -> Iterator[Database]:
    """A second handle on the same file, working as bob."""
    handle = open_database(db.url, learner="bob")
    yield handle
    handle.dispose()


def seed_two(db: Database, bob: Database) -> None:
    """ada: two resources done in February, timer sessions until yesterday evening; bob: six
    resources done this week, a lab passed, a session this morning (he leads)."""
    assert db.learner == "ada"
    seed_snapshot_progress(db)
    ids = resource_ids(bob)
    seed_finished(bob, {rid: NOW - timedelta(days=1, hours=n) for n, rid in enumerate(ids[:6])})
    seed_sessions(bob, [(ids[6], NOW - timedelta(hours=2), 45)])

    def passed(session: Session) -> None:
        moment = NOW - timedelta(days=1)
        session.add(LabProgress(lab_id=first_lab(session), status="passed", passed_at=moment))

    bob.write(passed)


def first_lab(session: Session) -> str:
    from sqlmodel import col, select

    from studyplan.db.models import Lab

    return str(session.execute(select(Lab.id).order_by(col(Lab.id))).scalars().first())


async def open_group(pilot: Pilot[Any], key: str = "m") -> GroupScreen:
    """Press ``key`` on the main screen and wait for the group on the terminal."""
    app = pilot.app
    await settle(pilot)
    await pilot.press(key)
    await wait_until(pilot, lambda: isinstance(app.screen, GroupScreen), "the group screen")
    screen = app.screen
    assert isinstance(screen, GroupScreen)
    await wait_until(pilot, screen.shown.is_set, "the group drawn")
    return screen


def rows(screen: GroupScreen) -> list[list[str]]:
    """The table's rows as plain text, each cell stripped."""
    table = screen.table
    return [[cell.plain.strip() for cell in table.get_row_at(i)] for i in range(table.row_count)]


def headings(screen: GroupScreen) -> list[str]:
    return [str(column.label).strip() for column in screen.table.columns.values()]


def cell(screen: GroupScreen, learner: str, heading: str) -> str:
    """The cell of ``learner`` under ``heading``."""
    row = next(r for r in rows(screen) if r[0].lstrip(ME_MARK).strip() == learner)
    return row[headings(screen).index(heading)]


def info_of(screen: GroupScreen) -> str:
    return str(screen.query_one("#group-info").render())


# what it shows ---------------------------------------------------------------------------


async def test_the_group_opens_with_its_key_and_marks_who_works_here(
    app_factory: AppFactory, db: Database, bob: Database
) -> None:
    seed_two(db, bob)
    expected = group_status(db, NOW, UTC)
    assert [m.learner for m in expected] == ["bob", "ada"]
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_group(pilot)
        assert "Study group  2 learners" in str(screen.query_one("#group-title").render())
        assert headings(screen) == [
            "Learner",
            *(f"S{s.step}" for s in expected[0].steps),
            "Done",
            "Labs",
            "Week",
            "Active",
        ]
        shown = rows(screen)
        assert [r[0] for r in shown] == ["bob", f"{ME_MARK} ada"]  # as the service sorts
        for row, member in zip(shown, expected, strict=True):
            steps = [f"{s.done}/{s.total}" for s in member.steps]
            assert row[1 : 1 + len(steps)] == steps
            assert row[1 + len(steps) :] == [
                f"{member.share:.0%}",
                str(member.labs_passed),
                group_screen.duration(member.minutes_week),
                ago_text(member.last_active, NOW, UTC),
            ]
        assert cell(screen, "bob", "Labs") == "1" and cell(screen, "ada", "Labs") == "0"
        assert cell(screen, "bob", "Active") == "2 h ago"  # his session this morning
        assert cell(screen, "ada", "Active") == "14 h ago"  # yesterday's, at 19:00
        mine = screen.table.get_row_at(1)
        assert all(c.style == "bold" for c in mine)
        assert not any(c.style for c in screen.table.get_row_at(0))
        assert "week from Mon 10 Mar" in info_of(screen)
        assert screen.live
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen), "the steps")
        assert not screen.is_attached and not screen.live


async def test_an_empty_group_says_how_learners_join(app_factory: AppFactory) -> None:
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_group(pilot)
        assert "0 learners" in str(screen.query_one("#group-title").render())
        assert not screen.table.display
        empty = screen.query_one("#group-empty")
        assert empty.display and str(empty.render()) == NO_LEARNERS
        assert "studyplan group add NAME" in NO_LEARNERS


async def test_a_learner_added_shows_and_the_missing_one_is_told(
    app_factory: AppFactory, db: Database
) -> None:
    add_learner(db, "cy")  # the organiser adds cy; ada has changed nothing yet
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_group(pilot)
        assert rows(screen)[0][0] == "cy" and cell(screen, "cy", "Active") == "never"
        assert "you (ada) appear with your first change" in info_of(screen)


# live ------------------------------------------------------------------------------------


async def test_another_learners_progress_shows_up_without_a_key(
    app_factory: AppFactory, db: Database, bob: Database
) -> None:
    seed_two(db, bob)
    ids = resource_ids(db)
    first_step = group_status(db, NOW, UTC)[1].steps[0]
    assert (first_step.done, first_step.total) == (2, 3)  # ids[2] is the step's third
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_group(pilot)
        assert cell(screen, "ada", "S1") == "2/3"
        # ada is behind bob; ada's own change through another handle (the command line's
        # service) moves her count, then bob's through the real command moves his
        ada_elsewhere = open_database(db.url, learner="ada")
        try:
            set_status(ada_elsewhere, ids[2], "done")
        finally:
            ada_elsewhere.dispose()
        await wait_until(pilot, lambda: cell(screen, "ada", "S1") == "3/3", "ada's count to move")
        bob_done = cell(screen, "bob", "Done")
        result = await asyncio.to_thread(
            subprocess.run,
            [str(STUDYPLAN), "done", ids[10]],
            capture_output=True,
            text=True,
            env={**os.environ, "STUDYPLAN_LEARNER": "bob"},
            check=False,
        )
        assert result.returncode == 0, result.stderr
        await wait_until(
            pilot, lambda: cell(screen, "bob", "Done") != bob_done, "bob's done to move"
        )
        expected = group_status(db, NOW, UTC)
        assert cell(screen, "bob", "Done") == f"{expected[0].share:.0%}"
        assert app.screen is screen  # no key was pressed; nothing else opened


async def test_a_new_learner_appears_while_the_screen_is_open(
    app_factory: AppFactory, db: Database, bob: Database
) -> None:
    seed_two(db, bob)
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_group(pilot)
        dee = open_database(db.url, learner="dee")
        try:
            set_status(dee, resource_ids(dee)[0], "in_progress")
        finally:
            dee.dispose()
        title = screen.query_one("#group-title")
        await wait_until(pilot, lambda: "3 learners" in str(title.render()), "dee's row")
        assert [r[0] for r in rows(screen)][-1] == "dee"


async def test_the_table_is_drawn_again_only_when_it_changed(
    app_factory: AppFactory, db: Database, bob: Database
) -> None:
    seed_two(db, bob)
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_group(pilot)
        drawn, polls = screen.redraws, screen.polls
        await wait_until(pilot, lambda: screen.polls >= polls + 2, "two more reads")
        assert screen.redraws == drawn
        set_status(bob, resource_ids(bob)[8], "done")
        await wait_until(pilot, lambda: screen.redraws == drawn + 1, "the change drawn")


async def test_a_failed_read_keeps_the_table_says_why_and_reading_goes_on(
    app_factory: AppFactory, db: Database, bob: Database
) -> None:
    seed_two(db, bob)
    assert db.file is not None
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_group(pilot)
        before = rows(screen)
        raw = sqlite3.connect(db.file, isolation_level=None)
        try:
            raw.execute("ALTER TABLE learner RENAME TO learner_away")  # the group's own table
            await wait_until(pilot, lambda: screen.error is not None, "the failed read")
            line = info_of(screen)
            assert line.startswith("database error: ") and "no such table: learner" in line
            assert "\n" not in (screen.error or "")
            assert rows(screen) == before and screen.table.display
            assert app.screen is screen  # no dialog: the line says it
        finally:
            raw.execute("ALTER TABLE learner_away RENAME TO learner")
            raw.close()
        await wait_until(pilot, lambda: screen.error is None, "a read that works again")
        assert "finished = done or skipped" in info_of(screen)
        assert rows(screen) == before


# sizes, colour, text ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "per_step"), [((40, 12), False), ((80, 24), True), ((200, 60), True)]
)
async def test_every_size_shows_each_learner_and_the_way_back(
    app_factory: AppFactory, db: Database, bob: Database, size: tuple[int, int], per_step: bool
) -> None:
    seed_two(db, bob)
    app = app_factory()
    async with app.run_test(size=size) as pilot:
        screen = await open_group(pilot)
        await settle(pilot)
        table = screen.table
        assert table.region.right <= size[0] and table.region.height >= 3
        assert table.virtual_size.width <= table.scrollable_content_region.width
        assert len(rows(screen)) == 2 and rows(screen)[1][0] == f"{ME_MARK} ada"
        assert ("S1" in headings(screen)) is per_step
        assert ("Steps" in headings(screen)) is not per_step
        if not per_step:
            assert table.border_subtitle and "none" in table.border_subtitle
            assert cell(screen, "bob", "Steps")[0] == step_mark(5, 5)
        back = next(k for k in screen.query(FooterKey) if k.description == "Back")
        assert back.region.width > 0 and back.region.right <= size[0]
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen), "the steps")


async def test_the_columns_follow_a_resize(
    app_factory: AppFactory, db: Database, bob: Database
) -> None:
    seed_two(db, bob)
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_group(pilot)
        assert "S1" in headings(screen)
        await pilot.resize_terminal(40, 12)
        await wait_until(pilot, lambda: "Steps" in headings(screen), "the compact columns")
        assert "S1" not in headings(screen) and len(rows(screen)) == 2


async def test_without_colour_the_mark_and_bold_say_who_works_here(
    app_factory: AppFactory, db: Database, bob: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    seed_two(db, bob)
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        assert app.no_color
        await open_group(pilot)
        await settle(pilot)
        svg = app.export_screenshot()
        assert f"{ME_MARK}" in html.unescape(svg)
        ada = _styles_of(svg, "ada")
        assert ada and all("bold" in css for css in ada)
        assert not any("bold" in css for css in _styles_of(svg, "bob"))


def _styles_of(svg: str, text: str) -> list[str]:
    """The CSS of each piece of the screenshot holding ``text``."""
    rules = dict(re.findall(r"\.(terminal-[\w-]+) \{ ([^}]*) \}", svg))
    pieces = re.findall(r'<text class="([^"]+)"[^>]*>([^<]*)</text>', svg)
    return [
        rules.get(css, "")
        for css, piece in pieces
        if text in html.unescape(piece).replace("\xa0", " ")
    ]


def test_names_and_cells_are_text_never_markup() -> None:
    odd = "[bold red]eve[/]"  # not a valid learner name: the screen must still show it as is
    member = MemberStatus(odd, [StepCount(1, 1, 2)], 0, 30, NOW - timedelta(minutes=5))
    data = GroupData([member], NOW, UTC, datetime(2025, 3, 10, tzinfo=UTC))
    shown = layout(data, "ada", 100)
    assert shown.rows[0][0] == f"  {odd}" and shown.rows[0][-1] == "5 min ago"
    cells = group_screen._cells(shown.rows[0], [(c[2], c[3]) for c in shown.columns], "")
    assert all(isinstance(c, Text) for c in cells) and cells[0].plain.strip() == odd
    assert default_cell_formatter(cells[0]) is cells[0]  # a Text is drawn as it is


def test_a_long_name_is_cut_where_the_width_is_short() -> None:
    name = "a" * 63
    member = MemberStatus(name, [StepCount(n, 0, 5) for n in range(1, 8)])
    data = GroupData([member], NOW, UTC, datetime(2025, 3, 10, tzinfo=UTC))
    wide, narrow = layout(data, name, 200), layout(data, name, 40)
    assert wide.rows[0][0] == f"{ME_MARK} {name}" and narrow.rows[0][0].endswith("…")
    assert sum(width + 2 for _k, _l, width, _r in narrow.columns) <= 40 - 3


@pytest.mark.parametrize(
    ("done", "total", "mark"),
    [(0, 5, "·"), (1, 5, "░"), (2, 5, "▒"), (4, 5, "▓"), (5, 5, "█"), (0, 0, "·")],
)
def test_step_marks(done: int, total: int, mark: str) -> None:
    assert step_mark(done, total) == mark


@pytest.mark.parametrize(
    ("moment", "said"),
    [
        (None, "never"),
        (NOW - timedelta(seconds=20), "just now"),
        (NOW + timedelta(seconds=20), "just now"),
        (NOW - timedelta(minutes=5), "5 min ago"),
        (NOW - timedelta(hours=2, minutes=59), "2 h ago"),
        (NOW - timedelta(days=1), "1 day ago"),
        (NOW - timedelta(days=6), "6 days ago"),
        (NOW - timedelta(days=9), "03 Mar"),
        (datetime(2024, 12, 28, tzinfo=UTC), "28 Dec 2024"),
        (NOW + timedelta(days=400), "16 Apr 2026"),
    ],
)
def test_how_long_ago(moment: datetime | None, said: str) -> None:
    assert ago_text(moment, NOW, UTC) == said


# keys, palette, help ---------------------------------------------------------------------


async def test_the_group_opens_from_the_palette_and_goes_back(app_factory: AppFactory) -> None:
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await run_command(pilot, "Show the study group")
        await wait_until(pilot, lambda: isinstance(app.screen, GroupScreen), "the group")
        await run_command(pilot, "Go back to the steps")
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen), "the steps")


async def run_command(pilot: Pilot[Any], command: str) -> None:
    """Type ``command`` in the palette and run it once the palette offers it."""
    await pilot.press("ctrl+p", *command)
    palette = pilot.app.screen

    def offered() -> bool:
        options = palette.query(OptionList).first().options
        return any(command in str(option.prompt) for option in options)

    await wait_until(pilot, offered, f"the palette to offer {command!r}")
    await pilot.press("enter")


async def test_the_keys_can_be_remapped(app_factory: AppFactory) -> None:
    app = app_factory(keys={"group": "M", "group_back": "b"})
    async with app.run_test(size=(100, 30)) as pilot:
        await open_group(pilot, "M")
        await pilot.press("b")
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen), "the steps")


def test_the_group_keys_in_the_keymap() -> None:
    check_keymap({"group_back": "escape,b", "plan_back": "b"})  # one per screen
    with pytest.raises(Exception, match="takes 'd' from 'done'"):
        check_keymap({"group": "d"})


def test_the_help_screen_lists_the_group_keys() -> None:
    from rich.console import Console

    console = Console(width=120, record=True)
    console.print(keys_table({}))
    text = console.export_text()
    assert re.search(r"\bm\s+Show the study group: where each learner stands.*\bgroup\b", text)
    assert re.search(r"escape\s+Go back to the steps\s+group_back", text)
    assert "Group" in text


@pytest.mark.parametrize(("width", "shown"), [(99, False), (100, True)])
async def test_the_main_footer_shows_the_group_key_where_it_fits(
    app_factory: AppFactory, width: int, shown: bool
) -> None:
    app = app_factory()
    async with app.run_test(size=(width, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app, StudyplanApp)
        keys = {k.description: k for k in app.screen.query(FooterKey) if k.display}
        assert ("Group" in keys) is shown
        assert keys["Quit"].region.right <= width and keys["Help"].region.width > 0


# pictures --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "size", [pytest.param((100, 30), id="100x30"), pytest.param((80, 24), id="80x24")]
)
def test_group_screen(
    snap_compare: Any,
    app_factory: AppFactory,
    db: Database,
    bob: Database,
    size: tuple[int, int],
) -> None:
    seed_two(db, bob)
    add_learner(db, "cy")

    async def before(pilot: Pilot[Any]) -> None:
        screen = await open_group(pilot)
        await settle(pilot)
        assert [r[0] for r in rows(screen)] == ["bob", f"{ME_MARK} ada", "cy"]
        assert cell(screen, "cy", "Active") == "never"

    assert snap_compare(app_factory(), terminal_size=size, run_before=before)
