"""``studyplan import-progress``: merge a progress export into this database, by id.

The file is checked whole first (:mod:`studyplan.planner.progress_document`), then, in the
same transaction and before anything is written, every resource, lab and step it refers to
must be in this catalog (resources the learner added travel in the file and are recreated).
Then one transaction merges everything, so a failed import changes nothing:

- progress and lab progress: the record with the newer ``updated_at`` wins (a passed lab
  stays passed);
- notes: the same body is left alone; a different one: the newer becomes the note and the
  other is kept as an earlier version, so no text is lost; earlier versions are added
  when not there yet (same body, same time);
- activity, timer sessions, lab attempts: added when not there yet, identified by their
  natural keys, so a second import of the same file adds nothing;
- pace: taken when there is none here or the file's is newer.

Each table is read with one query and written with one statement per kind of change.
A dry run does the same reading and counting and writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import Table, bindparam, insert, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, SQLModel, col

from studyplan.db.database import Database
from studyplan.db.learner_scope import mine
from studyplan.db.models import Lab, Note, Resource, Step, dump_json
from studyplan.errors import ProgressImportError
from studyplan.planner.progress_document import NoteRecord, ProgressDocument

KINDS = (
    ("resources", "your resources"),
    ("progress", "progress"),
    ("lab_progress", "lab progress"),
    ("notes", "notes"),
    ("note_versions", "note versions"),
    ("activity", "activity"),
    ("timer_sessions", "timer sessions"),
    ("lab_attempts", "lab attempts"),
    ("pace", "pace"),
)
"""Every kind of record an import counts, with how the summary names it, in its order."""


@dataclass
class Count:
    """What an import does to one kind of record."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    both_kept: int = 0
    """Notes whose two different texts were both kept (one as an earlier version)."""
    left_out: int = 0
    """Running timers not imported because a timer is running here."""

    def describe(self) -> str:
        """``12 new, 3 updated, 40 unchanged`` (and what was kept or left out)."""
        text = f"{self.new} new, {self.updated} updated, {self.unchanged} unchanged"
        if self.both_kept:
            text += f" ({self.both_kept} with both texts kept)"
        if self.left_out:
            text += f" ({self.left_out} running timer left out: one is running here)"
        return text


@dataclass
class ImportSummary:
    """What an import changed (or, in a dry run, would change), kind by kind."""

    file: str
    dry_run: bool
    counts: dict[str, Count] = field(default_factory=lambda: {k: Count() for k, _ in KINDS})

    @property
    def changed(self) -> bool:
        """Whether anything was (or would be) written."""
        return any(c.new or c.updated for c in self.counts.values())

    def lines(self) -> list[str]:
        """One line per kind: ``progress: 12 new, 3 updated, 40 unchanged``."""
        return [f"{label}: {self.counts[kind].describe()}" for kind, label in KINDS]

    def to_dict(self) -> dict[str, Any]:
        """The summary as ``import-progress --json`` prints it."""
        return {
            "file": self.file,
            "dry_run": self.dry_run,
            "changed": self.changed,
            "counts": {kind: vars(self.counts[kind]) for kind, _ in KINDS},
        }


MAX_EXPORT_BYTES = 256 << 20
"""The largest file ``import-progress`` reads (256 MiB): an export of 100,000 resources with
their progress is about 75 MB; reading anything much larger would only exhaust memory."""


def read_limited(stream: BinaryIO, name: str) -> bytes:
    """Everything in ``stream``, refused in one line past :data:`MAX_EXPORT_BYTES`."""
    data = stream.read(MAX_EXPORT_BYTES + 1)
    if len(data) > MAX_EXPORT_BYTES:
        raise ProgressImportError(
            f"{name}: more than {MAX_EXPORT_BYTES >> 20} MB, far larger than any studyplan "
            "export; give the file written by studyplan export --format json"
        )
    return data


def read_export(path: Path) -> bytes:
    """The bytes of the export at ``path``; one line if it cannot be read."""
    if not str(path).strip() or str(path) == ".":
        raise ProgressImportError("give the export file to read, or - for standard input")
    try:
        if path.is_dir():
            raise ProgressImportError(f"{path} is a folder; give the export file")
        with path.open("rb") as stream:
            return read_limited(stream, str(path))
    except FileNotFoundError:
        raise ProgressImportError(f"{path}: no such file") from None
    except OSError as exc:
        raise ProgressImportError(f"{path}: cannot read ({exc.strerror})") from None


