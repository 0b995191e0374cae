"""The progress export's format (schema ``studyplan-progress``, version 1), read and checked.

:func:`read_document` turns the bytes of an export into a :class:`ProgressDocument` whose
records are ready for the database (times in UTC), or raises
:class:`ProgressImportError` with one line naming the file and the first problem: not
JSON (line and column), another schema or version, a field of the wrong type (its path,
e.g. ``progress[3].status``). Nothing here touches the database: the whole file is checked
before anything is written. docs/export-format.md documents every field.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from studyplan.catalog.vocabulary import KINDS, MAX_MINUTES
from studyplan.clock import WEEKDAYS
from studyplan.db.models import STATUSES
from studyplan.errors import ProgressImportError

SCHEMA = "studyplan-progress"
VERSION = 1
"""The format version this studyplan writes and reads (see the version policy in the docs)."""

LAB_STATUSES = ("started", "passed")
FULL_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MAX_INT = 2**53
"""The largest whole number accepted (what every JSON reader holds exactly)."""

_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*[a-z0-9]$|^[a-z0-9]$")
_RESERVED_ID = re.compile(r"(?:step[ -]?)?\d+", re.IGNORECASE)
_CLOCK_TIME = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")

DAMAGED = "; the file is damaged or not a whole export: export it again"
"""Said after a field that is missing."""


def iso(value: datetime | None) -> str | None:
    """A stored time as ISO 8601 in UTC with its offset (a time without one is UTC)."""
    if value is None:
        return None
    value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value.isoformat()


class _Bad(Exception):
    """A value that does not fit its field (the message says why, without the path)."""


def _show(value: Any) -> str:
    """A value as the file has it, short enough for one line."""
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:59] + "…"
        return f"'{shown}'"
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:59] + "…"


Check = Callable[[Any], Any]


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise _Bad(f"{_show(value)} is not text")
    return value  # lone surrogates were looked for in the whole file (_lone_surrogate)


def _name(value: Any) -> str:
    text = _text(value)
    if not text.strip():
        raise _Bad("must not be empty")
    return text


def _id(value: Any) -> str:
    text = _name(value)
    if len(text) > 120:
        raise _Bad(f"{_show(text)} is longer than 120 characters, too long for an id")
    return text


def _int(low: int = 0, high: int = MAX_INT) -> Check:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _Bad(f"{_show(value)} is not a whole number")
        if not low <= value <= high:
            raise _Bad(f"{value} is out of range ({low} to {high})")
        return value

    return check


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _Bad(f"{_show(value)} is not true or false")
    return value


def _time(value: Any) -> datetime:
    """An ISO 8601 moment with an offset, in UTC (as the database returns its times)."""
    if not isinstance(value, str):
        raise _Bad(f"{_show(value)} is not a time (ISO 8601, e.g. 2027-01-04T18:00:00+00:00)")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise _Bad(
            f"{_show(value)} is not a time (ISO 8601, e.g. 2027-01-04T18:00:00+00:00)"
        ) from None
    if moment.tzinfo is None:
        raise _Bad(f"{_show(value)} has no UTC offset; add one, e.g. +00:00")
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise _Bad(f"{_show(value)} is out of range") from None


def _date(value: Any) -> date:
    if not isinstance(value, str):
        raise _Bad(f"{_show(value)} is not a date (YYYY-MM-DD)")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _Bad(f"{_show(value)} is not a date (YYYY-MM-DD)") from None


def _optional(check: Check) -> Check:
    def optional(value: Any) -> Any:
        return None if value is None else check(value)

    return optional


def _choice(options: tuple[str, ...], what: str) -> Check:
    def check(value: Any) -> str:
        if value not in options or not isinstance(value, str):
            raise _Bad(f"{_show(value)} is not {what} ({', '.join(options)})")
        return value

    return check


def _texts(value: Any) -> list[str]:
    if not isinstance(value, list):
        raise _Bad(f"{_show(value)} is not a list of texts")
    try:
        return [_text(item) for item in value]
    except _Bad as bad:
        raise _Bad(f"an item {bad}") from None


def _hours(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _Bad(f"{_show(value)} is not a number")
    if not math.isfinite(value) or not 0 < value <= 7 * 24:
        raise _Bad(f"{value} is not a pace (more than 0 and at most 168 hours a week)")
    return float(value)


def _days(value: Any) -> str:
    names = _texts(value)
    if not names or any(name not in WEEKDAYS for name in names) or len(set(names)) != len(names):
        raise _Bad(f"{_show(value)} is not a list of study days ({', '.join(WEEKDAYS)})")
    return ",".join(d for d in WEEKDAYS if d in names)


def _step_ref(value: Any) -> tuple[str, int] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise _Bad(f'{_show(value)} is not a step ({{"curriculum": …, "number": …}}) or null')
    try:
        return _name(value.get("curriculum")), _int(1)(value.get("number"))
    except _Bad as bad:
        raise _Bad(f"is not a step: {bad}") from None


Field = tuple[str, str, Check]
"""A record's field: its key in the file, its name in the record, and its check."""

