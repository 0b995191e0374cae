"""Pilot tests: every key, asserting what changed in the database."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from textual.widgets import OptionList

from studyplan.db.database import Database
from studyplan.db.models import StudySession
from studyplan.services.catalog_query import get_resource
from studyplan.services.notes import get_note, note_history
from studyplan.services.preferences import get_preference
from studyplan.services.progress import set_status
from studyplan.services.stats import compute_stats
from studyplan.services.timer import timer_state
from studyplan.settings import load_settings
from studyplan.tui.app import StudyplanApp, chosen_theme
from studyplan.tui.modals.error_modal import ErrorModal
from studyplan.tui.modals.search_modal import SearchModal
from studyplan.tui.modals.skip_modal import SkipModal
from studyplan.tui.screens.help_screen import HelpScreen
from studyplan.tui.screens.main_screen import MainScreen
from studyplan.tui.widgets.note_editor import NoteEditor
from studyplan.tui.widgets.resource_table import ResourceTable
from studyplan.tui.widgets.step_list import StepList

from .conftest import AppFactory, Opened, settle, wait_until


def status(db: Database, ref: str) -> str:
    return get_resource(db, ref).status


def main(app: StudyplanApp) -> MainScreen:
    return app.main_screen


async def test_start_selects_next_up_and_focuses_the_table(
    app_factory: AppFactory, db: Database
) -> None:
    set_status(db, "2.2", "in_progress")
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = main(app)
        assert screen.current_step == ("main", 2)
        assert screen.table.current is not None and screen.table.current.ref == "2.2"
        assert isinstance(app.focused, ResourceTable)
        assert app.data_shown_at is not None


async def test_status_keys_change_the_database(app_factory: AppFactory, db: Database) -> None:
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert status(db, "1.1") == "done"
        await pilot.press("r")
        await settle(pilot)
        assert status(db, "1.1") == "todo"
        await pilot.press("l")
        await settle(pilot)
        assert status(db, "1.1") == "in_progress"
        await pilot.press("space")
        await settle(pilot)
        assert status(db, "1.1") == "done"
        await pilot.press("space")
        await settle(pilot)
        assert status(db, "1.1") == "todo"
        header = str(app.screen.query_one("#header").render())
        assert f"0/{compute_stats(db).items} finished" in header


async def test_moving_with_j_k_and_arrows(app_factory: AppFactory, db: Database) -> None:
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("j", "down", "k")
        await settle(pilot)
        await pilot.press("d")
        await pilot.press("up", "d")
        await settle(pilot)
        assert status(db, "1.2") == "done"
        assert status(db, "1.1") == "done"
        assert status(db, "1.3") == "todo"


async def test_tab_moves_between_panes_and_steps_switch(
    app_factory: AppFactory, db: Database
) -> None:
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("tab")
        assert app.focused is not None and app.focused.id == "detail-scroll"
        await pilot.press("shift+tab", "shift+tab")
        assert isinstance(app.focused, StepList)
        await pilot.press("j", "j")
        await settle(pilot)
        assert main(app).current_step == ("main", 3)
        await pilot.press("tab", "d")
        await settle(pilot)
        assert status(db, "3.1") == "done"
        assert status(db, "1.1") == "todo"


async def test_skip_asks_for_a_reason(app_factory: AppFactory, db: Database) -> None:
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        assert isinstance(app.screen, SkipModal)
        await pilot.press("escape")
        await settle(pilot)
        assert status(db, "1.1") == "todo"
        await pilot.press("s", *"seen it", "enter")
        await settle(pilot)
        view = get_resource(db, "1.1")
        assert (view.status, view.skip_reason) == ("skipped", "seen it")


async def test_open_uses_the_opener_and_changes_nothing(
    app_factory: AppFactory, db: Database, opened: Opened
) -> None:
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert opened.urls == [get_resource(db, "1.1").url]
        assert status(db, "1.1") == "todo"


async def test_note_autosaves_after_typing_stops(app_factory: AppFactory, db: Database) -> None:
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        assert isinstance(app.focused, NoteEditor)
        await pilot.press(*"first")
        editor = main(app).editor
        assert editor.dirty
        await wait_until(pilot, lambda: not editor.dirty, "the autosave after typing stops")
        await settle(pilot)
        note = get_note(db, "1.1")
        assert note is not None and note.body == "first"
        await pilot.press(*" second", "escape")
        await settle(pilot)
        assert isinstance(app.focused, ResourceTable)
        note = get_note(db, "1.1")
        assert note is not None and note.body == "first second"
        assert [body for _at, body in note_history(db, "1.1")] == ["first"]


async def test_note_typed_then_quit_at_once_is_saved(app_factory: AppFactory, db: Database) -> None:
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n", *"typed fast", "escape", "q")
    note = get_note(db, "1.1")
    assert note is not None and note.body == "typed fast"


async def test_note_typed_then_ctrl_q_from_the_editor_is_saved(
    app_factory: AppFactory, db: Database
) -> None:
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("j", "n", *"still typing", "ctrl+q")
    note = get_note(db, "1.2")
    assert note is not None and note.body == "still typing"


async def test_moving_away_saves_the_note_of_the_resource_left(
    app_factory: AppFactory, db: Database
) -> None:
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n", *"about 1.1", "escape", "j")
        await settle(pilot)
        assert main(app).editor.ref == get_resource(db, "1.2").id
        assert main(app).editor.text == ""
    note = get_note(db, "1.1")
    assert note is not None and note.body == "about 1.1"
    assert get_note(db, "1.2") is None


async def test_e_edits_the_note_in_the_editor(app_factory: AppFactory, db: Database) -> None:
    from studyplan.services.external_editor import run_editor

    app = app_factory(runner=run_editor, editor='sh -c \'printf "from the editor" >> "$0"\'')
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        note = get_note(db, "1.1")
        assert note is not None and note.body == "from the editor"
        assert main(app).editor.text == "from the editor"


async def test_editor_failure_shows_the_error_modal(app_factory: AppFactory, db: Database) -> None:
    from studyplan.services.external_editor import run_editor

    app = app_factory(runner=run_editor, editor="no-such-editor-for-studyplan")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ErrorModal)
        assert app.screen.error_title == "editor error"
        assert "no-such-editor-for-studyplan" in app.screen.message
        kept = Path(app.screen.message.split("your text is in ")[1].rstrip(")"))
        assert kept.is_file()  # the draft is kept; this test removes it
        kept.unlink()
        await pilot.press("enter")
        assert isinstance(app.screen, MainScreen)
    assert get_note(db, "1.1") is None


async def test_a_failing_editor_gives_the_interface_back(
    app_factory: AppFactory, db: Database, tmp_path: Path
) -> None:
    """The terminal comes back from an editor that fails, and the error shows."""
    from studyplan.services.external_editor import run_editor

    failing = tmp_path / "failing-editor.sh"
    failing.write_text('#!/bin/sh\nprintf "typed" >> "$1"\nexit 3\n')
    failing.chmod(0o755)
    app = app_factory(runner=run_editor, editor=str(failing))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ErrorModal), "the error")
        assert "exited with 3" in app.screen.message
        kept = Path(app.screen.message.split("your text is in ")[1].rstrip(")"))
        assert kept.read_text() == "typed"
        kept.unlink()
        await pilot.press("enter", "j")
        await wait_until(pilot, lambda: main(app).table.cursor == 1, "keys answered again")


async def test_brackets_move_between_steps_even_with_the_sidebar_hidden(
    app_factory: AppFactory, db: Database
) -> None:
    app = app_factory()
    async with app.run_test(size=(40, 12)) as pilot:  # narrow: the steps sidebar is hidden
        await settle(pilot)
        screen = main(app)
        assert screen.current_step == ("main", 1)
        await pilot.press("right_square_bracket", "right_square_bracket")
        await wait_until(pilot, lambda: screen.current_step == ("main", 3), "step 3")
        await wait_until(
            pilot,
            lambda: screen.table.rows and screen.table.rows[0].id == get_resource(db, "3.1").id,
            "step 3's resources",
        )
        await pilot.press("left_square_bracket")
        await wait_until(pilot, lambda: screen.current_step == ("main", 2), "step 2")
        await pilot.press("left_square_bracket", "left_square_bracket")
        await wait_until(pilot, lambda: screen.current_step == ("main", 1), "step 1")
        await wait_until(pilot, lambda: "No step before" in str(screen.header.render()), "the news")


async def test_search_jumps_to_the_result(app_factory: AppFactory, db: Database) -> None:
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        assert isinstance(app.screen, SearchModal)
        await pilot.press(*"mazur")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen = main(app)
        assert screen.current_step == ("main", 3)
        assert screen.table.current is not None and screen.table.current.id == "mazur-backprop"
        await pilot.press("d")
        await settle(pilot)
        assert status(db, "mazur-backprop") == "done"


async def test_timer_starts_and_stops(app_factory: AppFactory, db: Database) -> None:
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        state = timer_state(db)
        assert state is not None and state.running and state.resource_id == "deeplearning-tv"
        assert "deeplearning-tv" in str(app.screen.query_one("#header").render())
        await pilot.press("t")
        await settle(pilot)
        assert timer_state(db) is None
    with db.read() as session:
        rows = session.execute(select(StudySession)).scalars().all()
    assert len(rows) == 1 and rows[0].ended_at is not None


async def test_help_opens_with_question_mark_and_f1(app_factory: AppFactory) -> None:
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape", "f1")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_command_palette_runs_a_key_action(app_factory: AppFactory, db: Database) -> None:
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"Mark the selected resource done")
        palette = app.screen
        await wait_until(
            pilot,
            lambda: any(
                "Mark the selected resource done" in str(option.prompt)
                for option in palette.query(OptionList).first().options
            ),
            "the palette to list the command",
        )
        await pilot.press("enter")
        await settle(pilot)
        assert status(db, "1.1") == "done"


async def test_keys_can_be_remapped(app_factory: AppFactory, db: Database) -> None:
    app = app_factory(keys={"done": "x"})
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert status(db, "1.1") == "todo"
        await pilot.press("x")
        await settle(pilot)
        assert status(db, "1.1") == "done"


async def test_theme_is_remembered(app_factory: AppFactory, db: Database) -> None:
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.theme = "nord"
        await pilot.pause()
        await settle(pilot)
    assert get_preference(db, "theme") == "nord"
    assert chosen_theme(load_settings(), db) == "nord"  # what `studyplan` starts with
    again = app_factory(theme=chosen_theme(load_settings(), db))
    async with again.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert again.theme == "nord"


async def test_q_quits(app_factory: AppFactory) -> None:
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await wait_until(pilot, lambda: not app.is_running, "the app to quit")


async def test_a_running_timer_ticks_in_the_header_and_stops_on_quit(
    app_factory: AppFactory, db: Database
) -> None:
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        header = app.screen.query_one("#header")
        assert "⏱ 0:00 deeplearning-tv" in str(header.render())
        await wait_until(pilot, lambda: "⏱ 0:02" in str(header.render()), "the timer to tick twice")
        await pilot.press("q")
        await wait_until(pilot, lambda: not app.is_running, "the app to quit")
    assert timer_state(db) is None
    with db.read() as session:
        rows = session.execute(select(StudySession)).scalars().all()
    assert len(rows) == 1 and rows[0].ended_at is not None and rows[0].seconds >= 2
