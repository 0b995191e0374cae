"""Checks the schema alone cannot make: step order, duplicate and reserved resource ids.

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
    return problems


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
