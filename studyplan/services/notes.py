"""Notes in Markdown on resources and steps; every save keeps the previous version."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from studyplan.catalog.vocabulary import PRIMARY_ID
from studyplan.db.database import Database
from studyplan.db.models import Note, NoteVersion, Resource, Step, utcnow
from studyplan.errors import NotFoundError, UsageError
from studyplan.services.catalog_query import find_view

_STEP_REF = re.compile(r"^(?:(?P<cur>[a-z0-9-]+)/)?(?:step[ -]?)?(?P<n>\d{1,9})$", re.IGNORECASE)


@dataclass(frozen=True)
class NoteView:
    """A note and what it is about."""

    target: str
    """Resource id, or ``step-N`` for a step note."""
    title: str
    body: str
    created_at: datetime
    updated_at: datetime
    versions: int = 0
    """How many earlier versions are kept."""
    merged: bool = False
    """The save found the note changed elsewhere meanwhile and kept both texts."""


@dataclass(frozen=True)
class _Target:
    resource_id: str | None
    step_id: int | None
    label: str
    title: str


def _target(session: Session, ref: str) -> _Target:
    """A note's target: ``N`` or ``step-N`` names a step, anything else a resource."""
    match = _STEP_REF.match(ref.strip())
    if match:
        number, curriculum = int(match["n"]), (match["cur"] or PRIMARY_ID).lower()
        step = session.execute(
            select(Step).where(col(Step.curriculum_id) == curriculum, col(Step.number) == number)
        ).scalar_one_or_none()
        prefix = "" if curriculum == PRIMARY_ID else f"{curriculum}/"
        if step is None or step.id is None:
            raise NotFoundError(f"no step {prefix}{number}; 'studyplan steps' lists them")
        return _Target(None, step.id, f"{prefix}step-{number}", f"Step {number}: {step.title}")
    view = find_view(session, ref, include_retired=True)
    return _Target(view.id, None, view.id, view.title)


def _find(session: Session, target: _Target) -> Note | None:
    if target.resource_id is not None:
        query = select(Note).where(col(Note.resource_id) == target.resource_id)
    else:
        query = select(Note).where(col(Note.step_id) == target.step_id)
    return session.execute(query).scalar_one_or_none()


def get_note(db: Database, ref: str) -> NoteView | None:
    """The note on ``ref`` (a resource or a step), or None if there is none yet."""
    with db.read() as session:
        target = _target(session, ref)
        note = _find(session, target)
        return _view(session, target, note) if note else None


def save_note(
    db: Database, ref: str, body: str, append: bool = False, base: str | None = None
) -> NoteView:
    """Save ``body`` as the note on ``ref`` (or append it), keeping the previous version.

    ``base`` is the text the writer started from (the interface passes what it loaded). If
    the stored note is no longer ``base`` (the command line appended meanwhile), both texts
    are kept (:func:`merge_notes`) and the view says ``merged``.
    """

    if append and not body.strip():
        raise UsageError("nothing to append: give the text to add")

    def work(session: Session) -> NoteView:
        target = _target(session, ref)
        now = utcnow()
        note = _find(session, target)
        stored = note.body if note is not None else ""
        merged = False
        if append:
            new_body = f"{stored.rstrip()}\n\n{body}".strip() + "\n" if stored else body
        elif base is not None and stored != base:
            new_body = merge_notes(base, stored, body)
            merged = new_body != body
        else:
            new_body = body
        if note is None and not new_body:
            raise UsageError("the note is empty and there is no note yet: nothing to save")
        if note is None:
            note = Note(
                resource_id=target.resource_id, step_id=target.step_id, body="", created_at=now
            )
        elif new_body == note.body:
            return _view(session, target, note, merged=merged)
        elif note.id is not None:
            session.add(NoteVersion(note_id=note.id, body=note.body, saved_at=note.updated_at))
        note.body = new_body
        note.updated_at = now
        session.add(note)
        session.flush()
        return _view(session, target, note, merged=merged)

    return db.write(work)


MERGE_HEADING = "Saved elsewhere while this note was being edited:"
"""The line above text another studyplan saved meanwhile, when both are kept."""


def merge_notes(base: str, stored: str, mine: str) -> str:
    """Keep ``mine`` and what was saved meanwhile (``stored``, which differs from ``base``).

    Text appended elsewhere (``stored`` starts with ``base``) is appended to ``mine``;
    anything else saved elsewhere follows ``mine`` under :data:`MERGE_HEADING`. Nothing
    either writer typed is dropped.
    """
    if stored in (base, mine) or not stored.strip():
        return mine
    head = base.rstrip()
    if head and stored.startswith(head):
        extra = stored[len(head) :].strip("\n")
        if not extra.strip() or extra.strip() in mine:
            return mine
        return f"{mine.rstrip()}\n\n{extra}\n" if mine.strip() else stored
    if not mine.strip():
        return stored
    return f"{mine.rstrip()}\n\n---\n{MERGE_HEADING}\n\n{stored.strip()}\n"


def note_history(db: Database, ref: str) -> list[tuple[datetime, str]]:
    """Earlier versions of the note on ``ref``, newest first, as (saved at, body)."""
    with db.read() as session:
        note = _find(session, _target(session, ref))
        if note is None:
            return []
        query = (
            select(col(NoteVersion.saved_at), col(NoteVersion.body))
            .where(col(NoteVersion.note_id) == note.id)
            .order_by(col(NoteVersion.id).desc())
        )
        return [(r[0], r[1]) for r in session.execute(query)]


def list_notes(db: Database) -> list[NoteView]:
    """Every non-empty note, step notes and resource notes, most recently edited first."""
    with db.read() as session:
        query: Any = (
            sa_select(
                Note,
                col(Resource.title),
                col(Step.number),
                col(Step.title),
                col(Step.curriculum_id),
            )
            .outerjoin(Resource, col(Resource.id) == col(Note.resource_id))
            .outerjoin(Step, col(Step.id) == col(Note.step_id))
            .where(col(Note.body) != "")
            .order_by(col(Note.updated_at).desc())
        )
        views = []
        for note, resource_title, step_number, step_title, curriculum in session.execute(query):
            if note.resource_id:
                target = _Target(note.resource_id, None, note.resource_id, resource_title)
            else:
                prefix = "" if curriculum == PRIMARY_ID else f"{curriculum}/"
                target = _Target(
                    None,
                    note.step_id,
                    f"{prefix}step-{step_number}",
                    f"Step {step_number}: {step_title}",
                )
            views.append(_view(session, target, note, count=False))
        return views


def _view(
    session: Session, target: _Target, note: Note, count: bool = True, merged: bool = False
) -> NoteView:
    versions = 0
    if count and note.id is not None:
        versions = session.execute(
            select(func.count()).select_from(NoteVersion).where(col(NoteVersion.note_id) == note.id)
        ).scalar_one()
    return NoteView(
        target.label, target.title, note.body, note.created_at, note.updated_at, versions, merged
    )
