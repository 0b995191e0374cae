"""Notice changes made by another process (the command line) to the same database cheaply."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import col, select

from studyplan.db.database import Database
from studyplan.db.learner_scope import mine
from studyplan.db.models import (
    Activity,
    Curriculum,
    Lab,
    LabAttempt,
    LabProgress,
    LinkCheck,
    Note,
    NoteVersion,
    Progress,
    Resource,
    StudySession,
)


def change_token(db: Database) -> tuple[Any, ...]:
    """A small value that changes whenever progress, notes, timers, labs or the catalog change.

    One read of a few aggregates; compare it with the previous value to decide whether a
    full reload is worth doing. It is not a checksum: equal tokens mean "nothing to reload".
    """
    parts = (
        select(func.max(col(Activity.id))).where(mine(Activity)).scalar_subquery(),
        select(func.max(col(Progress.updated_at))).where(mine(Progress)).scalar_subquery(),
        select(func.count()).select_from(Progress).where(mine(Progress)).scalar_subquery(),
        select(func.max(col(Note.updated_at))).where(mine(Note)).scalar_subquery(),
        select(func.max(col(NoteVersion.id))).where(mine(NoteVersion)).scalar_subquery(),
        select(func.max(col(StudySession.id))).where(mine(StudySession)).scalar_subquery(),
        select(func.count())
        .select_from(StudySession)
        .where(col(StudySession.ended_at).is_(None), mine(StudySession))
        .scalar_subquery(),
        select(func.max(col(Curriculum.synced_at))).scalar_subquery(),
        select(func.max(col(Resource.updated_at))).scalar_subquery(),
        select(func.count()).select_from(Resource).scalar_subquery(),
        select(func.max(col(LinkCheck.id))).scalar_subquery(),
        select(func.max(col(LabAttempt.id))).where(mine(LabAttempt)).scalar_subquery(),
        select(func.max(col(LabProgress.updated_at))).where(mine(LabProgress)).scalar_subquery(),
        select(func.max(col(Lab.updated_at))).scalar_subquery(),
    )
    with db.read() as session:
        row = session.execute(sa_select(*parts)).one()
    return tuple(row)
