"""The per-host pace memory: what a run remembers, forgets and survives (real files, real
processes)."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import studyplan
from studyplan.links.pace_memory import MAX_AGE, PaceMemory, save_run

A, B, C, D = (f"http://{name}.test:80" for name in "abcd")
T0 = 1_790_000_000.0
DAY = 24 * 3600.0


@pytest.fixture
def path(tmp_path: Path) -> Path:
    """Where the memory lives; its folder does not exist yet."""
    return tmp_path / "cache" / "host-pace.json"


def remembered(path: Path, now: float = T0) -> dict[str, float]:
    return PaceMemory.load(path, now=now).hosts()


def test_round_trip(path: Path) -> None:
    assert save_run(path, {A: 2.0, B: 5}, {A, B, C}, now=T0) is None
    memory = PaceMemory.load(path, now=T0)
    assert memory.hosts() == {A: 2.0, B: 5.0}
    assert (memory.interval(A), memory.interval(C)) == (2.0, None)
    data = json.loads(path.read_text())
    assert data == {
        "version": 1,
        "hosts": {A: {"interval": 2.0, "seen": T0}, B: {"interval": 5.0, "seen": T0}},
    }
    assert sorted(p.name for p in path.parent.iterdir()) == [
        "host-pace.json",
        "host-pace.json.lock",
    ]


def test_intervals_are_capped(path: Path) -> None:
    save_run(path, {A: 120.0, B: 20.0}, set(), now=T0)
    assert remembered(path) == {A: 30.0, B: 20.0}
    save_run(path, {C: 120.0}, set(), now=T0, cap=10.0)
    assert remembered(path)[C] == 10.0
    assert PaceMemory.load(path, now=T0, cap=5.0).hosts() == {A: 5.0, B: 5.0, C: 5.0}


def test_a_contacted_host_without_429_is_forgotten_others_are_kept(path: Path) -> None:
    save_run(path, {A: 1.0, B: 2.0, C: 3.0}, {A, B, C}, now=T0)
    save_run(path, {D: 4.0}, {A, D}, now=T0 + 1)
    assert remembered(path) == {B: 2.0, C: 3.0, D: 4.0}
    save_run(path, {}, {B}, now=T0 + 2)
    assert remembered(path) == {C: 3.0, D: 4.0}
    save_run(path, {C: 0.0}, {C}, now=T0 + 3)  # asked to wait 0 s: full speed again
    assert remembered(path) == {D: 4.0}
    save_run(path, {D: 7.0}, {D}, now=T0 + 4)  # asked again: the new pace
    assert remembered(path) == {D: 7.0}


def test_odd_seconds_asked_for(path: Path) -> None:
    save_run(path, {A: 1.0, B: 1.0, C: 1.0}, {A, B, C}, now=T0)
    asked = {A: float("nan"), B: -1.0, C: 10**400, D: float("inf")}
    assert save_run(path, asked, {A, B, C, D}, now=T0) is None
    assert remembered(path) == {C: 30.0, D: 30.0}
    assert set(json.loads(path.read_text())["hosts"]) == {C, D}


def test_a_run_with_nothing_to_change_writes_nothing(path: Path) -> None:
    assert save_run(path, {}, {A, B}, now=T0) is None
    assert not path.parent.exists()
    save_run(path, {A: 1.0}, {A}, now=T0)
    before = path.stat().st_mtime_ns, path.stat().st_ino
    assert save_run(path, {}, {B, C}, now=T0 + 5) is None
    assert (path.stat().st_mtime_ns, path.stat().st_ino) == before


def test_memories_older_than_30_days_are_dropped(path: Path) -> None:
    save_run(path, {A: 1.0}, {A}, now=T0)
    save_run(path, {B: 2.0}, {B}, now=T0 + 10 * DAY)
    assert remembered(path, now=T0 + MAX_AGE) == {A: 1.0, B: 2.0}
    assert remembered(path, now=T0 + 31 * DAY) == {B: 2.0}
    save_run(path, {C: 3.0}, {C}, now=T0 + 31 * DAY)
    assert set(json.loads(path.read_text())["hosts"]) == {B, C}
    assert remembered(path, now=T0 + 41 * DAY) == {C: 3.0}


GOOD = {"interval": 2.0, "seen": T0}


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b'{"version": 1, "hosts": {"http://a.test:80": {"interval": 2.0, "se',
        b"\xff\xfe not text",
        b"[]",
        b"null",
        b'{"hosts": {}}',
        json.dumps({"version": 2, "hosts": {A: GOOD}}).encode(),
        json.dumps({"version": "1", "hosts": {A: GOOD}}).encode(),
        json.dumps({"version": 1, "hosts": 5}).encode(),
        json.dumps({"version": 1, "hosts": [A]}).encode(),
        json.dumps({"version": 1, "hosts": {A: 2.0}}).encode(),
        json.dumps({"version": 1, "hosts": {A: {"interval": "2", "seen": T0}}}).encode(),
        json.dumps({"version": 1, "hosts": {A: {"interval": -2.0, "seen": T0}}}).encode(),
        json.dumps({"version": 1, "hosts": {A: {"interval": 0, "seen": T0}}}).encode(),
        json.dumps({"version": 1, "hosts": {A: {"interval": float("nan"), "seen": T0}}}).encode(),
        json.dumps({"version": 1, "hosts": {A: {"interval": float("inf"), "seen": T0}}}).encode(),
        json.dumps({"version": 1, "hosts": {A: {"interval": True, "seen": T0}}}).encode(),
        json.dumps({"version": 1, "hosts": {A: {"interval": None, "seen": T0}}}).encode(),
        json.dumps({"version": 1, "hosts": {A: {"interval": 2.0}}}).encode(),
        json.dumps({"version": 1, "hosts": {A: {"interval": 2.0, "seen": "today"}}}).encode(),
        json.dumps({"version": 1, "hosts": {A: {"interval": 2.0, "seen": float("nan")}}}).encode(),
        json.dumps({"version": 1, "hosts": {A: {"interval": 10**400, "seen": T0}}}).encode(),
        json.dumps({"version": 1, "hosts": {A: {"interval": 2.0, "seen": 10**400}}}).encode(),
        b"[" * 100_000,
    ],
    ids=lambda content: content.decode("utf-8", "replace")[:60],
)
def test_a_damaged_file_reads_as_empty_and_is_replaced(path: Path, content: bytes) -> None:
    path.parent.mkdir()
    path.write_bytes(content)
    assert remembered(path) == {}
    assert save_run(path, {B: 1.0}, {B}, now=T0) is None
    assert remembered(path) == {B: 1.0}


def test_damaged_entries_are_skipped_and_good_ones_kept(path: Path) -> None:
    path.parent.mkdir()
    hosts = {A: GOOD, B: {"interval": "x", "seen": T0}, C: [1, 2], D: {"interval": 3, "seen": T0}}
    path.write_text(json.dumps({"version": 1, "hosts": hosts, "extra": True}))
    assert remembered(path) == {A: 2.0, D: 3.0}


def test_a_missing_or_unreadable_file_reads_as_empty(path: Path) -> None:
    assert remembered(path) == {}
    path.mkdir(parents=True)  # a folder where the file should be
    assert remembered(path) == {}


def assert_warning(warning: str | None, path: Path) -> None:
    assert warning is not None
    assert warning.startswith(f"cannot remember host pace in {path} (")
    assert warning.endswith("); the next check starts at full speed")
    assert "\n" not in warning


def test_a_folder_that_cannot_be_made_gives_a_warning(tmp_path: Path) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder should be")
    path = blocker / "host-pace.json"
    warning = save_run(path, {A: 1.0}, {A}, now=T0)
    assert_warning(warning, path)
    assert "Not a directory" in str(warning)
    assert remembered(path) == {}


def test_a_file_that_cannot_be_replaced_gives_a_warning(path: Path) -> None:
    path.mkdir(parents=True)
    (path / "keep").write_text("a folder where the file should be")
    warning = save_run(path, {A: 1.0}, {A}, now=T0)
    assert_warning(warning, path)
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]


def test_a_lock_held_too_long_gives_up_with_a_warning(path: Path) -> None:
    save_run(path, {A: 1.0}, {A}, now=T0)
    with open(path.with_name(path.name + ".lock"), "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        warning = save_run(path, {B: 2.0}, {B}, now=T0, lock_timeout=0.05)
    assert_warning(warning, path)
    assert "another studyplan held it" in str(warning)
    assert remembered(path) == {A: 1.0}
    assert save_run(path, {B: 2.0}, {B}, now=T0) is None
    assert remembered(path) == {A: 1.0, B: 2.0}


SAVER = """
import sys, time
from pathlib import Path
from studyplan.links.pace_memory import save_run

