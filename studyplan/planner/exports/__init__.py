"""Exports of the study plan: each format is a module with one ``render`` function.

``render(context) -> str`` gets an :class:`ExportContext` (the database, the plan built from
today, the learner's time zone and week start, the clock, and the options) and returns the
whole document; :func:`studyplan.planner.output.write_atomic` writes it (a temporary file,
then a rename, so a failed export never leaves a partial file).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, tzinfo
from importlib import import_module

from studyplan.db.database import Database
from studyplan.planner.service import Plan


@dataclass(frozen=True)
class ExportContext:
    """Everything an export needs."""

    db: Database
    plan: Plan
    tz: tzinfo
    now: datetime
    first_weekday: int = 0
    """0 Monday … 6 Sunday (the ``week_start`` setting)."""
    study_time: time = time(19, 0)
    """When a study session starts on a study day (the ``study_time`` setting)."""
    notes: bool = False
    """Include the learner's notes (``--notes``)."""
    remind_minutes: int | None = None
    """Calendar reminders this many minutes before each session (``--remind``)."""
    streaks: bool = False
    """The learner opted in to streaks (the ``streaks`` setting)."""


FORMATS: dict[str, str] = {
    "markdown": "studyplan.planner.exports.markdown",
    "json": "studyplan.planner.exports.json_export",
    "csv": "studyplan.planner.exports.csv_export",
    "ics": "studyplan.planner.exports.ics",
    "html": "studyplan.planner.exports.html",
}
"""Format name -> the module that renders it (imported only when that format is asked for)."""

SUFFIX = {"markdown": ".md", "json": ".json", "csv": ".csv", "ics": ".ics", "html": ".html"}


def renderer(name: str) -> Callable[[ExportContext], str]:
    """The ``render`` function of format ``name``."""
    module = import_module(FORMATS[name])
    render: Callable[[ExportContext], str] = module.render
    return render
