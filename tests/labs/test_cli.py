"""`studyplan lab …` through the real command, on the real catalog in a private home."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import database_url, run_cli, studyplan_command

from .conftest import LABS


@pytest.fixture
def env(tmp_path: Path, backend: str, request: pytest.FixtureRequest) -> dict[str, str]:
    """A private home with the real catalog, on the test's database."""
    return {
        "STUDYPLAN_HOME": str(tmp_path / "home"),
        "STUDYPLAN_DATABASE_URL": database_url(request),
    }


def ok(*args: str, env: dict[str, str]) -> str:
    result = run_cli(*args, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout


def code(*args: str, env: dict[str, str]) -> int:
    return run_cli(*args, env=env).returncode


def test_list_in_step_order_with_status_and_attempts(env: dict[str, str]) -> None:
    labs = json.loads(ok("lab", "list", "--json", env=env))
    assert len(labs) >= 14
    assert [lab["step"] for lab in labs] == sorted(lab["step"] for lab in labs)
    first = labs[0]
    assert set(first) >= {"id", "step", "title", "follows", "minutes", "status", "attempts"}
    assert first["status"] == "not_started" and first["attempts"] == 0
    step3 = json.loads(ok("lab", "list", "--step", "3", "--json", env=env))
    assert {lab["id"] for lab in step3} >= {"gradient-descent", "mazur-example", "xor-backprop"}
    result = run_cli("lab", "list", "--step", "9", env=env)
    assert result.returncode == 1 and "no step 9" in result.stderr


def test_start_check_pass(env: dict[str, str]) -> None:
    started = ok("lab", "start", "perceptron-nand", env=env)
    path = Path(env["STUDYPLAN_HOME"]) / "labs" / "perceptron-nand.py"
    assert (
        str(path) in started
        and path.read_text() == (LABS / "perceptron-nand/starter.py").read_text()
    )
    path.write_text(path.read_text() + "\n# my work\n")
    again = ok("lab", "start", "perceptron-nand", env=env)
    assert "already started" in again and path.read_text().endswith("# my work\n")

    failing = run_cli("lab", "check", "perceptron-nand", "--json", env=env)
    assert failing.returncode == 1
    report = json.loads(failing.stdout)
    assert set(report) >= {"lab", "passed", "checks", "duration_ms", "output"}
    assert report["lab"] == "perceptron-nand" and report["passed"] is False
    assert all(set(c) == {"name", "passed", "message"} for c in report["checks"])
    assert "not written yet" in report["checks"][0]["message"]

    shutil.copyfile(LABS / "perceptron-nand/solution.py", path)
    passing = ok("lab", "check", "perceptron-nand", env=env)
    assert "all 7 checks pass" in passing or "checks pass. Well done" in passing
    [lab] = [
        x for x in json.loads(ok("lab", "list", "--json", env=env)) if x["id"] == "perceptron-nand"
    ]
    assert (lab["status"], lab["attempts"]) == ("passed", 2)


def test_check_file_records_no_attempt(env: dict[str, str]) -> None:
    solution = LABS / "stable-sigmoid/solution.py"
    assert code("lab", "check", "stable-sigmoid", "--file", str(solution), env=env) == 0
    [lab] = [
        x for x in json.loads(ok("lab", "list", "--json", env=env)) if x["id"] == "stable-sigmoid"
    ]
    assert (lab["status"], lab["attempts"]) == ("not_started", 0)
    result = run_cli("lab", "check", "stable-sigmoid", env=env)
    assert result.returncode == 1 and "is not started" in result.stderr


def test_hints_come_one_at_a_time_and_are_remembered(env: dict[str, str]) -> None:
    first = ok("lab", "hint", "xor-backprop", env=env)
    second = ok("lab", "hint", "xor-backprop", env=env)
    assert first.startswith("hint 1 of ") and second.startswith("hint 2 of ")
    total = int(first.split(" of ")[1].split(":")[0])
    for _ in range(total - 2):
        ok("lab", "hint", "xor-backprop", env=env)
    done = ok("lab", "hint", "xor-backprop", env=env)
    assert done.startswith("no more hints") and "lab solution xor-backprop" in done


def test_solution_asks_before_the_lab_is_passed(env: dict[str, str]) -> None:
    refused = run_cli("lab", "solution", "edge-filter", env=env)
    assert refused.returncode == 1 and "add --yes" in refused.stderr
    shown = ok("lab", "solution", "edge-filter", "--yes", env=env)
    assert shown == (LABS / "edge-filter/solution.py").read_text()


def test_reset_keeps_the_learners_file(env: dict[str, str]) -> None:
    ok("lab", "start", "conv-pool", env=env)
    path = Path(env["STUDYPLAN_HOME"]) / "labs" / "conv-pool.py"
    path.write_text("my attempt\n")
    out = ok("lab", "reset", "conv-pool", env=env)
    backups = list((path.parent / "backups").glob("conv-pool-*.py"))
    assert len(backups) == 1 and backups[0].read_text() == "my attempt\n"
    assert str(backups[0]) in out
    assert path.read_text() == (LABS / "conv-pool/starter.py").read_text()


def test_two_resets_in_a_second_keep_two_copies(env: dict[str, str]) -> None:
    ok("lab", "start", "conv-pool", env=env)
    path = Path(env["STUDYPLAN_HOME"]) / "labs" / "conv-pool.py"
    path.write_text("first attempt\n")
    ok("lab", "reset", "conv-pool", env=env)
    path.write_text("second attempt\n")
    ok("lab", "reset", "conv-pool", env=env)
    ok("lab", "reset", "conv-pool", env=env)  # the starter itself: nothing to keep
    kept = sorted(p.read_text() for p in (path.parent / "backups").glob("conv-pool-*.py"))
    assert kept == ["first attempt\n", "second attempt\n"]


def test_reset_and_show_of_a_lab_never_started(env: dict[str, str]) -> None:
    assert "file      none yet: 'studyplan lab start edge-filter'" in ok(
        "lab", "show", "edge-filter", env=env
    )
    ok("lab", "reset", "edge-filter", env=env)
    listed = json.loads(ok("lab", "list", "--json", env=env))
    assert next(lab for lab in listed if lab["id"] == "edge-filter")["status"] == "started"


def test_check_of_a_folder_or_a_binary_file(env: dict[str, str], tmp_path: Path) -> None:
    folder = run_cli("lab", "check", "edge-filter", "--file", str(tmp_path), env=env)
    assert folder.returncode == 1
    assert folder.stderr.strip() == (
        f"studyplan: usage error: {tmp_path} is a folder; give the path of a Python file"
    )
    binary = tmp_path / "answer.bin"
    binary.write_bytes(bytes(range(256)))
    result = run_cli("lab", "check", "edge-filter", "--file", str(binary), env=env)
    assert result.returncode == 1
    assert "your file is not Python source (it holds NUL bytes: a binary file?)" in result.stdout
    assert result.stdout.count("NUL bytes") == 1  # said once, not once per check


def test_verify_for_maintainers(env: dict[str, str]) -> None:
    out = ok("lab", "verify", "mazur-example", env=env)
    assert "ok  mazur-example" in out and "1 sound" in out


def test_unknown_lab_is_one_line(env: dict[str, str]) -> None:
    result = run_cli("lab", "show", "perceptron", env=env)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "studyplan: not found: no lab 'perceptron'; did you mean perceptron-nand?"
    )


