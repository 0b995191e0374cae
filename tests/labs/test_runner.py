"""The runner: whatever the learner's file does, a clear message and no process left."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from studyplan.labs.runner import Limits, run_checks

from .conftest import FAULTS

CHECKS = FAULTS / "checks.py"
QUICK = Limits(seconds=3.0, memory_mb=512)


def processes_with(marker: str) -> list[int]:
    """Processes whose command line holds ``marker`` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if marker in cmdline:
            found.append(int(entry.name))
    return found


def run(name: str) -> object:
    return run_checks(FAULTS / name, CHECKS, QUICK)


def messages(result: object) -> list[str]:
    return [c.message for c in result.checks]  # type: ignore[attr-defined]


def test_a_good_file_passes() -> None:
    result = run_checks(FAULTS / "good.py", CHECKS, QUICK)
    assert result.passed and [c.name for c in result.checks] == [
        "double doubles a number",
        "double doubles an array",
    ]


def test_an_endless_loop_stops_at_the_time_limit() -> None:
    result = run_checks(FAULTS / "endless.py", CHECKS, QUICK)
    assert not result.passed
    assert "time limit of 3 s" in result.problem
    assert all("time limit" in m for m in messages(result))
    assert processes_with(str(FAULTS / "endless.py")) == []


def test_a_crash_of_the_process_is_explained() -> None:
    result = run_checks(FAULTS / "segfault.py", CHECKS, QUICK)
    assert not result.passed and "SIGSEGV" in result.problem


def test_a_syntax_error_names_the_line() -> None:
    result = run_checks(FAULTS / "syntax.py", CHECKS, QUICK)
    assert result.problem.startswith("syntax error at line 1 of your file")
    assert "def double(x)" in result.problem


def test_sys_exit_at_the_top_level() -> None:
    result = run_checks(FAULTS / "sys_exit.py", CHECKS, QUICK)
    assert "sys.exit()" in result.problem and not result.passed


def test_os_exit_inside_a_function() -> None:
    result = run_checks(FAULTS / "os_exit.py", CHECKS, QUICK)
    assert "ended the process (exit code 7)" in result.problem


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this system")
def test_a_fork_runs_the_checks_once_and_leaves_nothing() -> None:
    result = run_checks(FAULTS / "forks.py", CHECKS, QUICK)
    assert result.passed and len(result.checks) == 2
    assert processes_with(str(FAULTS / "forks.py")) == []


def test_a_spawned_process_is_ended_with_the_check() -> None:
    result = run_checks(FAULTS / "spawns.py", CHECKS, QUICK)
    assert result.passed
    assert processes_with("sleep 987654") == []


def test_input_does_not_wait() -> None:
    result = run_checks(FAULTS / "reads_input.py", CHECKS, QUICK)
    assert all("keyboard input" in m for m in messages(result))


def test_printing_100_mb_is_capped() -> None:
    result = run_checks(FAULTS / "prints_a_lot.py", CHECKS, Limits(seconds=20.0))
    assert result.passed
    assert len(result.output) == Limits().output_chars
    assert result.output_dropped > 100_000_000


@pytest.mark.skipif(not hasattr(os, "setsid"), reason="memory limits need Linux or macOS")
def test_a_memory_hog_is_stopped_by_the_limit() -> None:
    result = run_checks(FAULTS / "eats_memory.py", CHECKS, QUICK)
    assert not result.passed
    assert all("memory" in m for m in messages(result)), messages(result)


def test_an_exception_names_the_line_of_the_learner() -> None:
    result = run_checks(FAULTS / "raises.py", CHECKS, QUICK)
    message = messages(result)[0]
    assert message.startswith("ValueError at line 5 of your file (in double:")
    assert "np.ones(3) @ np.ones(4)" in message


def test_a_function_not_written_yet() -> None:
    result = run_checks(FAULTS / "not_written.py", CHECKS, QUICK)
    assert messages(result)[0] == (
        "`double` is not written yet: it still raises NotImplementedError (TODO: double)"
    )


def test_results_arrive_one_by_one() -> None:
    seen: list[str] = []
    run_checks(FAULTS / "good.py", CHECKS, QUICK, on_result=lambda c: seen.append(c.name))
    assert seen == ["double doubles a number", "double doubles an array"]
