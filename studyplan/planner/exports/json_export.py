"""The JSON export: everything the learner owns, under schema ``studyplan-progress`` version 1.

The document holds the catalog state it was made against (curricula, steps, resources, labs),
the learner's progress, lab progress, notes with their earlier versions, activity, timer
sessions, lab attempts, pace and the settings that shape a plan. ``studyplan import-progress``
reads it back (:mod:`studyplan.planner.progress_import`); docs/export-format.md documents
each field. Every list is sorted by its records' natural keys and every time is ISO 8601
in UTC, so the same data always gives the same bytes: export, import into an empty
database, export again, and the two files are identical. One query per table.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC
from json.encoder import encode_basestring
from typing import Any

from sqlalchemy import case
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from studyplan import __version__, clock
from studyplan.db.learner_scope import mine
from studyplan.db.models import (
    Activity,
    Curriculum,
    Lab,
    LabAttempt,
    LabProgress,
    Note,
    NoteVersion,
    Pace,
    Progress,
    Resource,
    Step,
    StudySession,
)
from studyplan.planner.exports import ExportContext
from studyplan.planner.progress_document import FULL_WEEKDAYS, SCHEMA, VERSION, iso


def render(ctx: ExportContext) -> str:
    """The whole document as indented JSON text, ending with a newline.

    The same text as ``json.dumps(document, ensure_ascii=False, indent=2)``, written in
    half the time: the standard library's C encoder does not indent, and its Python one
    spends most of its time in generators.
    """
    parts: list[str] = []
    _pretty(document(ctx), 0, parts)
    parts.append("\n")
    return "".join(parts)


def _pretty(value: Any, level: int, out: list[str]) -> None:
    """Append ``value`` as indented JSON to ``out``: two spaces a level, non-ASCII kept,
    exactly as ``json.dumps(value, ensure_ascii=False, indent=2)`` writes it.

    Text, whole numbers, booleans and null inside a mapping or a list are written in the
    loop itself (the bulk of a document): half the work of a call per value.
    """
    append = out.append
    if type(value) is dict:
        if not value:
            append("{}")
            return
        separator, following = "{" + _indent(level + 1), "," + _indent(level + 1)
        for key, item in value.items():
            kind = type(item)
            if kind is str:
                append(f"{separator}{_quote(key)}: {_quote(item)}")
            elif kind is int:
                append(f"{separator}{_quote(key)}: {item:d}")
            elif item is None:
                append(f"{separator}{_quote(key)}: null")
            elif kind is bool:
                append(f"{separator}{_quote(key)}: {'true' if item else 'false'}")
            else:
                append(f"{separator}{_quote(key)}: ")
                _pretty(item, level + 1, out)
            separator = following
        append(_indent(level) + "}")
    elif type(value) is list:
        if not value:
            append("[]")
            return
        separator, following = "[" + _indent(level + 1), "," + _indent(level + 1)
        for item in value:
            if type(item) is str:
                append(separator + _quote(item))
            else:
                append(separator)
                _pretty(item, level + 1, out)
            separator = following
        append(_indent(level) + "]")
    else:
        append(json.dumps(value, ensure_ascii=False))


_INDENTS = ["\n" + "  " * level for level in range(16)]


def _indent(level: int) -> str:
    """A new line and ``level`` indentation steps."""
    return _INDENTS[level] if level < len(_INDENTS) else "\n" + "  " * level


def document(ctx: ExportContext) -> dict[str, Any]:
    """The document as a mapping (what :func:`render` writes)."""
    now = ctx.now if ctx.now.tzinfo else ctx.now.replace(tzinfo=UTC)
    with ctx.db.read() as session:
        body = {
            "catalog": {
                "curricula": _curricula(session),
                "steps": _steps(session),
                "resources": _resources(session),
                "labs": _labs(session),
            },
            "progress": _progress(session),
            "lab_progress": _lab_progress(session),
            "notes": _notes(session),
            "activity": _activity(session),
            "timer_sessions": _timer_sessions(session),
            "lab_attempts": _lab_attempts(session),
            "pace": _pace(session),
        }
    return {
        "schema": SCHEMA,
        "version": VERSION,
        "exported_at": iso(now),
        "studyplan_version": __version__,
        "time_zone": clock.zone_name(ctx.tz),
        "settings": {
            "week_start": FULL_WEEKDAYS[ctx.first_weekday],
            "study_time": ctx.study_time.strftime("%H:%M"),
            "streaks": ctx.streaks,
        },
        **body,
    }


_quote: Any = encode_basestring
"""A string as JSON, non-ASCII kept (the standard library's C function)."""


def _rows(session: Session, query: Any) -> list[Any]:
    """Every row of ``query``, through the connection (the ORM's row handling costs a
    third of the time for 100,000 resources and gives nothing here)."""
    return list(session.connection().execute(query).all())


def _curricula(session: Session) -> list[dict[str, Any]]:
    query = sa_select(
        col(Curriculum.id),
        col(Curriculum.title),
        col(Curriculum.catalog_sha),
        col(Curriculum.is_primary),
    ).order_by(col(Curriculum.id))
    return [
        {"id": r[0], "title": r[1], "catalog_sha": r[2], "primary": bool(r[3])}
        for r in _rows(session, query)
    ]


def _steps(session: Session) -> list[dict[str, Any]]:
    query = sa_select(
        col(Step.curriculum_id),
        col(Step.number),
        col(Step.title),
        col(Step.retired_at).is_not(None),
    ).order_by(col(Step.curriculum_id), col(Step.number))
    return [
        {"curriculum": r[0], "number": r[1], "title": r[2], "retired": bool(r[3])}
        for r in _rows(session, query)
    ]


def _resources(session: Session) -> list[dict[str, Any]]:
    query = (
        sa_select(
            col(Resource.id),
            col(Step.curriculum_id),
            col(Step.number),
            col(Resource.position),
            col(Resource.title),
            col(Resource.authors),
            col(Resource.kind),
            col(Resource.url),
            col(Resource.minutes),
            col(Resource.tags),
            col(Resource.advice),
            col(Resource.origin),
            col(Resource.retired_at).is_not(None),
            # when a catalog resource reached this database says nothing about the learner
            case((col(Resource.origin) == "user", col(Resource.created_at)), else_=None),
        )
        .join(Step, col(Step.id) == col(Resource.step_id))
        .order_by(col(Resource.id))
    )
    return [
        {
            "id": r[0],
            "curriculum": r[1],
            "step": r[2],
            "position": r[3],
            "title": r[4],
            "authors": _list(r[5]),
            "kind": r[6],
            "url": r[7],
            "minutes": r[8],
            "tags": _list(r[9]),
            "advice": r[10],
            "origin": r[11],
            "retired": bool(r[12]),
            "added_at": iso(r[13]),
        }
        for r in _rows(session, query)
    ]


def _labs(session: Session) -> list[dict[str, Any]]:
    query = (
        sa_select(
            col(Lab.id),
            col(Step.curriculum_id),
            col(Step.number),
            col(Lab.position),
            col(Lab.title),
            col(Lab.minutes),
            col(Lab.follows),
            col(Lab.retired_at).is_not(None),
        )
        .join(Step, col(Step.id) == col(Lab.step_id))
        .order_by(col(Lab.id))
    )
    keys = ("id", "curriculum", "step", "position", "title", "minutes", "follows")
    return [
        {**dict(zip(keys, r[:7], strict=True)), "retired": bool(r[7])}
        for r in _rows(session, query)
    ]


def _progress(session: Session) -> list[dict[str, Any]]:
    query = (
        sa_select(
            col(Progress.resource_id),
            col(Progress.status),
            col(Progress.started_at),
            col(Progress.finished_at),
            col(Progress.skip_reason),
            col(Progress.updated_at),
        )
        .where(mine(Progress))
        .order_by(col(Progress.resource_id))
    )
    return [
        {
            "resource_id": r[0],
            "status": r[1],
            "started_at": iso(r[2]),
            "finished_at": iso(r[3]),
            "skip_reason": r[4],
            "updated_at": iso(r[5]),
        }
        for r in _rows(session, query)
    ]


def _lab_progress(session: Session) -> list[dict[str, Any]]:
    query = (
        sa_select(
            col(LabProgress.lab_id),
            col(LabProgress.status),
            col(LabProgress.started_at),
            col(LabProgress.passed_at),
            col(LabProgress.hints_shown),
            col(LabProgress.solution_seen),
            col(LabProgress.updated_at),
        )
        .where(mine(LabProgress))
        .order_by(col(LabProgress.lab_id))
    )
    return [
        {
            "lab_id": r[0],
            "status": r[1],
            "started_at": iso(r[2]),
            "passed_at": iso(r[3]),
            "hints_shown": r[4],
            "solution_seen": bool(r[5]),
            "updated_at": iso(r[6]),
        }
        for r in _rows(session, query)
    ]


def _notes(session: Session) -> list[dict[str, Any]]:
    versions: dict[int, list[dict[str, Any]]] = defaultdict(list)
    version_query = sa_select(
        col(NoteVersion.note_id), col(NoteVersion.body), col(NoteVersion.saved_at)
    ).where(mine(NoteVersion))
    version_query = version_query.order_by(
        col(NoteVersion.note_id), col(NoteVersion.saved_at), col(NoteVersion.body)
    )
    for note_id, body, saved_at in _rows(session, version_query):
        versions[note_id].append({"body": body, "saved_at": iso(saved_at)})
    query = (
        sa_select(
            col(Note.id),
            col(Note.resource_id),
            col(Step.curriculum_id),
            col(Step.number),
            col(Note.body),
            col(Note.created_at),
            col(Note.updated_at),
        )
        .outerjoin(Step, col(Step.id) == col(Note.step_id))
        .where(mine(Note))
    )
    notes = [
        {
            "resource_id": r[1],
            "step": None if r[1] is not None else {"curriculum": r[2], "number": r[3]},
            "body": r[4],
            "created_at": iso(r[5]),
            "updated_at": iso(r[6]),
            "versions": versions.get(r[0], []),
        }
        for r in _rows(session, query)
    ]
    return sorted(notes, key=_note_key)


def _note_key(note: dict[str, Any]) -> tuple[int, str, int]:
    """Resource notes by id, then step notes by curriculum and number."""
    if note["resource_id"] is not None:
        return (0, note["resource_id"], 0)
    return (1, note["step"]["curriculum"], note["step"]["number"])


def _activity(session: Session) -> list[dict[str, Any]]:
    query = (
        sa_select(
            col(Activity.resource_id),
            col(Activity.from_status),
            col(Activity.to_status),
            col(Activity.reason),
            col(Activity.at),
        )
        .where(mine(Activity))
        .order_by(
            col(Activity.at),
            col(Activity.resource_id),
            col(Activity.from_status),
            col(Activity.to_status),
            col(Activity.reason),
        )
    )
    return [
        {"resource_id": r[0], "from": r[1], "to": r[2], "reason": r[3], "at": iso(r[4])}
        for r in _rows(session, query)
    ]


def _timer_sessions(session: Session) -> list[dict[str, Any]]:
    query = (
        sa_select(
            col(StudySession.resource_id),
            col(StudySession.started_at),
            col(StudySession.ended_at),
            col(StudySession.seconds),
        )
        .where(mine(StudySession))
        .order_by(col(StudySession.started_at), col(StudySession.resource_id))
    )
    return [
        {"resource_id": r[0], "started_at": iso(r[1]), "ended_at": iso(r[2]), "seconds": r[3]}
        for r in _rows(session, query)
    ]


def _lab_attempts(session: Session) -> list[dict[str, Any]]:
    query = (
        sa_select(
            col(LabAttempt.lab_id),
            col(LabAttempt.at),
            col(LabAttempt.passed),
            col(LabAttempt.failing),
            col(LabAttempt.duration_ms),
        )
        .where(mine(LabAttempt))
        .order_by(col(LabAttempt.at), col(LabAttempt.lab_id))
    )
    return [
        {
            "lab_id": r[0],
            "at": iso(r[1]),
            "passed": bool(r[2]),
            "failing": _list(r[3]),
            "duration_ms": r[4],
        }
        for r in _rows(session, query)
    ]


def _pace(session: Session) -> dict[str, Any] | None:
    query = (
        sa_select(
            col(Pace.minutes_per_day),
            col(Pace.hours_per_week),
            col(Pace.days),
            col(Pace.start),
            col(Pace.updated_at),
        )
        .where(mine(Pace))
        .order_by(col(Pace.id))
    )
    row = session.execute(query).first()
    if row is None:
        return None
    return {
        "minutes_per_day": row[0],
        "hours_per_week": row[1],
        "days": [d for d in row[2].split(",") if d in clock.WEEKDAYS],
        "start": row[3].isoformat(),
        "updated_at": iso(row[4]),
    }


def _list(text: str) -> list[Any]:
    """A JSON list column (authors, tags, failing checks); [] if it holds anything else.

    The same texts come back often (no tags, the same author), so each is parsed once;
    the lists are only written out, never changed, so records may share one.
    """
    found = _LISTS.get(text)
    if found is None:
        try:
            value = json.loads(text)
        except (TypeError, ValueError):
            value = []
        found = value if isinstance(value, list) else []
        if len(_LISTS) < 10_000:
            _LISTS[text] = found
    return found


_LISTS: dict[str, list[Any]] = {}
