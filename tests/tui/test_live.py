"""The interface and the command line on the same database at the same time."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from studyplan.db.database import Database
from studyplan.services.catalog_query import get_resource
from studyplan.services.notes import MERGE_HEADING, get_note, note_history
from studyplan.services.stats import compute_stats

from .conftest import AppFactory, settle, wait_until

STUDYPLAN = Path(sys.executable).with_name("studyplan")


async def run_cli(*args: str) -> None:
    """Run the real ``studyplan`` command in a subprocess, without blocking the app."""
    result = await asyncio.to_thread(
        subprocess.run,
        [str(STUDYPLAN), *args],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        check=False,
    )
    assert result.returncode == 0, result.stderr


async def test_a_command_line_write_shows_up(app_factory: AppFactory, db: Database) -> None:
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await run_cli("done", "1.2")
        table = app.main_screen.table
        await wait_until(pilot, lambda: table.rows[1].status == "done", "the poll to see 1.2")
        header = app.screen.query_one("#header")
        items = compute_stats(db).items  # resources and labs
        await wait_until(
            pilot, lambda: f"1/{items} finished" in str(header.render()), "the header count"
        )
        # the interface's own write afterwards keeps the command line's
        await pilot.press("d")
        await settle(pilot)
    assert get_resource(db, "1.2").status == "done"
    assert get_resource(db, "1.1").status == "done"


async def test_a_command_line_append_while_typing_keeps_both(
    app_factory: AppFactory, db: Database
) -> None:
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        editor = app.main_screen.editor
        await pilot.press("n", *"mine")
        await wait_until(pilot, lambda: not editor.dirty, "the autosave of 'mine'")
        await settle(pilot)
        await run_cli("note", "1.1", "--append", "from the shell")
        await pilot.press("end", *" too")
        await pilot.press("escape")  # saves: the note changed underneath since 'mine'
        await settle(pilot)
        await wait_until(
            pilot, lambda: "from the shell" in editor.text, "the merged note in the editor"
        )
        assert any("both texts are kept" in str(n.message) for n in app._notifications)
        await pilot.press("q")
    note = get_note(db, "1.1")
    assert note is not None and note.body == "mine too\n\nfrom the shell\n"


async def test_a_command_line_replace_while_typing_keeps_both(
    app_factory: AppFactory, db: Database
) -> None:
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        editor = app.main_screen.editor
        await pilot.press("n", *"mine")
        await wait_until(pilot, lambda: not editor.dirty, "the autosave of 'mine'")
        await settle(pilot)
        before = app.main_screen.token
        await run_cli("note", "1.1", "from the shell")
        await wait_until(pilot, lambda: app.main_screen.token != before, "the poll to see it")
        # the poll sees the shell's note, but the text being typed stays on screen
        assert editor.text == "mine"
        await pilot.press("end", *" too", "escape", "q")
    note = get_note(db, "1.1")
    assert note is not None
    assert note.body.startswith("mine too\n\n---\n" + MERGE_HEADING)
    assert "from the shell" in note.body
    bodies = [body for _saved_at, body in note_history(db, "1.1")]
    assert "from the shell" in bodies and "mine" in bodies