path, folder, index = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
(folder / f"ready-{index}").touch()
while not (folder / "go").exists():
    time.sleep(0.002)
host = f"http://h{index}.test:80"
print(save_run(path, {host: 1.0 + index}, {host}) or "", end="")
"""


def watch_while_running(path: Path, savers: list[subprocess.Popen[str]]) -> None:
    """Read the memory over and over while the savers run: each read must hold every host
    of the one before (a save only adds), so a half-written file would show."""
    before: set[str] = set()
    while any(saver.poll() is None for saver in savers):
        hosts = set(PaceMemory.load(path).hosts())
        assert hosts >= before, (before, hosts)
        before = hosts


def test_twenty_processes_saving_at_once_lose_no_update(path: Path, tmp_path: Path) -> None:
    count = 20
    signals = tmp_path / "signals"
    signals.mkdir()
    env = {**os.environ, "PYTHONPATH": str(Path(studyplan.__file__).parents[1])}
    savers = [
        subprocess.Popen(
            [sys.executable, "-c", SAVER, str(path), str(signals), str(index)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for index in range(count)
    ]
    try:
        deadline = time.monotonic() + 120
        while len(list(signals.glob("ready-*"))) < count:
            assert time.monotonic() < deadline, "the savers did not start"
            assert all(saver.poll() is None for saver in savers), "a saver died early"
            time.sleep(0.01)
        (signals / "go").touch()
        watch_while_running(path, savers)
        outcomes = [saver.communicate(timeout=120) for saver in savers]
    finally:
        for saver in savers:
            saver.kill()
            saver.wait()
    assert [saver.returncode for saver in savers] == [0] * count, outcomes
    assert outcomes == [("", "")] * count
    expected = {f"http://h{index}.test:80": 1.0 + index for index in range(count)}
    assert PaceMemory.load(path).hosts() == expected