CURRICULUM: tuple[Field, ...] = (
    ("id", "id", _id),
    ("title", "title", _text),
    ("catalog_sha", "catalog_sha", _text),
    ("primary", "primary", _bool),
)
STEP: tuple[Field, ...] = (
    ("curriculum", "curriculum", _id),
    ("number", "number", _int(1)),
    ("title", "title", _text),
    ("retired", "retired", _bool),
)
RESOURCE: tuple[Field, ...] = (
    ("id", "id", _id),
    ("curriculum", "curriculum", _id),
    ("step", "step", _int(1)),
    ("position", "position", _int(0)),
    ("title", "title", _text),
    ("authors", "authors", _texts),
    ("kind", "kind", _text),
    ("url", "url", _text),
    ("minutes", "minutes", _int(0, MAX_MINUTES)),
    ("tags", "tags", _texts),
    ("advice", "advice", _text),
    ("origin", "origin", _choice(("catalog", "user"), "an origin")),
    ("retired", "retired", _bool),
    ("added_at", "added_at", _optional(_time)),
)
LAB: tuple[Field, ...] = (
    ("id", "id", _id),
    ("curriculum", "curriculum", _id),
    ("step", "step", _int(1)),
    ("position", "position", _int(0)),
    ("title", "title", _text),
    ("minutes", "minutes", _int(0, MAX_MINUTES)),
    ("follows", "follows", _text),
    ("retired", "retired", _bool),
)
PROGRESS: tuple[Field, ...] = (
    ("resource_id", "resource_id", _id),
    ("status", "status", _choice(STATUSES, "a status")),
    ("started_at", "started_at", _optional(_time)),
    ("finished_at", "finished_at", _optional(_time)),
    ("skip_reason", "skip_reason", _text),
    ("updated_at", "updated_at", _time),
)
LAB_PROGRESS: tuple[Field, ...] = (
    ("lab_id", "lab_id", _id),
    ("status", "status", _choice(LAB_STATUSES, "a lab status")),
    ("started_at", "started_at", _time),
    ("passed_at", "passed_at", _optional(_time)),
    ("hints_shown", "hints_shown", _int(0)),
    ("solution_seen", "solution_seen", _bool),
    ("updated_at", "updated_at", _time),
)
NOTE: tuple[Field, ...] = (
    ("resource_id", "resource_id", _optional(_id)),
    ("step", "step", _step_ref),
    ("body", "body", _text),
    ("created_at", "created_at", _time),
    ("updated_at", "updated_at", _time),
)
NOTE_VERSION: tuple[Field, ...] = (
    ("body", "body", _text),
    ("saved_at", "saved_at", _time),
)
ACTIVITY: tuple[Field, ...] = (
    ("resource_id", "resource_id", _id),
    ("from", "from_status", _choice(STATUSES, "a status")),
    ("to", "to_status", _choice(STATUSES, "a status")),
    ("reason", "reason", _text),
    ("at", "at", _time),
)
TIMER_SESSION: tuple[Field, ...] = (
    ("resource_id", "resource_id", _id),
    ("started_at", "started_at", _time),
    ("ended_at", "ended_at", _optional(_time)),
    ("seconds", "seconds", _int(0)),
)
LAB_ATTEMPT: tuple[Field, ...] = (
    ("lab_id", "lab_id", _id),
    ("at", "at", _time),
    ("passed", "passed", _bool),
    ("failing", "failing", _texts),
    ("duration_ms", "duration_ms", _int(0)),
)
PACE: tuple[Field, ...] = (
    ("minutes_per_day", "minutes_per_day", _int(1, 24 * 60)),
    ("hours_per_week", "hours_per_week", _optional(_hours)),
    ("days", "days", _days),
    ("start", "start", _date),
    ("updated_at", "updated_at", _time),
)
SETTINGS: tuple[Field, ...] = (
    ("week_start", "week_start", _choice(FULL_WEEKDAYS, "a day of the week")),
    ("study_time", "study_time", _text),
    ("streaks", "streaks", _bool),
)


