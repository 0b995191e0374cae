"""How long the study plan and its exports take. Prints one figure per line (medians).

1. ``studyplan plan`` on the real catalog, in a fresh STUDYPLAN_HOME (a first run creates
   the database and stores the pace), wall time including start-up (aim: under 1 s), and
   against ``python -c "import sqlmodel"`` (the floor), alternating, with their ratio.
2. ``studyplan export --format F -o FILE`` for every format of the export registry; a
   format that fails prints ``F: not available (exit N)`` instead of a figure.
3. A generated catalog of 100,000 resources over 7 steps, with progress on a tenth of them
   and timer sessions on some: ``plan``, ``plan --weeks 4`` and every export (aim: under
   10 s each); in-process, without start-up: the plan built (query and scheduler) and each
   format's ``render`` on it.
4. The scheduler alone on 100,000 items.

Usage: python benchmarks/plan_bench.py [--runs N] [--resources N] [--big-runs N]
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import STUDYPLAN, compile_package, generate_catalog, median, wall
from sqlmodel import Session

PACE = ["--hours-per-week", "10", "--days", "mon,wed,sat", "--start", "2027-01-04"]
NOW = "2027-01-04T09:00:00+00:00"
"""The clock the runs see (STUDYPLAN_NOW), so that every run plans the same days."""


def attempt(cmd: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Seconds one run of ``cmd`` takes and its exit code (it may fail)."""
    start = time.perf_counter()
    result = subprocess.run(cmd, capture_output=True, env={**os.environ, **env})
    return time.perf_counter() - start, result.returncode


def formats() -> list[str]:
    """The export formats the registry names (none if there is no registry yet)."""
    try:
        from studyplan.planner.exports import FORMATS
    except ImportError:
        return []
    return list(FORMATS)


def suffix(name: str) -> str:
    try:
        from studyplan.planner.exports import SUFFIX
    except ImportError:
        return f".{name}"
    return SUFFIX.get(name, f".{name}")


def time_exports(label: str, env: dict[str, str], folder: Path, runs: int) -> None:
    """One line per format: the median wall time of ``export``, or why there is none."""
    for name in formats():
        target = folder / f"plan{suffix(name)}"
        command = [*STUDYPLAN, "export", "--format", name, "-o", str(target)]
        seconds, code = attempt(command, env)
        if code != 0:
            print(f"{name}: not available (exit {code})")
            continue
        times = [seconds] + [attempt(command, env)[0] for _ in range(runs - 1)]
        size = target.stat().st_size / 1e6 if target.exists() else 0.0
        print(f"export_{name}_{label}_median_s {median(times):.3f}")
        print(f"export_{name}_{label}_mb {size:.2f}")


