"""The main screen: steps, resources, details and note; every resource key lives here."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, replace
from datetime import UTC
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import OptionList

from studyplan.catalog.vocabulary import PRIMARY_ID
from studyplan.services.catalog_query import Filters, list_resources
from studyplan.services.live import change_token
from studyplan.services.next_up import next_up
from studyplan.services.notes import get_note, save_note
from studyplan.services.progress import CYCLE, StatusChange, cycle_status, set_status
from studyplan.services.stats import Stats, compute_stats
from studyplan.services.timer import TimerState, seconds_logged, timer_state, toggle_timer
from studyplan.services.views import ResourceView
from studyplan.tui.bindings import MAIN_BINDINGS
from studyplan.tui.format import STATUS_WORD, seconds_text
from studyplan.tui.widgets.detail_pane import DetailPane
from studyplan.tui.widgets.header_bar import HeaderBar
from studyplan.tui.widgets.key_bar import KeyBar
from studyplan.tui.widgets.note_editor import NoteEditor
from studyplan.tui.widgets.resource_table import ResourceTable
from studyplan.tui.widgets.step_list import StepKey, StepList, step_key

if TYPE_CHECKING:
    from studyplan.db.database import Database
    from studyplan.links.service import LinkState
    from studyplan.tui.app import StudyplanApp

POLL_SECONDS = 2.0
"""How often the database is asked whether another process changed something."""

FIRST_READ_WAIT = 0.3
"""Seconds the screen waits, before its first paint, for the first data (read in a thread)."""


@dataclass(frozen=True)
class Snapshot:
    """Everything the screen shows, read in one go in a thread."""

    token: tuple[Any, ...]
    stats: Stats
    timer: TimerState | None
    step: StepKey | None
    rows: list[ResourceView]
    select_id: str | None


def read_snapshot(
    db: Database, step: StepKey | None, select_id: str | None, initial: bool = False
) -> Snapshot:
    """Read the header, the sidebar and one step's rows (``initial``: the step `next` names)."""
    token = change_token(db)
    stats = compute_stats(db)
    if initial and step is None:
        suggestion = next_up(db)
        if suggestion is not None:
            step = (suggestion.resource.curriculum, suggestion.resource.step)
            select_id = suggestion.resource.id
    if step is None and stats.steps:
        step = step_key(stats.steps[0])
    rows: list[ResourceView] = []
    if step is not None:
        rows = list_resources(db, Filters(step=step[1], curriculum=step[0]))
    return Snapshot(token, stats, timer_state(db), step, rows, select_id)


def read_link_states(db: Database) -> dict[str, LinkState]:
    """The latest link state of every resource (the link checker is imported on first use)."""
    from studyplan.links.service import latest_states

    return latest_states(db)


