"""Interface speed: launch to the first screen with data, and key press to repaint.

Prints one figure per line. Launch is measured in a fresh process each time (imports
included), from just before the process starts to the first painted screen with rows, on
the real catalog and on a catalog of 10,000 resources in one step. Key-to-repaint is the
time ``pilot.press`` takes to deliver a key and wait for the screen update, in the
10,000-row table.

    .venv/bin/python benchmarks/tui_bench.py [--runs 5] [--presses 60]
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

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import compile_package, generate_catalog

CHILD = """
import gc; gc.disable()  # as the studyplan command starts: see cli/main.py and cli/common.py
import asyncio, sys, time
start = float(sys.argv[1])
from studyplan.settings import load_settings
from studyplan.tui.app import make_app
from studyplan.services.workspace import open_workspace

async def main() -> None:
    settings = load_settings()
    db = open_workspace(settings)
    gc.freeze()
    gc.enable()
    app = make_app(settings, db, opener=lambda url: True)
    async with app.run_test(size=(120, 40)) as pilot:
        while app.data_shown_at is None:
            await asyncio.sleep(0.005)
        await pilot.pause()
        shown = time.time() - start
        rows = len(app.main_screen.table.rows)
        app.exit()
    print(f"{shown:.4f} {rows}")

asyncio.run(main())
"""


def prepare(home: Path, catalog: Path | None) -> dict[str, str]:
    """Environment for a home whose database is created and synced (not timed)."""
    env = {**os.environ, "STUDYPLAN_HOME": str(home)}
    env.pop("STUDYPLAN_DATABASE_URL", None)
    env.pop("STUDYPLAN_CATALOG", None)
    if catalog is not None:
        env["STUDYPLAN_CATALOG"] = str(catalog)
    code = "from studyplan.services.workspace import open_workspace; open_workspace()"
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
    return env


def launch_seconds(env: dict[str, str], runs: int) -> tuple[float, int]:
    """Median seconds from process start to the first screen with data, and the row count."""
    times, rows = [], 0
    for _ in range(runs):
        start = time.time()
        out = subprocess.run(
            [sys.executable, "-c", CHILD, str(start)],
            check=True,
            env=env,
            capture_output=True,
            text=True,
        ).stdout.split()
        times.append(float(out[0]))
        rows = int(out[1])
    return statistics.median(times), rows


async def key_to_repaint(env: dict[str, str], presses: int) -> tuple[float, float, float]:
    """Median and 95th percentile ms from a j key event to the next screen update that
    shows the moved cursor, and the median for space (status cycle), in the big table.

    The key is posted like the terminal driver posts it; the screen update is caught where
    the app hands the compositor's update to the driver (``App._display``).
    """
    os.environ.update(env)
    from textual import events

    from studyplan.services.workspace import open_workspace
    from studyplan.settings import load_settings
    from studyplan.tui.app import make_app

    settings = load_settings()
    app = make_app(settings, open_workspace(settings), opener=lambda url: True)
    painted = asyncio.Event()
    original = app._display

    def display(screen: object, renderable: object) -> None:
        original(screen, renderable)  # type: ignore[arg-type]
        if renderable is not None:
            painted.set()

    app._display = display  # type: ignore[method-assign]

    async def one(key: str, done: object) -> float:
        painted.clear()
        start = time.perf_counter()
        app.post_message(events.Key(key, " " if key == "space" else key))
        while True:
            await painted.wait()
            if done():  # type: ignore[operator]
                return (time.perf_counter() - start) * 1000
            painted.clear()

    moves, marks = [], []
    async with app.run_test(size=(120, 40)) as pilot:
        while app.data_shown_at is None:
            await asyncio.sleep(0.01)
        await pilot.pause()
        table = app.main_screen.table
        for i in range(presses):
            before = table.cursor
            moves.append(await one("j", lambda b=before: table.cursor == b + 1))
            await asyncio.sleep(0.03)
            if i % 10 == 5:
                status = table.rows[table.cursor].status
                cursor = table.cursor
                marks.append(
                    await one("space", lambda c=cursor, s=status: table.rows[c].status != s)
                )
                await asyncio.sleep(0.5)
        await app.writes.drain()
        app.exit()
    moves.sort()
    p95 = moves[max(0, int(len(moves) * 0.95) - 1)]
    return statistics.median(moves), p95, statistics.median(marks)


class StallMeter:
    """The longest time the app's event loop went without running a 5 ms ticker task."""

    TICK = 0.005

    def __init__(self) -> None:
        self.longest = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            start = loop.time()
            await asyncio.sleep(self.TICK)
            self.longest = max(self.longest, loop.time() - start - self.TICK)

    def start(self) -> None:
        """Start measuring (from now on, on the running loop)."""
        self.longest = 0.0
        self._task = asyncio.get_running_loop().create_task(self._run())

    def stop(self) -> float:
        """Stop; the longest stall in milliseconds."""
        if self._task is not None:
            self._task.cancel()
        return self.longest * 1000


