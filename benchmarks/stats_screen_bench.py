"""Speed of the plan and statistics screens with a year of daily study.

Seeds a database with 365 days of timer sessions (one a day) and a resource finished every
nine days, then measures, in the interface (pilot, 120x40), the milliseconds from the key
press to the screen drawn with its data: the first opening, and the median of the next
openings (with the help screen, which reads nothing, for comparison). Prints one figure
per line.

    .venv/bin/python benchmarks/stats_screen_bench.py [--runs 9]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "tui"))

from common import compile_package
from textual import events


async def open_ms(key: str, screen_type: type, runs: int) -> tuple[float, float, float]:
    """Milliseconds from ``key`` to the first screen update that shows ``screen_type`` (its
    data is read before it is shown, so that update has it): the first opening, the median
    of the next ``runs``, and the median processor time they took (the process, all its
    threads: near what the wall time would be on an idle machine)."""
    from studyplan.services.workspace import open_workspace
    from studyplan.settings import load_settings
    from studyplan.tui.app import SETTLE_SECONDS, make_app

    settings = load_settings()
    db = open_workspace(settings)
    app = make_app(settings, db, opener=lambda url: True)
    painted: list[float] = []
    original = app._display

    def display(screen: Any, renderable: Any) -> None:  # where updates go to the terminal
        original(screen, renderable)
        if renderable is not None and isinstance(screen, screen_type) and not painted:
            painted.append(time.perf_counter())

    app._display = display  # type: ignore[method-assign]
    times, cpu = [], []
    async with app.run_test(size=(120, 40)) as pilot:
        while app.data_shown_at is None:
            await asyncio.sleep(0.01)
        await pilot.pause(SETTLE_SECONDS + 0.5)  # a learner reads the screen before a key
        for _ in range(runs + 1):
            painted.clear()
            start, started_cpu = time.perf_counter(), time.process_time()
            app.post_message(events.Key(key, key))
            while not painted:
                await asyncio.sleep(0.001)
            cpu.append((time.process_time() - started_cpu) * 1000)
            times.append((painted[0] - start) * 1000)
            await pilot.pause(0.2)
            await pilot.press("escape")
            while isinstance(app.screen, screen_type):
                await asyncio.sleep(0.005)
            await pilot.pause(0.3)
        app.exit()
    db.dispose()
    return times[0], statistics.median(times[1:]), statistics.median(cpu[1:])


def seed(home: Path) -> tuple[int, int]:
    """A year of daily study and a pace in a new database at ``home``; (days, sessions)."""
    os.environ["STUDYPLAN_HOME"] = str(home)
    os.environ.pop("STUDYPLAN_CATALOG", None)
    os.environ.pop("STUDYPLAN_DATABASE_URL", None)
    from seeding import seed_pace, seed_year

    from studyplan import clock
    from studyplan.services.workspace import open_workspace
    from studyplan.settings import load_settings

    db = open_workspace(load_settings())
    now = clock.now()
    days = seed_year(db, now)
    seed_pace(db, now.date() - timedelta(days=7))
    db.dispose()
    return len(days), len(days)


def main() -> None:
    """Seed, then measure both screens; one figure per line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    compile_package()
    from studyplan.tui.screens.help_screen import HelpScreen
    from studyplan.tui.screens.plan_screen import PlanScreen
    from studyplan.tui.screens.stats_screen import StatsScreen

    with tempfile.TemporaryDirectory() as tmp:
        days, sessions = seed(Path(tmp))
        first, then, cpu = asyncio.run(open_ms("S", StatsScreen, args.runs))
        print(
            f"statistics screen, {days} days of activity ({sessions} timer sessions), key to "
            f"drawn with data: first {first:.0f} ms, then median {then:.0f} ms "
            f"({cpu:.0f} ms of processor time)"
        )
        first, then, cpu = asyncio.run(open_ms("p", PlanScreen, args.runs))
        print(
            f"plan screen, the real catalog after a year of progress, key to drawn with data: "
            f"first {first:.0f} ms, then median {then:.0f} ms ({cpu:.0f} ms of processor time)"
        )
        first, then, cpu = asyncio.run(open_ms("question_mark", HelpScreen, args.runs))
        print(
            f"for comparison, the help screen (no data to read), key to drawn: first "
            f"{first:.0f} ms, then median {then:.0f} ms ({cpu:.0f} ms of processor time)"
        )
        print(f"(load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
