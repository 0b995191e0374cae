"""What a machine can do to studyplan: a read-only home, a read-only file, a full disk.

The faults are real: a folder made read-only (for root, whom permissions do not stop, a
read-only bind mount in a private mount namespace) and a small tmpfs filled to the brim.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from studyplan.db.faults import explain
from tests.conftest import run_cli, studyplan_command

pytestmark = pytest.mark.sqlite_only  # a read-only or full disk under the SQLite file

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
HAS_UNSHARE = shutil.which("unshare") is not None


def _in_namespace(setup: str, args: tuple[str, ...], env: dict[str, str]) -> list[str]:
    command = " ".join(shlex.quote(part) for part in (*studyplan_command(), *args))
    return ["unshare", "-m", "sh", "-c", f"{setup} && exec {command}"]


def run_read_only(
    folder: Path, *args: str, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    """Run studyplan while ``folder`` and everything in it cannot be written."""
    if IS_ROOT:
        quoted = shlex.quote(str(folder))
        argv = _in_namespace(f"mount --bind -o ro {quoted} {quoted}", args, env)
        return subprocess.run(
            argv, capture_output=True, text=True, env={**os.environ, **env}, timeout=60
        )
    modes = {path: path.stat().st_mode for path in [folder, *folder.rglob("*")]}
    for path in modes:
        path.chmod(path.stat().st_mode & ~0o222)
    try:
        return run_cli(*args, env=env)
    finally:
        for path, mode in modes.items():
            path.chmod(mode)


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


needs_namespaces = pytest.mark.skipif(
    IS_ROOT and not HAS_UNSHARE, reason="root needs unshare(1) to make a read-only folder"
)


@needs_namespaces
def test_read_only_home_reads_and_says_what_to_do_for_writes(env: dict[str, str]) -> None:
    assert run_cli("done", "1.1", env=env).returncode == 0
    home = Path(env["STUDYPLAN_HOME"])
    listed = run_read_only(home, "list", env=env)
    assert listed.returncode == 0, listed.stderr
    assert "[x]" in listed.stdout and "Intro Video" in listed.stdout
    shown = run_read_only(home, "show", "1.1", "--json", env=env)
    assert shown.returncode == 0 and '"status": "done"' in shown.stdout
    line = one_line(run_read_only(home, "done", "1.2", env=env))
    assert line.startswith("studyplan: database error:") and "read-only" in line
    assert "nothing was changed" in line and "reading commands" in line


@needs_namespaces
def test_read_only_home_without_a_database_says_so(env: dict[str, str]) -> None:
    home = Path(env["STUDYPLAN_HOME"])
    home.mkdir()
    line = one_line(run_read_only(home, "steps", env=env))
    assert "read-only" in line and "STUDYPLAN_HOME" in line


def run_on_full_disk(
    home: Path, spare_kb: int, *args: str, env: dict[str, str], input: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run studyplan with ``home`` on a tmpfs filled up to ``spare_kb`` kilobytes."""
    size = sum(p.stat().st_size for p in home.rglob("*") if p.is_file())
    staged = home.parent / f"staged-{spare_kb}"
    shutil.copytree(home, staged)
    quoted_home, quoted_staged = shlex.quote(str(home)), shlex.quote(str(staged))
    setup = (
        f"mount -t tmpfs -o size={size + 512 * 1024} tmpfs {quoted_home}"
        f" && cp -a {quoted_staged}/. {quoted_home}/"
        f" && (dd if=/dev/zero of={quoted_home}/filler bs=4k 2>/dev/null || true)"
        f" && truncate -s -{spare_kb}K {quoted_home}/filler"
    )
    argv = _in_namespace(setup, args, env)
    return subprocess.run(
        argv, capture_output=True, text=True, env={**os.environ, **env}, input=input, timeout=60
    )


full_disk = pytest.mark.skipif(
    not (IS_ROOT and HAS_UNSHARE), reason="needs root to mount a small tmpfs"
)


@full_disk
def test_a_write_that_does_not_fit_says_the_disk_is_full_and_loses_nothing(
    env: dict[str, str],
) -> None:
    assert run_cli("steps", env=env).returncode == 0
    assert run_cli("note", "1.1", "kept", env=env).returncode == 0  # today's copy made here
    home = Path(env["STUDYPLAN_HOME"])
    big = "a long note " * 40000
    line = one_line(run_on_full_disk(home, 128, "note", "1.1", "-", env=env, input=big))
    assert line.startswith("studyplan: database error: the disk holding") and "is full" in line
    assert "nothing was changed" in line
    assert run_cli("note", "1.1", env=env).stdout.strip() == "kept"  # the real home


@full_disk
def test_every_command_on_a_full_disk_says_the_disk_is_full(env: dict[str, str]) -> None:
    assert run_cli("steps", env=env).returncode == 0
    line = one_line(run_on_full_disk(Path(env["STUDYPLAN_HOME"]), 0, "list", env=env))
    assert line.startswith("studyplan: database error: the disk holding") and "is full" in line
    assert "free some space" in line


@pytest.mark.parametrize(
    ("driver_says", "expected"),
    [
        ("database or disk is full", "is full"),
        ("attempt to write a readonly database", "is read-only"),
        ("unable to open database file", "cannot open"),
        ("disk I/O error", "disk I/O error on"),
    ],
)
def test_each_sqlite_fault_has_its_own_line(
    tmp_path: Path, driver_says: str, expected: str
) -> None:
    error = explain(RuntimeError(driver_says), "db", str(tmp_path / "studyplan.db"), writing=True)
    assert expected in error.message and "\n" not in error.message


def test_disk_io_error_on_a_full_disk_says_full(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from studyplan.db import faults

    monkeypatch.setattr(faults, "disk_is_full", lambda _folder: True)
    error = explain(RuntimeError("disk I/O error"), "db", str(tmp_path / "x.db"), writing=True)
    assert "is full" in error.message
