"""Commands for notes: write one (inline or in $EDITOR) and list them."""

from __future__ import annotations

import typer

from studyplan.cli.common import JSON_OPTION, open_db, out, print_json, settings
from studyplan.errors import UsageError

NOTE_REF = typer.Argument(
    ..., help="A resource id, a position STEP.N, or step-N for a note on a whole step."
)


def note(
    ref: str = NOTE_REF,
    text: str | None = typer.Argument(None, help="The note's text; without it, print the note."),
    edit: bool = typer.Option(False, "--edit", "-e", help="Write the note in $EDITOR."),
    append: bool = typer.Option(False, "--append", "-a", help="Add TEXT below the current note."),
    history: bool = typer.Option(False, "--history", help="Show the earlier versions."),
    json_: bool = JSON_OPTION,
) -> None:
    """Write, replace, append to or print the note on a resource or a step."""
    from studyplan.services.external_editor import run_editor
    from studyplan.services.notes import get_note, note_history, save_note

    db = open_db()
    if history:
        versions = note_history(db, ref)
        if json_:
            print_json([{"saved_at": at, "body": body} for at, body in versions])
        for at, body in versions if not json_ else []:
            out(f"--- {at:%Y-%m-%d %H:%M:%S} UTC\n{body.rstrip()}\n")
        if not versions and not json_:
            out("no earlier versions")
        return
    if text is not None and edit:
        raise UsageError("give TEXT or --edit, not both")
    if edit:
        current = get_note(db, ref)
        text = run_editor(settings().editor_command, current.body if current else "", ref)
        if current is not None and text == current.body:
            out("note unchanged")
            return
    if text is None:
        current = get_note(db, ref)
        if json_:
            print_json(None if current is None else vars(current))
        else:
            out(current.body.rstrip() if current and current.body else "no note yet")
        return
    saved = save_note(db, ref, text, append=append)
    if json_:
        print_json(vars(saved))
    else:
        out(f"note saved on {saved.target} ({saved.versions} earlier version(s) kept)")


def notes(
    ref: str | None = typer.Argument(None, help="Only the note on this resource or step."),
    json_: bool = JSON_OPTION,
) -> None:
    """List every note, most recently edited first (or print one)."""
    from studyplan.services.notes import get_note, list_notes

    db = open_db()
    if ref is not None:
        found = get_note(db, ref)
        items = [found] if found else []
    else:
        items = list_notes(db)
    if json_:
        print_json([vars(n) for n in items])
        return
    if not items:
        out("no notes yet: 'studyplan note REF TEXT' writes one")
    for n in items:
        out(f"## {n.title}  [{n.target}]  {n.updated_at:%Y-%m-%d %H:%M} UTC")
        out(n.body.rstrip() + "\n")


def register(app: typer.Typer) -> None:
    """Add these commands to ``app``."""
    app.command("note")(note)
    app.command("notes")(notes)