@dataclass(frozen=True)
class NoteRecord:
    """A note from the file: its target (a resource, or a step as curriculum and number)."""

    resource_id: str | None
    step: tuple[str, int] | None
    body: str
    created_at: datetime
    updated_at: datetime
    versions: list[tuple[str, datetime]]
    """Earlier bodies as (body, saved at)."""

    @property
    def target(self) -> str:
        """How messages name the target: the resource id, or ``curriculum/step-N``."""
        if self.resource_id is not None:
            return self.resource_id
        assert self.step is not None
        return f"{self.step[0]}/step-{self.step[1]}"


@dataclass
class ProgressDocument:
    """A checked progress export: every record ready to be compared and written."""

    name: str
    """The file, as the learner named it (for messages)."""
    exported_at: datetime
    studyplan_version: str
    time_zone: str
    settings: dict[str, Any]
    curricula: list[dict[str, Any]] = field(default_factory=list)
    steps: list[dict[str, Any]] = field(default_factory=list)
    resources: list[dict[str, Any]] = field(default_factory=list)
    labs: list[dict[str, Any]] = field(default_factory=list)
    progress: list[dict[str, Any]] = field(default_factory=list)
    lab_progress: list[dict[str, Any]] = field(default_factory=list)
    notes: list[NoteRecord] = field(default_factory=list)
    activity: list[dict[str, Any]] = field(default_factory=list)
    timer_sessions: list[dict[str, Any]] = field(default_factory=list)
    lab_attempts: list[dict[str, Any]] = field(default_factory=list)
    pace: dict[str, Any] | None = None

    @property
    def user_resources(self) -> list[dict[str, Any]]:
        """The resources the learner added (recreated by an import)."""
        return [r for r in self.resources if r["origin"] == "user"]


def read_document(data: bytes, name: str) -> ProgressDocument:
    """Check the bytes of a progress export whole; :class:`ProgressImportError` if anything
    does not fit (one line: the file, where, what)."""
    top = _parse(data, name)
    reader = _Reader(name)
    _check_header(top, name)
    settings = reader.record(reader.key(top, "settings", dict), "settings", SETTINGS)
    if not _CLOCK_TIME.match(settings["study_time"]):
        reader.fail(f"settings.study_time: {_show(settings['study_time'])} is not HH:MM")
    catalog = reader.key(top, "catalog", dict)
    pace = top.get("pace") if "pace" in top else reader.fail(f"'pace' is missing{DAMAGED}")
    return ProgressDocument(
        name=name,
        exported_at=reader.field(top, "", ("exported_at", "exported_at", _time)),
        studyplan_version=reader.field(top, "", ("studyplan_version", "v", _text)),
        time_zone=reader.field(top, "", ("time_zone", "time_zone", _text)),
        settings=settings,
        curricula=reader.records(catalog, "curricula", CURRICULUM, "catalog.", ("id",)),
        steps=reader.records(catalog, "steps", STEP, "catalog.", ("curriculum", "number")),
        resources=_resources(reader, catalog),
        labs=reader.records(catalog, "labs", LAB, "catalog.", ("id",)),
        progress=reader.records(top, "progress", PROGRESS, "", ("resource_id",)),
        lab_progress=reader.records(top, "lab_progress", LAB_PROGRESS, "", ("lab_id",)),
        notes=_notes(reader, top),
        activity=reader.records(top, "activity", ACTIVITY),
        timer_sessions=reader.records(top, "timer_sessions", TIMER_SESSION),
        lab_attempts=reader.records(top, "lab_attempts", LAB_ATTEMPT),
        pace=None if pace is None else reader.record(pace, "pace", PACE),
    )


