"""Notes saved from two places at once: nothing either writer typed is lost."""

from __future__ import annotations

from studyplan.db.database import Database
from studyplan.services.notes import MERGE_HEADING, get_note, merge_notes, note_history, save_note


def test_an_append_made_elsewhere_is_kept_after_the_text_being_typed(db: Database) -> None:
    save_note(db, "1.1", "first line")
    base = get_note(db, "1.1")
    assert base is not None
    save_note(db, "1.1", "appended from the shell", append=True)
    saved = save_note(db, "1.1", "first line, edited in the interface", base=base.body)
    assert saved.merged
    assert saved.body == "first line, edited in the interface\n\nappended from the shell\n"
    assert "appended from the shell" in note_history(db, "1.1")[0][1]


def test_a_replacement_made_elsewhere_is_kept_under_a_heading(db: Database) -> None:
    save_note(db, "1.1", "mine")
    save_note(db, "1.1", "replaced from the shell")
    saved = save_note(db, "1.1", "mine, typed on", base="mine")
    assert saved.merged
    assert saved.body.startswith("mine, typed on\n\n---\n" + MERGE_HEADING)
    assert saved.body.rstrip().endswith("replaced from the shell")


def test_no_change_elsewhere_saves_as_typed(db: Database) -> None:
    save_note(db, "1.1", "mine")
    saved = save_note(db, "1.1", "mine, typed on", base="mine")
    assert not saved.merged and saved.body == "mine, typed on"


def test_merging_twice_keeps_the_other_text_once() -> None:
    once = merge_notes("a", "a\n\nfrom the shell\n", "a and b")
    assert once == "a and b\n\nfrom the shell\n"
    again = merge_notes("a and b", once, "a and b and c\n\nfrom the shell\n")
    assert again.count("from the shell") == 1


def test_a_note_created_elsewhere_meanwhile_is_kept(db: Database) -> None:
    save_note(db, "1.2", "written in the shell first")
    saved = save_note(db, "1.2", "typed in the interface", base="")
    assert saved.merged
    assert "typed in the interface" in saved.body and "written in the shell first" in saved.body
