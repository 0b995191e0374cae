"""A catalog with labs for the plan tests, and its study order worked out from the file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from studyplan.catalog.schema import LAB_FILES
from tests.conftest import SMALL_CATALOG

LABS: dict[int, list[dict[str, Any]]] = {
    1: [
        {"id": "lab-sigmoid", "minutes": 40, "follows": "basics-notes"},
        {"id": "lab-intro", "minutes": 0, "follows": "intro-video"},
    ],
    2: [
        {"id": "lab-backprop", "minutes": 90, "follows": "backprop-post"},
        {"id": "lab-backprop-more", "minutes": 25, "follows": "backprop-post"},
    ],
    3: [{"id": "lab-long", "minutes": 200, "follows": "long-read"}],
}
"""Labs by step: one of 0 minutes, one longer than most study days, two after one resource."""

STEP_3 = {
    "number": 3,
    "title": "Longer reads",
    "summary": "The third step.",
    "resources": [
        {
            "id": "long-read",
            "title": "A Long Read",
            "authors": ["Eve Author"],
            "kind": "book-chapter",
            "url": "https://book.example.org/long",
            "minutes": 150,
            "provenance": "article",
        },
        {
            "id": "short-note",
            "title": "A Short Note",
            "authors": ["Fay Writer"],
            "kind": "notes",
            "url": "https://notes.example.org/short",
            "minutes": 10,
            "provenance": "article",
        },
    ],
}


def write_lab_catalog(folder: Path) -> Path:
    """The small catalog plus a third step and five labs (with their folders) in ``folder``."""
    data = yaml.safe_load(SMALL_CATALOG.read_text())
    data["steps"].append(STEP_3)
    for step in data["steps"]:
        step["labs"] = [
            {
                "title": f"Lab {lab['id']}",
                "brief": "Practise what you read.",
                "hints": ["a nudge", "nearly the answer"],
                "files": f"labs/{lab['id']}",
                **lab,
            }
            for lab in LABS.get(step["number"], [])
        ]
        for lab in step["labs"]:
            lab_folder = folder / lab["files"]
            lab_folder.mkdir(parents=True, exist_ok=True)
            for name in LAB_FILES:
                (lab_folder / name).write_text("# a test lab\n")
    catalog = folder / "catalog.yaml"
    catalog.write_text(yaml.safe_dump(data, sort_keys=False))
    return catalog


def study_order(catalog: Path) -> list[tuple[str, str, int]]:
    """``(kind, id, minutes)`` in study order, worked out from the catalog file alone: step by
    step, each resource followed by the labs that follow it, in the catalog's order."""
    order: list[tuple[str, str, int]] = []
    for step in yaml.safe_load(catalog.read_text())["steps"]:
        for resource in step["resources"]:
            order.append(("resource", resource["id"], resource["minutes"]))
            order += [
                ("lab", lab["id"], lab["minutes"])
                for lab in step.get("labs", [])
                if lab["follows"] == resource["id"]
            ]
    return order
