"""A host that answered 429 with Retry-After is paced: for the rest of the run, and from the
start of the next run (two real processes sharing STUDYPLAN_HOME), until a run gets no 429.

Paces are measured where they matter, on the server: the times its requests arrived. Only
lower bounds are asserted (a slow machine can only make gaps longer).
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from links_cli import STUDYPLAN, run_links
from links_server import LinkServer

from studyplan import paths
from studyplan.links.checker import LinkChecker
from studyplan.links.extract import LinkTarget
from studyplan.links.pace_memory import PaceMemory
from studyplan.links.policy import CheckOptions

PACE = 1.0
"""The Retry-After the server sends, in seconds (whole seconds only in its header)."""
MARGIN = 0.1
"""What the arrival of a request may gain on the previous one (thread and loop wake-ups)."""


def gaps(times: list[float]) -> list[float]:
    """The time between each request and the next."""
    return [later - earlier for earlier, later in itertools.pairwise(times)]


def test_a_429_paces_its_host_for_the_rest_of_the_run(
    server: LinkServer, fast: CheckOptions
) -> None:
    options = fast.replace(host_concurrency=1, retries=1)
    targets = [
        LinkTarget(server.url("/ratelimit/run?n=1&after=1")),
        LinkTarget(server.url("/ok/after-429")),
    ]
    with LinkChecker(options) as checker:
        results = checker.check_all(targets)
    assert [(r.status, r.attempts) for r in results] == [("alive", 2), ("alive", 1)]
    assert checker.asked_pace == {f"http://127.0.0.1:{server.port}": PACE}
    arrivals = server.arrivals["127.0.0.1"]
    assert len(arrivals) == 3  # the 429, then the retry and the other URL, paced
    assert min(gaps(arrivals)) >= PACE - MARGIN, gaps(arrivals)


@pytest.mark.skipif(not STUDYPLAN.exists(), reason="console script not installed")
def test_the_pace_a_host_asked_for_is_kept_for_the_next_run(server: LinkServer, home: Path) -> None:
    slow = f"http://127.0.0.2:{server.port}"
    memory = paths.host_pace_file()
    assert memory == home / "cache" / "host-pace.json"

    first = home / "first.md"
    first.write_text(f"[limited]({server.url('/ratelimit/runs?n=1&after=1', host=2)})\n")
    run = run_links(home, "check", str(first), "--force", "--timeout", "5", "--retries", "1")
    assert run.returncode == 0, run.stdout + run.stderr
    assert PaceMemory.load(memory).hosts() == {slow: PACE}

    second = home / "second.md"
    second.write_text(
        "".join(f"- {server.url(f'/ok/paced/{i}', host=2)}\n" for i in range(3))
        + "".join(f"- {server.url(f'/ok/free/{i}', host=1)}\n" for i in range(4))
    )
    server.reset()
    run = run_links(home, "check", str(second), "--force", "--format", "json", "--timeout", "5")
    assert run.returncode == 0, run.stderr
    assert [r["status"] for r in json.loads(run.stdout)] == ["alive"] * 7
    paced, free = server.arrivals["127.0.0.2"], server.arrivals["127.0.0.1"]
    assert len(paced) == 3 and len(free) == 4
    # the remembered host: one request a second from the first one on
    assert min(gaps(paced)) >= PACE - MARGIN, gaps(paced)
    # the other host is not paced: all its requests came before the slow host's second
    assert max(free) < paced[1]
    # this run got no 429 from it: the next run starts at full speed
    assert slow not in PaceMemory.load(memory).hosts()
