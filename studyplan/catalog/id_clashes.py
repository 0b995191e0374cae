"""Resource ids a catalog may not use because another curriculum's catalog already does.

Ids are unique across the whole database, so importing a second curriculum (or syncing the
main one) must refuse an id that a different curriculum's catalog brought in. Both
``catalog validate`` (given the database) and the sync itself ask the same question here.
Resources a learner added (origin ``user``) are not clashes: a sync keeps them and skips.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import Session, SQLModel, col, select

from studyplan.catalog.loader import CatalogInvalid, CatalogIssue, format_loc
from studyplan.catalog.semantic_checks import Problem
from studyplan.db.models import Resource, Step


def other_curricula_ids(session: Session, curriculum_id: str) -> dict[str, str]:
    """Ids of catalog resources belonging to curricula other than ``curriculum_id``, to owner."""
    query = (
        select(col(Resource.id), col(Step.curriculum_id))
        .join(Step, col(Step.id) == col(Resource.step_id))
        .where(col(Resource.origin) == "catalog", col(Step.curriculum_id) != curriculum_id)
    )
    return {rid: owner for rid, owner in session.execute(query)}


def clash_problems(
    ids: Iterable[tuple[tuple[Any, ...], str]], owners: Mapping[str, str]
) -> list[Problem]:
    """A problem for each id in ``ids`` (location, id) that ``owners`` says is taken."""
    return [
        (loc, f"'{rid}' already belongs to curriculum '{owners[rid]}'; rename it")
        for loc, rid in ids
        if rid in owners
    ]


def rows_with_curriculum(
    session: Session, table_name: str, fields: Iterable[str]
) -> dict[str, dict[str, Any]]:
    """Every row of ``table_name`` (resources or labs) by id: ``fields`` and ``curriculum``."""
    table = SQLModel.metadata.tables[table_name]
    steps = SQLModel.metadata.tables["step"]
    query = sa_select(table.c.id, *[table.c[k] for k in fields], steps.c.curriculum_id).join(
        steps, steps.c.id == table.c.step_id
    )
    result: dict[str, dict[str, Any]] = {}
    for row in session.execute(query).mappings():
        data = dict(row)
        data["curriculum"] = data.pop("curriculum_id")
        result[data["id"]] = data
    return result


def refuse_clashes(
    name: str, ids: Iterable[tuple[tuple[Any, ...], str]], owners: Mapping[str, str]
) -> None:
    """:class:`CatalogInvalid` listing every id in ``ids`` that ``owners`` says is taken."""
    problems = clash_problems(ids, owners)
    if problems:
        raise CatalogInvalid([CatalogIssue(name, format_loc(loc), msg) for loc, msg in problems])
