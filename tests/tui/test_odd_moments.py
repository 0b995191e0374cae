"""The interface in odd moments: a failed write, a read-only database, odd characters."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from studyplan.db.database import Database
from studyplan.services.catalog_query import get_resource
from studyplan.services.notes import get_note, save_note
from studyplan.tui.modals.error_modal import ErrorModal
from studyplan.tui.screens.main_screen import MainScreen

from .conftest import AppFactory, settle, wait_until


async def test_a_status_that_could_not_be_saved_goes_back(
    app_factory: AppFactory, db: Database
) -> None:
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        # Long enough to see the new status before the write gives up, even on a busy machine.
        app.db.patience_seconds = 3.0
        assert db.file is not None
        holder = sqlite3.connect(db.file, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            await pilot.press("d")
            await wait_until(
                pilot, lambda: app.main_screen.table.rows[0].status == "done", "shown at once"
            )
            await wait_until(pilot, lambda: isinstance(app.screen, ErrorModal), "the error")
        finally:
            holder.execute("COMMIT")
            holder.close()
        await pilot.press("enter")
        await wait_until(
            pilot, lambda: app.main_screen.table.rows[0].status == "todo", "the stored status"
        )
    assert get_resource(db, "1.1").status == "todo"


async def test_a_note_that_cannot_be_saved_is_kept_and_q_twice_quits(
    app_factory: AppFactory, db: Database
) -> None:
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.db.read_only = True  # as a read-only file or folder would make it
        await pilot.press("n", *"unsaved", "escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ErrorModal), "the error")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen), "the steps")
        await pilot.press("q")
        await wait_until(pilot, lambda: bool(app.kept_drafts), "the kept draft")
        assert app.is_running
        await pilot.press("enter")  # the error dialog of the second save attempt
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen), "the steps")
        await pilot.press("q")
        await wait_until(pilot, lambda: not app.is_running, "the second q to quit")
    draft = app.kept_drafts[-1]
    assert draft.read_text() == "unsaved"
    draft.unlink()
    assert get_note(db, "1.1") is None


async def test_a_note_with_line_separators_is_shown_not_rewritten(
    app_factory: AppFactory, db: Database
) -> None:
    odd = "a\u202eb\u2028c\u0085d"
    save_note(db, "1.1", odd)
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        editor = app.main_screen.editor
        await wait_until(pilot, lambda: editor.ref is not None, "the note")
        await wait_until(pilot, lambda: "<U+202E>" in editor.text, "the visible signs")
        assert editor.read_only and editor.external_only
        await pilot.press("n", "escape", "q")
    note = get_note(db, "1.1")
    assert note is not None and note.body == odd and note.versions == 0


async def test_brackets_move_between_steps_when_the_steps_are_hidden(
    app_factory: AppFactory,
) -> None:
    app = app_factory()
    async with app.run_test(size=(50, 30)) as pilot:
        await settle(pilot)
        screen = app.main_screen
        assert not screen.query_one("#steps").display
        await pilot.press("right_square_bracket")
        await wait_until(pilot, lambda: screen.current_step == ("main", 2), "step 2")
        await settle(pilot)
        await pilot.press("left_square_bracket")
        await wait_until(pilot, lambda: screen.current_step == ("main", 1), "step 1")
        await settle(pilot)
        await pilot.press("left_square_bracket")
        await wait_until(pilot, lambda: "No step before" in str(screen.header.render()), "the news")
        assert "Step 1" in str(screen.table.border_title)


def test_the_drafts_folder_is_the_temporary_one(tmp_path: Path) -> None:
    from studyplan.services.external_editor import keep_draft

    draft = keep_draft("text", "1.1")
    try:
        assert draft.read_text() == "text" and draft.name.startswith("studyplan-1.1-")
    finally:
        draft.unlink()