def test_next_suggests_the_lab_after_its_reading(env: dict[str, str]) -> None:
    for ref in ("1.1", "1.2"):
        ok("done", ref, env=env)
    assert json.loads(ok("next", "--json", env=env))["type"] == "resource"
    ok("done", "nielsen-ch1", env=env)
    suggestion = json.loads(ok("next", "--json", env=env))
    assert (suggestion["type"], suggestion["id"]) == ("lab", "perceptron-nand")
    assert "Next: lab " in ok("next", env=env)
    steps = json.loads(ok("steps", "--json", env=env))
    assert steps[0]["labs"] >= 2 and steps[0]["finished"] == 3


def test_watch_checks_again_on_every_save(env: dict[str, str]) -> None:
    ok("lab", "start", "stable-sigmoid", env=env)
    path = Path(env["STUDYPLAN_HOME"]) / "labs" / "stable-sigmoid.py"
    process = subprocess.Popen(
        [*studyplan_command(), "lab", "watch", "stable-sigmoid"],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(process.stdout.readline, "")))  # type: ignore[union-attr]
    reader.start()

    def wait_for(text: str, save: bool = False) -> None:
        deadline = time.monotonic() + 60
        while not any(text in line for line in lines):
            assert time.monotonic() < deadline, f"no {text!r} in {lines}"
            if save:  # a save the watcher may not have been ready for is made again
                shutil.copyfile(LABS / "stable-sigmoid/solution.py", path)
            time.sleep(0.5)

    try:
        wait_for("watching ")
        assert any("0 of" in line for line in lines)
        wait_for("checks pass. Well done", save=True)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
        reader.join(5)
    assert process.returncode == 0
    assert any("stopped watching" in line for line in lines)
