"""The interface keeps answering while the database is slow, and says what it waits for."""

from __future__ import annotations

import sqlite3

from textual.widgets._footer import FooterKey

from studyplan.db.database import Database
from studyplan.services.catalog_query import get_resource
from studyplan.tui.app import StudyplanApp

from .conftest import AppFactory, settle, wait_until


def header_text(app: StudyplanApp) -> str:
    return str(app.main_screen.header.render())


def footer_keys(app: StudyplanApp) -> list[str]:
    return [key.description for key in app.screen.query(FooterKey)]


async def test_keys_are_answered_while_a_write_waits_for_the_database(
    app_factory: AppFactory, db: Database
) -> None:
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert db.file is not None
        holder = sqlite3.connect(db.file, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # another studyplan is writing, for a while
        try:
            await pilot.press("d")
            await wait_until(
                pilot,
                lambda: "waiting for another studyplan" in header_text(app),
                "the waiting news in the header",
            )
            for row in (1, 2, 1):
                await pilot.press("j" if row > app.main_screen.table.cursor else "k")
                await wait_until(
                    pilot, lambda row=row: app.main_screen.table.cursor == row, f"row {row}"
                )
            assert get_resource(db, "1.1").status == "todo"  # still waiting
        finally:
            holder.execute("COMMIT")
            holder.close()
        await wait_until(pilot, lambda: get_resource(db, "1.1").status == "done", "the write")
        await wait_until(pilot, lambda: "waiting" not in header_text(app), "the waiting news to go")


async def test_the_footer_offers_only_what_works_while_typing_a_note(
    app_factory: AppFactory,
) -> None:
    app = app_factory()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        before = footer_keys(app)
        assert "Search" in before and "Help" in before and "Quit" in before
        await pilot.press("n")
        await wait_until(pilot, lambda: "Leave note" in footer_keys(app), "the note's keys")
        typing = footer_keys(app)
        assert not {"Search", "Help", "Quit", "Status", "Note"} & set(typing), typing
        await pilot.press("escape")
        await wait_until(pilot, lambda: "Search" in footer_keys(app), "the keys back")


async def test_footer_keys_can_be_clicked(app_factory: AppFactory) -> None:
    from studyplan.tui.screens.help_screen import HelpScreen

    app = app_factory()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        help_key = next(k for k in app.screen.query(FooterKey) if k.description == "Help")
        await pilot.click(help_key)
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), "the help screen")
