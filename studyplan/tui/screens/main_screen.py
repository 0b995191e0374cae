"""The main screen: steps, resources, details and note; every resource key lives here.

Nothing here waits on the database or the network: reads run in thread workers, writes go
through the write queue, link checks run in a thread (:mod:`..controllers.link_health`),
and notes are saved by :mod:`..controllers.note_keeper`.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import Future
from dataclasses import replace
from pathlib import Path
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import OptionList

from studyplan.catalog.vocabulary import PRIMARY_ID
from studyplan.errors import DatabaseBusyError, StudyplanError
from studyplan.labs.service import LabView
from studyplan.services.live import change_token
from studyplan.services.notes import get_note
from studyplan.services.progress import CYCLE, StatusChange, cycle_status, set_status
from studyplan.services.snapshot import Snapshot, StepKey, read_snapshot
from studyplan.services.timer import TimerState, seconds_logged, toggle_timer
from studyplan.services.views import ResourceView
from studyplan.tui.bindings import MAIN_BINDINGS
from studyplan.tui.context import ScreenContext
from studyplan.tui.controllers.link_health import LinkHealth
from studyplan.tui.controllers.note_keeper import NoteKeeper
from studyplan.tui.widgets.detail_pane import DetailPane
from studyplan.tui.widgets.header_bar import HeaderBar
from studyplan.tui.widgets.keys_footer import KeysFooter
from studyplan.tui.widgets.note_editor import NoteEditor
from studyplan.tui.widgets.resource_table import ResourceTable
from studyplan.tui.widgets.step_list import StepList
from studyplan.wording import STATUS_WORD, seconds_text

POLL_SECONDS = 2.0
"""How often the database is asked whether another process changed something."""

TYPING_ACTIONS = frozenset(
    b.action for b in MAIN_BINDINGS if b.id not in ("focus_next", "focus_previous")
)
"""The resource keys: while the note is being typed, they type text instead (not shown)."""

FOOTER_ROOM = 90
"""From this width the footer also shows the keys of the plan and the statistics (below it,
they would push help and quit out of sight; the help screen and the palette list them)."""

GROUP_FOOTER_ROOM = 100
"""From this width the footer also shows the group's key."""