def _parse(data: bytes, name: str) -> dict[str, Any]:
    if not data.strip():
        raise ProgressImportError(f"{name}: the file is empty; not a studyplan export")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ProgressImportError(
            f"{name}: not a studyplan export (not UTF-8 text: byte 0x{data[exc.start]:02X} at "
            f"position {exc.start + 1})"
        ) from None
    try:
        top = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise ProgressImportError(
            f"{name}: not a studyplan export (line {exc.lineno} column {exc.colno}: {exc.msg})"
        ) from None
    except ValueError as exc:  # NaN or Infinity, which JSON does not have
        raise ProgressImportError(f"{name}: not a studyplan export ({exc})") from None
    except RecursionError:
        raise ProgressImportError(
            f"{name}: not a studyplan export (nested too deeply to be one)"
        ) from None
    if _SURROGATE_ESCAPE.search(text):
        _refuse_lone_surrogates(top, "", name)
    if not isinstance(top, dict):
        kind = "a list" if isinstance(top, list) else f"{_show(top)}"
        raise ProgressImportError(
            f'{name}: not a studyplan progress export (the file holds {kind}, not an object with "schema": "{SCHEMA}")'
        )
    return top


def _refuse_lone_surrogates(value: Any, path: str, name: str) -> None:
    """One line naming the first text holding half a surrogate pair (``"\\ud800"``): it
    is no character, and neither the database nor a terminal could take it."""
    if isinstance(value, str):
        found = _SURROGATE.search(value)
        if found:
            raise ProgressImportError(
                f"{name}: {path}: holds \\u{ord(found.group()):04x}, half a surrogate pair, "
                "which is not text"
            )
    elif isinstance(value, dict):
        for key, item in value.items():
            _refuse_lone_surrogates(key, path, name)
            _refuse_lone_surrogates(item, f"{path}.{key}" if path else str(key), name)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _refuse_lone_surrogates(item, f"{path}[{i}]", name)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _check_header(top: dict[str, Any], name: str) -> None:
    schema = top.get("schema")
    if schema != SCHEMA:
        found = "no schema" if schema is None else f"schema {_show(schema)}"
        raise ProgressImportError(
            f'{name}: not a studyplan progress export ({found}; expected "schema": "{SCHEMA}")'
        )
    version = top.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ProgressImportError(
            f"{name}: export format version {_show(version)} is not one studyplan wrote "
            f"(it reads version {VERSION}); the file is damaged"
        )
    if version != VERSION:
        raise ProgressImportError(
            f"{name}: export format version {version}; this studyplan reads version {VERSION}; "
            "update studyplan"
        )


