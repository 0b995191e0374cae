"""``studyplan export``: the plan as a checklist, a calendar, a spreadsheet, a page or a backup.

Thin: choose the format, build the plan and the export context, render, then write the
document to standard output or, whole or not at all, to a file.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from studyplan.cli.common import open_db, out, settings, state
from studyplan.errors import ExportError, UsageError

if TYPE_CHECKING:
    from studyplan.planner.exports import ExportContext

SUFFIXES = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".json": "json",
    ".csv": "csv",
    ".ics": "ics",
    ".html": "html",
    ".htm": "html",
}
"""File name endings and the format each one means when ``--format`` is not given."""

STDOUT = "-"
MAX_REMIND = 7 * 24 * 60


def _names() -> str:
    from studyplan.planner.exports import FORMATS

    return ", ".join(FORMATS)


def choose_format(fmt: str | None, output: str | None) -> str:
    """The format asked for, else the one the output file's ending names, else markdown."""
    from studyplan.planner.exports import FORMATS

    if fmt is not None:
        name = fmt.strip().lower()
        if name not in FORMATS:
            raise UsageError(f"--format: unknown format '{fmt}'; choose one of {_names()}")
        return name
    if output is None or output == STDOUT:
        return "markdown"
    suffix = Path(output).suffix.lower()
    if not suffix:
        return "markdown"
    if suffix not in SUFFIXES:
        endings = ", ".join(SUFFIXES)
        raise UsageError(
            f"cannot tell the format from '{Path(output).name}': give --format "
            f"({_names()}) or a file name ending in {endings}"
        )
    return SUFFIXES[suffix]


def export(
    ctx: typer.Context,
    fmt: str | None = typer.Option(
        None,
        "--format",
        "-f",
        help="markdown, json, csv, ics or html (default: from the -o file's ending, else "
        "markdown).",
    ),
    output: str | None = typer.Option(
        None, "--output", "-o", help="Write to this file ('-' or none: standard output)."
    ),
    notes: bool = typer.Option(False, "--notes", help="Include your notes."),
    remind: int | None = typer.Option(
        None,
        "--remind",
        min=0,
        max=MAX_REMIND,
        help="Calendar (ics) reminders this many minutes before each session.",
    ),
) -> None:
    """Export the plan: a checklist, a calendar, a spreadsheet, a page or a full backup."""
    from studyplan.planner.output import is_folder

    if output is not None and not output.strip():
        raise UsageError("-o: give a file name, or - for standard output")
    if output is not None and output != STDOUT and is_folder(Path(output).expanduser()):
        raise ExportError(
            f"{output} is a folder; give a file name, e.g. {Path(output) / 'plan.md'}"
        )
    name = choose_format(fmt, output)
    if remind is not None and name != "ics":
        raise UsageError(f"--remind works with the ics format only, not {name}")
    context = _context(ctx, notes, remind)
    if name == "ics" and context.plan.pace is None:
        state(ctx).warn(
            "no pace set, so the calendar has no study sessions; set one with "
            "'studyplan plan --hours-per-week 5 --days mon,wed,sat'"
        )
    document = _render(name, context)
    if output is None or output == STDOUT:
        write_stdout(document)
        return
    from studyplan.planner.output import write_atomic

    path = Path(output).expanduser()
    if _is_terminal(path):  # -o /dev/tty: a terminal all the same
        document = terminal_safe(document)
    write_atomic(path, document)
    out(f"wrote {path} ({name})")


def _context(ctx: typer.Context, notes: bool, remind: int | None) -> ExportContext:
    from datetime import time

    from studyplan import clock
    from studyplan.planner.exports import ExportContext
    from studyplan.planner.service import build_plan

    db = open_db(ctx)
    config = settings(ctx)
    moment = clock.now()
    return ExportContext(
        db=db,
        plan=build_plan(db, config.zone, moment),
        tz=config.zone,
        now=moment,
        first_weekday=config.first_weekday,
        study_time=time.fromisoformat(config.study_time),
        notes=notes,
        remind_minutes=remind,
        streaks=config.streaks,
    )


def _render(name: str, context: ExportContext) -> str:
    from studyplan.planner.exports import renderer

    return renderer(name)(context)


def terminal_safe(document: str) -> str:
    """``document`` as a terminal may show it: control characters as visible signs, CRLF
    line ends as plain ones, no byte order mark."""
    from studyplan.safe_text import visible

    return visible(document.removeprefix("\ufeff").replace("\r\n", "\n"))


def _is_terminal(path: Path) -> bool:
    """Whether ``path`` names a terminal device (``/dev/tty``, ``/dev/stdout`` on one)."""
    try:
        if not stat.S_ISCHR(path.stat().st_mode):
            return False
        fd = os.open(path, os.O_WRONLY | os.O_NOCTTY | os.O_NONBLOCK)
    except OSError:
        return False
    try:
        return os.isatty(fd)
    finally:
        os.close(fd)


def write_stdout(document: str) -> None:
    """Write ``document`` to standard output as it is, as UTF-8.

    On a terminal it is :func:`terminal_safe` (a note cannot move the cursor or clear the
    screen); through a pipe or a redirection the bytes are the document's.
    """
    stream = sys.stdout
    if stream.isatty():
        document = terminal_safe(document)
    stream.flush()
    stream.buffer.write(document.encode("utf-8"))
    stream.buffer.flush()
