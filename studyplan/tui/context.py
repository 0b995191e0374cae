"""What a screen needs from the application, handed to it (screens never reach into the app)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from studyplan.db.database import Database
from studyplan.tui.writer import WriteQueue

if TYPE_CHECKING:
    from studyplan.links.policy import CheckOptions

Opener = Callable[[str], object]
"""Opens a URL in the browser (tests pass one that records the URL)."""

ExternalEditor = Callable[[str, str], str]
"""Runs ``(body, ref)`` in the learner's editor, the interface suspended; returns the text."""

FileEditor = Callable[[Path], None]
"""Opens a file in the learner's editor, the interface suspended, until the editor ends."""


@dataclass(frozen=True)
class Calendar:
    """The learner's dates: time zone, first day of the week, whether streaks are shown."""

    zone: tzinfo = UTC
    first_weekday: int = 0
    """0 Monday … 6 Sunday."""
    streaks: bool = False


@dataclass(frozen=True)
class ScreenContext:
    """The database, the write queue and the outside world, as the screens use them."""

    db: Database
    writes: WriteQueue
    open_url: Callable[[str], None]
    """Opens a URL in the browser and says so (the app decides how: see StudyplanApp)."""
    edit_externally: ExternalEditor
    edit_file: FileEditor
    show_error: Callable[[BaseException], None]
    link_options: CheckOptions | None = None
    """Options of the "check links" action; None means the checker's defaults."""
    on_first_data: Callable[[], None] | None = None
    """Called once, when the first screen with data has been drawn (benchmarks read it)."""
    calendar: Calendar = field(default_factory=Calendar)
    """The plan's and the statistics' dates (from the settings)."""
