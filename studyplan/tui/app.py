"""The Textual application: build it with :func:`make_app`, run it with :func:`run_app`."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from textual.app import App, SuspendNotSupported, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.theme import Theme
from textual.widgets import TextArea

from studyplan import collector
from studyplan.db.database import Database
from studyplan.errors import SettingsError, StudyplanError
from studyplan.safe_text import visible
from studyplan.services.external_editor import run_editor
from studyplan.services.preferences import get_preference, set_preference
from studyplan.services.snapshot import Snapshot, read_snapshot
from studyplan.services.timer import stop_timer
from studyplan.settings import Settings
from studyplan.tui.bindings import (
    APP_BINDINGS,
    GROUP_BINDINGS,
    LAB_BINDINGS,
    MAIN_BINDINGS,
    PLAN_BINDINGS,
    STATS_BINDINGS,
    check_keymap,
    effective_keys,
)
from studyplan.tui.context import Calendar, Opener, ScreenContext
from studyplan.tui.screens.main_screen import MainScreen
from studyplan.tui.widgets.note_editor import PendingNote
from studyplan.tui.writer import WriteQueue

if TYPE_CHECKING:
    from studyplan.links.policy import CheckOptions

T = TypeVar("T")

Editor = Callable[[str, str, str], str]
"""Runs ``(command, body, ref)`` in an editor and returns the new body."""

DEFAULT_THEME = "textual-dark"
"""The theme when the learner chose none (Textual's TEXTUAL_THEME is not consulted)."""

SETTLE_SECONDS = 0.5
"""After the first screen with data, when the memory alive then is set aside for good
(:func:`studyplan.collector.settle`): once the start-up burst of drawing is over."""

EXIT_GRACE_SECONDS = 3.0
"""After a signal, how long the terminal may take to be given back before the process ends
anyway (a closed terminal can make the last writes to it wait forever; the work is saved)."""

SHUTDOWN_SIGNALS = tuple(
    s for s in (signal.SIGTERM, getattr(signal, "SIGHUP", None), signal.SIGINT) if s is not None
)
"""Signals that close the interface as ``q`` does: note saved, timer stopped, terminal back."""


class StudyplanApp(App[None]):
    """The studyplan interface: the steps and their resources, labs, help."""

    TITLE = "studyplan"
    CSS_PATH = Path(__file__).with_name("app.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [*APP_BINDINGS]

    def get_theme(self, theme_name: str) -> Theme | None:
        """The theme ``theme_name``, remembered: Textual asks for it on every line it draws,
        and each time copies its table of themes (a tenth of the time of opening a screen)."""
        cache: dict[str, Theme | None] = self.__dict__.setdefault("_theme_cache", {})
        if theme_name not in cache:
            cache[theme_name] = super().get_theme(theme_name)
        return cache[theme_name]

    def register_theme(self, theme: Theme) -> None:
        """Register ``theme`` (and forget the themes remembered)."""
        self.__dict__.pop("_theme_cache", None)
        super().register_theme(theme)

    def unregister_theme(self, theme_name: str) -> None:
        """Unregister ``theme_name`` (and forget the themes remembered)."""
        self.__dict__.pop("_theme_cache", None)
        super().unregister_theme(theme_name)

    def __init__(
        self,
        settings: Settings,
        db: Database,
        opener: Opener,
        editor: Editor,
        link_options: CheckOptions | None = None,
        theme: str = DEFAULT_THEME,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.db = db
        self.editor = editor
        self.opener = opener
        self.writes = WriteQueue(self.show_error, on_settled=self._write_settled)
        self.context = ScreenContext(
            db=db,
            writes=self.writes,
            open_url=self.browse,
            edit_externally=self.edit_externally,
            edit_file=self.edit_file,
            show_error=self.show_error,
            link_options=link_options,
            on_first_data=self.first_data_shown,
            calendar=Calendar(settings.zone, settings.first_weekday, settings.streaks),
        )
        self.first_read: Future[Snapshot] = Future()
        """The first screen's data, read in a thread while Textual starts up."""
        threading.Thread(target=self._read_first, name="first-read", daemon=True).start()
        self.started_at = time.perf_counter()
        self.data_shown_at: float | None = None
        self.closing = False
        self.warnings: list[str] = []
        """Shown as notifications when the interface starts."""
        self.kept_drafts: list[Path] = []
        """Notes that could not be saved, kept in files (printed when the interface closes)."""
        self._quit_anyway = False
        self._chosen_theme = theme
        self._waiting = False
        self.set_keymap(dict(settings.keys))

    def _read_first(self) -> None:
        try:
            self.first_read.set_result(read_snapshot(self.db, None, None, initial=True))
        except BaseException as exc:
            self.first_read.set_exception(exc)

    def on_mount(self) -> None:
        """Apply the theme, start the writer, listen for signals, show the main screen."""
        if self._chosen_theme in self.available_themes:
            self.theme = self._chosen_theme
        self.theme_changed_signal.subscribe(self, lambda theme: self._remember_theme(theme.name))
        self.run_worker(self.writes.run(), name="writer", group="writer")
        self.db.on_wait = self._database_busy
        self._listen_for_signals()
        self.push_screen(MainScreen(self.context, self.first_read))
        for warning in self.warnings:
            self.notify(
                visible(warning), title="Warning", severity="warning", timeout=20, markup=False
            )

    @property
    def main_screen(self) -> MainScreen:
        """The main screen (under any dialogs)."""
        return next(s for s in self.screen_stack if isinstance(s, MainScreen))

    def first_data_shown(self) -> None:
        """Record when the first screen with data was ready (benchmarks read it)."""
        if self.data_shown_at is None:
            self.data_shown_at = time.perf_counter()
            self.set_timer(SETTLE_SECONDS, self._settle)

    def _settle(self) -> None:
        """Load the lab screen's code before it is first opened, then set the memory aside."""
        import studyplan.tui.screens.lab_screen  # noqa: F401

        collector.settle()

    def _remember_theme(self, name: str) -> None:
        if name != self._chosen_theme:
            self._chosen_theme = name
            self.writes.submit(partial(set_preference, self.db, "theme", name))

    # errors and waiting -----------------------------------------------------------------------

    def show_error(self, exc: BaseException) -> None:
        """Show ``exc`` in the one error modal: studyplan's title and message, no traceback."""
        from studyplan.tui.modals.error_modal import ErrorModal

        if isinstance(exc, StudyplanError):
            title, message = exc.title, exc.message
        else:
            self.log.error(repr(exc))
            title, message = "unexpected error", f"{type(exc).__name__}: {exc}"
        if self.closing:
            return
        if isinstance(self.screen, ErrorModal):
            self.screen.show(title, message)
        else:
            self.push_screen(ErrorModal(title, message))

    def _database_busy(self, attempt: int, _waited: float) -> None:
        """Called from a writer thread while another studyplan holds the database."""
        if attempt == 1 and threading.current_thread() is not threading.main_thread():
            with contextlib.suppress(RuntimeError):  # the app is closing
                self.call_from_thread(self._say_waiting)

    def _say_waiting(self) -> None:
        self._waiting = True
        self.main_screen.header.flash("waiting for another studyplan to finish writing…", None)

    def _write_settled(self) -> None:
        if self._waiting:
            self._waiting = False
            self.main_screen.header.clear_news()

    # keys -------------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While a note or a lab's file is being typed, ``q`` and ``?`` type text: hide them."""
        return not (action in ("close", "help") and isinstance(self.focused, TextArea))

    def run_suspended(self, work: Callable[[], T]) -> T:
        """Give the terminal to ``work`` (an editor, a text browser) and take it back.

        Textual's ``suspend()`` resumes only when its block ends normally, so an error of
        ``work`` is held until the interface is back, then raised.
        """
        result: list[T] = []
        failure: list[BaseException] = []
        try:
            with self.suspend():
                try:
                    result.append(work())
                except Exception as exc:
                    failure.append(exc)
        except SuspendNotSupported:
            return work()
        if failure:
            raise failure[0]
        return result[0]

    def browse(self, url: str) -> None:
        """Open ``url`` in the browser and say so (or say that none could be found).

        A graphical browser starts from a thread; a text browser gets the terminal.
        """
        if browser_needs_terminal():
            try:
                opened = bool(self.run_suspended(lambda: self.opener(url)))
            except Exception as exc:
                self.show_error(exc)
                return
            self._opened(url, opened)
            return

        def in_thread() -> None:
            opened = bool(self.opener(url))
            with contextlib.suppress(RuntimeError):
                self.call_from_thread(self._opened, url, opened)

        self.run_worker(in_thread, thread=True, group="open", exit_on_error=False)

    def _opened(self, url: str, opened: bool) -> None:
        news = f"Opening {url}" if opened else f"No browser found: {url}"
        self.main_screen.header.flash(news, 6 if not opened else 3)

    def edit_externally(self, body: str, ref: str) -> str:
        """Suspend the interface and run the editor on ``body``."""
        command = self.settings.editor_command
        return self.run_suspended(lambda: self.editor(command, body, ref))

    def edit_file(self, path: Path) -> None:
        """Suspend the interface and run the editor on ``path`` until it ends."""
        from studyplan.services.external_editor import edit_in_place

        command = self.settings.editor_command
        self.run_suspended(lambda: edit_in_place(command, path))

    def action_help(self) -> None:
        """Show every key."""
        from studyplan.tui.screens.help_screen import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(dict(self.settings.keys)))

    async def action_close(self) -> None:
        """The ``q`` key: save the note, stop the timer, quit."""
        await self.shutdown(interactive=True)

    async def action_quit(self) -> None:
        """Save the note, let queued writes finish, stop a running timer, then quit."""
        await self.shutdown(interactive=True)

    async def shutdown(self, interactive: bool, signum: int | None = None) -> None:
        """Save pending text and stop the timer through the writer, then exit.

        If the note cannot be saved (a read-only or busy database), its text goes to a draft
        file whose path is shown (and printed when the interface closes): interactive, the
        interface stays until ``q`` is pressed again; on a signal it closes anyway. If the
        terminal cannot be given back within :data:`EXIT_GRACE_SECONDS` after a signal (it
        was closed), the process ends: everything is saved by then.
        """
        if self.closing:
            return
        failures: list[BaseException] = []
        screen = self.main_screen
        screen.links.cancel()
        await self._close_labs()
        pending = screen.notes.take_pending()
        if pending is not None:
            screen.notes.submit(pending, failed=lambda _exc: self._keep_draft(pending))
        db = self.db
        self.writes.submit(lambda: stop_timer(db), failed=failures.append)
        self.closing = not interactive
        await self.writes.drain()
        if interactive and self.kept_drafts and not self._quit_anyway:
            self._quit_anyway = True
            self.notify(
                f"Your text could not be saved; it is kept in {self.kept_drafts[-1]}. "
                "Press q again to quit.",
                severity="error",
                timeout=30,
                markup=False,
            )
            return
        self.closing = True
        if signum is not None:
            watchdog = threading.Timer(EXIT_GRACE_SECONDS, os._exit, args=(128 + signum,))
            watchdog.daemon = True
            watchdog.start()
        self.exit(return_code=128 + signum if signum is not None else 0)

    async def _close_labs(self) -> None:
        """Stop running checks; save typing in open lab screens (a draft if it cannot be)."""
        from studyplan.labs.runner import stop_all_checks
        from studyplan.tui.screens.lab_screen import LabScreen

        stop_all_checks()
        for screen in self.screen_stack:
            if isinstance(screen, LabScreen) and not await screen.save_file(report=False):
                self._keep_text(screen.file_text, f"lab-{screen.lab.id}")

    def _keep_draft(self, pending: PendingNote) -> None:
        self._keep_text(pending.body, pending.ref)

    def _keep_text(self, body: str, ref: str) -> None:
        from studyplan.services.external_editor import keep_draft

        try:
            self.kept_drafts.append(keep_draft(body, ref))
        except Exception as exc:  # not even the temporary folder: say so, keep the interface
            self.log.error(f"cannot keep a draft of {ref}: {exc!r}")

    def _listen_for_signals(self) -> None:
        """SIGTERM, SIGHUP and SIGINT close the interface as ``q`` does."""
        loop = asyncio.get_running_loop()
        for signum in SHUTDOWN_SIGNALS:
            try:
                loop.add_signal_handler(signum, self._on_signal, signum)
            except (NotImplementedError, RuntimeError, ValueError):  # not the main thread
                return

    def _on_signal(self, signum: int) -> None:
        self.run_worker(
            self.shutdown(interactive=False, signum=signum), group="shutdown", exit_on_error=False
        )

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Textual's commands plus one per key of studyplan where the learner is."""
        from studyplan.tui.screens.group_screen import GroupScreen
        from studyplan.tui.screens.lab_screen import LabScreen
        from studyplan.tui.screens.plan_screen import PlanScreen
        from studyplan.tui.screens.stats_screen import StatsScreen

        yield from super().get_system_commands(screen)
        keymap = dict(self.settings.keys)
        target: Screen[Any]
        screen_bindings: list[Binding]
        if isinstance(screen, LabScreen):
            screen_bindings, target = LAB_BINDINGS, screen
        elif isinstance(screen, PlanScreen):
            screen_bindings, target = PLAN_BINDINGS, screen
        elif isinstance(screen, StatsScreen):
            screen_bindings, target = STATS_BINDINGS, screen
        elif isinstance(screen, GroupScreen):
            screen_bindings, target = GROUP_BINDINGS, screen
        else:
            screen_bindings, target = MAIN_BINDINGS, self.main_screen
        for binding in [*screen_bindings, *APP_BINDINGS[:2]]:
            keys = effective_keys(binding, keymap)
            node = target if binding in screen_bindings else self
            yield SystemCommand(
                binding.tooltip,
                f"key: {keys}",
                partial(self.call_later, self.run_action, binding.action, node),
            )


def open_in_browser(url: str) -> bool:
    """Open ``url`` in the learner's browser; False when no browser can be found."""
    import webbrowser

    try:
        return webbrowser.open(url)
    except webbrowser.Error:
        return False


def browser_needs_terminal() -> bool:
    """Whether the browser would run in this terminal (no graphical display on Linux/BSD).

    Then it must get the terminal (the interface suspends), not draw over the interface.
    """
    if sys.platform in ("darwin", "win32"):
        return False
    return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def make_app(
    settings: Settings,
    db: Database,
    opener: Opener | None = None,
    editor: Editor | None = None,
    link_options: CheckOptions | None = None,
    theme: str = DEFAULT_THEME,
) -> StudyplanApp:
    """Build the app on ``db`` with ``theme``; tests pass an opener, editor and link options.

    The keys of ``settings`` are checked first: an unknown binding id, an unknown key name
    or a key another binding keeps is a :class:`~studyplan.errors.SettingsError`.
    """
    check_keymap(dict(settings.keys), settings.source or "settings.toml")
    check_theme(settings)
    return StudyplanApp(
        settings, db, opener or open_in_browser, editor or run_editor, link_options, theme
    )


def check_theme(settings: Settings) -> None:
    """Refuse a ``theme`` setting that names no theme, with the names there are."""
    from textual.theme import BUILTIN_THEMES

    if settings.theme and settings.theme not in BUILTIN_THEMES:
        names = ", ".join(sorted(BUILTIN_THEMES))
        raise SettingsError(
            f"{settings.source or 'settings.toml'}: theme '{settings.theme}' does not exist; "
            f"use one of: {names}"
        )


def chosen_theme(settings: Settings, db: Database) -> str:
    """The theme to start with: the one chosen in the palette, the setting, or the default.

    Read before the interface starts (its event loop never waits on the database).
    """
    return get_preference(db, "theme") or settings.theme or DEFAULT_THEME


def run_app(settings: Settings, db: Database, warnings: list[str] | None = None) -> int:
    """Run the interface until the learner quits; the exit code (128 + N after signal N).

    ``warnings`` (a broken catalog …) are shown when the interface starts.
    """
    app = make_app(settings, db, theme=chosen_theme(settings, db))
    app.warnings = list(warnings or [])
    app.run()
    for draft in app.kept_drafts:
        print(f"studyplan: a note that could not be saved is kept in {draft}", file=sys.stderr)
    return app.return_code or 0


__all__ = ["DEFAULT_THEME", "StudyplanApp", "chosen_theme", "make_app", "run_app"]
