"""The interface and the command line on the same database at the same time."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from studyplan.db.database import Database
from studyplan.services.catalog_query import get_resource
from studyplan.services.notes import get_note, note_history

from .conftest import AppFactory, settle

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
        for _ in range(60):
            await pilot.pause(0.1)
            row = table.rows[1]
            if row.status == "done":
                break
        assert table.rows[1].status == "done"
        assert "1/31" in str(app.screen.query_one("#header").render())
        # the interface's own write afterwards keeps the command line's
        await pilot.press("d")
        await settle(pilot)
    assert get_resource(db, "1.2").status == "done"
    assert get_resource(db, "1.1").status == "done"


async def test_a_command_line_note_does_not_clobber_one_being_typed(
    app_factory: AppFactory, db: Database
) -> None:
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n", *"mine")
        await run_cli("note", "1.1", "from the shell")
        await pilot.pause(2.5)
        # the poll saw the shell's note, but the text being typed stays on screen
        assert app.main_screen.editor.text == "mine"
        # typing on (the autosave may have run before the shell wrote) saves what is shown
        await pilot.press("end", *" too")
        await pilot.press("escape", "q")
    note = get_note(db, "1.1")
    assert note is not None and note.body == "mine too"
    bodies = [body for _saved_at, body in note_history(db, "1.1")]
    assert "from the shell" in bodies
