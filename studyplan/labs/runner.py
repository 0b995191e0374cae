"""Run a lab's checks on a file in a separate process, with limits.

The learner's code runs in its own process (:mod:`studyplan.labs.harness`), in its own
session, with no standard input, a time limit (default 10 s), a memory limit (Linux and
macOS) and its output captured and capped. Whatever it does (an infinite loop, a crash,
``sys.exit``, ``os._exit``, a fork, ``input()``, printing 100 MB), the caller gets a result
and no process is left behind: the whole process group is killed at the end.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

DEFAULT_TIME_LIMIT = 10.0
"""Seconds the learner's file and its checks may run."""

DEFAULT_MEMORY_MB = 1024
"""Address space the check process may use (Linux and macOS)."""

OUTPUT_CAP = 64 * 1024
"""Characters of the learner's printed output kept; the rest is counted, not kept."""


@dataclass(frozen=True)
class CheckResult:
    """One check: its name, whether it passed, and what to tell the learner."""

    name: str
    passed: bool
    message: str = ""
    duration_ms: int = 0


@dataclass
class RunResult:
    """Everything one run of a lab's checks found."""

    checks: list[CheckResult] = field(default_factory=list)
    output: str = ""
    """What the learner's code printed (capped)."""
    output_dropped: int = 0
    """Characters printed beyond the cap."""
    duration_ms: int = 0
    curves: dict[str, list[float]] = field(default_factory=dict)
    problem: str = ""
    """Why the run did not finish normally (time limit, a crash, a syntax error), if so."""
    cancelled: bool = False
    """Cut short by :func:`stop_all_checks` (studyplan was closing): says nothing of the code."""

    @property
    def passed(self) -> bool:
        """Every check ran and passed."""
        return bool(self.checks) and not self.problem and all(c.passed for c in self.checks)

    @property
    def failing(self) -> list[str]:
        """Names of the checks that did not pass."""
        return [c.name for c in self.checks if not c.passed]

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape (``lab check --json`` adds the lab id)."""
        return {
            "passed": self.passed,
            "checks": [
                {"name": c.name, "passed": c.passed, "message": c.message} for c in self.checks
            ],
            "duration_ms": self.duration_ms,
            "output": self.output,
            "problem": self.problem,
            "curves": self.curves,
        }


NOT_RUN = "did not run"
"""The message of a check the run never reached (the run's ``problem`` says why)."""

Listener = Callable[[CheckResult], None]
"""Called with each check's result as soon as it is known (from a reader thread)."""


@dataclass(frozen=True)
class Limits:
    """How long and how much the check process may take."""

    seconds: float = DEFAULT_TIME_LIMIT
    memory_mb: int = DEFAULT_MEMORY_MB
    output_chars: int = OUTPUT_CAP


def run_checks(
    lab_file: Path,
    checks_file: Path,
    limits: Limits | None = None,
    on_result: Listener | None = None,
) -> RunResult:
    """Run ``checks_file`` against ``lab_file`` in a separate process and collect the result."""
    limits = limits or Limits()
    lab_file, checks_file = lab_file.resolve(), checks_file.resolve()
    started = time.perf_counter()
    read_end, write_end = os.pipe()
    try:
        with _RUNNING_LOCK:  # registered as it starts: stop_all_checks sees every process
            process = _start(lab_file, checks_file, write_end, limits)
            _RUNNING.add(process)
    finally:
        os.close(write_end)
    events = _Events(on_result)
    output = _Output(limits.output_chars)
    readers = [
        threading.Thread(target=events.read, args=(os.fdopen(read_end, "r"),), daemon=True),
        threading.Thread(target=output.read, args=(process.stdout,), daemon=True),
    ]
    for reader in readers:
        reader.start()
    timed_out = False
    try:
        process.wait(timeout=limits.seconds)
    except subprocess.TimeoutExpired:
        timed_out = True
    finally:
        with _RUNNING_LOCK:
            _RUNNING.discard(process)
            cancelled = process in _STOPPED
            _STOPPED.discard(process)
        _kill_group(process)
    for reader in readers:
        reader.join(5)
    result = events.result(limits, timed_out, process.returncode)
    result.output, result.output_dropped = output.text(), output.dropped
    if not events.plan and not events.fatal and not timed_out and not result.checks:
        # the checks themselves could not be loaded: a broken lab, not the learner's fault
        last = result.output.strip().splitlines()[-1:] or ["no output"]
        result.problem = f"the lab's checks could not run ({last[0]}): run 'studyplan lab verify'"
        result.checks = [CheckResult("the lab's checks load", False, result.problem)]
    if cancelled:
        result.cancelled = True
        result.problem = "stopped: studyplan was closing"
    result.duration_ms = round((time.perf_counter() - started) * 1000)
    return result


_RUNNING: set[subprocess.Popen[bytes]] = set()
_STOPPED: set[subprocess.Popen[bytes]] = set()
_RUNNING_LOCK = threading.Lock()


def stop_all_checks() -> int:
    """End every check this process is running now (the interface is closing); how many.

    Each :func:`run_checks` waiting on one returns at once with the run cut short.
    """
    with _RUNNING_LOCK:  # held while signalling: none of these is reaped meanwhile
        for process in _RUNNING:
            _STOPPED.add(process)
            _signal_group(process)
        return len(_RUNNING)


def _start(lab_file: Path, checks_file: Path, fd: int, limits: Limits) -> subprocess.Popen[bytes]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key in ("PATH", "HOME", "LANG", "LC_ALL", "SYSTEMROOT", "TMPDIR", "TEMP", "TMP")
    }
    env.update(
        PYTHONHASHSEED="0",
        PYTHONIOENCODING="utf-8",
        PYTHONDONTWRITEBYTECODE="1",
        OPENBLAS_NUM_THREADS="1",
        OMP_NUM_THREADS="1",
        MKL_NUM_THREADS="1",
    )
    package_root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = package_root
    return subprocess.Popen(
        [
            sys.executable,
            "-P",  # the learner's folder is not on the import path (a random.py there)
            "-m",
            "studyplan.labs.harness",
            str(lab_file),
            str(checks_file),
            str(fd),
            str(limits.memory_mb),
            str(limits.seconds),
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        pass_fds=(fd,),
        cwd=str(lab_file.parent),
        env=env,
        start_new_session=hasattr(os, "setsid"),
    )


def _signal_group(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL the check process's group (its session): it and anything it started."""
    if hasattr(os, "killpg"):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """End the check process and anything it started, and reap it."""
    _signal_group(process)
    if process.poll() is None:
        process.kill()
    process.wait()


class _Events:
    """Reads the harness's JSON lines into results, telling a listener as they arrive."""

    def __init__(self, listener: Listener | None) -> None:
        self.listener = listener
        self.plan: list[str] = []
        self.checks: list[CheckResult] = []
        self.curves: dict[str, list[float]] = {}
        self.fatal = ""
        self.done = False

    def read(self, stream: IO[str]) -> None:
        with stream:
            for line in stream:
                try:
                    event = json.loads(line)
                except ValueError:
                    continue
                self._take(event)

    def _take(self, event: dict[str, Any]) -> None:
        kind = event.get("event")
        if kind == "plan":
            self.plan = [str(name) for name in event.get("checks", [])]
        elif kind == "check":
            result = CheckResult(
                str(event["name"]),
                bool(event["passed"]),
                str(event.get("message", "")),
                int(event.get("duration_ms", 0)),
            )
            self.checks.append(result)
            if self.listener is not None:
                self.listener(result)
        elif kind == "curve":
            self.curves[str(event["label"])] = [float(v) for v in event["values"]]
        elif kind == "fatal":
            self.fatal = str(event["message"])
        elif kind == "done":
            self.done = True

    def result(self, limits: Limits, timed_out: bool, returncode: int | None) -> RunResult:
        """The run's result; checks that never ran get the reason why."""
        problem = self.fatal
        if not problem and not self.done:
            problem = _why_stopped(limits, timed_out, returncode)
        checks = list(self.checks)
        ran = {c.name for c in checks}
        for name in self.plan:
            if name not in ran:  # the reason is said once, in ``problem``
                checks.append(CheckResult(name, False, NOT_RUN))
        if not checks and problem:
            checks.append(CheckResult("your file runs", False, problem))
        return RunResult(checks=checks, curves=dict(self.curves), problem=problem)


def _why_stopped(limits: Limits, timed_out: bool, returncode: int | None) -> str:
    if timed_out:
        return (
            f"stopped after the time limit of {limits.seconds:g} s: an endless loop, far "
            "too much work, or waiting on something (input, a thread, another process)?"
        )
    if returncode is not None and returncode < 0:
        name = signal.Signals(-returncode).name if -returncode in signal.valid_signals() else ""
        if name in ("SIGKILL", "SIGSEGV", "SIGBUS"):
            return (
                f"the check process was killed ({name}): your code may have used more than "
                f"{limits.memory_mb} MB of memory"
            )
        return f"the check process was ended by a signal ({name or -returncode})"
    return (
        f"your code ended the process (exit code {returncode}) before the checks finished: "
        "os._exit() or sys.exit() at the top level?"
    )


class _Output:
    """The learner's printed output, kept up to a cap, the rest drained and counted."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.kept: list[bytes] = []
        self.size = 0
        self.dropped_bytes = 0

    def read(self, stream: IO[bytes] | None) -> None:
        if stream is None:
            return
        with stream:
            while chunk := stream.read1(65536) if hasattr(stream, "read1") else stream.read(65536):
                room = self.cap * 4 - self.size
                if room > 0:
                    self.kept.append(chunk[:room])
                    self.size += min(room, len(chunk))
                self.dropped_bytes += max(0, len(chunk) - max(room, 0))

    def text(self) -> str:
        whole = b"".join(self.kept).decode("utf-8", errors="replace")
        return whole[: self.cap]

    @property
    def dropped(self) -> int:
        whole = b"".join(self.kept).decode("utf-8", errors="replace")
        return max(0, len(whole) - self.cap) + self.dropped_bytes
