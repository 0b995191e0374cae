"""The statistics screen: the figures, the heatmap of active days, each step's bar, the
hours per week and the burndown.

Everything is read in a thread before the screen is shown (:func:`prepare_stats`): the plan
(for the planned finish), the statistics over time, and the steps' counts. Drawing is all
that happens on the event loop.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from studyplan import clock
from studyplan.planner.items import step_label
from studyplan.planner.service import PaceView, build_plan
from studyplan.planner.statistics import RATE_DAYS, StudyStats, heatmap_grid, study_stats
from studyplan.safe_text import visible
from studyplan.services.catalog_query import StepSummary, step_summaries
from studyplan.tui.bindings import STATS_BINDINGS
from studyplan.tui.format import bar
from studyplan.tui.widgets.heatmap import Heatmap
from studyplan.tui.widgets.study_charts import ACTUAL_MARK, PLANNED_MARK, BurndownChart, WeeklyChart
from studyplan.wording import duration

if TYPE_CHECKING:
    from studyplan.db.database import Database
    from studyplan.tui.context import Calendar, ScreenContext

SET_PACE = "studyplan plan --hours-per-week 5 --days mon,wed,sat"
"""The command that sets a pace (named where a planned figure is missing)."""

BAR_WIDTH = 12


@dataclass(frozen=True)
class StatsData:
    """Everything the screen shows, read before it is shown (in a thread)."""

    stats: StudyStats
    grid: list[list[int | None]]
    """The heatmap's levels (:func:`~studyplan.planner.statistics.heatmap_grid`)."""
    steps: list[StepSummary]
    pace: PaceView | None


def prepare_stats(db: Database, calendar: Calendar) -> StatsData:
    """Read the plan, the statistics and the steps (blocking: call it from a thread)."""
    moment = clock.now()
    plan = build_plan(db, calendar.zone, moment)
    stats = study_stats(
        db, calendar.zone, calendar.first_weekday, plan, moment, with_streaks=calendar.streaks
    )
    return StatsData(stats, heatmap_grid(stats), step_summaries(db), plan.pace)


def figures_text(data: StatsData) -> Text:
    """Three lines: time left, this week, active days and streaks; the pace, actual and
    planned; the finish, planned and at the actual pace."""
    stats = data.stats
    text = Text()

    def field(label: str, value: str, gap: str = "   ") -> None:
        text.append(f"{label} ", style="bold")
        text.append(f"{value}{gap}")

    field("Left", duration(stats.minutes_left))
    field("This week", duration(stats.minutes_this_week))
    field("Active days", f"{stats.active_days} in 12 months", "")
    if stats.streaks is not None:
        days = stats.streaks.current
        text.append("   ")
        field("Streak", f"{days} day{'s' * (days != 1)} (longest {stats.streaks.longest})", "")
    text.append("\n")
    actual = f"{duration(round(stats.minutes_per_week))} a week (last {RATE_DAYS // 7} weeks)"
    planned = f"planned {data.pace.describe()}" if data.pace else f"no plan yet: {SET_PACE}"
    field("Pace", f"{actual}; {planned}", "")
    text.append("\n")
    if stats.minutes_left <= 0:
        field("Finish", "everything is finished. Well done!", "")
        return text
    finish = []
    if stats.planned_finish is not None:
        finish.append(f"planned {stats.planned_finish:%a %d %b %Y} ({PLANNED_MARK})")
    elif stats.planned_too_long:
        finish.append("planned after the year 9999: set a faster pace")
    if stats.actual_finish is not None:
        finish.append(f"at your pace {stats.actual_finish:%a %d %b %Y} ({ACTUAL_MARK})")
    else:
        finish.append(f"at your pace unknown: nothing finished in the last {RATE_DAYS // 7} weeks")
    field("Finish", "; ".join(finish), "")
    return text


def step_bars_text(steps: list[StepSummary]) -> Text:
    """A line per step: its number, a bar of finished items, finished/items, its title."""
    text = Text()
    width = max((len(step_label(s.curriculum, s.number)) for s in steps), default=1)
    for index, step in enumerate(steps):
        fraction = step.finished_count / step.items if step.items else 0.0
        text.append("\n" if index else "")
        text.append(f"{step_label(step.curriculum, step.number):>{width}} ", style="bold")
        text.append(bar(fraction, BAR_WIDTH))
        text.append(f" {step.finished_count:>2}/{step.items:<2} {visible(step.title)}")
    return text


class StatsScreen(Screen[None]):
    """Title; figures; heatmap beside the steps; hours per week beside the burndown; keys."""

    CSS_PATH = Path(__file__).with_name("stats_screen.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [*STATS_BINDINGS]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-normal")]  # noqa: RUF012
    VERTICAL_BREAKPOINTS = [(0, "-short"), (40, "-tall")]  # noqa: RUF012

    def __init__(self, context: ScreenContext, data: StatsData) -> None:
        super().__init__()
        self.context = context
        self.data = data
        self.shown = asyncio.Event()
        """Set once the statistics are on the terminal."""
        self.shown_at: float | None = None
        """When that was (``time.perf_counter``; benchmarks read it)."""

    def compose(self) -> ComposeResult:
        """Title; a scrolling body of figures, heatmap, steps and charts; the footer."""
        yield Static("", id="stats-title", markup=False)
        with VerticalScroll(id="stats-body"):
            yield Static("", id="stats-figures", markup=False)
            with Horizontal(id="stats-top"):
                yield Heatmap("", id="heatmap", markup=False)
                yield Static("", id="step-bars", markup=False)
            with Horizontal(id="stats-charts"):
                yield WeeklyChart(id="weekly")
                yield BurndownChart(id="burndown")
        yield Footer(id="stats-keys", compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        """Draw everything read before the screen was pushed."""
        data, stats = self.data, self.data.stats
        title = Text("Statistics", style="bold")
        title.append(f"  {stats.today:%a %d %b %Y}")
        self.query_one("#stats-title", Static).update(title)
        self.query_one("#stats-figures", Static).update(figures_text(data))
        heatmap = self.query_one(Heatmap)
        heatmap.border_title = "Active days, last 12 months"
        heatmap.show(data.grid, stats.heatmap_start, stats.first_weekday, stats.active_days)
        steps = self.query_one("#step-bars", Static)
        steps.border_title = "Steps: finished/items"
        steps.update(step_bars_text(data.steps))
        weekly = self.query_one(WeeklyChart)
        weekly.border_title = f"Hours per week, last {len(stats.weeks)}"
        weekly.show(stats.weeks)
        burndown = self.query_one(BurndownChart)
        burndown.border_title = "Hours left"
        burndown.border_subtitle = f"{PLANNED_MARK} planned  {ACTUAL_MARK} your pace"
        burndown.show(
            stats.burndown,
            stats.today,
            stats.minutes_left,
            stats.planned_finish,
            stats.actual_finish,
        )
        self.query_one("#stats-body").focus()
        self.call_after_refresh(self._shown)

    def _shown(self) -> None:
        self.shown_at = time.perf_counter()
        self.shown.set()

    def action_back(self) -> None:
        """Back to the steps."""
        self.dismiss(None)


__all__ = ["StatsData", "StatsScreen", "figures_text", "prepare_stats", "step_bars_text"]
