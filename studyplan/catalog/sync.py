"""Bring the database in line with a catalog, by id, never touching progress or notes.

New resources are inserted, changed ones updated, removed ones retired (hidden, history kept).
Resources the learner added (origin ``user``) are never overwritten or retired.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, insert, update
from sqlmodel import Session, SQLModel, col, select

from studyplan.catalog.id_clashes import refuse_clashes, rows_with_curriculum
from studyplan.catalog.lab_sync import sync_labs
from studyplan.catalog.schema import CatalogSpec, ResourceSpec
from studyplan.catalog.vocabulary import PRIMARY_ID
from studyplan.db.models import Curriculum, Step, dump_json, utcnow
from studyplan.db.search_index import BulkIndexing

_SYNCED_FIELDS = (
    "step_id",
    "position",
    "title",
    "authors",
    "kind",
    "url",
    "minutes",
    "provenance",
    "provenance_reason",
    "advice",
    "tags",
    "alternatives",
    "retired_at",
)


@dataclass
class SyncReport:
    """What a sync changed."""

    curriculum: str
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    skipped_user: list[str] = field(default_factory=list)
    labs_added: list[str] = field(default_factory=list)
    labs_updated: list[str] = field(default_factory=list)
    labs_retired: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Whether anything in the database changed."""
        return bool(
            self.added
            or self.updated
            or self.retired
            or self.restored
            or self.labs_added
            or self.labs_updated
            or self.labs_retired
        )


def sync_catalog(
    session: Session,
    catalog: CatalogSpec,
    source_file: Path,
    sha: str,
    curriculum_id: str = PRIMARY_ID,
) -> SyncReport:
    """Sync ``catalog`` into curriculum ``curriculum_id`` inside the caller's transaction."""
    now = utcnow()
    report = SyncReport(curriculum_id)
    _upsert_curriculum(session, catalog, source_file, sha, curriculum_id, now)
    step_ids = _sync_steps(session, catalog, curriculum_id, now)
    existing = _existing_resources(session)
    _check_foreign_ids(catalog, existing, curriculum_id, str(source_file))
    wanted: set[str] = set()
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for step in catalog.steps:
        for position, spec in enumerate(step.resources, start=1):
            wanted.add(spec.id)
            row = _row(spec, step_ids[step.number], position)
            old = existing.get(spec.id)
            if old is None:
                inserts.append(
                    {
                        **row,
                        "id": spec.id,
                        "origin": "catalog",
                        "created_at": now,
                        "updated_at": now,
                    }
                )
                report.added.append(spec.id)
            elif old["origin"] == "user":
                report.skipped_user.append(spec.id)
            elif any(old[k] != row[k] for k in _SYNCED_FIELDS):
                (report.restored if old["retired_at"] else report.updated).append(spec.id)
                updates.append({**row, "b_id": spec.id, "updated_at": now})
    for rid, old in existing.items():
        mine = old["curriculum"] == curriculum_id and old["origin"] == "catalog"
        if mine and rid not in wanted and old["retired_at"] is None:
            kept = {k: old[k] for k in _SYNCED_FIELDS}
            updates.append({**kept, "retired_at": now, "b_id": rid, "updated_at": now})
            report.retired.append(rid)
    table = SQLModel.metadata.tables["resource"]
    with BulkIndexing(session) as index:
        if inserts:
            session.execute(insert(table), inserts)
        if updates:
            stmt = update(table).where(table.c.id == bindparam("b_id"))
            session.execute(stmt, updates, execution_options={"synchronize_session": False})
            index.changed(u["b_id"] for u in updates)
    labs = sync_labs(session, catalog, source_file, step_ids, curriculum_id, now)
    report.labs_added, report.labs_updated, report.labs_retired = labs
    return report


def _row(spec: ResourceSpec, step_id: int, position: int) -> dict[str, Any]:
    return {
        "step_id": step_id,
        "position": position,
        "title": spec.title,
        "authors": dump_json(list(spec.authors)),
        "kind": spec.kind,
        "url": spec.url,
        "minutes": spec.minutes,
        "provenance": spec.provenance.label,
        "provenance_reason": spec.provenance.reason,
        "advice": spec.advice,
        "tags": dump_json(list(spec.tags)),
        "alternatives": dump_json([a.model_dump() for a in spec.alternatives]),
        "retired_at": None,
    }


def _upsert_curriculum(
    session: Session, catalog: CatalogSpec, source_file: Path, sha: str, cid: str, now: Any
) -> None:
    row = session.get(Curriculum, cid)
    if row is None:
        count = len(session.execute(select(col(Curriculum.id))).all())
        row = Curriculum(
            id=cid, title=catalog.source.title, is_primary=cid == PRIMARY_ID, position=count
        )
    row.title = catalog.source.title
    row.author = catalog.source.author
    row.url = catalog.source.url
    row.published = catalog.source.date
    row.source_file = str(source_file)
    row.catalog_sha = sha
    row.synced_at = now
    session.add(row)
    session.flush()


def _sync_steps(session: Session, catalog: CatalogSpec, cid: str, now: Any) -> dict[int, int]:
    query = select(Step).where(col(Step.curriculum_id) == cid)
    rows = {s.number: s for s in session.execute(query).scalars()}
    for spec in catalog.steps:
        step = rows.get(spec.number) or Step(
            curriculum_id=cid, number=spec.number, title=spec.title
        )
        step.title, step.summary, step.retired_at = spec.title, spec.summary, None
        session.add(step)
        rows[spec.number] = step
    wanted = {s.number for s in catalog.steps}
    for number, step in rows.items():
        if number not in wanted and step.retired_at is None:
            step.retired_at = now
            session.add(step)
    session.flush()
    return {number: step.id for number, step in rows.items() if step.id is not None}


def _existing_resources(session: Session) -> dict[str, dict[str, Any]]:
    return rows_with_curriculum(session, "resource", ("origin", *_SYNCED_FIELDS))


def _check_foreign_ids(
    catalog: CatalogSpec, existing: dict[str, dict[str, Any]], cid: str, name: str
) -> None:
    """Refuse ids another curriculum's catalog brought in (``catalog validate`` lists them)."""
    owners = {
        rid: old["curriculum"]
        for rid, old in existing.items()
        if old["curriculum"] != cid and old["origin"] == "catalog"
    }
    ids = (
        (("steps", i, "resources", j, "id"), spec.id)
        for i, step in enumerate(catalog.steps)
        for j, spec in enumerate(step.resources)
    )
    refuse_clashes(name, ids, owners)
