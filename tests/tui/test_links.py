"""Link health in the interface: the column, the badge, `c` and `C`, and `o` on a dead link.

The catalog's addresses point at a real HTTP server on 127.0.0.1 (the link checker's own test
server); nothing here touches the internet.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from textual.pilot import Pilot
from textual.widgets import Label, OptionList

from studyplan import paths
from studyplan.db.database import Database
from studyplan.db.models import LinkCheck
from studyplan.links.policy import CheckOptions
from studyplan.services.workspace import open_workspace
from studyplan.settings import load_settings
from studyplan.tui.app import StudyplanApp, make_app
from studyplan.tui.modals.open_modal import OpenModal
from studyplan.tui.widgets.link_progress import LinkProgress

from .conftest import Opened, settle, wait_until

sys.path.insert(0, str(Path(__file__).parents[1] / "links"))

from links_server import LinkServer

CATALOG = """\
format_version: 1
source:
  title: A Catalog On Loopback
  author: Test Author
  url: {base}/curriculum
  date: "2016-01"
steps:
  - number: 1
    title: Basics
    summary: The first step.
    resources:
      - id: gone-post
        title: A Post That Vanished
        authors: [Ann Author]
        kind: blog-post
        url: {base}/missing
        minutes: 30
        provenance: article
        alternatives:
          - title: A newer write-up
            url: {base}/ok/newer
            why: same content, maintained
      - id: live-notes
        title: Notes That Still Work
        authors: [Bob Writer]
        kind: notes
        url: {base}/ok/notes
        minutes: 60
        provenance: article
      - id: moved-video
        title: A Video That Moved
        authors: [Carl Blogger]
        kind: video
        url: {base}/moved
        minutes: 45
        provenance: article
      - id: walled-paper
        title: A Paper Behind a Wall
        authors: [Dana Lecturer]
        kind: paper
        url: {base}/forbidden
        minutes: 20
        provenance: article
    labs: []
  - number: 2
    title: Later
    summary: The second step.
    resources:
      - id: slow-book
        title: A Slow Book
        authors: [Eve Author]
        kind: book-chapter
        url: {base}/delay/{delay}/book
        minutes: 120
        provenance: article
    labs: []
"""

FAST = CheckOptions(timeout=2.0, retries=0, backoff_base=0.01, backoff_cap=0.1)


@pytest.fixture(scope="module")
def server() -> Iterator[LinkServer]:
    """A real loopback HTTP server for this module."""
    link_server = LinkServer(hosts=1).start()
    yield link_server
    link_server.stop()


@pytest.fixture
def link_db(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, server: LinkServer
) -> Iterator[Database]:
    """A fresh home whose catalog's addresses all live on the loopback server."""
    server.reset()
    catalog = tmp_path / "loopback.yaml"
    catalog.write_text(CATALOG.format(base=server.url("").rstrip("/"), delay=0))
    monkeypatch.setenv(paths.ENV_HOME, str(tmp_path / "home"))
    monkeypatch.setenv(paths.ENV_CATALOG, str(catalog))
    monkeypatch.delenv(paths.ENV_DATABASE_URL, raising=False)
    database = open_workspace(load_settings())
    yield database
    database.dispose()


def build(db: Database, opened: Opened | None = None, **options: object) -> StudyplanApp:
    return make_app(
        load_settings(), db, opener=opened or Opened(), link_options=FAST.replace(**options)
    )


def checks(db: Database) -> list[tuple[str, str]]:
    with db.read() as session:
        rows = session.execute(select(LinkCheck.url, LinkCheck.status)).all()
    return sorted((url.rsplit("/", 1)[-1] if "/" in url else url, status) for url, status in rows)


def link_cells(app: StudyplanApp) -> dict[str, str]:
    """The link column as drawn: resource id to the mark on its row."""
    table = app.main_screen.table
    marks = {}
    for index, view in enumerate(table.rows):
        line = table.render_line(index + 1 - round(table.scroll_y)).text
        marks[view.id] = line[5]  # " [x] ✓ kind …": the link mark is the sixth cell
    return marks


