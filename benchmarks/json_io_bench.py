"""Speed of the JSON export and of ``studyplan import-progress``. Prints one figure per line.

1. The real catalog with a little progress: rendering the export (in-process) and the wall
   time of ``import-progress`` into an empty database (start-up and catalog sync included).
2. 100,000 activity rows: ``import-progress`` into an empty database, the same file again
   (everything unchanged), a dry run, and rendering the export of the result.
3. A generated catalog of 100,000 resources, each with progress: rendering the export and
   importing it into a second database with the same catalog.

Usage: python benchmarks/json_io_bench.py [--activity N] [--resources N]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import STUDYPLAN, compile_package, generate_catalog, wall


def _open(home: Path, catalog: Path | None) -> Any:
    from studyplan.services.workspace import open_workspace
    from studyplan.settings import load_settings

    os.environ["STUDYPLAN_HOME"] = str(home)
    os.environ["STUDYPLAN_CATALOG"] = str(catalog or "")
    return open_workspace(load_settings())


def _render(db: Any) -> tuple[str, float]:
    from zoneinfo import ZoneInfo

    from studyplan.planner.exports import ExportContext
    from studyplan.planner.exports.json_export import render
    from studyplan.planner.service import Plan

    tz, now = ZoneInfo("UTC"), datetime.now(UTC)
    start = time.perf_counter()
    text = render(ExportContext(db=db, plan=Plan(None, now.date(), now.date(), []), tz=tz, now=now))
    return text, time.perf_counter() - start


def _env(home: Path, catalog: Path | None) -> dict[str, str]:
    return {"STUDYPLAN_HOME": str(home), "STUDYPLAN_CATALOG": str(catalog or "")}


def real_catalog(tmp: Path) -> str:
    from studyplan.services.notes import save_note
    from studyplan.services.progress import set_status

    db = _open(tmp / "real-a", None)
    for rid in ("deeplearning-tv", "nielsen-ch1", "ng-linear-algebra"):
        set_status(db, rid, "done")
        save_note(db, rid, f"notes on {rid}")
    text, seconds = _render(db)
    db.dispose()
    print(f"export_real_catalog_render_s {seconds:.3f}")
    file = tmp / "real.json"
    file.write_text(text, encoding="utf-8")
    print(
        "import_real_catalog_empty_db_wall_s "
        f"{wall([*STUDYPLAN, 'import-progress', str(file)], _env(tmp / 'real-b', None)):.3f}"
    )
    return text


def many_activity(tmp: Path, base: str, rows: int) -> None:
    doc = json.loads(base)
    start = datetime(2020, 1, 1, tzinfo=UTC)
    ids = [p["resource_id"] for p in doc["progress"]]
    doc["activity"] = [
        {
            "resource_id": ids[i % len(ids)],
            "from": "todo",
            "to": "in_progress",
            "reason": "",
            "at": (start + timedelta(seconds=i)).isoformat(),
        }
        for i in range(rows)
    ]
    file = tmp / "activity.json"
    file.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    env = _env(tmp / "activity-home", None)
    command = [*STUDYPLAN, "import-progress", str(file)]
    print(f"import_{rows}_activity_empty_db_wall_s {wall(command, env):.2f}")
    print(f"import_{rows}_activity_again_unchanged_wall_s {wall(command, env):.2f}")
    print(f"import_{rows}_activity_dry_run_wall_s {wall([*command, '--dry-run'], env):.2f}")
    db = _open(tmp / "activity-home", None)
    _, seconds = _render(db)
    db.dispose()
    print(f"export_{rows}_activity_render_s {seconds:.2f}")


def many_resources(tmp: Path, resources: int) -> None:
    from sqlalchemy import insert
    from sqlmodel import SQLModel

    catalog = tmp / "big.yaml"
    generate_catalog(catalog, resources, 50)
    db = _open(tmp / "big-a", catalog)
    table = SQLModel.metadata.tables["progress"]
    resource = SQLModel.metadata.tables["resource"]
    now = datetime.now(UTC)

    def work(session: Any) -> None:
        ids = [r[0] for r in session.execute(resource.select().with_only_columns(resource.c.id))]
        rows = [
            {"resource_id": i, "status": "done", "finished_at": now, "updated_at": now} for i in ids
        ]
        session.execute(insert(table), rows)

    db.write(work)
    text, seconds = _render(db)
    db.dispose()
    print(f"export_{resources}_resources_render_s {seconds:.2f}")
    print(f"export_{resources}_resources_mb {len(text.encode()) / 1e6:.1f}")
    file = tmp / "big.json"
    file.write_text(text, encoding="utf-8")
    env = _env(tmp / "big-b", catalog)
    wall([*STUDYPLAN, "steps"], env)  # the same catalog, synced before the import
    command = [*STUDYPLAN, "import-progress", str(file)]
    print(f"import_{resources}_resources_progress_wall_s {wall(command, env):.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--activity", type=int, default=100_000)
    parser.add_argument("--resources", type=int, default=100_000)
    args = parser.parse_args()
    compile_package()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        base = real_catalog(tmp)
        many_activity(tmp, base, args.activity)
        many_resources(tmp, args.resources)


if __name__ == "__main__":
    main()
