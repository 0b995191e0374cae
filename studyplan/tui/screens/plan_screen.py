"""The plan screen: the pace and the finish date, then the weeks ahead, today's session first.

The plan is built in a thread before the screen is shown (:func:`prepare_plan`, as the lab
screen's :func:`~.lab_screen.prepare_lab`) and again after each change, so the screen never
waits on the database. ``enter`` starts the selected item: a resource goes in progress
through the write queue (the service the main screen's ``l`` uses); a lab opens its screen.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static

from studyplan import clock
from studyplan.planner.service import Plan, build_plan
from studyplan.safe_text import visible
from studyplan.services.progress import StatusChange, set_status
from studyplan.tui.bindings import PLAN_BINDINGS
from studyplan.tui.widgets.plan_list import PlanList, PlannedPart
from studyplan.wording import STATUS_WORD, duration

if TYPE_CHECKING:
    from studyplan.db.database import Database
    from studyplan.tui.context import Calendar, ScreenContext

NO_PACE = (
    "No pace yet. Set one on the command line, e.g.\n"
    "  studyplan plan --hours-per-week 5 --days mon,wed,sat\n"
    "then open the plan again (p)."
)
"""What the screen says before the learner has chosen a pace."""

LAB_WORD = {"not_started": "not started", "started": "started"}


NBSP = "\u00a0"
"""Keeps a field of the summary on one line."""


def prepare_plan(db: Database, calendar: Calendar) -> Plan:
    """The plan from today in the learner's time zone (blocking: call it from a thread)."""
    return build_plan(db, calendar.zone, clock.now())


def summary_text(plan: Plan) -> Text:
    """The line under the title: what is left, the finish date and the next session."""
    if plan.pace is None:
        return Text(NO_PACE)
    if plan.too_long:
        return Text(plan.too_long_text[0].upper() + plan.too_long_text[1:])
    if not plan.days:
        return Text("Nothing left: everything is finished. Well done!")
    assert plan.finish is not None
    weeks = (plan.finish - plan.first).days // 7 + 1
    first = plan.days[0].day
    fields = [
        ("Left", f"{duration(plan.minutes_left)} in {len(plan.items)} items"),
        ("Finish", f"{plan.finish:%a %d %b %Y} ({weeks} week{'s' * (weeks != 1)})"),
        ("Next", "today" if first == plan.today else f"{first:%a %d %b}"),
    ]
    text = Text()
    for n, (name, value) in enumerate(fields):  # a narrow screen wraps between fields only
        text.append(("  " if n else "") + name + NBSP, style="bold")
        text.append(value.replace(" ", NBSP))
    return text


def detail_text(entry: PlannedPart | None) -> Text:
    """The line under the list: the selected item's id, status, address and what enter does."""
    if entry is None:
        return Text("")
    item = entry.part.item
    part = f" · {entry.part.label}" if entry.part.label else ""
    if item.kind == "lab":
        status = LAB_WORD.get(item.status, item.status)
        return Text(f"lab {item.id} · {status} · enter opens it")
    status = STATUS_WORD.get(item.status, item.status)
    action = " · enter marks it in progress" if item.status == "todo" else ""
    return Text(f"{item.id}{part} · {status} · {visible(item.url)}{action}")


class PlanScreen(Screen[None]):
    """Title and pace; what is left and the finish; the weeks; the selected item; keys."""

    CSS_PATH = Path(__file__).with_name("plan_screen.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [*PLAN_BINDINGS]

    def __init__(self, context: ScreenContext, plan: Plan) -> None:
        super().__init__()
        self.context = context
        self.plan = plan
        self.shown = asyncio.Event()
        """Set once the plan is on the terminal."""
        self.shown_at: float | None = None
        """When that was (``time.perf_counter``; benchmarks read it)."""

    def compose(self) -> ComposeResult:
        """Title, summary, the list of weeks, the selected item, the footer."""
        yield Static("", id="plan-title", markup=False)
        yield Static("", id="plan-summary", markup=False)
        yield PlanList(id="plan-list")
        yield Static("", id="plan-detail", markup=False)
        yield Footer(id="plan-keys", compact=True, show_command_palette=False)

    @property
    def weeks(self) -> PlanList:
        """The weeks and their items."""
        return self.query_one(PlanList)

    def on_mount(self) -> None:
        """Show the plan read before the screen was pushed; focus the list."""
        self.weeks.border_title = "Weeks"
        self._show(self.plan, None)
        self.weeks.focus()
        self.call_after_refresh(self._shown)

    def _shown(self) -> None:
        self.shown_at = time.perf_counter()
        self.shown.set()

    def _show(self, plan: Plan, select: str | None) -> None:
        self.plan = plan
        title = Text("Study plan", style="bold")
        if plan.pace is not None:
            title.append(f"  {plan.pace.describe()}")
        self.query_one("#plan-title", Static).update(title)
        self.query_one("#plan-summary", Static).update(summary_text(plan))
        self.weeks.display = bool(plan.days)
        self.refresh_bindings()
        self.weeks.show(plan, self.context.calendar.first_weekday, select)
        self.query_one("#plan-detail", Static).update(detail_text(self.weeks.current))

    @on(OptionList.OptionHighlighted, "#plan-list")
    def _highlighted(self) -> None:
        self.query_one("#plan-detail", Static).update(detail_text(self.weeks.current))

    @work(exclusive=True, group="plan-load", exit_on_error=False)
    async def reload(self, select: str | None = None) -> None:
        """Build the plan again (in a thread) and show it, the cursor on ``select``."""
        try:
            plan = await asyncio.to_thread(prepare_plan, self.context.db, self.context.calendar)
        except Exception as exc:
            self.context.show_error(exc)
            return
        self._show(plan, select)

    # actions --------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Nothing to start without a planned day: hide the key from the footer."""
        return not (action == "start" and not self.plan.days)

    def action_start(self) -> None:
        """Start the selected item: a resource goes in progress, a lab opens."""
        entry = self.weeks.current
        if entry is None:
            self.notify("Nothing to start here", timeout=3, markup=False)
            return
        item = entry.part.item
        if item.kind == "lab":
            self._open_lab(item.id)
            return
        db = self.context.db

        def failed(_exc: BaseException) -> None:
            """The error dialog says why; show what is really stored."""
            if self.is_attached:
                self.reload(item.id)

        self.context.writes.submit(
            lambda: set_status(db, item.id, "in_progress"), self._started, failed=failed
        )

    def _started(self, change: StatusChange) -> None:
        if not self.is_attached:  # the learner went back meanwhile
            return
        word = STATUS_WORD.get(change.after, change.after)
        title = visible(change.resource.title)
        news = f"{word}: {title}" if change.changed else f"already {word}: {title}"
        self.notify(news, timeout=3, markup=False)
        self.reload(change.resource.id)

    @work(exclusive=True, group="plan-lab", exit_on_error=False)
    async def _open_lab(self, lab_id: str) -> None:
        from studyplan.tui.screens.lab_screen import show_lab

        await show_lab(self.app, self.context, lab_id, lambda: self.reload(lab_id))

    def action_back(self) -> None:
        """Back to the steps."""
        self.dismiss(None)


__all__ = ["NO_PACE", "PlanScreen", "detail_text", "prepare_plan", "summary_text"]
