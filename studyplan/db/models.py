"""SQLModel table models. The schema itself changes only through Alembic revisions.

Lists (authors, tags, alternatives, redirect chains) are stored as JSON text so the same
schema works on SQLite and on other SQLAlchemy databases.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Column, ForeignKey, Index, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from studyplan.db import learner_scope
from studyplan.db.learner_scope import learner_default
from studyplan.db.plain_sqlite import dump_json as dump_json  # its home: no SQLAlchemy there

DEFERRED = {"defer_build": True}
"""Build validation schemas on first use, not at import: table models are rarely validated."""

STATUSES = ("todo", "in_progress", "done", "skipped")


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC (how every time is stored and returned)."""
    return datetime.now(UTC)


def learner_column(primary_key: bool = False) -> Any:
    """The ``learner`` column of a row that belongs to a learner (filled in by the database
    handle: see :mod:`studyplan.db.learner_scope`)."""
    return Field(
        sa_column=Column(
            String(63),
            ForeignKey("learner.name", ondelete="CASCADE"),
            primary_key=primary_key,
            nullable=False,
            index=not primary_key,
            default=learner_default,
        ),
        default=None,
    )


class Learner(SQLModel, table=True):
    """A person working through the catalog: the owner of progress, notes, sessions …"""

    model_config = DEFERRED  # type: ignore[assignment]

    name: str = Field(primary_key=True, max_length=63)
    role_name: str | None = Field(default=None, max_length=63, unique=True)
    """On PostgreSQL, the login role of a group member (None for a single user)."""
    share_notes: bool = False
    """Whether the group may read this learner's notes."""
    created_at: datetime = Field(default_factory=utcnow)
    removed_at: datetime | None = None
    """When ``group remove`` took the learner out (their history stays)."""


class Curriculum(SQLModel, table=True):
    """A loaded catalog: the main one from settings, or one added by ``catalog import``."""

    model_config = DEFERRED  # type: ignore[assignment]

    id: str = Field(primary_key=True, max_length=120)
    title: str
    author: str = ""
    url: str = ""
    published: str = ""
    source_file: str = ""
    catalog_sha: str = ""
    is_primary: bool = False
    position: int = 0
    synced_at: datetime = Field(default_factory=utcnow)


class Step(SQLModel, table=True):
    """One step of a curriculum."""

    model_config = DEFERRED  # type: ignore[assignment]

    __table_args__ = (UniqueConstraint("curriculum_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    curriculum_id: str = Field(foreign_key="curriculum.id", index=True)
    number: int
    title: str
    summary: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    retired_at: datetime | None = None


class Resource(SQLModel, table=True):
    """A resource of a step: video, slides, chapter, notes, post, code …"""

    model_config = DEFERRED  # type: ignore[assignment]

    __table_args__ = (Index("ix_resource_step_position", "step_id", "position"),)

    id: str = Field(primary_key=True, max_length=120)
    step_id: int = Field(foreign_key="step.id")
    position: int = 0
    title: str
    authors: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]"))
    kind: str
    url: str = Field(sa_column=Column(Text, nullable=False))
    minutes: int = 0
    provenance: str = "curated"
    provenance_reason: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    advice: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    tags: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]"))
    alternatives: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]"))
    origin: str = "catalog"
    retired_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Progress(SQLModel, table=True):
    """Where the learner stands on one resource. Sync never writes here."""

    model_config = DEFERRED  # type: ignore[assignment]

    learner: str = learner_column(primary_key=True)
    resource_id: str = Field(foreign_key="resource.id", primary_key=True)
    status: str = "todo"
    started_at: datetime | None = None
    finished_at: datetime | None = None
    skip_reason: str = ""
    updated_at: datetime = Field(default_factory=utcnow)


class Note(SQLModel, table=True):
    """The learner's Markdown note on a resource or on a step (exactly one of the two)."""

    model_config = DEFERRED  # type: ignore[assignment]

    __table_args__ = (
        UniqueConstraint("learner", "resource_id", name="uq_note_learner_resource"),
        UniqueConstraint("learner", "step_id", name="uq_note_learner_step"),
    )

    id: int | None = Field(default=None, primary_key=True)
    learner: str = learner_column()
    resource_id: str | None = Field(default=None, foreign_key="resource.id", index=True)
    step_id: int | None = Field(default=None, foreign_key="step.id", index=True)
    body: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class NoteVersion(SQLModel, table=True):
    """A note's body as it was before a save replaced it."""

    model_config = DEFERRED  # type: ignore[assignment]

    __tablename__ = "note_version"

    id: int | None = Field(default=None, primary_key=True)
    learner: str = learner_column()
    note_id: int = Field(foreign_key="note.id", index=True)
    body: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    saved_at: datetime = Field(default_factory=utcnow)