class MainScreen(Screen[None]):
    """Header, steps sidebar, resource table, detail pane with note, footer."""

    CSS_PATH = Path(__file__).with_name("main_screen.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [*MAIN_BINDINGS]
    HORIZONTAL_BREAKPOINTS = [  # noqa: RUF012 (Textual declares it without ClassVar)
        (0, "-narrow"),
        (64, "-normal"),
        (FOOTER_ROOM, "-roomy"),
        (GROUP_FOOTER_ROOM, "-spacious"),
        (150, "-wide"),
    ]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (20, "-tall")]  # noqa: RUF012

    def __init__(self, context: ScreenContext, first_read: Future[Snapshot] | None = None) -> None:
        super().__init__()
        self.context = context
        self.first_read = first_read
        self.token: tuple[Any, ...] | None = None
        self.current_step: StepKey | None = None
        self.timer: TimerState | None = None
        self.loaded = asyncio.Event()
        self._pending_detail: ResourceTable.Highlighted | None = None
        self._tick: Timer | None = None
        self._last_poll_error = ""
        self._note_wanted: str | None = None
        """The resource whose note n asked for while it was still being read."""
        self.notes = NoteKeeper(self, context)
        self.links = LinkHealth(self, context, self._show_link_states)

    def compose(self) -> ComposeResult:
        """The layout: header, sidebar | (table over details), footer."""
        yield HeaderBar(id="header")
        with Horizontal(id="body"):
            yield StepList(id="steps")
            with Vertical(id="main"):
                yield ResourceTable(id="resources")
                yield DetailPane(id="detail")
        yield KeysFooter(id="keys", compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        """Focus the table, show what `studyplan next` names (read in a thread), and poll."""
        self.table.focus()
        self.load(initial=True)
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

    @property
    def header(self) -> HeaderBar:
        """The header line."""
        return self.query_one(HeaderBar)

    @property
    def checking_links(self) -> bool:
        """Whether a link check is running."""
        return self.links.checking

    @property
    def link_states(self) -> dict[str, Any]:
        """The latest link state of each resource."""
        return self.links.states

    def selected(self) -> ResourceView | None:
        """The resource under the table's cursor; says so when there is none (or a lab)."""
        view = self.table.current
        if view is None and self.table.current_lab is not None:
            self.header.flash("A lab passes by its checks: o or enter opens it")
        elif view is None:
            self.header.flash("No resource selected")
        return view

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While the note is being typed, its keys type text: hide them from the footer."""
        return not (action in TYPING_ACTIONS and isinstance(self.focused, NoteEditor))

    # loading --------------------------------------------------------------------------------

    @work(exclusive=True, group="load", exit_on_error=False)
    async def load(
        self, step: StepKey | None = None, select_id: str | None = None, initial: bool = False
    ) -> None:
        """Read the header, the sidebar and one step's rows in a thread, then show them."""
        wanted = step or self.current_step
        try:
            if initial and self.first_read is not None:
                snapshot = await asyncio.wrap_future(self.first_read)
            else:
                snapshot = await asyncio.to_thread(
                    read_snapshot, self.context.db, wanted, select_id, initial
                )
        except Exception as exc:
            self.context.show_error(exc)
            return
        self._apply(snapshot, initial)

    def _apply(self, snapshot: Snapshot, initial: bool) -> None:
        self.token = snapshot.token
        self.timer = snapshot.timer
        self.current_step = snapshot.step
        self._show_timer(snapshot)
        self.query_one(StepList).set_steps(snapshot.stats.steps, snapshot.step)
        self.table.set_rows(snapshot.rows, snapshot.select_id, snapshot.labs)
        self.table.border_title = snapshot.step_title
        if initial:
            if self.context.on_first_data is not None:
                self.call_after_refresh(self.context.on_first_data)
            self.call_after_refresh(self.links.load)
        self.loaded.set()

    def _show_timer(self, snapshot: Snapshot) -> None:
        """Show the header; tick the running timer's elapsed time every second."""
        timer = self.timer
        started: float | None = None
        if timer is not None and timer.running and timer.started_at is not None:
            started = timer.started_at.timestamp()
        self.header.show(snapshot.stats, timer, started)
        if started is not None and self._tick is None:
            self._tick = self.set_interval(1.0, self.header.tick, name="timer-tick")
        elif started is None and self._tick is not None:
            self._tick.stop()
            self._tick = None

    def poll(self) -> None:
        """Reload when another process changed the database (cheap check first)."""
        self._poll()

    @work(exclusive=True, group="poll", exit_on_error=False)
    async def _poll(self) -> None:
        try:
            token = await asyncio.to_thread(change_token, self.context.db)
        except DatabaseBusyError:
            return  # another studyplan is writing: the next poll asks again
        except Exception as exc:
            message = str(exc)
            if message != self._last_poll_error:  # say it once, not every two seconds
                self._last_poll_error = message
                if not isinstance(exc, StudyplanError):
                    self.log.error(f"poll failed: {exc!r}")
                self.context.show_error(exc)
            return
        self._last_poll_error = ""
        if token != self.token:
            self.load()
            self.links.load()

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
        if isinstance(event.item, LabView):
            self.notes.save_unsaved()
            self.detail.show_lab(event.item)
            self.editor.show_note(None, "")
            return
        view = event.view
        if view is None or view.id != self.editor.ref:
            self.notes.save_unsaved()
        self.detail.link = self.links.states.get(view.id) if view is not None else None
        self.detail.show(view)
        if view is not None:
            self.load_detail(view.id)
        else:
            self.editor.show_note(None, "")

    @work(exclusive=True, group="detail", exit_on_error=False)
    async def load_detail(self, resource_id: str) -> None:
        """Read the note and the time studied of ``resource_id`` and show them."""
        db = self.context.db
        try:
            note = await asyncio.to_thread(get_note, db, resource_id)
            logged = await asyncio.to_thread(seconds_logged, db, resource_id)
        except Exception as exc:
            self.context.show_error(exc)
            return
        timing = self.timer is not None and self.timer.resource_id == resource_id
        self.detail.show_time(resource_id, logged, timing)
        self.notes.show_stored(resource_id, note.body if note else "")
        if self._note_wanted == resource_id and self.editor.ref == resource_id:
            self._note_wanted = None
            self._focus_note()

    def _show_link_states(self, states: dict[str, Any]) -> None:
        self.table.set_links({rid: state.status for rid, state in states.items()})
        view = self.table.current
        self.detail.show_link(states.get(view.id) if view is not None else None)

    def action_previous_step(self) -> None:
        """Show the step before the current one."""
        self._step_by(-1)

    def action_next_step(self) -> None:
        """Show the step after the current one."""
        self._step_by(1)

    def _step_by(self, offset: int) -> None:
        keys = self.query_one(StepList).keys
        if not keys or self.current_step not in keys:
            return
        index = keys.index(self.current_step) + offset
        if 0 <= index < len(keys):
            self.current_step = keys[index]
            self.load(step=keys[index])
        else:
            self.header.flash("No step before this one" if offset < 0 else "This is the last step")

    # link health ----------------------------------------------------------------------------

    def action_check_links(self) -> None:
        """Check the links of the selected step (a whole other curriculum if it is not main)."""
        step = self.current_step
        if step is not None and step[0] == PRIMARY_ID:
            self.links.check(step[1], f"step {step[1]}")
        else:
            self.links.check(None, "the whole catalog")

    def action_check_all_links(self) -> None:
        """Check the links of the whole catalog."""
        self.links.check(None, "the whole catalog")

    # notes ----------------------------------------------------------------------------------

    @on(NoteEditor.Save)
    def _note_save(self, event: NoteEditor.Save) -> None:
        self.notes.submit(event.pending)

    @on(NoteEditor.Leave)
    def _note_left(self) -> None:
        self.table.focus()

    def action_edit_note(self) -> None:
        """Edit the note in place, the cursor after its last word.

        While the selected resource's note is still being read, the editor takes the focus
        when it arrives: before, it would drop what is typed (it has no note to hold it).
        """
        view = self.selected()
        if view is None:
            return
        if self.editor.ref != view.id:
            self._note_wanted = view.id
            return
        self._focus_note()

    def _focus_note(self) -> None:
        if self.editor.external_only:
            self.header.flash("This note holds special characters: e edits it in your editor")
            return
        self.editor.focus()
        self.editor.move_cursor(self.editor.document.end)

    async def action_external_edit(self) -> None:
        """Edit the note in the learner's editor; the interface suspends meanwhile."""
        view = self.selected()
        if view is None:
            return
        try:
            changed = await self.notes.edit_externally(view.id)
        except Exception as exc:
            self.context.show_error(exc)
            return
        if changed:
            self.header.flash("Note saved")
        self.load_detail(view.id)

    # status ---------------------------------------------------------------------------------

    def _change(self, status: str, reason: str = "", view: ResourceView | None = None) -> None:
        view = view or self.selected()
        if view is None:
            return
        db = self.context.db
        self.table.update_row(replace(view, status=status, skip_reason=reason))
        self.context.writes.submit(
            lambda: set_status(db, view.id, status, reason),
            self._status_changed,
            failed=self._status_not_changed,
        )

    def _status_not_changed(self, _exc: BaseException) -> None:
        """The write failed (the error dialog says why): show what is really stored."""
        self.load()

    def _status_changed(self, change: StatusChange) -> None:
        word = STATUS_WORD.get(change.after, change.after)
        news = f"{word}: {change.resource.title}" if change.changed else f"already {word}"
        self.header.flash(news)
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
        db = self.context.db
        self.table.update_row(replace(view, status=CYCLE[view.status]))
        self.context.writes.submit(
            lambda: cycle_status(db, view.id),
            self._status_changed,
            failed=self._status_not_changed,
        )

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

    # elsewhere ------------------------------------------------------------------------------

    def action_open_url(self) -> None:
        """Open the URL in the browser (for a dead address, ask which copy); a lab opens."""
        lab = self.table.current_lab
        if lab is not None:
            self.open_lab(lab)
            return
        view = self.selected()
        if view is None:
            return
        state = self.links.states.get(view.id)
        if state is None or not state.failed:
            self.open_url(view.url)
            return
        from studyplan.tui.modals.open_modal import Choice, OpenModal

        choices = [Choice("the original address (dead)", view.url)]
        if state.archive_url is not None:
            choices.append(Choice("the archived copy (2016)", state.archive_url))
        choices += [
            Choice(alt.get("title") or "an alternative", alt["url"])
            for alt in view.alternatives
            if alt.get("url")
        ]

        def chosen(url: str | None) -> None:
            if url:
                self.open_url(url)

        self.app.push_screen(OpenModal(view.title, choices), chosen)

    @work(exclusive=True, group="open-lab", exit_on_error=False)
    async def open_lab(self, lab: LabView) -> None:
        """Show the lab screen once its files are read; coming back reloads the step."""
        from studyplan.tui.screens.lab_screen import show_lab

        self.notes.save_unsaved()
        await show_lab(self.app, self.context, lab.id, self.load)

    def action_plan(self) -> None:
        """Show the study plan."""
        self.open_plan()

    def action_stats(self) -> None:
        """Show the statistics."""
        self.open_stats()

    def action_group(self) -> None:
        """Show the study group."""
        self.open_group()

    @work(exclusive=True, group="open-plan", exit_on_error=False)
    async def open_plan(self) -> None:
        """Show the study plan once it is built (in a thread); coming back reloads the step."""
        from studyplan.tui.screens.plan_screen import PlanScreen, prepare_plan

        self.notes.save_unsaved()
        try:
            plan = await asyncio.to_thread(prepare_plan, self.context.db, self.context.calendar)
        except Exception as exc:
            self.context.show_error(exc)
            return

        def back(_result: None) -> None:
            self.load()

        self.app.push_screen(PlanScreen(self.context, plan), back)

    @work(exclusive=True, group="open-stats", exit_on_error=False)
    async def open_stats(self) -> None:
        """Show the statistics once they are gathered (in a thread)."""
        from studyplan.tui.screens.stats_screen import StatsScreen, prepare_stats

        self.notes.save_unsaved()
        try:
            data = await asyncio.to_thread(prepare_stats, self.context.db, self.context.calendar)
        except Exception as exc:
            self.context.show_error(exc)
            return
        self.app.push_screen(StatsScreen(self.context, data))

    @work(exclusive=True, group="open-group", exit_on_error=False)
    async def open_group(self) -> None:
        """Show the study group once its status is read (in a thread)."""
        from studyplan.tui.screens.group_screen import GroupScreen, prepare_group

        self.notes.save_unsaved()
        try:
            data = await asyncio.to_thread(prepare_group, self.context.db, self.context.calendar)
        except Exception as exc:
            self.context.show_error(exc)
            return
        self.app.push_screen(GroupScreen(self.context, data))

    def open_url(self, url: str) -> None:
        """Open ``url`` in the browser."""
        self.context.open_url(url)

    def action_search(self) -> None:
        """Search and jump to the chosen resource."""

        def chosen(view: ResourceView | None) -> None:
            if view is not None:
                self.load(step=(view.curriculum, view.step), select_id=view.id)
                self.table.focus()

        from studyplan.tui.modals.search_modal import SearchModal

        self.app.push_screen(SearchModal(self.context.db), chosen)

    def action_timer(self) -> None:
        """Start or stop the study timer on the selected resource."""
        view = self.selected()
        if view is None:
            return
        db = self.context.db

        def toggled(state: TimerState) -> None:
            if state.running:
                self.header.flash(f"Timer started: {view.title}")
            else:
                self.header.flash(f"Timer stopped: {seconds_text(state.seconds_logged)} studied")
            self.load()

        self.context.writes.submit(lambda: toggle_timer(db, view.id), toggled)
