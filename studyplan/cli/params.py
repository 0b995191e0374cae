"""Arguments and options shared by several commands, with their checks."""

from __future__ import annotations

import typer

from studyplan.safe_text import invalid_utf8


def utf8_text(value: str | None) -> str | None:
    """Refuse text that is not UTF-8 (it could be neither stored nor shown)."""
    if value is not None:
        problem = invalid_utf8(value)
        if problem is not None:
            raise typer.BadParameter(f"{problem}; give UTF-8 text")
    return value


def utf8_texts(values: list[str] | None) -> list[str] | None:
    """:func:`utf8_text` for a repeated option."""
    for value in values or []:
        utf8_text(value)
    return values


REF_ARGUMENT = typer.Argument(
    ...,
    help="A resource id (mazur-backprop) or a position STEP.N (3.2).",
    show_default=False,
    callback=utf8_text,
)