def real_catalog(runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = {"STUDYPLAN_HOME": str(Path(tmp) / "home"), "STUDYPLAN_CATALOG": ""}
        env["STUDYPLAN_NOW"] = NOW
        wall([*STUDYPLAN, "plan", *PACE], env)  # creates the database, stores the pace
        times, floor = [], []
        for _ in range(runs):  # alternating, so that both see the same load on the machine
            times.append(wall([*STUDYPLAN, "plan"], env))
            floor.append(wall([sys.executable, "-c", "import sqlmodel"], env))
        print(f"plan_real_catalog_median_s {median(times):.3f}")
        print(f"import_sqlmodel_median_s {median(floor):.3f}")
        print(f"plan_to_import_ratio {median(times) / median(floor):.2f}")
        times = [wall([*STUDYPLAN, "plan", "--json"], env) for _ in range(runs)]
        print(f"plan_json_real_catalog_median_s {median(times):.3f}")
        time_exports("real_catalog", env, Path(tmp), runs)


def add_progress(resources: int) -> None:
    """Progress on a tenth of the resources (done, skipped, in progress) and timer sessions
    on a hundredth, written in one transaction (as a year of studying would leave them)."""
    from studyplan.db.models import Progress, StudySession
    from studyplan.services.workspace import open_workspace
    from studyplan.settings import load_settings

    db = open_workspace(load_settings())
    rng = random.Random(7)
    per_step = resources // 7
    ids = [f"r-{s + 1}-{i}" for s in range(7) for i in range(per_step)]
    chosen = rng.sample(ids, len(ids) // 10)
    start = datetime(2026, 6, 1, tzinfo=UTC)

    def work(session: Session) -> None:
        for n, ident in enumerate(chosen):
            status = ("done", "skipped", "in_progress", "done")[n % 4]
            finished = start + timedelta(days=n % 200) if status != "in_progress" else None
            session.add(
                Progress(resource_id=ident, status=status, started_at=start, finished_at=finished)
            )
        for ident in rng.sample(ids, len(ids) // 100):
            seconds = rng.randint(60, 3600)
            end = start + timedelta(seconds=seconds)
            session.add(
                StudySession(resource_id=ident, started_at=start, ended_at=end, seconds=seconds)
            )

    db.write(work)
    db.dispose()


def timed(fn: Callable[[], object], runs: int) -> float:
    """Median seconds of ``fn()`` over ``runs`` calls."""
    values = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        values.append(time.perf_counter() - start)
    return median(values)


def in_process(label: str, runs: int) -> None:
    """The plan built in-process (one query per table, then the scheduler), and each
    format's ``render`` on it: the work without the start-up of a command."""
    from studyplan.planner.service import build_plan
    from studyplan.services.workspace import open_workspace
    from studyplan.settings import load_settings

    db = open_workspace(load_settings())
    moment = datetime.fromisoformat(NOW)
    try:
        seconds = timed(lambda: build_plan(db, UTC, moment), runs)
        print(f"build_plan_in_process_{label}_median_s {seconds:.3f}")
        plan = build_plan(db, UTC, moment)
        for name in formats():
            try:
                from studyplan.planner.exports import ExportContext, renderer

                render = renderer(name)
                context = ExportContext(db=db, plan=plan, tz=UTC, now=moment)
                seconds = timed(lambda: render(context), runs)  # noqa: B023
            except Exception as exc:  # a format being written may not load or run yet
                print(f"{name}: render not available ({type(exc).__name__})")
                continue
            print(f"render_{name}_in_process_{label}_median_s {seconds:.3f}")
    finally:
        db.dispose()


def at_scale(resources: int, runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        catalog = Path(tmp) / "big.yaml"
        generate_catalog(catalog, resources, 7)
        home = str(Path(tmp) / "home")
        env = {"STUDYPLAN_HOME": home, "STUDYPLAN_CATALOG": str(catalog), "STUDYPLAN_NOW": NOW}
        os.environ.update(env)
        start = time.perf_counter()
        add_progress(resources)  # the first open syncs the catalog
        print(f"sync_and_progress_{resources}_s {time.perf_counter() - start:.1f}")
        wall([*STUDYPLAN, "plan", *PACE], env)
        label = f"{resources}_resources"
        for name, extra in (("plan", []), ("plan_weeks_4", ["--weeks", "4"])):
            times = [wall([*STUDYPLAN, "plan", *extra], env) for _ in range(runs)]
            print(f"{name}_{label}_median_s {median(times):.3f}")
        in_process(label, runs)
        time_exports(label, env, Path(tmp), runs)


def scheduler_alone(count: int, runs: int) -> None:
    from studyplan.planner.schedule import Pace, PlanItem, schedule

    rng = random.Random(11)
    items = [
        PlanItem("lab" if n % 12 == 0 else "resource", f"i{n}", "t", rng.randint(0, 120))
        for n in range(count)
    ]
    items = [
        PlanItem(i.kind, i.id, i.title, i.minutes, splittable=i.kind == "resource") for i in items
    ]
    cases: dict[str, Callable[[], object]] = {
        "60_min_3_days": lambda: schedule(items, Pace(60, frozenset({0, 2, 5})), date(2027, 1, 4)),
        "1440_min_7_days": lambda: schedule(
            items, Pace(1440, frozenset(range(7))), date(2027, 1, 4)
        ),
    }
    for name, run in cases.items():
        print(f"schedule_{count}_items_{name}_median_s {timed(run, runs):.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs on the real catalog")
    parser.add_argument("--resources", type=int, default=100_000)
    parser.add_argument("--big-runs", type=int, default=3, help="runs at scale")
    args = parser.parse_args()
    compile_package()
    real_catalog(args.runs)
    at_scale(args.resources, args.big_runs)
    scheduler_alone(args.resources, args.big_runs + 2)


if __name__ == "__main__":
    main()