async def test_c_checks_the_step_and_fills_the_column(link_db: Database) -> None:
    app = build(link_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert set(link_cells(app).values()) == {"·"}
        await pilot.press("c")
        await settle(pilot)
        assert checks(link_db) == [
            ("forbidden", "blocked"),
            ("missing", "dead"),
            ("moved", "redirected"),
            ("notes", "alive"),
        ]
        assert link_cells(app) == {
            "gone-post": "✗",
            "live-notes": "✓",
            "moved-video": "→",
            "walled-paper": "?",
        }
        assert not app.main_screen.query(LinkProgress)
        toasts = [str(n.message) for n in app._notifications]
        assert any("1 dead" in t and "1 alive" in t for t in toasts), toasts
        detail = str(app.main_screen.detail.query_one("#detail-info").render())
        assert "✗ dead" in detail
        assert "web.archive.org" not in detail  # a loopback address has no archived copy
        assert "o offers the alternatives" in detail and "A newer write-up" in detail


def server_url(db: Database, resource_id: str) -> str:
    from studyplan.services.catalog_query import get_resource

    return get_resource(db, resource_id).url


async def test_capital_c_checks_the_whole_catalog_and_the_screen_stays_responsive(
    link_db: Database, server: LinkServer, tmp_path: Path
) -> None:
    # step 2's only address answers when the test says so: the check runs while keys arrive
    catalog = Path(load_settings().catalog)
    base = server.url("").rstrip("/")
    catalog.write_text(
        CATALOG.format(base=base, delay=0).replace(f"{base}/delay/0/book", f"{base}/gate/book")
    )
    link_db.dispose()
    db = open_workspace(load_settings())
    app = build(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.main_screen
        await pilot.press("C")
        await wait_until(pilot, lambda: bool(screen.query(LinkProgress)), "the progress bar")
        assert screen.checking_links
        await wait_until(
            pilot, lambda: server.total_hits >= 4, "the other four addresses to be asked"
        )
        for key, row in (("j", 1), ("j", 2), ("j", 3), ("k", 2)):  # keys answered meanwhile
            await pilot.press(key)
            await wait_until(pilot, lambda row=row: screen.table.cursor == row, f"row {row}")
        await pilot.press("c")  # a second check while one runs is refused politely
        await wait_until(
            pilot,
            lambda: any("already running" in str(n.message) for n in app._notifications),
            "the refusal",
        )
        assert screen.checking_links
        server.open_gate("book")
        await wait_until(pilot, lambda: not screen.checking_links, "the check to finish")
        await settle(pilot)
        assert not screen.query(LinkProgress)
        with db.read() as session:
            count = session.execute(select(func.count()).select_from(LinkCheck)).scalar_one()
        assert count == 5
        assert ("book", "alive") in checks(db)
    db.dispose()


async def test_a_dead_link_streak_shows_in_the_badge(link_db: Database) -> None:
    app = build(link_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for _ in range(3):
            await pilot.press("c")
            await settle(pilot)
        detail = str(app.main_screen.detail.query_one("#detail-info").render())
        assert "dead for the last 3 checks" in detail
        assert "HTTP 404" in detail
        assert "checked " in detail and " UTC" in detail
    # alive results are reused within max-age; the dead one is asked every time
    assert checks(link_db).count(("missing", "dead")) == 3
    assert checks(link_db).count(("notes", "alive")) == 1


async def test_o_on_a_dead_link_offers_the_alternatives(link_db: Database) -> None:
    opened = Opened()
    app = build(link_db, opened)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        original = server_url(link_db, "gone-post")
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, OpenModal)
        assert [c.url for c in app.screen.choices] == [  # no archive of a loopback address
            original,
            original.replace("/missing", "/ok/newer"),
        ]
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("o", "escape")
        await settle(pilot)
        await pilot.press("o", "enter")
        await settle(pilot)
        # an alive link opens at once
        await pilot.press("j", "o")
        await settle(pilot)
        assert not isinstance(app.screen, OpenModal)
    assert opened.urls == [
        original.replace("/missing", "/ok/newer"),
        original,
        original.replace("/missing", "/ok/notes"),
    ]


async def test_link_states_checked_earlier_show_at_start(link_db: Database) -> None:
    first = build(link_db)
    async with first.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("C")
        await settle(pilot)
    app = build(link_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert link_cells(app)["gone-post"] == "✗"
        assert app.main_screen.link_states["slow-book"].status == "alive"


async def test_check_links_is_in_the_command_palette(link_db: Database) -> None:
    app = build(link_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"Check the links of the whole catalog")
        palette = app.screen
        await wait_until(
            pilot,
            lambda: any(
                "Check the links of the whole catalog" in str(option.prompt)
                for option in palette.query(OptionList).first().options
            ),
            "the palette to list the command",
        )
        await pilot.press("enter")
        await wait_until(pilot, lambda: len(checks(link_db)) == 5, "the five checks")


def test_the_progress_bar_while_a_check_runs(
    snap_compare: Any, link_db: Database, server: LinkServer
) -> None:
    """Four addresses answered, the fifth held at a gate: the bar stands at 4/5.

    The picture shows an empty third step, so no address (with the server's random port)
    is on screen.
    """
    catalog = Path(load_settings().catalog)
    base = server.url("").rstrip("/")
    empty_step = "  - number: 3\n    title: Empty\n    summary: Nothing yet.\n    resources: []\n"
    catalog.write_text(
        CATALOG.format(base=base, delay=0).replace(f"{base}/delay/0/book", f"{base}/gate/snap")
        + empty_step
    )
    link_db.dispose()
    db = open_workspace(load_settings())
    app = build(db)

    async def before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        screen = app.main_screen
        await pilot.press("shift+tab", "j", "j")
        await wait_until(pilot, lambda: screen.current_step == ("main", 3), "the empty step")
        await settle(pilot)
        assert screen.table.current is None
        await pilot.press("C")
        await wait_until(pilot, lambda: bool(screen.query(LinkProgress)), "the progress bar")
        count = screen.query_one("#link-count", Label)
        await wait_until(pilot, lambda: str(count.render()) == "4/5", "four of five checked")

    try:
        assert snap_compare(app, terminal_size=(80, 24), run_before=before)
    finally:
        server.open_gate("snap")
        db.dispose()
