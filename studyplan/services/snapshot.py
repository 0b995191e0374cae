"""What the interface's main screen shows, read in one go (in a thread, off the event loop)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from studyplan.db.database import Database
from studyplan.labs.service import LabView, list_labs
from studyplan.services.catalog_query import Filters, StepSummary, list_resources
from studyplan.services.live import change_token
from studyplan.services.next_up import next_up
from studyplan.services.stats import Stats, compute_stats
from studyplan.services.timer import TimerState, timer_state
from studyplan.services.views import ResourceView

StepKey = tuple[str, int]
"""A step as (curriculum, number)."""


def step_key(summary: StepSummary) -> StepKey:
    """The key of ``summary``."""
    return (summary.curriculum, summary.number)


@dataclass(frozen=True)
class Snapshot:
    """The header, the steps sidebar and one step's rows, read together."""

    token: tuple[Any, ...]
    """The change token when this was read (see :func:`studyplan.services.live.change_token`)."""
    stats: Stats
    timer: TimerState | None
    step: StepKey | None
    rows: list[ResourceView]
    select_id: str | None
    labs: list[LabView] = field(default_factory=list)
    """The step's labs, shown below its resources."""

    @property
    def step_title(self) -> str:
        """``Step 3: Backpropagation`` for the step shown, or ``Resources``."""
        for step in self.stats.steps:
            if step_key(step) == self.step:
                return f"Step {step.number}: {step.title}"
        return "Resources"


def read_snapshot(
    db: Database, step: StepKey | None, select_id: str | None, initial: bool = False
) -> Snapshot:
    """Read the header, the sidebar and one step's rows.

    ``initial`` starts where ``studyplan next`` points (its step, its resource selected).
    """
    token = change_token(db)
    stats = compute_stats(db)
    if initial and step is None:
        suggestion = next_up(db)
        if suggestion is not None:
            item = suggestion.lab or suggestion.resource
            assert item is not None
            step = (item.curriculum, item.step)
            select_id = item.id
    known = [step_key(s) for s in stats.steps]
    if step not in known:  # none yet, or the catalog dropped it meanwhile
        step = known[0] if known else None
    rows: list[ResourceView] = []
    labs: list[LabView] = []
    if step is not None:
        rows = list_resources(db, Filters(step=step[1], curriculum=step[0]))
        labs = list_labs(db, step[1], step[0])
    return Snapshot(token, stats, timer_state(db), step, rows, select_id, labs)
