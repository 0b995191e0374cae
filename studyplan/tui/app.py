"""The Textual application: build it with :func:`make_app`, run it with :func:`run_app`."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import App, SuspendNotSupported, SystemCommand
from textual.binding import BindingType
from textual.screen import Screen

from studyplan.db.database import Database
from studyplan.errors import StudyplanError
from studyplan.services.external_editor import run_editor
from studyplan.services.preferences import get_preference, set_preference
from studyplan.services.timer import stop_timer
from studyplan.settings import Settings
from studyplan.tui.bindings import APP_BINDINGS, MAIN_BINDINGS, effective_keys
from studyplan.tui.screens.main_screen import MainScreen, Snapshot, read_snapshot
from studyplan.tui.writer import WriteQueue

if TYPE_CHECKING:
    from studyplan.links.policy import CheckOptions

Opener = Callable[[str], object]
"""Opens a URL (:func:`open_in_browser` unless a test passes another)."""

Editor = Callable[[str, str, str], str]
"""Runs ``(command, body, ref)`` in an editor and returns the new body."""


class StudyplanApp(App[None]):
    """The studyplan interface. Screens: main and help now; labs, plan, stats, links later."""

    TITLE = "studyplan"
    CSS_PATH = Path(__file__).with_name("app.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [*APP_BINDINGS]
    MODES: ClassVar[dict[str, str | Callable[[], Screen[Any]]]] = {"main": MainScreen}
    """One mode per area; labs, plan, statistics and links add theirs here."""
    DEFAULT_MODE = "main"

    def __init__(
        self,
        settings: Settings,
        db: Database,
        opener: Opener,
        editor: Editor,
        link_options: CheckOptions | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.db = db
        self.opener = opener
        self.editor = editor
        self.link_options = link_options
        """Options of the "check links" action; None means the checker's defaults."""
        self.first_read: Future[Snapshot] = Future()
        """The first screen's data, read in a thread while Textual starts up."""
        threading.Thread(target=self._read_first, name="first-read", daemon=True).start()
        self.writes = WriteQueue(self.show_error)
        self.started_at = time.perf_counter()
        self.data_shown_at: float | None = None
        self._theme_saved = ""
        self.set_keymap(dict(settings.keys))

    def _read_first(self) -> None:
        try:
            self.first_read.set_result(read_snapshot(self.db, None, None, initial=True))
        except BaseException as exc:
            self.first_read.set_exception(exc)

    def on_mount(self) -> None:
        """Apply the remembered theme and start the writer."""
        self._theme_saved = get_preference(self.db, "theme") or self.settings.theme
        if self._theme_saved in self.available_themes:
            self.theme = self._theme_saved
        self.theme_changed_signal.subscribe(self, lambda theme: self._remember_theme(theme.name))
        self.run_worker(self.writes.run(), name="writer", group="writer")

    @property
    def main_screen(self) -> MainScreen:
        """The main screen (under any dialogs)."""
        return next(s for s in self.screen_stack if isinstance(s, MainScreen))

    def first_data_shown(self) -> None:
        """Record when the first screen with data was ready (benchmarks read it)."""
        if self.data_shown_at is None:
            self.data_shown_at = time.perf_counter()

    def _remember_theme(self, name: str) -> None:
        if name != self._theme_saved:
            self._theme_saved = name
            self.writes.submit(partial(set_preference, self.db, "theme", name))

    def show_error(self, exc: BaseException) -> None:
        """Show ``exc`` in the one error modal: studyplan's title and message, no traceback."""
        from studyplan.tui.modals.error_modal import ErrorModal

        if isinstance(exc, StudyplanError):
            title, message = exc.title, exc.message
        else:
            self.log.error(repr(exc))
            title, message = "unexpected error", f"{type(exc).__name__}: {exc}"
        if isinstance(self.screen, ErrorModal):
            self.screen.show(title, message)
        else:
            self.push_screen(ErrorModal(title, message))

    def edit_externally(self, body: str, ref: str) -> str:
        """Suspend the interface and run the editor on ``body``."""
        command = self.settings.editor_command
        try:
            with self.suspend():
                return self.editor(command, body, ref)
        except SuspendNotSupported:
            return self.editor(command, body, ref)

    def action_help(self) -> None:
        """Show every key."""
        from studyplan.tui.screens.help_screen import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(dict(self.settings.keys)))

    async def action_quit(self) -> None:
        """Save the note, let queued writes finish, stop a running timer, then quit."""
        try:
            self.main_screen.save_note_now()
        except Exception as exc:
            self.show_error(exc)
            return
        await self.writes.drain()
        try:
            stop_timer(self.db)
        except Exception as exc:
            self.show_error(exc)
            return
        self.exit()

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Textual's commands plus one per key of studyplan."""
        yield from super().get_system_commands(screen)
        keymap = dict(self.settings.keys)
        for binding in [*MAIN_BINDINGS, *APP_BINDINGS[:1]]:
            keys = effective_keys(binding, keymap)
            target = self.main_screen if binding in MAIN_BINDINGS else self
            yield SystemCommand(
                binding.tooltip,
                f"key: {keys}",
                partial(self.call_later, self.run_action, binding.action, target),
            )


def open_in_browser(url: str) -> bool:
    """Open ``url`` in the learner's browser (``webbrowser`` is imported on first use)."""
    import webbrowser

    return webbrowser.open(url)


def make_app(
    settings: Settings,
    db: Database,
    opener: Opener | None = None,
    editor: Editor | None = None,
    link_options: CheckOptions | None = None,
) -> StudyplanApp:
    """Build the app on ``db``; tests pass an ``opener``, ``editor`` and link options."""
    return StudyplanApp(settings, db, opener or open_in_browser, editor or run_editor, link_options)


def run_app(settings: Settings, db: Database) -> None:
    """Run the interface until the learner quits."""
    make_app(settings, db).run()
