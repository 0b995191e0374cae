"""The interface as a real process in a pseudo terminal: signals and user text."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from studyplan.db.database import Database
from studyplan.services.notes import get_note, save_note
from studyplan.services.timer import timer_state, toggle_timer

from .terminal import LEAVE_ALTERNATE_SCREEN, Terminal


@pytest.fixture
def env(home: Path, db: Database) -> dict[str, str]:
    """The test's home (a copy of the template database), for the real command."""
    return {"STUDYPLAN_HOME": str(home)}


def started(env: dict[str, str]) -> Terminal:
    terminal = Terminal(env)
    terminal.wait_for(lambda t: t.shows("Step 1") and t.shows("Note"), "the main screen")
    return terminal


@pytest.mark.parametrize("how", ["SIGTERM", "SIGHUP", "hang-up"])
def test_a_note_typed_just_before_the_end_is_saved(
    env: dict[str, str], db: Database, how: str
) -> None:
    toggle_timer(db, "1.1")
    terminal = started(env)
    terminal.type("n")
    terminal.wait_for(lambda t: t.shows("Leave note"), "the editor's keys in the footer")
    terminal.type("typed right before the end")
    terminal.wait_for(lambda t: t.shows("typed right before the end"), "the text on screen")
    if how == "hang-up":
        terminal.hang_up()
    else:
        terminal.signal(getattr(signal, how))
    terminal.wait_exit()
    note = get_note(db, "1.1")
    assert note is not None and note.body == "typed right before the end"
    assert timer_state(db) is None  # the timer was stopped, its time logged
    if how != "hang-up":
        assert LEAVE_ALTERNATE_SCREEN in terminal.output  # the terminal is given back


def test_escape_sequences_in_a_note_are_shown_not_played(env: dict[str, str], db: Database) -> None:
    save_note(db, "1.1", "before \x1b[2J\x1b[31mred\x1b[0m\x07 after")
    terminal = started(env)
    terminal.wait_for(lambda t: t.shows("before ␛[2J␛[31mred␛[0m␇ after"), "the note, visible")
    assert terminal.shows("Step 1")  # nothing cleared the screen
    assert b"\x1b[2J\x1b[31mred" not in terminal.output
    terminal.type("q")
    terminal.wait_exit()
    note = get_note(db, "1.1")
    assert note is not None and note.body == "before \x1b[2J\x1b[31mred\x1b[0m\x07 after"


def test_a_key_conflict_in_the_settings_is_one_line_at_start(
    env: dict[str, str], home: Path
) -> None:
    (home / "settings.toml").write_text('[keys]\ndone = "q"\n')
    terminal = Terminal(env)
    status = terminal.wait_exit()
    assert status != 0
    text = terminal.output.decode(errors="replace")
    assert "settings error:" in text and "takes 'q' from 'quit'" in text
    assert "Traceback" not in text