class Activity(SQLModel, table=True):
    """A status change, kept for history and charts."""

    model_config = DEFERRED  # type: ignore[assignment]

    id: int | None = Field(default=None, primary_key=True)
    learner: str = learner_column()
    resource_id: str = Field(foreign_key="resource.id", index=True)
    from_status: str
    to_status: str
    reason: str = ""
    at: datetime = Field(default_factory=utcnow, index=True)


class LinkCheck(SQLModel, table=True):
    """One check of one URL by the link checker (history: one row per check)."""

    model_config = DEFERRED  # type: ignore[assignment]

    __tablename__ = "link_check"
    __table_args__ = (Index("ix_link_check_url_checked_at", "url", "checked_at"),)

    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(sa_column=Column(Text, nullable=False))
    checked_at: datetime = Field(default_factory=utcnow)
    status: str
    http_status: int | None = None
    final_url: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    redirects: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]"))
    attempts: int = 0
    elapsed_ms: int = 0
    error: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))


class StudySession(SQLModel, table=True):
    """Time spent on a resource, measured by the study timer (open while ``ended_at`` is None)."""

    model_config = DEFERRED  # type: ignore[assignment]

    __tablename__ = "study_session"

    id: int | None = Field(default=None, primary_key=True)
    learner: str = learner_column()
    resource_id: str = Field(foreign_key="resource.id", index=True)
    started_at: datetime = Field(default_factory=utcnow)
    ended_at: datetime | None = None
    seconds: int = 0


class Preference(SQLModel, table=True):
    """A remembered choice of the learner (the interface's theme, …)."""

    model_config = DEFERRED  # type: ignore[assignment]

    learner: str = learner_column(primary_key=True)
    key: str = Field(primary_key=True, max_length=80)
    value: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))


class Lab(SQLModel, table=True):
    """A practice lab of a step (catalog data: synced from the catalog by id)."""

    model_config = DEFERRED  # type: ignore[assignment]

    __table_args__ = (Index("ix_lab_step_position", "step_id", "position"),)

    id: str = Field(primary_key=True, max_length=120)
    step_id: int = Field(foreign_key="step.id")
    position: int = 0
    title: str
    minutes: int = 0
    follows: str = Field(default="", max_length=120)
    """The id of the resource the lab practises."""
    brief: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    hints: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]"))
    folder: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    """The lab's folder (brief.md, starter.py, solution.py, checks.py), absolute."""
    time_limit: float = 10.0
    memory_mb: int = 1024
    retired_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class LabProgress(SQLModel, table=True):
    """Where the learner stands on one lab. Sync never writes here."""

    model_config = DEFERRED  # type: ignore[assignment]

    __tablename__ = "lab_progress"

    learner: str = learner_column(primary_key=True)
    lab_id: str = Field(foreign_key="lab.id", primary_key=True)
    status: str = "started"
    """``started`` or ``passed`` (a lab without a row is not started)."""
    started_at: datetime = Field(default_factory=utcnow)
    passed_at: datetime | None = None
    hints_shown: int = 0
    solution_seen: bool = False
    updated_at: datetime = Field(default_factory=utcnow)


class LabAttempt(SQLModel, table=True):
    """One check of the learner's file: when, whether it passed, which checks failed."""

    model_config = DEFERRED  # type: ignore[assignment]

    __tablename__ = "lab_attempt"

    id: int | None = Field(default=None, primary_key=True)
    learner: str = learner_column()
    lab_id: str = Field(foreign_key="lab.id", index=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    passed: bool = False
    failing: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]"))
    """The names of the checks that did not pass (JSON list)."""
    duration_ms: int = 0


class Pace(SQLModel, table=True):
    """The learner's chosen pace: a budget of minutes on each chosen day, from a start date."""

    model_config = DEFERRED  # type: ignore[assignment]

    __table_args__ = (UniqueConstraint("learner", name="uq_pace_learner"),)

    id: int | None = Field(default=None, primary_key=True)
    learner: str = learner_column()
    minutes_per_day: int
    """The most a study day holds."""
    hours_per_week: float | None = None
    """What the learner asked for, when they gave hours per week (shown back to them)."""
    days: str = Field(default="mon,tue,wed,thu,fri,sat,sun", max_length=40)
    """The study days, comma-separated three-letter names, Monday first."""
    start: date
    """No session is planned before this day."""
    updated_at: datetime = Field(default_factory=utcnow)


LEARNER_OWNED: tuple[type[SQLModel], ...] = (
    Progress,
    Note,
    NoteVersion,
    Activity,
    StudySession,
    Preference,
    LabProgress,
    LabAttempt,
    Pace,
)
"""The tables whose rows belong to one learner (the rest is the catalog, shared by all)."""

learner_scope.register(LEARNER_OWNED)
