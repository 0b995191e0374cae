"""What to study now, and why."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func

from studyplan.db.database import Database
from studyplan.services.views import ResourceView, resource_table, to_view, view_select


@dataclass(frozen=True)
class Suggestion:
    """A resource to study now and the reason it was chosen."""

    resource: ResourceView
    reason: str


def next_up(db: Database) -> Suggestion | None:
    """In-progress work first (earliest started), then the first todo in step order."""
    table = resource_table()
    c = table.c
    started = (
        view_select(table)
        .where(c.status == "in_progress")
        .order_by(None)
        .order_by(c.started_at, c.curriculum_position, c.step, c.rank)
        .limit(1)
    )
    with db.read() as session:
        row = session.execute(started).first()
        if row is not None:
            view = to_view(row)
            return Suggestion(view, f"you started it and have not finished it ({_ago(view)})")
        todo = view_select(table).where(func.coalesce(c.status, "todo") == "todo").limit(1)
        row = session.execute(todo).first()
    if row is None:
        return None
    view = to_view(row)
    reason = (
        f"it is the first unfinished resource of step {view.step} ({view.step_title})"
        if view.position > 1 or view.step > 1
        else "it is where the curriculum begins"
    )
    return Suggestion(view, reason)


def _ago(view: ResourceView) -> str:
    if view.started_at is None:
        return "started earlier"
    return f"started {view.started_at:%Y-%m-%d}"
