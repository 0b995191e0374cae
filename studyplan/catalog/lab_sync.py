"""Bring the database's labs in line with a catalog, by id (the learner's progress untouched).

New labs are inserted, changed ones updated, removed ones retired (hidden, attempts kept).
A lab's folder is stored as an absolute path, resolved next to the catalog file.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, insert, update
from sqlmodel import Session, SQLModel

from studyplan.catalog.id_clashes import refuse_clashes, rows_with_curriculum
from studyplan.catalog.lab_files import lab_folder
from studyplan.catalog.schema import CatalogSpec, LabSpec
from studyplan.db.models import dump_json

_FIELDS = (
    "step_id",
    "position",
    "title",
    "minutes",
    "follows",
    "brief",
    "hints",
    "folder",
    "time_limit",
    "memory_mb",
    "retired_at",
)


def sync_labs(
    session: Session,
    catalog: CatalogSpec,
    source_file: Path,
    step_ids: dict[int, int],
    curriculum_id: str,
    now: datetime,
) -> tuple[list[str], list[str], list[str]]:
    """Upsert the labs of ``catalog``; retire this curriculum's labs it no longer has.

    Returns the ids added, updated and retired.
    """
    existing = rows_with_curriculum(session, "lab", _FIELDS)
    _refuse_foreign(catalog, existing, curriculum_id, str(source_file))
    added: list[str] = []
    updated: list[str] = []
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    wanted: set[str] = set()
    for step in catalog.steps:
        for position, spec in enumerate(step.labs, start=1):
            wanted.add(spec.id)
            row = _row(spec, step_ids[step.number], position, source_file)
            old = existing.get(spec.id)
            if old is None:
                inserts.append({**row, "id": spec.id, "created_at": now, "updated_at": now})
                added.append(spec.id)
            elif any(old[k] != row[k] for k in _FIELDS):
                updates.append({**row, "b_id": spec.id, "updated_at": now})
                updated.append(spec.id)
    retired = []
    for lab_id, old in existing.items():
        if old["curriculum"] == curriculum_id and lab_id not in wanted and not old["retired_at"]:
            kept = {k: old[k] for k in _FIELDS}
            updates.append({**kept, "retired_at": now, "b_id": lab_id, "updated_at": now})
            retired.append(lab_id)
    table = SQLModel.metadata.tables["lab"]
    if inserts:
        session.execute(insert(table), inserts)
    if updates:
        stmt = update(table).where(table.c.id == bindparam("b_id"))
        session.execute(stmt, updates, execution_options={"synchronize_session": False})
    return added, updated, retired


def _row(spec: LabSpec, step_id: int, position: int, source_file: Path) -> dict[str, Any]:
    return {
        "step_id": step_id,
        "position": position,
        "title": spec.title,
        "minutes": spec.minutes,
        "follows": spec.follows,
        "brief": spec.brief,
        "hints": dump_json(list(spec.hints)),
        "folder": str(lab_folder(source_file, spec.files)),
        "time_limit": float(spec.time_limit),
        "memory_mb": spec.memory_mb,
        "retired_at": None,
    }


def _refuse_foreign(
    catalog: CatalogSpec, existing: dict[str, dict[str, Any]], curriculum_id: str, name: str
) -> None:
    owners = {
        lab_id: old["curriculum"]
        for lab_id, old in existing.items()
        if old["curriculum"] != curriculum_id
    }
    ids = (
        (("steps", i, "labs", j, "id"), spec.id)
        for i, step in enumerate(catalog.steps)
        for j, spec in enumerate(step.labs)
    )
    refuse_clashes(name, ids, owners)
