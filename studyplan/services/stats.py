"""Statistics: overall and per step counts and minutes, and recent activity."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import func
from sqlmodel import col, select

from studyplan.db.database import Database
from studyplan.db.models import Activity, utcnow
from studyplan.services.catalog_query import StepSummary, step_summaries
from studyplan.wording import finished_count, percent_finished


@dataclass(frozen=True)
class Stats:
    """What ``studyplan stats`` prints."""

    total: int
    done: int
    in_progress: int
    skipped: int
    todo: int
    minutes_total: int
    minutes_done: int
    minutes_left: int
    finished_last_7_days: int
    steps: list[StepSummary] = field(default_factory=list)
    labs_total: int = 0
    labs_passed: int = 0

    @property
    def items(self) -> int:
        """Resources and labs."""
        return self.total + self.labs_total

    @property
    def finished(self) -> int:
        """Items finished: resources done or skipped, labs passed."""
        return finished_count(self.done, self.skipped) + self.labs_passed

    @property
    def percent(self) -> float:
        """Share of the items finished, 0-100."""
        return percent_finished(self.done + self.labs_passed, self.skipped, self.items)


def compute_stats(db: Database) -> Stats:
    """Overall and per-step progress of the main curriculum and any imported ones."""
    steps = step_summaries(db)
    total = sum(s.total for s in steps)
    done = sum(s.done for s in steps)
    skipped = sum(s.skipped for s in steps)
    in_progress = sum(s.in_progress for s in steps)
    minutes_total = sum(s.minutes_total for s in steps)
    minutes_left = sum(s.minutes_left for s in steps)
    since = utcnow() - timedelta(days=7)
    with db.read() as session:
        recent = session.execute(
            select(func.count(func.distinct(col(Activity.resource_id)))).where(
                col(Activity.to_status) == "done",
                col(Activity.at) >= since,
            )
        ).scalar_one()
    return Stats(
        total=total,
        done=done,
        in_progress=in_progress,
        skipped=skipped,
        todo=total - done - skipped - in_progress,
        minutes_total=minutes_total,
        minutes_done=sum(s.minutes_done for s in steps),
        minutes_left=minutes_left,
        finished_last_7_days=recent,
        steps=steps,
        labs_total=sum(s.labs_total for s in steps),
        labs_passed=sum(s.labs_passed for s in steps),
    )
