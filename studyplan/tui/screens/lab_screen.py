"""The lab screen: the brief, the learner's file in an editor, the checks as they come.

Everything slow runs off the event loop: opening (the starter copied, the brief read) and
saving in threads, the checks in a thread worker whose results arrive one by one. The file
is saved as the learner types; a save from an outside editor reloads it and checks again.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.markdown import Markdown
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Static, TextArea

from studyplan.labs.runner import CheckResult, RunResult
from studyplan.labs.service import (
    PASSED,
    LabView,
    brief_text,
    check_lab,
    next_hint,
    reset_lab,
    shown_hints,
    solution_source,
    start_lab,
    work_text,
)
from studyplan.labs.watching import mtime
from studyplan.safe_text import from_pictures, has_controls, to_pictures, visible
from studyplan.tui.bindings import LAB_BINDINGS
from studyplan.tui.widgets.check_results import CheckResults

if TYPE_CHECKING:
    from textual.app import App

    from studyplan.db.database import Database
    from studyplan.tui.context import ScreenContext

SAVE_SECONDS = 0.5
"""How long after the last key press the file is saved."""

WATCH_SECONDS = 1.0
"""How often the file is looked at for a save from another editor."""

STATUS = {"not_started": "not started", "started": "started", "passed": "passed ✓"}


@dataclass(frozen=True)
class LabOpening:
    """Everything the lab screen shows first, read before it is shown (in a thread)."""

    lab: LabView
    brief: str
    hints: list[str]
    text: str


def prepare_lab(db: Database, lab_id: str) -> LabOpening:
    """Start ``lab_id`` if needed (the starter copied) and read its brief, hints and file.

    Blocking: call it from a thread. The screen then draws once, complete.
    """
    started = start_lab(db, lab_id)
    brief = brief_text(started.lab)
    hints = shown_hints(db, lab_id)
    return LabOpening(started.lab, brief, hints, work_text(started.lab))


async def show_lab(
    app: App[Any], context: ScreenContext, lab_id: str, back: Callable[[], object]
) -> None:
    """Open ``lab_id`` (read in a thread by :func:`prepare_lab`), then show its screen;
    ``back()`` runs when the learner leaves it. A broken lab or an unreadable file goes to
    the error dialog instead."""
    try:
        opening = await asyncio.to_thread(prepare_lab, context.db, lab_id)
    except Exception as exc:
        context.show_error(exc)
        return

    def closed(_result: None) -> None:
        back()

    app.push_screen(LabScreen(context, opening), closed)


class LabScreen(Screen[None]):
    """One lab: brief and hints on the left, the learner's file and the checks on the right."""

    CSS_PATH = Path(__file__).with_name("lab_screen.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [*LAB_BINDINGS]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-normal")]  # noqa: RUF012
    VERTICAL_BREAKPOINTS = [(0, "-short"), (20, "-tall")]  # noqa: RUF012

    def __init__(self, context: ScreenContext, opening: LabOpening) -> None:
        super().__init__()
        self.context = context
        self.opening = opening
        self.lab = opening.lab
        self.path = opening.lab.work_file
        self.saved_text: str | None = None
        """What the file holds, as far as this screen knows (None until it is read)."""
        self.known_mtime: float | None = None
        self.checking = False
        self.opened = asyncio.Event()
        """Set once the lab is on the terminal, brief and file drawn."""
        self.shown_at: float | None = None
        """When that was (``time.perf_counter``; benchmarks read it)."""
        self._pictures = False
        self._save_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        """Title line; brief and hints | code over results; footer."""
        yield Static(self._title(), id="lab-title", markup=False)
        with Horizontal(id="lab-body"):
            with VerticalScroll(id="lab-brief"):
                # Rich's Markdown in one Static: a quarter of the time of Textual's Markdown
                # widget, which builds a widget per block (the brief is read, not clicked).
                yield Static("", id="brief-md")
                yield Static("", id="lab-hints", markup=False)
            with Vertical(id="lab-work"):
                # Python highlighting is set with the file (_load_text): tree-sitter compiles
                # its query each time the language or the document is set.
                yield TextArea.code_editor("", id="lab-code", soft_wrap=False, read_only=True)
                with VerticalScroll(id="lab-results"):
                    yield CheckResults(id="checks")
        yield Footer(id="lab-keys", compact=True, show_command_palette=False)

    def _title(self) -> Text:
        lab = self.lab
        text = Text(f"Lab · {visible(lab.title)}", style="bold")
        text.append(f"  step {lab.step} · {STATUS.get(lab.status, lab.status)}")
        text.append(f" · {lab.attempts} attempt(s)", style="dim")
        return text

    @property
    def code(self) -> TextArea:
        """The editor of the learner's file."""
        return self.query_one("#lab-code", TextArea)

    @property
    def results(self) -> CheckResults:
        """The check results."""
        return self.query_one(CheckResults)

    def on_mount(self) -> None:
        """Show the brief, the hints shown so far and the file (all read before: no wait)."""
        self.code.border_title = self.path.name
        self.query_one("#lab-brief").border_title = "Brief"
        self.query_one("#lab-results").border_title = "Checks"
        opening = self.opening
        self.query_one("#brief-md", Static).update(Markdown(visible(opening.brief)))
        self._show_hints(opening.hints)
        self._load_text(opening.text)
        self.code.read_only = False
        self.code.focus()
        self.call_after_refresh(self._shown)
        self.set_interval(WATCH_SECONDS, self.look_for_outside_saves, name="lab-watch")

    def _shown(self) -> None:
        self.shown_at = time.perf_counter()
        self.opened.set()

    # opening and saving -------------------------------------------------------------------

    def _load_text(self, text: str) -> None:
        self._cancel_save()
        self.saved_text = text
        self.known_mtime = mtime(self.path)
        self._pictures = has_controls(text)
        shown = to_pictures(text)
        code = self.code
        if code.language != "python":  # no watcher: load_text makes the document once
            code.set_reactive(TextArea.language, "python")
            code.load_text(shown)
        elif code.text != shown:
            code.load_text(shown)

    @property
    def file_text(self) -> str:
        """The editor's text as it will be saved."""
        return from_pictures(self.code.text) if self._pictures else self.code.text

    @property
    def unsaved(self) -> bool:
        """Whether the editor holds typing not yet written to the file."""
        return self.saved_text is not None and self.file_text != self.saved_text

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        """Save a moment after typing stops."""
        if event.text_area.id == "lab-code" and self.unsaved:
            self._cancel_save()
            self._save_timer = self.set_timer(SAVE_SECONDS, self.save_file)

    def _cancel_save(self) -> None:
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save_timer = None

    async def save_file(self, *, report: bool = True) -> bool:
        """Write the editor's text to the file (in a thread); False if it could not be.

        ``report=False`` (the interface is closing): no dialog, the caller keeps a draft.
        """
        self._cancel_save()
        if not self.unsaved:
            return True
        text = self.file_text
        try:
            written = await asyncio.to_thread(_write_atomically, self.path, text)
        except OSError as exc:
            if report:
                self.context.show_error(exc)
            return False
        self.saved_text = text
        self.known_mtime = written
        self.code.border_subtitle = "saved"
        return True

    async def look_for_outside_saves(self) -> None:
        """Another editor saved the file: load it and check it again."""
        if self.saved_text is None or self.checking:
            return
        current = mtime(self.path)
        if current is None or current == self.known_mtime:
            return
        try:
            text = await asyncio.to_thread(self.path.read_text, encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return
        self.known_mtime = current
        if text == self.saved_text:
            return
        if self.unsaved:
            self.notify(
                "Your file was changed by another editor; your typing here is kept "
                "(saved over it in a moment)",
                severity="warning",
                markup=False,
            )
            self._save_timer = self.set_timer(SAVE_SECONDS, self.save_file)
            return
        self._load_text(text)
        self.notify("Saved in another editor: checking it", timeout=3, markup=False)
        await self.action_check()

    # actions --------------------------------------------------------------------------------

    async def action_check(self) -> None:
        """Save, then run the checks in a thread; results appear as they come."""
        if self.checking or self.saved_text is None:
            return
        if not await self.save_file():
            return
        self.checking = True
        results = self.results
        results.clear(f"Checking {self.lab.id}…")
        self.run_worker(
            partial(self._check_in_thread, results),
            thread=True,
            group="lab-check",
            exit_on_error=False,
        )

    def _check_in_thread(self, results: CheckResults) -> None:
        app = self.app

        def arrived(result: CheckResult) -> None:
            if results.is_attached:
                with contextlib.suppress(RuntimeError):
                    app.call_from_thread(results.add, result)

        try:
            lab, run = check_lab(self.context.db, self.lab.id, on_result=arrived)
        except Exception as exc:
            with contextlib.suppress(RuntimeError):
                app.call_from_thread(self._check_failed, exc)
            return
        with contextlib.suppress(RuntimeError):
            app.call_from_thread(self._checked, lab, run)

    def _check_failed(self, exc: BaseException) -> None:
        self.checking = False
        if not self.is_attached:  # the learner went back meanwhile
            return
        self.results.clear("The check could not run.")
        self.context.show_error(exc)

    def _checked(self, lab: LabView, run: RunResult) -> None:
        self.checking = False
        if not self.is_attached:  # the learner went back meanwhile: the attempt is kept
            return
        newly_passed = run.passed and self.lab.status != PASSED
        self.lab = lab
        self.query_one("#lab-title", Static).update(self._title())
        self.results.finish(run)
        if self.saved_text is not None and not self.path.exists():
            self.run_worker(self._write_back(self.saved_text), group="lab-save")
        if run.curves:
            self.run_worker(self._show_curves(run.curves), group="lab-chart")
        if newly_passed:
            self.notify(f"{lab.title}: passed!", title="Lab passed", timeout=5, markup=False)

    async def _write_back(self, text: str) -> None:
        """The learner's code deleted its own file: write it again from the editor."""
        try:
            self.known_mtime = await asyncio.to_thread(_write_atomically, self.path, text)
        except OSError as exc:
            self.context.show_error(exc)
            return
        self.notify(
            f"Your code deleted {self.path.name}; it is written back from the editor",
            severity="warning",
            timeout=8,
            markup=False,
        )

    async def _show_curves(self, curves: dict[str, list[float]]) -> None:
        if not curves:
            return
        from studyplan.tui.widgets.loss_chart import LossChart

        existing = self.query(LossChart)
        if existing:
            existing.first().show(curves)
        else:
            await self.query_one("#lab-results").mount(LossChart(curves, id="loss-chart"))

    def action_hint(self) -> None:
        """Show the next hint (remembered)."""
        self._hint()

    @work(group="lab-hint", exit_on_error=False)
    async def _hint(self) -> None:
        try:
            hint = await asyncio.to_thread(next_hint, self.context.db, self.lab.id)
            hints = await asyncio.to_thread(shown_hints, self.context.db, self.lab.id)
        except Exception as exc:
            self.context.show_error(exc)
            return
        self._show_hints(hints)
        if hint is None:
            self.notify("No more hints: F9 shows the solution", timeout=4, markup=False)
        elif self.query_one("#lab-brief").display:
            self.query_one("#lab-brief", VerticalScroll).scroll_end(animate=False)
        else:  # a short, narrow terminal hides the brief: the hint comes as a message
            self.notify(
                visible(hint.text),
                title=f"Hint {hint.number} of {hint.total}",
                timeout=20,
                markup=False,
            )

    def _show_hints(self, hints: list[str]) -> None:
        text = Text()
        total = len(self.lab.hints)
        for number, hint in enumerate(hints, 1):
            text.append(f"\nHint {number} of {total}: ", style="bold")
            text.append(visible(hint))
        if len(hints) < total:
            text.append(f"\n\nF6: a hint ({total - len(hints)} left)", style="dim")
        self.query_one("#lab-hints", Static).update(text)

    def action_reset(self) -> None:
        """Ask, then put the starter back (the learner's file kept as a backup)."""
        from studyplan.tui.modals.confirm_modal import ConfirmModal

        def answered(yes: bool | None) -> None:
            if yes:
                self._reset()

        self.app.push_screen(
            ConfirmModal(
                "Put the starter back?",
                "Your file is kept in the lab workspace's backups folder.",
                yes="Reset",
            ),
            answered,
        )

    @work(group="lab-reset", exit_on_error=False)
    async def _reset(self) -> None:
        await self.save_file()
        try:
            done = await asyncio.to_thread(reset_lab, self.context.db, self.lab.id)
            text = await asyncio.to_thread(work_text, self.lab)
        except Exception as exc:
            self.context.show_error(exc)
            return
        self._load_text(text)
        kept = f"; yours is kept as {done.backup}" if done.backup else ""
        self.notify(f"The starter is back{kept}", timeout=6, markup=False)

    def action_solution(self) -> None:
        """Show the reference solution (asks first while the lab is not passed)."""
        if self.lab.status == PASSED:
            self._solution()
            return
        from studyplan.tui.modals.confirm_modal import ConfirmModal

        def answered(yes: bool | None) -> None:
            if yes:
                self._solution()

        self.app.push_screen(
            ConfirmModal(
                "Show the solution?",
                "The lab does not pass yet. Your own file stays as it is.",
                yes="Show it",
            ),
            answered,
        )

    @work(group="lab-solution", exit_on_error=False)
    async def _solution(self) -> None:
        from studyplan.tui.modals.solution_modal import SolutionModal

        try:
            source = await asyncio.to_thread(solution_source, self.context.db, self.lab.id)
        except Exception as exc:
            self.context.show_error(exc)
            return
        await self.app.push_screen(SolutionModal(self.lab.id, source))

    async def action_external_edit(self) -> None:
        """Edit the file in $EDITOR (the interface suspends), then check it."""
        if not await self.save_file():
            return
        try:
            self.context.edit_file(self.path)
            text = await asyncio.to_thread(work_text, self.lab)
        except Exception as exc:
            self.context.show_error(exc)
            return
        self._load_text(text)
        await self.action_check()

    async def action_back(self) -> None:
        """Save and go back to the steps."""
        if await self.save_file():
            self.dismiss(None)


def _write_atomically(path: Path, text: str) -> float:
    """Write ``text`` to ``path`` through a temporary file; the new modification time."""
    partial = path.with_name(f".{path.name}.saving")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)
    return mtime(path) or 0.0


__all__ = ["LabOpening", "LabScreen", "prepare_lab", "show_lab"]
