"""Speed of the command line and of the services at scale. Prints one figure per line.

1. ``studyplan list`` on the real catalog against ``python -c "import sqlmodel"`` (the floor),
   alternating, in the same run: medians and their ratio (aim: 1.3 or less).
2. A generated catalog of 100,000 resources over 50 steps: sync, search, stats and next,
   and the database size.

Usage: python benchmarks/cli_bench.py [--runs N] [--resources N] [--steps N]
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

GC_OFF_IMPORT = "import gc; gc.disable(); import sqlmodel"


def list_vs_import(runs: int) -> None:
    with tempfile.TemporaryDirectory() as home:
        env = {"STUDYPLAN_HOME": home, "STUDYPLAN_CATALOG": ""}
        wall([*STUDYPLAN, "list"], env)  # creates and fills the database
        lists, imports, quiet = [], [], []
        for _ in range(runs):
            lists.append(wall([*STUDYPLAN, "list"], env))
            imports.append(wall([sys.executable, "-c", "import sqlmodel"], env))
            quiet.append(wall([sys.executable, "-c", GC_OFF_IMPORT], env))
        print(f"list_real_catalog_median_s {median(lists):.3f}")
        print(f"import_sqlmodel_median_s {median(imports):.3f}")
        print(f"list_to_import_ratio {median(lists) / median(imports):.2f}")
        # studyplan loads its libraries with the garbage collector off; the same for the floor:
        print(f"import_sqlmodel_gc_off_median_s {median(quiet):.3f}")
        print(f"list_to_gc_off_import_ratio {median(lists) / median(quiet):.2f}")


def timed(fn, runs: int) -> float:  # type: ignore[no-untyped-def]
    values = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        values.append(time.perf_counter() - start)
    return median(values)


def at_scale(resources: int, steps: int, runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        catalog = Path(tmp) / "big.yaml"
        generate_catalog(catalog, resources, steps)
        os.environ["STUDYPLAN_HOME"] = str(Path(tmp) / "home")
        os.environ["STUDYPLAN_CATALOG"] = str(catalog)
        from studyplan.services.next_up import next_up
        from studyplan.services.progress import set_status
        from studyplan.services.search import search
        from studyplan.services.stats import compute_stats
        from studyplan.services.workspace import open_workspace
        from studyplan.settings import load_settings

        start = time.perf_counter()
        db = open_workspace(load_settings())
        print(f"sync_{resources}_first_s {time.perf_counter() - start:.2f}")
        catalog.write_text(catalog.read_text().replace("Resource 1 on", "Resource one on"))
        start = time.perf_counter()
        db = open_workspace(load_settings())
        print(f"sync_{resources}_after_edit_s {time.perf_counter() - start:.2f}")
        for ref in ("1.1", "1.2", "2.5"):
            set_status(db, ref, "done")
        set_status(db, "3.3", "in_progress")
        print(
            f"search_{resources}_median_ms {1000 * timed(lambda: search(db, 'gradient desc'), runs):.1f}"
        )
        print(f"stats_{resources}_median_ms {1000 * timed(lambda: compute_stats(db), runs):.1f}")
        print(f"next_{resources}_median_ms {1000 * timed(lambda: next_up(db), runs):.1f}")
        env = {"STUDYPLAN_HOME": os.environ["STUDYPLAN_HOME"], "STUDYPLAN_CATALOG": str(catalog)}
        for command in (["search", "gradient"], ["stats"], ["next"]):
            seconds = median([wall([*STUDYPLAN, *command], env) for _ in range(max(3, runs // 3))])
            print(f"cli_{command[0]}_{resources}_median_s {seconds:.3f}")
        size = Path(db.file or "").stat().st_size
        print(f"database_{resources}_mb {size / 1e6:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--resources", type=int, default=100_000)
    parser.add_argument("--steps", type=int, default=50)
    args = parser.parse_args()
    compile_package()
    list_vs_import(args.runs)
    at_scale(args.resources, args.steps, args.runs)


if __name__ == "__main__":
    main()
