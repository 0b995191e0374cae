"""Check that every lab's folder is where the catalog says and holds the lab's files.

Relative to the catalog file: ``files: labs/perceptron-nand`` next to ``resources.yaml``.
A folder outside the catalog's folder is refused (a catalog names its own files only).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from studyplan.catalog.schema import LAB_FILES
from studyplan.catalog.semantic_checks import Problem


def lab_folder(catalog_file: Path, files: str) -> Path:
    """The absolute folder of a lab whose ``files`` is given relative to ``catalog_file``."""
    return (catalog_file.resolve().parent / files).resolve()


def lab_file_problems(data: Any, catalog_file: Path) -> list[Problem]:
    """Every lab whose folder is missing, outside the catalog's folder, or lacks a file."""
    steps = data.get("steps") if isinstance(data, dict) else None
    if not isinstance(steps, list):
        return []
    base = catalog_file.resolve().parent
    problems: list[Problem] = []
    for i, step in enumerate(steps):
        labs = step.get("labs") if isinstance(step, dict) else None
        for j, lab in enumerate(labs if isinstance(labs, list) else []):
            files = lab.get("files") if isinstance(lab, dict) else None
            if not isinstance(files, str) or not files.strip():
                continue
            where = ("steps", i, "labs", j, "files")
            folder = lab_folder(catalog_file, files.strip())
            if not Path(os.path.normpath(base / files.strip())).is_relative_to(base):
                problems.append((where, f"'{files}' is outside the catalog's folder {base}"))
            elif not folder.is_dir():
                problems.append((where, f"no folder '{files}' next to the catalog (in {base})"))
            else:
                missing = [name for name in LAB_FILES if not (folder / name).is_file()]
                if missing:
                    problems.append((where, f"'{files}' has no {', '.join(missing)}"))
    return problems