def loopback_catalog(path: Path, base: str, hosts: int, urls: int) -> None:
    """A catalog whose ``urls`` addresses all live on the loopback server's ``hosts``."""
    import yaml

    generate_catalog(path, urls, 7)
    data = yaml.safe_load(path.read_text())
    n = 0
    for step in data["steps"]:
        for resource in step["resources"]:
            host = n % hosts + 1
            resource["url"] = base.replace("127.0.0.1", f"127.0.0.{host}") + f"/ok/{n}"
            n += 1
    path.write_text(yaml.safe_dump(data, sort_keys=False))


async def event_loop_stalls(root: Path, urls: int) -> tuple[float, float, float, float, int]:
    """Longest event-loop stalls (ms): the first 1.5 s after the first screen (the memory
    is settled once in it), idle a second later, during a link check of the whole catalog
    on a loopback server (100 ms a response), and during quit with a note being typed and
    the timer running. The last figure is the number of URLs checked."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "links"))
    from links_server import LinkServer

    from studyplan.links.policy import CheckOptions
    from studyplan.services.workspace import open_workspace
    from studyplan.settings import load_settings
    from studyplan.tui.app import make_app

    server = LinkServer(hosts=20, default_delay=0.1).start()
    try:
        catalog = root / "loopback.yaml"
        loopback_catalog(catalog, server.url("").rstrip("/"), 20, urls)
        os.environ.update(prepare(root / "stall", catalog))
        settings = load_settings()
        db = open_workspace(settings)
        app = make_app(settings, db, opener=lambda url: True, link_options=CheckOptions())
        meter = StallMeter()
        async with app.run_test(size=(120, 40)) as pilot:
            while app.data_shown_at is None:
                await asyncio.sleep(0.01)
            meter.start()
            await asyncio.sleep(1.5)
            settling = meter.stop()
            meter.start()
            await asyncio.sleep(1.0)
            idle = meter.stop()
            screen = app.main_screen
            meter.start()
            await pilot.press("C")
            while not screen.checking_links:
                await asyncio.sleep(0.01)
            while screen.checking_links:
                await asyncio.sleep(0.01)
            check = meter.stop()
            checked = server.total_hits
            await pilot.press("t", "n", *"a note typed just before quitting")
            await pilot.pause(0.2)
            meter.start()
            await pilot.press("ctrl+q")
            while app.is_running:
                await asyncio.sleep(0.005)
            quit_ = meter.stop()
        db.dispose()
    finally:
        server.stop()
    return settling, idle, check, quit_, checked


def terminal_launch_seconds(env: dict[str, str], marker: bytes, runs: int) -> float:
    """Median seconds from starting the real ``studyplan`` command in a 120x40 pseudo
    terminal to the moment its output contains ``marker`` (a title on the first screen)."""
    import fcntl
    import pty
    import select
    import signal
    import struct
    import termios

    command = str(Path(sys.executable).parent / "studyplan")
    times = []
    for _ in range(runs):
        start = time.time()
        pid, fd = pty.fork()
        if pid == 0:  # the child: become studyplan
            os.execve(command, [command], {**env, "TERM": "xterm-256color"})
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        seen = b""
        while marker not in seen:
            ready, _, _ = select.select([fd], [], [], 10)
            if not ready:
                raise RuntimeError("the interface showed nothing for 10 s")
            seen += os.read(fd, 65536)
        times.append(time.time() - start)
        os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)
        os.close(fd)
    return statistics.median(times)


def main() -> None:
    """Run every measurement and print one figure per line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--presses", type=int, default=60)
    parser.add_argument("--urls", type=int, default=500, help="URLs in the stall benchmark")
    args = parser.parse_args()
    compile_package()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        real = prepare(root / "real", None)
        big_catalog = root / "big.yaml"
        generate_catalog(big_catalog, 10_000, 1)
        big = prepare(root / "big", big_catalog)
        seconds, rows = launch_seconds(real, args.runs)
        print(f"tui launch to data, real catalog ({rows} rows shown): {seconds:.3f} s")
        seconds = terminal_launch_seconds(real, b"NIPS 2015", args.runs)
        print(f"tui launch to data in a real terminal (pty), real catalog: {seconds:.3f} s")
        seconds, rows = launch_seconds(big, args.runs)
        print(f"tui launch to data, 10,000 resources in one step ({rows} rows): {seconds:.3f} s")
        median, p95, mark = asyncio.run(key_to_repaint(big, args.presses))
        print(f"tui key to repaint (j) in the 10,000-row table: median {median:.1f} ms")
        print(f"tui key to repaint (j) in the 10,000-row table: p95 {p95:.1f} ms")
        print(f"tui key to repaint (space, status cycle) in the 10,000-row table: {mark:.1f} ms")
        settling, idle, check, quit_, checked = asyncio.run(event_loop_stalls(root, args.urls))
        print(
            "tui longest event-loop stall, the first 1.5 s after the first screen "
            f"(memory settled once): {settling:.1f} ms"
        )
        print(f"tui longest event-loop stall, idle for 1 s: {idle:.1f} ms")
        print(f"tui longest event-loop stall during a link check ({checked} URLs): {check:.1f} ms")
        print(f"tui longest event-loop stall during quit (note and timer saved): {quit_:.1f} ms")


if __name__ == "__main__":
    main()
