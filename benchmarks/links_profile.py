"""Where the CPU of ``studyplan links check FILE --force`` goes, part by part.

The same setting as benchmarks/links_bench.py (2,000 URLs over 20 loopback hosts, 100 ms per
response, 64/4 in flight). Each part is measured on its own, as CPU seconds (user + system)
of the processes that do it, median of several runs:

- start-up: the interpreter, the imports and reading the file (``links check --dump``,
  which stops where the requests would begin);
- the event loop: every request and answer, in-process, without storing (the CPU of the
  thread that runs it: the loopback server runs in other threads of this process);
- the report: rendering the JSON of 2,000 results;
- storing: the second process (``python -m studyplan.cli.links_store``) fed the 2,000
  results, opening the database and writing them;
- the whole command, for comparison with the sum.

Usage: ``.venv/bin/python benchmarks/links_profile.py [--urls 2000] [--runs 5]``
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "links"))

from links_server import LinkServer  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import compile_package  # noqa: E402

BIN = Path(sys.executable).parent


def child_cpu(cmd: list[str], env: dict[str, str], stdin: bytes | None = None) -> float:
    """CPU seconds of ``cmd`` and its children (from wait4)."""
    proc = subprocess.Popen(
        cmd,
        env=env,
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    if stdin is not None:
        assert proc.stdin is not None
        proc.stdin.write(stdin)
        proc.stdin.close()
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) not in (0, 2):
        raise SystemExit(f"{cmd} failed")
    return usage.ru_utime + usage.ru_stime


def own_cpu() -> float:
    """CPU seconds of this thread (the loopback server's threads are not counted)."""
    who = getattr(resource, "RUSAGE_THREAD", resource.RUSAGE_SELF)
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def main() -> int:
    """Measure each part and print one figure per line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--urls", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    compile_package()

    from studyplan.cli.links_store import _row
    from studyplan.links.checker import check_now
    from studyplan.links.extract import extract_files
    from studyplan.links.policy import CheckOptions
    from studyplan.links.report import render_results

    server = LinkServer(hosts=20, default_delay=0.1).start()
    work = Path(tempfile.mkdtemp(prefix="links-profile-"))
    studyplan = str(BIN / "studyplan")
    parts: dict[str, list[float]] = {}
    try:
        links = work / "links.md"
        links.write_text(
            "".join(
                f"- [{i}]({server.url(f'/ok/{i}', host=1 + i % 20)})\n" for i in range(args.urls)
            )
        )
        env = {**os.environ, "STUDYPLAN_HOME": str(work / "home")}
        env.pop("STUDYPLAN_DATABASE_URL", None)
        env.pop("STUDYPLAN_CATALOG", None)
        subprocess.run([studyplan, "steps"], env=env, check=True, capture_output=True)
        targets = extract_files([links]).targets()
        for _ in range(args.runs):
            parts.setdefault("start-up (links check --dump)", []).append(
                child_cpu([studyplan, "links", "check", str(links), "--dump"], env)
            )
            before = own_cpu()
            results, _ = check_now(targets, CheckOptions())
            parts.setdefault("event loop (requests and answers)", []).append(own_cpu() - before)
            before = own_cpu()
            render_results(results, "json")
            parts.setdefault("report (JSON of every result)", []).append(own_cpu() - before)
            feed = "".join(json.dumps(_row(r)) + "\n" for r in results).encode()
            parts.setdefault("storing process (open + write)", []).append(
                child_cpu([sys.executable, "-m", "studyplan.cli.links_store"], env, feed)
            )
            started = time.perf_counter()
            parts.setdefault("whole command", []).append(
                child_cpu([studyplan, "links", "check", str(links), "--force", "-f", "json"], env)
            )
            parts.setdefault("whole command wall", []).append(time.perf_counter() - started)
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)

    per_k = 1000 / args.urls
    print(f"urls: {args.urls}, runs: {args.runs}; CPU s per 1000 URLs, median (lowest-highest)")
    total = 0.0
    for name, found in parts.items():
        if name == "whole command wall":
            continue
        middle = statistics.median(found) * per_k
        if name != "whole command":
            total += middle
        print(f"{name}: {middle:.3f} ({min(found) * per_k:.3f}-{max(found) * per_k:.3f})")
    print(f"sum of the parts: {total:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
