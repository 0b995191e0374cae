"""Helpers shared by the benchmark scripts: timing subprocesses and generating catalogs."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import yaml

STUDYPLAN = [str(Path(sys.executable).parent / "studyplan")]


def compile_package() -> None:
    """Write studyplan's bytecode, as ``pip install`` does: an editable checkout run with
    PYTHONDONTWRITEBYTECODE would otherwise compile every module at every start."""
    import compileall

    package = Path(__file__).resolve().parent.parent / "studyplan"
    compileall.compile_dir(str(package), quiet=1)


def wall(cmd: list[str], env: dict[str, str] | None = None) -> float:
    """Seconds one run of ``cmd`` takes (it must succeed)."""
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, env={**os.environ, **(env or {})})
    return time.perf_counter() - start


def median(values: list[float]) -> float:
    """The median of ``values``."""
    return statistics.median(values)


def generate_catalog(path: Path, resources: int, steps: int) -> None:
    """Write a valid catalog with ``resources`` spread evenly over ``steps``."""
    per_step = resources // steps
    kinds = ["video", "notes", "blog-post", "paper", "tutorial", "code"]
    words = ["gradient", "descent", "convolution", "recurrent", "sigmoid", "backprop", "tensor"]
    data = {
        "format_version": 1,
        "source": {"title": "Generated", "url": "https://example.org/generated"},
        "steps": [
            {
                "number": s + 1,
                "title": f"Step {s + 1}",
                "summary": "generated",
                "resources": [
                    {
                        "id": f"r-{s + 1}-{i}",
                        "title": f"Resource {i} on {words[(s + i) % 7]} and {words[i % 5]}",
                        "authors": [f"Author {i % 97}"],
                        "kind": kinds[i % 6],
                        "url": f"https://host{i % 50}.example.org/{s}/{i}",
                        "minutes": 10 + i % 50,
                        "provenance": "article",
                        "tags": [words[i % 7], f"t{i % 13}"],
                    }
                    for i in range(per_step)
                ],
            }
            for s in range(steps)
        ],
    }
    path.write_text(
        yaml.dump(data, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper), sort_keys=False)
    )
