"""Checks the schema alone cannot make: step order, duplicate and reserved ids, labs.

They read the raw data (what the YAML holds, before the schema), so they run even when the
schema found problems, and skip quietly whatever is malformed (the schema reports that).
A problem is ``(location, message)``; the loader turns the location into a line.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from studyplan.catalog.schema import is_reserved_id

Problem = tuple[tuple[Any, ...], str]
"""A location path such as ``('steps', 2, 'resources', 0, 'id')`` and what is wrong there."""


def semantic_problems(data: Any) -> list[Problem]:
    """Step numbering, duplicate ids across the file, and ids reserved for step references."""
    steps = data.get("steps") if isinstance(data, dict) else None
    if not isinstance(steps, list):
        return []
    problems: list[Problem] = []
    if not steps:
        problems.append((("steps",), "the catalog has no steps; add at least one"))
    for i, step in enumerate(steps):
        number = step.get("number") if isinstance(step, dict) else None
        if type(number) is int and number != i + 1:
            problems.append(
                (
                    ("steps", i, "number"),
                    f"steps out of order: expected {i + 1}, found {number}; "
                    "number the steps 1, 2, 3 … in the order they appear",
                )
            )
    problems.extend(_id_problems(steps))
    problems.extend(_lab_problems(steps))
    return problems


def _lab_problems(steps: list[Any]) -> Iterator[Problem]:
    """Lab ids unique (and not a resource's), ``follows`` naming a resource of the step."""
    resource_owner = {rid: loc[1] for loc, rid in _ids(steps)}
    first: dict[str, str] = {}
    for i, step in enumerate(steps):
        labs = step.get("labs") if isinstance(step, dict) else None
        if not isinstance(labs, list):
            continue
        for j, lab in enumerate(labs):
            if not isinstance(lab, dict):
                continue
            lab_id, follows = lab.get("id"), lab.get("follows")
            where = ("steps", i, "labs", j)
            if isinstance(lab_id, str):
                if lab_id in first:
                    yield (
                        (*where, "id"),
                        f"duplicate lab id '{lab_id}' (first used at {first[lab_id]})",
                    )
                elif lab_id in resource_owner:
                    yield (
                        (*where, "id"),
                        f"lab id '{lab_id}' is also a resource's id; give the lab its own id",
                    )
                else:
                    first[lab_id] = f"steps[{i}].labs[{j}]"
            if isinstance(follows, str) and resource_owner.get(follows) != i:
                known = "another step" if follows in resource_owner else "no resource"
                yield (
                    (*where, "follows"),
                    f"follows '{follows}', but that is {known}; name a resource of this step",
                )


def _id_problems(steps: list[Any]) -> Iterator[Problem]:
    first: dict[str, str] = {}
    for loc, rid in _ids(steps):
        if is_reserved_id(rid):
            yield (
                loc,
                f"id '{rid}' is reserved for step references (studyplan reads it as a step "
                "number); rename it",
            )
        elif rid in first:
            yield (
                loc,
                f"duplicate id '{rid}' (first used at {first[rid]}); give each resource its own id",
            )
        else:
            first[rid] = f"steps[{loc[1]}].resources[{loc[3]}]"


def resource_ids(data: Any) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Every resource id that is text, with the location of its ``id`` key."""
    steps = data.get("steps") if isinstance(data, dict) else None
    if isinstance(steps, list):
        yield from _ids(steps)


def _ids(steps: list[Any]) -> Iterator[tuple[tuple[Any, ...], str]]:
    for i, step in enumerate(steps):
        resources = step.get("resources") if isinstance(step, dict) else None
        if not isinstance(resources, list):
            continue
        for j, resource in enumerate(resources):
            rid = resource.get("id") if isinstance(resource, dict) else None
            if isinstance(rid, str):
                yield ("steps", i, "resources", j, "id"), rid