def import_progress(
    db: Database, document: ProgressDocument, dry_run: bool = False
) -> ImportSummary:
    """Merge ``document`` into ``db`` in one transaction (nothing written if ``dry_run``)."""
    if dry_run:
        with db.read() as session:
            return _Merge(session, document, apply=False).run()
    # SERIALIZABLE: history is merged by natural keys no constraint enforces
    return db.write(lambda session: _Merge(session, document, apply=True).run(), serializable=True)


def _table(name: str) -> Table:
    return SQLModel.metadata.tables[name]


class _Merge:
    """One import: checks the references, then each kind of record in turn."""

    def __init__(self, session: Session, document: ProgressDocument, apply: bool) -> None:
        self.session = session
        self.doc = document
        self.apply = apply
        self.summary = ImportSummary(document.name, not apply)
        self.step_ids: dict[tuple[str, int], int] = {}
        """This database's steps: (curriculum, number) -> step row id."""
        self.resource_ids: set[str] = set()
        """This database's resources (catalog and the learner's own)."""

    def run(self) -> ImportSummary:
        self._check_references()
        self._resources()
        self._progress()
        self._lab_progress()
        self._notes()
        self._activity()
        self._timer_sessions()
        self._lab_attempts()
        self._pace()
        return self.summary

    def rows(self, query: Any) -> list[Any]:
        """Every row of ``query``, through the connection (no ORM row handling)."""
        return list(self.session.connection().execute(query).all())

    def insert(self, table: str, rows: list[dict[str, Any]]) -> None:
        """Insert ``rows`` into ``table`` in one statement (not in a dry run)."""
        if self.apply and rows:
            self.session.execute(insert(_table(table)), rows)

    def update(self, table: str, key: str, rows: list[dict[str, Any]]) -> None:
        """Update rows of ``table`` by ``key`` (each row carries it as ``b_key``)."""
        if self.apply and rows:
            target = _table(table)
            statement = update(target).where(target.c[key] == bindparam("b_key"), mine(target))
            self.session.execute(statement, rows, execution_options={"synchronize_session": False})

    # references ------------------------------------------------------------------------

    def _check_references(self) -> None:
        """Everything the file refers to must be here (or travel in it); else one line."""
        doc = self.doc
        steps = self.rows(sa_select(col(Step.curriculum_id), col(Step.number), col(Step.id)))
        self.step_ids = {(c, n): i for c, n, i in steps}
        addresses = dict(self.rows(sa_select(col(Resource.id), col(Resource.url))))
        self.resource_ids = set(addresses)
        self._refuse_other_resources_of_the_same_id(addresses)
        lab_ids = {r[0] for r in self.rows(sa_select(col(Lab.id)))}
        carried = {r["id"] for r in doc.user_resources}
        used = [r["resource_id"] for r in doc.progress]
        used += [n.resource_id for n in doc.notes if n.resource_id is not None]
        used += [a["resource_id"] for a in doc.activity]
        used += [t["resource_id"] for t in doc.timer_sessions]
        missing_resources = _missing(used, self.resource_ids | carried)
        used_labs = [p["lab_id"] for p in doc.lab_progress] + [
            a["lab_id"] for a in doc.lab_attempts
        ]
        missing_labs = _missing(used_labs, lab_ids)
        wanted_steps = [n.step for n in doc.notes if n.step is not None]
        wanted_steps += [
            (r["curriculum"], r["step"])
            for r in doc.user_resources
            if r["id"] not in self.resource_ids
        ]
        missing_steps = _missing(wanted_steps, set(self.step_ids))
        parts = [
            _counted(missing_resources, "resource", str),
            _counted(missing_labs, "lab", str),
            _counted(missing_steps, "step", lambda s: f"{s[0]}/{s[1]}"),
        ]
        parts = [p for p in parts if p]
        if not parts:
            return
        if len(parts) == 1:  # 3 resources this catalog lacks (a, b, c)
            count, _, named = parts[0].partition(" (")
            lacking = f"{count} this catalog lacks ({named}"
        else:  # 3 resources (a, b, c) and 1 lab (x) this catalog lacks
            lacking = f"{' and '.join(parts)} this catalog lacks"
        where = self._where_from(missing_resources, missing_labs, missing_steps)
        raise ProgressImportError(f"{doc.name}: refers to {lacking}; {where}")

    def _refuse_other_resources_of_the_same_id(self, addresses: dict[str, str]) -> None:
        """A resource of your own in the file whose id names another resource here (two
        machines gave the same title to different things) would put its progress on the
        wrong resource: refuse, naming both addresses."""
        for r in self.doc.user_resources:
            here = addresses.get(r["id"])
            if here is not None and here.strip() != r["url"].strip():
                raise ProgressImportError(
                    f"{self.doc.name}: your resource '{r['id']}' ({r['url'].strip()}) is not "
                    f"the '{r['id']}' of this database ({here.strip()}); nothing was imported: "
                    "add one of them again under another title, then export and import again"
                )

    def _where_from(
        self, resources: list[str], labs: list[str], steps: list[tuple[str, int]]
    ) -> str:
        """Which catalogs to load, as far as the file says where the missing things belong."""
        owners = {r["id"]: r["curriculum"] for r in self.doc.resources}
        owners.update({lab["id"]: lab["curriculum"] for lab in self.doc.labs})
        curricula = {owners[i] for i in [*resources, *labs] if i in owners}
        curricula |= {s[0] for s in steps}
        titles = {c["id"]: c["title"] for c in self.doc.curricula}
        named = ", ".join(f"'{titles.get(c, c)}'" for c in sorted(curricula))
        catalog = f" ({named})" if named else ""
        return (
            f"load the catalog they come from first{catalog}: studyplan catalog import "
            "ITS_FILE.yaml (for the main curriculum, set the same 'catalog' setting)"
        )

    # each kind ---------------------------------------------------------------------------

    def _resources(self) -> None:
        count = self.summary.counts["resources"]
        rows = []
        for r in self.doc.user_resources:
            if r["id"] in self.resource_ids:
                count.unchanged += 1
                continue
            count.new += 1
            rows.append(
                {
                    "id": r["id"],
                    "step_id": self.step_ids[(r["curriculum"], r["step"])],
                    "position": r["position"],
                    "title": r["title"],
                    "authors": dump_json(r["authors"]),
                    "kind": r["kind"],
                    "url": r["url"].strip(),
                    "minutes": r["minutes"],
                    "provenance": "curated",
                    "provenance_reason": "added by you",
                    "advice": r["advice"],
                    "tags": dump_json(r["tags"]),
                    "alternatives": "[]",
                    "origin": "user",
                    "retired_at": self.doc.exported_at if r["retired"] else None,
                    "created_at": r["added_at"],
                    "updated_at": r["added_at"],
                }
            )
        self.insert("resource", rows)

    def _newer_wins(self, kind: str, table: str, key: str, fields: Sequence[str]) -> None:
        """Records keyed by ``key``: new ones inserted, a newer ``updated_at`` replaces."""
        records: list[dict[str, Any]] = getattr(self.doc, kind)
        target = _table(table)
        query = sa_select(target.c[key], *[target.c[f] for f in fields]).where(mine(target))
        local = {r[0]: dict(zip(fields, r[1:], strict=True)) for r in self.rows(query)}
        count = self.summary.counts[kind]
        inserts, updates = [], []
        for record in records:
            here = local.get(record[key])
            if here is None:
                inserts.append(record)
                count.new += 1
                continue
            merged = self._merged(kind, here, record)
            if merged["updated_at"] > here["updated_at"] and merged != here:
                updates.append({**merged, "b_key": record[key]})
                count.updated += 1
            else:
                count.unchanged += 1
        self.insert(table, inserts)
        self.update(table, key, updates)

    @staticmethod
    def _merged(kind: str, here: dict[str, Any], record: dict[str, Any]) -> dict[str, Any]:
        """The file's record (without its key), except that a passed lab stays passed."""
        merged = {k: record[k] for k in here}
        if kind == "lab_progress" and here["status"] == "passed" != merged["status"]:
            merged["status"], merged["passed_at"] = "passed", here["passed_at"]
        return merged

    def _progress(self) -> None:
        fields = ("status", "started_at", "finished_at", "skip_reason", "updated_at")
        self._newer_wins("progress", "progress", "resource_id", fields)

    def _lab_progress(self) -> None:
        fields = ("status", "started_at", "passed_at", "hints_shown", "solution_seen", "updated_at")
        self._newer_wins("lab_progress", "lab_progress", "lab_id", fields)

    def _notes(self) -> None:
        _NoteMerge(self).run()

    def _add_missing(
        self, kind: str, table: str, key: Sequence[str], records: Iterable[dict[str, Any]]
    ) -> None:
        """Records identified by ``key`` (their natural key): added when not here yet."""
        target = _table(table)
        query = sa_select(*[target.c[k] for k in key]).where(mine(target))
        seen = {tuple(r) for r in self.rows(query)}
        count = self.summary.counts[kind]
        rows = []
        for record in records:
            ident = tuple(record[k] for k in key)
            if ident in seen:
                count.unchanged += 1
                continue
            seen.add(ident)
            rows.append(record)
            count.new += 1
        self.insert(table, rows)

    def _activity(self) -> None:
        key = ("resource_id", "at", "from_status", "to_status", "reason")
        self._add_missing("activity", "activity", key, self.doc.activity)

    def _lab_attempts(self) -> None:
        records = ({**a, "failing": dump_json(a["failing"])} for a in self.doc.lab_attempts)
        self._add_missing("lab_attempts", "lab_attempt", ("lab_id", "at"), records)

    def _timer_sessions(self) -> None:
        """New sessions are added; one still open here that the file has closed is closed."""
        table = _table("study_session")
        query = sa_select(
            table.c.id, table.c.resource_id, table.c.started_at, table.c.ended_at
        ).where(mine(table))
        local = {(r[1], r[2]): (r[0], r[3]) for r in self.rows(query)}
        running = any(ended is None for _, ended in local.values())
        count = self.summary.counts["timer_sessions"]
        inserts, updates = [], []
        for record in self.doc.timer_sessions:
            here = local.get((record["resource_id"], record["started_at"]))
            if here is not None:
                if here[1] is None and record["ended_at"] is not None:
                    updates.append(
                        {
                            "b_key": here[0],
                            "ended_at": record["ended_at"],
                            "seconds": record["seconds"],
                        }
                    )
                    count.updated += 1
                else:
                    count.unchanged += 1
            elif record["ended_at"] is None and running:
                count.left_out += 1
            else:
                running = running or record["ended_at"] is None
                local[(record["resource_id"], record["started_at"])] = (0, record["ended_at"])
                inserts.append(record)
                count.new += 1
        self.insert("study_session", inserts)
        self.update("study_session", "id", updates)

    def _pace(self) -> None:
        count = self.summary.counts["pace"]
        record = self.doc.pace
        if record is None:
            return
        table = _table("pace")
        query = sa_select(table.c.id, table.c.updated_at).where(mine(table)).order_by(table.c.id)
        here = self.session.execute(query).first()
        if here is None:
            count.new += 1
            self.insert("pace", [record])
        elif record["updated_at"] > here[1]:
            count.updated += 1
            self.update("pace", "id", [{**record, "b_key": here[0]}])
        else:
            count.unchanged += 1