class MainScreen(Screen[None]):
    """Header, steps sidebar, resource table, detail pane with note, footer."""

    CSS_PATH = Path(__file__).with_name("main_screen.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [*MAIN_BINDINGS]

    def __init__(self) -> None:
        super().__init__()
        self.token: tuple[Any, ...] | None = None
        self.current_step: StepKey | None = None
        self.timer: TimerState | None = None
        self.loaded = asyncio.Event()
        self._pending_detail: ResourceTable.Highlighted | None = None
        self.link_states: dict[str, LinkState] = {}
        self.checking_links = False
        self._timer_started: tuple[str, float] | None = None
        self._tick: Timer | None = None

    @property
    def studyplan(self) -> StudyplanApp:
        """The app, typed."""
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        """The layout: header, sidebar | (table over details), footer."""
        yield HeaderBar(id="header")
        with Horizontal(id="body"):
            yield StepList(id="steps")
            with Vertical(id="main"):
                yield ResourceTable(id="resources")
                yield DetailPane(id="detail")
        yield KeyBar(id="keys")

    def on_mount(self) -> None:
        """Focus the table, show what `studyplan next` names, and start polling.

        The app starts reading the first snapshot in a thread as soon as it is built. Waiting
        a moment for it here (nothing is on screen yet) lets the first paint show the data,
        which saves painting and laying out an empty screen first.
        """
        self.table.focus()
        try:
            first = self.studyplan.first_read.result(timeout=FIRST_READ_WAIT)
        except Exception:  # slow (a busy database) or failed: the worker waits or reports
            self.load(initial=True)
        else:
            self._apply(first, initial=True)
        self.set_interval(POLL_SECONDS, self.poll, name="poll")

    # parts ----------------------------------------------------------------------------------

    @property
    def table(self) -> ResourceTable:
        """The resource table."""
        return self.query_one(ResourceTable)

    @property
    def detail(self) -> DetailPane:
        """The detail pane."""
        return self.query_one(DetailPane)

    @property
    def editor(self) -> NoteEditor:
        """The note editor."""
        return self.query_one(NoteEditor)

    def selected(self) -> ResourceView | None:
        """The resource under the table's cursor; says so when there is none."""
        view = self.table.current
        if view is None:
            self.notify("No resource selected", severity="warning", timeout=2)
        return view

    # loading --------------------------------------------------------------------------------

    @work(exclusive=True, group="load")
    async def load(
        self, step: StepKey | None = None, select_id: str | None = None, initial: bool = False
    ) -> None:
        """Read the header, the sidebar and one step's rows in a thread, then show them."""
        wanted = step or self.current_step
        db = self.studyplan.db
        try:
            if initial:
                snapshot = await asyncio.wrap_future(self.studyplan.first_read)
            else:
                snapshot = await asyncio.to_thread(read_snapshot, db, wanted, select_id)
        except Exception as exc:
            self.studyplan.show_error(exc)
            return
        self._apply(snapshot, initial)

    def _apply(self, snapshot: Snapshot, initial: bool) -> None:
        self.token = snapshot.token
        self.timer = snapshot.timer
        self.current_step = snapshot.step
        self._show_timer(snapshot.stats)
        self.query_one(StepList).set_steps(snapshot.stats.steps, snapshot.step)
        self.table.set_rows(snapshot.rows, snapshot.select_id)
        self.table.border_title = self._step_title(snapshot)
        if initial:
            self.studyplan.first_data_shown()
            self.call_after_refresh(self.load_links)
        self.loaded.set()

    def _show_timer(self, stats: Stats | None) -> None:
        """Show the header; tick the running timer's elapsed time every second."""
        timer = self.timer
        started: float | None = None
        if timer is not None and timer.running and timer.resource_id:
            started = self._timer_start(timer)
        header = self.query_one(HeaderBar)
        header.show(stats, timer, started)
        if started is not None and self._tick is None:
            self._tick = self.set_interval(1.0, header.tick, name="timer-tick")
        elif started is None and self._tick is not None:
            self._tick.stop()
            self._tick = None

    def _timer_start(self, timer: TimerState) -> float:
        """When the running timer started (epoch seconds).

        Uses ``TimerState.started_at`` when the service provides it; otherwise the moment
        this screen first saw the timer running.
        """
        started_at = getattr(timer, "started_at", None)
        if started_at is not None:
            if started_at.tzinfo is None:  # stored times are UTC
                started_at = started_at.replace(tzinfo=UTC)
            return float(started_at.timestamp())
        seen = self._timer_started
        if seen is None or seen[0] != timer.resource_id:
            seen = (timer.resource_id or "", time.time())
            self._timer_started = seen
        return seen[1]

    @staticmethod
    def _step_title(snapshot: Snapshot) -> str:
        for step in snapshot.stats.steps:
            if step_key(step) == snapshot.step:
                return f"Step {step.number}: {step.title}"
        return "Resources"

    async def poll(self) -> None:
        """Reload when another process changed the database (cheap check first)."""
        self._poll()

    @work(exclusive=True, group="poll")
    async def _poll(self) -> None:
        try:
            token = await asyncio.to_thread(change_token, self.studyplan.db)
        except Exception:
            return  # a busy database now is a busy database; the next poll tries again
        if token != self.token:
            self.load()
            self.load_links()

    @on(OptionList.OptionHighlighted, "#steps")
    def _step_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        key = self.query_one(StepList).key_at(event.option_index)
        if key is not None and key != self.current_step:
            self.current_step = key
            self.load(step=key)

    @on(ResourceTable.Highlighted)
    def _resource_highlighted(self, event: ResourceTable.Highlighted) -> None:
        """Describe the new resource after the table's cursor has been painted.

        Coalesced: when keys arrive faster than frames, only the last resource is described.
        """
        if self._pending_detail is None:
            self.call_after_refresh(self._describe_pending)
        self._pending_detail = event

    def _describe_pending(self) -> None:
        event, self._pending_detail = self._pending_detail, None
        if event is None:
            return
        view = event.view
        if view is None or view.id != self.editor.ref:
            self._save_unsaved_note()
        self.detail.link = self.link_states.get(view.id) if view is not None else None
        self.detail.show(view)
        if view is not None:
            self.load_detail(view.id)
        else:
            self.editor.show_note(None, "")

    @work(exclusive=True, group="detail")
    async def load_detail(self, resource_id: str) -> None:
        """Read the note and the time studied of ``resource_id`` and show them."""
        db = self.studyplan.db
        try:
            note = await asyncio.to_thread(get_note, db, resource_id)
            logged = await asyncio.to_thread(seconds_logged, db, resource_id)
        except Exception as exc:
            self.studyplan.show_error(exc)
            return
        timing = self.timer is not None and self.timer.resource_id == resource_id
        self.detail.show_time(resource_id, logged, timing)
        body = note.body if note else ""
        editor = self.editor
        other = editor.ref != resource_id
        changed_elsewhere = body != editor.saved_body and not editor.dirty and not editor.has_focus
        if other or changed_elsewhere:
            editor.show_note(resource_id, body)

    # link health ----------------------------------------------------------------------------

    @work(exclusive=True, group="links-read")
    async def load_links(self) -> None:
        """Read the latest link state of every resource in a thread and show them."""
        try:
            states = await asyncio.to_thread(read_link_states, self.studyplan.db)
        except Exception as exc:
            self.studyplan.show_error(exc)
            return
        self.link_states = states
        self.table.set_links({rid: state.status for rid, state in states.items()})
        view = self.table.current
        self.detail.show_link(states.get(view.id) if view is not None else None)

    def action_check_links(self) -> None:
        """Check the links of the selected step (a whole other curriculum if it is not main)."""
        step = self.current_step
        if step is not None and step[0] == PRIMARY_ID:
            self.check_links(step[1], f"step {step[1]}")
        else:
            self.check_links(None, "the whole catalog")

    def action_check_all_links(self) -> None:
        """Check the links of the whole catalog."""
        self.check_links(None, "the whole catalog")

    def check_links(self, step: int | None, what: str) -> None:
        """Start a link check unless one is running."""
        if self.checking_links:
            self.notify("A link check is already running", severity="warning", timeout=2)
            return
        self.checking_links = True
        self._check_links(step, what)

    @work(group="links-check")
    async def _check_links(self, step: int | None, what: str) -> None:
        """Run the checker on the app's event loop (it is async), with a progress line."""
        from studyplan.links.policy import CheckOptions
        from studyplan.links.report import summary_line
        from studyplan.links.service import check_resources
        from studyplan.tui.widgets.link_progress import LinkProgress

        app = self.studyplan
        progress = LinkProgress(what)
        await self.mount(progress, after="#body")
        try:
            run = await check_resources(
                app.db,
                app.link_options or CheckOptions(),
                lambda _result, done, total: progress.advance(done, total),
                step,
            )
        except Exception as exc:
            app.show_error(exc)
            return
        finally:
            self.checking_links = False
            await progress.remove()
        failed = bool(run.failed)
        self.notify(
            summary_line(run.results, run.reused),
            title=f"Links of {what}",
            severity="warning" if failed else "information",
            timeout=6 if failed else 4,
        )
        self.load_links()

    # notes ----------------------------------------------------------------------------------

    def _save_unsaved_note(self) -> None:
        pending = self.editor.take_unsaved()
        if pending is not None:
            self._submit_note(*pending)

    @on(NoteEditor.Save)
    def _note_save(self, event: NoteEditor.Save) -> None:
        self._submit_note(event.ref, event.body)

    def _submit_note(self, ref: str, body: str) -> None:
        db = self.studyplan.db
        self.studyplan.writes.submit(
            lambda: save_note(db, ref, body),
            failed=lambda _exc: self.editor.mark_unsaved(ref),
        )

    def save_note_now(self) -> None:
        """Save unsaved note text synchronously (on quit); raises what the service raises."""
        pending = self.editor.take_unsaved()
        if pending is not None:
            try:
                save_note(self.studyplan.db, *pending)
            except Exception:
                self.editor.mark_unsaved(pending[0])
                raise

    @on(NoteEditor.Leave)
    def _note_left(self) -> None:
        self.table.focus()

    # actions --------------------------------------------------------------------------------

    def _change(self, status: str, reason: str = "", view: ResourceView | None = None) -> None:
        view = view or self.selected()
        if view is None:
            return
        db = self.studyplan.db
        self.table.update_row(replace(view, status=status, skip_reason=reason))
        self.studyplan.writes.submit(
            lambda: set_status(db, view.id, status, reason), self._status_changed
        )

    def _status_changed(self, change: StatusChange) -> None:
        word = STATUS_WORD.get(change.after, change.after)
        message = f"{word}: {change.resource.title}" if change.changed else f"already {word}"
        self.notify(message, timeout=2)
        self.load()

    def action_done(self) -> None:
        """Mark the selected resource done."""
        self._change("done")

    def action_learning(self) -> None:
        """Mark the selected resource in progress."""
        self._change("in_progress")

    def action_reset(self) -> None:
        """Set the selected resource back to todo."""
        self._change("todo")

    def action_cycle(self) -> None:
        """Cycle todo → in progress → done → todo."""
        view = self.selected()
        if view is None:
            return
        db = self.studyplan.db
        self.table.update_row(replace(view, status=CYCLE[view.status]))
        self.studyplan.writes.submit(lambda: cycle_status(db, view.id), self._status_changed)

    def action_skip(self) -> None:
        """Ask for an optional reason, then skip the selected resource."""
        view = self.selected()
        if view is None:
            return

        def answered(reason: str | None) -> None:
            if reason is not None:
                self._change("skipped", reason, view)

        from studyplan.tui.modals.skip_modal import SkipModal

        self.app.push_screen(SkipModal(view.title), answered)

    def action_open_url(self) -> None:
        """Open the URL in the browser; for a dead address, ask which copy to open."""
        view = self.selected()
        if view is None:
            return
        state = self.link_states.get(view.id)
        if state is None or not state.failed:
            self.open_url(view.url)
            return
        from studyplan.tui.modals.open_modal import Choice, OpenModal

        choices = [
            Choice("the original address (dead)", view.url),
            Choice("the archived copy (2016)", state.archive_url),
        ]
        choices += [
            Choice(alt.get("title") or "an alternative", alt["url"])
            for alt in view.alternatives
            if alt.get("url")
        ]

        def chosen(url: str | None) -> None:
            if url:
                self.open_url(url)

        self.app.push_screen(OpenModal(view.title, choices), chosen)

    def open_url(self, url: str) -> None:
        """Open ``url`` in the browser (in a thread: some openers block)."""
        opener = self.studyplan.opener
        self.run_worker(lambda: opener(url), thread=True, group="open")
        self.notify(f"Opening {url}", timeout=2)

    def action_edit_note(self) -> None:
        """Edit the note in place."""
        if self.selected() is not None:
            self.editor.focus()

    async def action_external_edit(self) -> None:
        """Edit the note in the learner's editor; the interface suspends meanwhile."""
        view = self.selected()
        if view is None:
            return
        app = self.studyplan
        self._save_unsaved_note()
        await app.writes.drain()
        try:
            note = get_note(app.db, view.id)
            before = note.body if note else ""
            after = app.edit_externally(before, view.id)
            if after != before:
                save_note(app.db, view.id, after)
                self.notify("Note saved", timeout=2)
        except Exception as exc:
            app.show_error(exc)
            return
        self.editor.show_note(None, "")
        self.load_detail(view.id)

    def action_search(self) -> None:
        """Search and jump to the chosen resource."""

        def chosen(view: ResourceView | None) -> None:
            if view is not None:
                self.load(step=(view.curriculum, view.step), select_id=view.id)
                self.table.focus()

        from studyplan.tui.modals.search_modal import SearchModal

        self.app.push_screen(SearchModal(self.studyplan.db), chosen)

    def action_timer(self) -> None:
        """Start or stop the study timer on the selected resource."""
        view = self.selected()
        if view is None:
            return
        db = self.studyplan.db

        def toggled(state: TimerState) -> None:
            if state.running:
                self.notify(f"Timer started: {view.title}", timeout=2)
            else:
                self.notify(
                    f"Timer stopped: {seconds_text(state.seconds_logged)} studied", timeout=2
                )
            self.load()

        self.studyplan.writes.submit(lambda: toggle_timer(db, view.id), toggled)
