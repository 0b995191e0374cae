"""Commands for notes: write one (inline, from standard input or in $EDITOR) and list them."""

from __future__ import annotations

import sys

import typer

from studyplan.cli.common import JSON_OPTION, open_db, out, print_json, settings
from studyplan.cli.params import utf8_text
from studyplan.errors import DatabaseError, UsageError

NOTE_REF = typer.Argument(
    ...,
    help="A resource id, a position STEP.N, or step-N for a note on a whole step.",
    callback=utf8_text,
)

STDIN = "-"


def note(
    ctx: typer.Context,
    ref: str = NOTE_REF,
    text: str | None = typer.Argument(
        None,
        help="The note's text ('-' reads it from standard input); without it, print the note.",
        callback=utf8_text,
    ),
    edit: bool = typer.Option(False, "--edit", "-e", help="Write the note in $EDITOR."),
    append: bool = typer.Option(False, "--append", "-a", help="Add TEXT below the current note."),
    history: bool = typer.Option(False, "--history", help="Show the earlier versions."),
    json_: bool = JSON_OPTION,
) -> None:
    """Write, replace, append to or print the note on a resource or a step."""
    from studyplan.services.external_editor import run_editor
    from studyplan.services.notes import get_note, save_note

    db = open_db(ctx)
    if history:
        _print_history(ctx, ref, json_)
        return
    if text is not None and edit:
        raise UsageError("give TEXT or --edit, not both")
    if append and text is None:
        raise UsageError("--append needs TEXT to add (or '-' to read it from standard input)")
    typed_here = edit or text == STDIN  # text that exists nowhere else if the save fails
    if text == STDIN:
        text = _read_stdin()
    if edit:
        current = get_note(db, ref)
        text = run_editor(settings(ctx).editor_command, current.body if current else "", ref)
        if current is not None and text == current.body:
            out("note unchanged")
            return
    if text is None:
        _print_note(ctx, ref, json_)
        return
    try:
        saved = save_note(db, ref, text, append=append)
    except DatabaseError as exc:
        if typed_here:
            _keep_text(exc, text, ref)
        raise
    if json_:
        print_json(vars(saved))
    elif not saved.body.strip() and saved.versions:
        out(
            f"note on {saved.target} emptied ({saved.versions} earlier version(s) kept: "
            f"'studyplan note {saved.target} --history' shows them)"
        )
    elif not saved.body.strip():
        out(f"note on {saved.target} is empty")
    else:
        out(f"note saved on {saved.target} ({saved.versions} earlier version(s) kept)")


def _print_note(ctx: typer.Context, ref: str, json_: bool) -> None:
    from studyplan.services.notes import get_note

    current = get_note(open_db(ctx), ref)
    if json_:
        print_json(None if current is None else vars(current))
    elif current is not None and current.body.strip():
        out(current.body.rstrip())
    elif current is not None and current.versions:
        out(
            f"the note on {current.target} is empty; {current.versions} earlier version(s): "
            f"'studyplan note {current.target} --history' shows them"
        )
    else:
        out("no note yet")


def _print_history(ctx: typer.Context, ref: str, json_: bool) -> None:
    from studyplan.services.notes import note_history

    versions = note_history(open_db(ctx), ref)
    if json_:
        print_json([{"saved_at": at, "body": body} for at, body in versions])
        return
    for at, body in versions:
        out(f"--- {at:%Y-%m-%d %H:%M:%S} UTC\n{body.rstrip()}\n")
    if not versions:
        out("no earlier versions")


def _keep_text(exc: DatabaseError, text: str, ref: str) -> None:
    """Keep ``text``, which the database did not take, in a file named in ``exc``'s message."""
    from studyplan.services.external_editor import keep_draft

    path = keep_draft(text, ref)
    exc.message = f"{exc.message} (the note was not saved; your text is in {path})"
    exc.args = (exc.message,)


def _read_stdin() -> str:
    """The whole of standard input as UTF-8 text."""
    data = sys.stdin.buffer.read()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"standard input is not UTF-8 text (byte 0x{data[exc.start]:02X} at position "
            f"{exc.start + 1}); nothing was saved"
        ) from None


def notes(
    ctx: typer.Context,
    ref: str | None = typer.Argument(
        None, help="Only the note on this resource or step.", callback=utf8_text
    ),
    json_: bool = JSON_OPTION,
) -> None:
    """List every note, most recently edited first (or print one)."""
    from studyplan.services.notes import get_note, list_notes

    db = open_db(ctx)
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
