"""Labs: verifying every lab, the overhead of one check, and opening the lab screen.

Prints one figure per line (medians of several runs):

- ``studyplan lab verify`` over all labs, in a fresh process (aim < 30 s on 2 cores);
- one check's overhead beyond the learner's own code: the runner on a file whose function
  and checks do nothing, so all the time is the runner's (aim < 300 ms);
- ``studyplan lab check`` end to end, on the same trivial lab, as a learner types it;
- opening the lab screen: from the key press to the brief and the file drawn, the first
  time and after (aim < 200 ms).

    .venv/bin/python benchmarks/labs_bench.py [--runs 5]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import STUDYPLAN, compile_package, wall  # noqa: E402

FAULTS = ROOT / "tests" / "labs" / "faults"


def verify_seconds(env: dict[str, str], runs: int) -> float:
    """Median wall seconds of ``studyplan lab verify``."""
    return statistics.median(wall([*STUDYPLAN, "lab", "verify"], env) for _ in range(runs))


def runner_overhead_ms(runs: int) -> float:
    """Median milliseconds of the runner on a trivial file and trivial checks."""
    from studyplan.labs.runner import run_checks

    with tempfile.TemporaryDirectory() as tmp:
        learner = Path(tmp) / "learner.py"
        learner.write_text("def double(x):\n    return 2 * x\n")
        times = []
        for _ in range(runs + 1):
            start = time.perf_counter()
            result = run_checks(learner, FAULTS / "checks.py")
            times.append((time.perf_counter() - start) * 1000)
            assert result.passed, result.checks
    return statistics.median(times[1:])


def cli_check_ms(env: dict[str, str], runs: int) -> float:
    """Median milliseconds of ``studyplan lab check`` on a lab passed by its solution."""
    subprocess.run(
        [*STUDYPLAN, "lab", "start", "stable-sigmoid"], check=True, env=env, capture_output=True
    )
    work = Path(env["STUDYPLAN_HOME"]) / "labs" / "stable-sigmoid.py"
    work.write_text((ROOT / "data/labs/stable-sigmoid/solution.py").read_text())
    return 1000 * statistics.median(
        wall([*STUDYPLAN, "lab", "check", "stable-sigmoid"], env) for _ in range(runs)
    )


async def open_screen_ms(env: dict[str, str], runs: int) -> tuple[float, float]:
    """Milliseconds from the key press to the lab screen drawn with its brief and file:
    the first opening, and the median of the next ``runs`` (pilot, 120x40)."""
    os.environ.update(env)
    from studyplan.services.workspace import open_workspace
    from studyplan.settings import load_settings
    from studyplan.tui.app import SETTLE_SECONDS, make_app
    from studyplan.tui.screens.lab_screen import LabScreen

    settings = load_settings()
    db = open_workspace(settings)
    app = make_app(settings, db, opener=lambda url: True)
    times = []
    async with app.run_test(size=(120, 40)) as pilot:
        while app.data_shown_at is None:
            await asyncio.sleep(0.01)
        await pilot.pause(SETTLE_SECONDS + 0.5)  # a learner reads the screen before a key
        table = app.main_screen.table
        lab_row = next(i for i, item in enumerate(table.rows) if item.id == "perceptron-nand")
        for _ in range(runs + 1):
            table.move_to(lab_row)
            await pilot.pause()
            start = time.perf_counter()
            await pilot.press("enter")
            while not (isinstance(app.screen, LabScreen) and app.screen.shown_at is not None):
                await asyncio.sleep(0.002)
            times.append((app.screen.shown_at - start) * 1000)
            await pilot.press("escape")
            while isinstance(app.screen, LabScreen):
                await asyncio.sleep(0.005)
            await pilot.pause(0.5)
        app.exit()
    db.dispose()
    return times[0], statistics.median(times[1:])


def main() -> None:
    """Run every measurement and print one figure per line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    compile_package()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "STUDYPLAN_HOME": tmp}
        env.pop("STUDYPLAN_CATALOG", None)
        env.pop("STUDYPLAN_DATABASE_URL", None)
        subprocess.run([*STUDYPLAN, "steps"], check=True, env=env, capture_output=True)
        labs = subprocess.run(
            [*STUDYPLAN, "lab", "list", "--json"], check=True, env=env, capture_output=True
        ).stdout.count(b'"id"')
        print(
            f"lab verify, all {labs} labs, {os.cpu_count()} cores: "
            f"{verify_seconds(env, args.runs):.2f} s"
        )
        print(
            f"one check's overhead (runner, trivial code): {runner_overhead_ms(args.runs):.0f} ms"
        )
        print(
            f"studyplan lab check end to end (stable-sigmoid): {cli_check_ms(env, args.runs):.0f} ms"
        )
        first, then = asyncio.run(open_screen_ms(env, args.runs))
        print(
            f"opening the lab screen (key to brief and file drawn): first {first:.0f} ms, "
            f"then {then:.0f} ms"
        )


if __name__ == "__main__":
    main()
