"""What every command shares: settings, the open database, JSON output, error output."""

from __future__ import annotations

import gc
import json
import sys
from datetime import datetime
from typing import TYPE_CHECKING, Any

import typer

from studyplan.settings import Settings, load_settings

if TYPE_CHECKING:
    from studyplan.db.database import Database

_state: dict[str, Any] = {}

JSON_OPTION = typer.Option(False, "--json", help="Print JSON instead of text.")


def settings() -> Settings:
    """The settings for this run (read once)."""
    if "settings" not in _state:
        _state["settings"] = load_settings()
    return _state["settings"]


def open_db(sync: bool = True) -> Database:
    """The database for this run, at head and with the catalog in sync (opened once)."""
    if "db" not in _state:
        from studyplan.services.workspace import open_workspace

        db = open_workspace(settings(), sync=sync)
        db.on_wait = _say_waiting
        _state["db"] = db
        gc.freeze()  # what was loaded so far stays: later collections skip it
        gc.enable()
    return _state["db"]


def reset_state() -> None:
    """Forget the cached settings and database (used between in-process invocations)."""
    db = _state.pop("db", None)
    if db is not None:
        db.dispose()
    _state.clear()


def _say_waiting(attempt: int, waited: float) -> None:
    if attempt == 1:
        err("database busy: another studyplan is writing; waiting…")


def err(message: str) -> None:
    """Print one line to standard error."""
    print(message, file=sys.stderr)


def out(message: str = "") -> None:
    """Print one line to standard output."""
    print(message)


def print_json(data: Any) -> None:
    """Print ``data`` as indented JSON (datetimes as ISO 8601)."""
    print(json.dumps(data, indent=2, ensure_ascii=False, default=_json_default))


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    raise TypeError(f"cannot serialize {type(value).__name__}")
