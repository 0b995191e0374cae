"""How long ``studyplan export`` takes: the real catalog from the command line (start-up
included), and a generated catalog of 100,000 resources (in-process and from the command
line), for the markdown, csv and ics formats. One figure per line.

    .venv/bin/python benchmarks/export_bench.py [--resources 100000] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import STUDYPLAN, compile_package, generate_catalog, median, wall

FORMATS = ("markdown", "csv", "ics")
NOW = "2027-01-04T08:00:00+00:00"


def real_catalog(runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = {"STUDYPLAN_HOME": str(Path(tmp) / "home"), "STUDYPLAN_NOW": NOW}
        wall([*STUDYPLAN, "plan", "--hours-per-week", "5", "--days", "mon,wed,sat"], env)
        for fmt in FORMATS:
            out = str(Path(tmp) / f"plan.{fmt}")
            seconds = median(
                [wall([*STUDYPLAN, "export", "-f", fmt, "-o", out], env) for _ in range(runs)]
            )
            print(f"cli_export_{fmt}_real_catalog_median_s {seconds:.3f}")


def at_scale(resources: int, runs: int, minutes_per_day: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        catalog = Path(tmp) / "big.yaml"
        generate_catalog(catalog, resources, 50)
        env = {
            "STUDYPLAN_HOME": str(Path(tmp) / "home"),
            "STUDYPLAN_CATALOG": str(catalog),
            "STUDYPLAN_NOW": NOW,
        }
        os.environ.update(env)
        from studyplan.cli.export_cmds import choose_format
        from studyplan.clock import now
        from studyplan.planner.exports import ExportContext, renderer
        from studyplan.planner.service import build_plan, set_pace
        from studyplan.services.notes import save_note
        from studyplan.services.workspace import open_workspace
        from studyplan.settings import load_settings

        settings = load_settings()
        db = open_workspace(settings)
        set_pace(db, now().date(), minutes_per_day=minutes_per_day)
        for n in range(1, 51):
            save_note(db, f"{n}.1", f"a note with <b>html</b> and `code` on step {n}")
        moment = now()
        plan = build_plan(db, settings.zone, moment)
        print(f"plan_{resources}_days_at_{minutes_per_day}_min {len(plan.days)}")
        for fmt in FORMATS:
            ctx = ExportContext(db, plan, settings.zone, moment, notes=True)
            render = renderer(choose_format(fmt, None))
            values = []
            for _ in range(runs):
                start = time.perf_counter()
                render(ctx)
                values.append(time.perf_counter() - start)
            print(
                f"render_{fmt}_{resources}_at_{minutes_per_day}_min_median_s {median(values):.2f}"
            )
        db.dispose()
        for fmt in FORMATS:
            out = str(Path(tmp) / f"plan.{fmt}")
            seconds = wall([*STUDYPLAN, "export", "--notes", "-f", fmt, "-o", out], env)
            print(f"cli_export_{fmt}_{resources}_at_{minutes_per_day}_min_s {seconds:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--resources", type=int, default=100_000)
    args = parser.parse_args()
    compile_package()
    real_catalog(args.runs)
    for minutes in (1440, 60):
        at_scale(args.resources, max(1, args.runs // 3), minutes)


if __name__ == "__main__":
    main()
