"""Change where the learner stands on a resource; every change is logged as activity."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from studyplan.db.database import Database
from studyplan.db.learner_scope import find_own
from studyplan.db.models import STATUSES, Activity, Progress, utcnow
from studyplan.errors import UsageError
from studyplan.services.catalog_query import find_view
from studyplan.services.views import ResourceView


@dataclass(frozen=True)
class StatusChange:
    """The result of a status change."""

    resource: ResourceView
    before: str
    after: str
    reason_changed: bool = False
    """Skipped again with another reason (the status stays, the reason is replaced)."""

    @property
    def changed(self) -> bool:
        """Whether the status actually changed."""
        return self.before != self.after


def set_status(db: Database, ref: str, status: str, reason: str = "") -> StatusChange:
    """Set the status of the resource ``ref`` in one transaction and log the change."""
    if status not in STATUSES:
        raise UsageError(f"unknown status '{status}'; use one of: {', '.join(STATUSES)}")

    def work(session: Session) -> StatusChange:
        view = find_view(session, ref)
        return apply_status(session, view, status, reason)

    return db.write(work)


def apply_status(
    session: Session, view: ResourceView, status: str, reason: str = ""
) -> StatusChange:
    """Write the status change for ``view`` inside the caller's transaction."""
    now = utcnow()
    row = find_own(session, Progress, resource_id=view.id) or Progress(resource_id=view.id)
    before = row.status
    if before == status and (status != "skipped" or row.skip_reason == reason):
        return StatusChange(view, before, status)
    reason_changed = before == status == "skipped" and row.skip_reason != reason
    row.status = status
    row.updated_at = now
    if status == "todo":
        row.started_at = row.finished_at = None
        row.skip_reason = ""
    elif status == "in_progress":
        row.started_at = row.started_at or now
        row.finished_at = None
        row.skip_reason = ""
    elif status == "done":
        row.started_at = row.started_at or now
        row.finished_at = now
        row.skip_reason = ""
    else:
        row.finished_at = now
        row.skip_reason = reason
    session.add(row)
    session.add(
        Activity(resource_id=view.id, from_status=before, to_status=status, reason=reason, at=now)
    )
    return StatusChange(view, before, status, reason_changed)


CYCLE = {"todo": "in_progress", "in_progress": "done", "done": "todo", "skipped": "todo"}
"""What the interface's cycle key moves each status to."""


def cycle_status(db: Database, ref: str) -> StatusChange:
    """Move ``ref`` one step along todo → in progress → done → todo."""

    def work(session: Session) -> StatusChange:
        view = find_view(session, ref)
        return apply_status(session, view, CYCLE[view.status])

    return db.write(work)