class _NoteMerge:
    """Notes and their versions: nothing either side wrote is lost."""

    def __init__(self, merge: _Merge) -> None:
        self.merge = merge
        self.notes = merge.summary.counts["notes"]
        self.versions = merge.summary.counts["note_versions"]
        self.new_versions: list[tuple[tuple[str, Any], str, datetime]] = []
        """(target, body, saved at) of versions to add, the note named by its target."""

    def _target(self, note: NoteRecord) -> tuple[str, Any]:
        if note.resource_id is not None:
            return ("resource_id", note.resource_id)
        assert note.step is not None
        return ("step_id", self.merge.step_ids[note.step])

    def run(self) -> None:
        m = self.merge
        query = sa_select(
            col(Note.id),
            col(Note.resource_id),
            col(Note.step_id),
            col(Note.body),
            col(Note.created_at),
            col(Note.updated_at),
        ).where(mine(Note))
        local: dict[tuple[str, Any], Any] = {}
        for row in m.rows(query):
            target = ("resource_id", row[1]) if row[1] is not None else ("step_id", row[2])
            local[target] = row
        versions = _table("note_version")
        kept: dict[int, set[tuple[str, datetime]]] = {}
        for note_id, body, saved_at in m.rows(
            sa_select(versions.c.note_id, versions.c.body, versions.c.saved_at).where(
                mine(versions)
            )
        ):
            kept.setdefault(note_id, set()).add((body, saved_at))
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        for note in m.doc.notes:
            target = self._target(note)
            here = local.get(target)
            if here is None:
                inserts.append(self._new_row(target, note))
                self.notes.new += 1
                self._versions(target, note.versions, set())
                continue
            self._merge_into(here, target, note, kept.setdefault(here.id, set()), updates)
        m.insert("note", inserts)
        m.update("note", "id", updates)
        self._write_versions()

    def _merge_into(
        self,
        here: Any,
        target: tuple[str, Any],
        note: NoteRecord,
        have: set[tuple[str, datetime]],
        updates: list[dict[str, Any]],
    ) -> None:
        """The note here and the file's: the newer text is the note, the other a version.

        Both sides end up the same whichever way the import goes: the same text, the
        same versions, the earlier creation time.
        """
        added = self._versions(target, note.versions, have)
        if note.body == here.body:
            self.notes.unchanged += 1
            return
        newer = note.updated_at > here.updated_at
        mine, theirs = (here.body, here.updated_at), (note.body, note.updated_at)
        current, other = (theirs, mine) if newer else (mine, theirs)
        added = self._versions(target, [other], have) or added
        created = min(here.created_at, note.created_at)
        if newer or created != here.created_at:
            updates.append(
                {
                    "b_key": here.id,
                    "body": current[0],
                    "updated_at": current[1],
                    "created_at": created,
                }
            )
        if newer or added or created != here.created_at:
            self.notes.updated += 1
            self.notes.both_kept += 1
        else:
            self.notes.unchanged += 1

    @staticmethod
    def _new_row(target: tuple[str, Any], note: NoteRecord) -> dict[str, Any]:
        return {
            "resource_id": None,
            "step_id": None,
            target[0]: target[1],
            "body": note.body,
            "created_at": note.created_at,
            "updated_at": note.updated_at,
        }

    def _versions(
        self,
        target: tuple[str, Any],
        versions: Iterable[tuple[str, datetime]],
        have: set[tuple[str, datetime]],
    ) -> bool:
        """Queue the versions not kept yet; whether there was any."""
        added = False
        for body, saved_at in versions:
            if (body, saved_at) in have:
                self.versions.unchanged += 1
                continue
            have.add((body, saved_at))
            self.new_versions.append((target, body, saved_at))
            self.versions.new += 1
            added = True
        return added

    def _write_versions(self) -> None:
        m = self.merge
        if not m.apply or not self.new_versions:
            return
        query = sa_select(col(Note.id), col(Note.resource_id), col(Note.step_id)).where(mine(Note))
        ids: dict[tuple[str, Any], int] = {}
        for note_id, resource_id, step_id in m.rows(query):
            ids[
                ("resource_id", resource_id) if resource_id is not None else ("step_id", step_id)
            ] = note_id
        rows = [
            {"note_id": ids[target], "body": body, "saved_at": saved_at}
            for target, body, saved_at in sorted(self.new_versions, key=lambda v: (v[2], v[1]))
        ]
        m.insert("note_version", rows)


def _missing(used: Iterable[Any], known: set[Any]) -> list[Any]:
    return sorted({u for u in used if u not in known})


def _counted(items: list[Any], noun: str, show: Any) -> str:
    """``3 resources (a, b, c)``; at most five named."""
    if not items:
        return ""
    named = ", ".join(show(i) for i in items[:5]) + (", …" if len(items) > 5 else "")
    return f"{len(items)} {noun}{'s' * (len(items) != 1)} ({named})"