class _Reader:
    """Checks records against their fields and fails with the file and the record's path."""

    def __init__(self, name: str) -> None:
        self.name = name

    def fail(self, message: str) -> Any:
        raise ProgressImportError(f"{self.name}: {message}")

    def key(self, holder: dict[str, Any], key: str, kind: type, prefix: str = "") -> Any:
        if key not in holder:
            self.fail(f"the field '{prefix}{key}' is missing{DAMAGED}")
        value = holder[key]
        if not isinstance(value, kind):
            what = "a list" if kind is list else "an object"
            self.fail(f"{prefix}{key}: {_show(value)} is not {what}")
        return value

    def field(self, raw: dict[str, Any], where: str, spec: Field) -> Any:
        """One field of ``raw`` (``where`` is its path, '' at the top), checked."""
        return self.record(raw, where, (spec,))[spec[1]]

    def record(self, raw: Any, where: str, fields: Iterable[Field]) -> dict[str, Any]:
        """The record ``raw`` at ``where`` with each field checked (the bulk of the work:
        one loop, no call per field beyond its check)."""
        if not isinstance(raw, dict):
            self.fail(f"{where}: {_show(raw)} is not an object")
        result = {}
        for key, name, check in fields:
            try:
                result[name] = check(raw[key])
            except KeyError:
                missing = f"{where}: '{key}' is missing" if where else f"'{key}' is missing"
                self.fail(missing + DAMAGED)
            except _Bad as bad:
                self.fail(f"{where}.{key}: {bad}" if where else f"{key}: {bad}")
        return result

    def records(
        self,
        holder: dict[str, Any],
        key: str,
        fields: tuple[Field, ...],
        prefix: str = "",
        unique: tuple[str, ...] = (),
    ) -> list[dict[str, Any]]:
        """Every record of list ``key``; ``unique`` names the fields no two records share."""
        raw = self.key(holder, key, list, prefix)
        result = [self.record(item, f"{prefix}{key}[{i}]", fields) for i, item in enumerate(raw)]
        if unique:
            seen: dict[tuple[Any, ...], int] = {}
            for i, row in enumerate(result):
                ident = tuple(row[k] for k in unique)
                if ident in seen:
                    shown = "/".join(str(part) for part in ident)
                    self.fail(
                        f"{prefix}{key}[{i}]: a second record for '{shown}' "
                        f"(the first is {prefix}{key}[{seen[ident]}])"
                    )
                seen[ident] = i
        return result


def _resources(reader: _Reader, catalog: dict[str, Any]) -> list[dict[str, Any]]:
    rows = reader.records(catalog, "resources", RESOURCE, "catalog.", ("id",))
    for i, row in enumerate(rows):
        if row["origin"] == "user":
            problem = _user_resource_problem(row)
            if problem:
                reader.fail(f"catalog.resources[{i}].{problem}")
    return rows


def _user_resource_problem(row: dict[str, Any]) -> str:
    """What keeps a resource the learner added from being recreated ('' if nothing)."""
    from studyplan.catalog.urls import is_valid_url, url_problem

    rid = row["id"]
    if not _SLUG.match(rid) or _RESERVED_ID.fullmatch(rid):
        return f"id: {_show(rid)} is not an id a resource can have (lower-case words and digits joined by '-')"
    if not row["title"].strip():
        return "title: must not be empty"
    if row["kind"] not in KINDS:
        return f"kind: {_show(row['kind'])} is not a kind ({', '.join(KINDS)})"
    if not is_valid_url(row["url"]):
        return f"url: {url_problem(row['url'])}"
    if row["added_at"] is None:
        return "added_at: a resource you added needs the time you added it"
    return ""


def _notes(reader: _Reader, top: dict[str, Any]) -> list[NoteRecord]:
    raw = reader.key(top, "notes", list)
    notes: list[NoteRecord] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(raw):
        where = f"notes[{i}]"
        row = reader.record(item, where, NOTE)
        if (row["resource_id"] is None) == (row["step"] is None):
            reader.fail(f"{where}: give either 'resource_id' or 'step' (the note's target)")
        versions = reader.records(item, "versions", NOTE_VERSION, f"{where}.")
        note = NoteRecord(
            row["resource_id"],
            row["step"],
            row["body"],
            row["created_at"],
            row["updated_at"],
            [(v["body"], v["saved_at"]) for v in versions],
        )
        if note.target in seen:
            reader.fail(
                f"{where}: a second note on '{note.target}' (the first is notes[{seen[note.target]}])"
            )
        seen[note.target] = i
        notes.append(note)
    return notes
