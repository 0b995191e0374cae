"""What every command shares: the run's state (in Typer's context), output and errors.

Everything printed goes through :func:`out`, :func:`err` or :func:`print_json`, which show
control characters a user or a catalog wrote as visible signs (:mod:`studyplan.safe_text`)
so that no note or title can move the cursor, clear the screen or ring the bell.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from studyplan.cli.output import err, out, print_json, say_waiting, warn
from studyplan.cli.run_state import CliState

if TYPE_CHECKING:
    from studyplan.db.database import Database
    from studyplan.settings import Settings

__all__ = [
    "JSON_OPTION",
    "CliState",
    "err",
    "open_db",
    "out",
    "print_json",
    "say_waiting",
    "settings",
    "state",
    "warn",
]

JSON_OPTION = typer.Option(False, "--json", help="Print JSON instead of text.")


def state(ctx: typer.Context) -> CliState:
    """The current run's state, from Typer's context (a fresh one when run without it)."""
    found = ctx.find_object(CliState)
    if found is None:
        found = ctx.ensure_object(CliState)
    return found


def settings(ctx: typer.Context) -> Settings:
    """The settings for this run (read once)."""
    return state(ctx).settings()


def open_db(ctx: typer.Context, sync: bool = True) -> Database:
    """The database for this run, at head and with the catalog in sync (opened once)."""
    return state(ctx).database(sync)
