"""``studyplan import-progress``: restore a JSON export here (merging by id)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from studyplan.cli.common import JSON_OPTION, open_db, out, print_json, settings
from studyplan.errors import ProgressImportError

if TYPE_CHECKING:
    from studyplan.planner.progress_document import ProgressDocument
    from studyplan.settings import Settings

STDIN = "-"


def import_progress(
    ctx: typer.Context,
    file: str = typer.Argument(
        ...,
        help="A file made by 'studyplan export --format json' ('-' reads standard input).",
        show_default=False,
    ),
    dry_run: bool = typer.Option(
        False, "--dry-run", "-n", help="Only say what would change; change nothing."
    ),
    json_: bool = JSON_OPTION,
) -> None:
    """Restore progress, notes, activity, timer sessions, lab attempts and pace from an export.

    Records are merged by id: the newer progress wins, two different notes are both kept
    (one as an earlier version), history is added once. The file is checked whole before
    anything is written; a file that does not fit changes nothing.
    """
    from studyplan.planner.progress_document import read_document
    from studyplan.planner.progress_import import import_progress as merge
    from studyplan.planner.progress_import import read_export, read_limited

    if file == STDIN:
        data, name = read_limited(sys.stdin.buffer, "standard input"), "standard input"
    else:
        data, name = read_export(Path(file)), file
    try:
        document = read_document(data, name)
    except MemoryError:
        raise ProgressImportError(
            f"{name}: not enough memory to read it; close other programs or import on a "
            "machine with more memory"
        ) from None
    summary = merge(open_db(ctx), document, dry_run=dry_run)
    differ = settings_differences(document, settings(ctx))
    if json_:
        print_json({**summary.to_dict(), "settings_differ": differ})
        return
    for line in summary.lines():
        out(line)
    if dry_run:
        out("dry run: nothing was changed (run without --dry-run to import)")
    elif summary.changed:
        out(f"imported {name}")
    else:
        out(f"nothing to import: everything in {name} is already here")
    if differ:
        shown = ", ".join(f"{k} {v['file']} (here {v['here']})" for k, v in differ.items())
        out(
            f"note: the export was made with {shown}; importing leaves your settings alone: "
            f"edit {settings(ctx).source} to match if you wish"
        )


def settings_differences(document: ProgressDocument, current: Settings) -> dict[str, Any]:
    """The plan settings where the file and this machine differ: name -> file, here."""
    from studyplan.clock import zone_name

    here = {
        "timezone": zone_name(current.zone),
        "week_start": current.week_start,
        "study_time": current.study_time,
        "streaks": current.streaks,
    }
    there = {"timezone": document.time_zone, **document.settings}
    return {
        name: {"file": there[name], "here": value}
        for name, value in here.items()
        if there.get(name) != value
    }
