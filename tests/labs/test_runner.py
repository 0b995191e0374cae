"""The runner: whatever the learner's file does, a clear message and no process left."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from studyplan.labs.runner import NOT_RUN, Limits, run_checks

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
    assert all(m == NOT_RUN for m in messages(result))  # the reason is said once
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


def wait_for(condition: object, what: str, seconds: float = 30.0) -> None:
    """Poll ``condition`` until it holds; fail saying ``what`` after ``seconds`` (a net)."""
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


@pytest.mark.skipif(not hasattr(os, "killpg"), reason="process groups: Linux or macOS")
def test_a_killed_runner_leaves_no_check_running(tmp_path: Path) -> None:
    """kill -9 of studyplan (or a closed terminal) mid-check: the endless loop ends too."""
    learner = tmp_path / "endless-orphan.py"
    shutil.copyfile(FAULTS / "endless.py", learner)
    code = (
        "import sys; from pathlib import Path; from studyplan.labs.runner import Limits, "
        "run_checks; run_checks(Path(sys.argv[1]), Path(sys.argv[2]), Limits(seconds=60))"
    )
    runner = subprocess.Popen([sys.executable, "-c", code, str(learner), str(CHECKS)])
    try:
        wait_for(lambda: processes_with(str(learner)), "the check process to start")
        runner.send_signal(signal.SIGKILL)
        runner.wait()
        wait_for(lambda: not processes_with(str(learner)), "the orphaned check to end itself")
    finally:
        if runner.poll() is None:
            runner.kill()


def test_modules_beside_the_file_do_not_replace_the_real_ones(tmp_path: Path) -> None:
    for name in ("random.py", "numpy.py", "json.py"):
        (tmp_path / name).write_text("raise RuntimeError('not the real module')\n")
    learner = tmp_path / "numpy_answer.py"
    shutil.copyfile(FAULTS / "good.py", learner)
    result = run_checks(learner, CHECKS, QUICK)
    assert result.passed, (result.problem, messages(result))


def test_a_file_whose_name_does_not_end_in_py(tmp_path: Path) -> None:
    learner = tmp_path / "answer.txt"
    shutil.copyfile(FAULTS / "good.py", learner)
    assert run_checks(learner, CHECKS, QUICK).passed


def test_a_binary_file_is_not_python_source(tmp_path: Path) -> None:
    learner = tmp_path / "binary.py"
    learner.write_bytes(b"def double(x):\n    return 2 * x\0\n")
    result = run_checks(learner, CHECKS, QUICK)
    assert result.problem == "your file is not Python source (it holds NUL bytes: a binary file?)"


def test_a_thread_left_running_does_not_hold_the_run() -> None:
    result = run_checks(FAULTS / "thread_left.py", CHECKS, QUICK)
    assert result.passed and not result.problem  # not stopped by the 3 s limit


def test_closing_stops_a_running_check_at_once(tmp_path: Path) -> None:
    """The interface closing mid-check: the run ends now, marked cancelled, nothing left."""
    import threading

    from studyplan.labs.runner import stop_all_checks

    learner = tmp_path / "endless-closing.py"  # its own name: other tests run endless.py
    shutil.copyfile(FAULTS / "endless.py", learner)
    results: list[object] = []
    worker = threading.Thread(
        target=lambda: results.append(run_checks(learner, CHECKS, Limits(seconds=120)))
    )
    worker.start()
    wait_for(lambda: processes_with(str(learner)), "the check to start")
    assert stop_all_checks() == 1
    worker.join(60)
    (result,) = results
    assert result.cancelled and not result.passed  # type: ignore[attr-defined]
    assert result.problem == "stopped: studyplan was closing"  # type: ignore[attr-defined]
    assert processes_with(str(learner)) == []
