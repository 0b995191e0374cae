"""The process that runs a lab's checks on the learner's file (started by the runner).

``python -P -m studyplan.labs.harness LAB_FILE CHECKS_FILE RESULTS_FD MEMORY_MB SECONDS``

(``-P``: the learner's folder is not on the import path, so a ``random.py`` or ``numpy.py``
there does not replace the real module.) It applies the memory limit, watches that the
process that started it is still there (and ends itself and what it started when not, or
when far past the time limit: nothing is left running if studyplan is killed), loads the checks, then the learner's file, runs each check in
file order (random generators seeded), and writes one JSON line per event to ``RESULTS_FD``:
``plan`` (the check names), ``check`` (name, passed, message, duration_ms), ``curve`` (a loss
curve) and ``done``; ``fatal`` when the learner's file cannot even be loaded. What the
learner's code prints goes to standard output, which the runner captures and caps.

Only the standard library and numpy are imported here, so a check starts fast.
"""

from __future__ import annotations

import contextlib
import importlib.machinery
import importlib.util
import json
import os
import random
import re
import signal
import sys
import threading
import time
import traceback
from pathlib import Path
from types import ModuleType
from typing import IO, Any

_TODO = re.compile(r"\bTODO\b")


def _limit_memory(megabytes: int) -> None:
    """Cap the address space (Linux, macOS); elsewhere only the time limit applies."""
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return
    limit = megabytes * 1024 * 1024
    for name in ("RLIMIT_AS", "RLIMIT_DATA"):
        kind = getattr(resource, name, None)
        if kind is None:
            continue
        try:
            resource.setrlimit(kind, (limit, limit))
        except (ValueError, OSError):  # not allowed here: keep the time limit only
            continue
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _end_everything() -> None:
    """Kill this process and everything it started (when it leads its own process group)."""
    try:
        if os.getpgrp() == os.getpid():
            os.killpg(os.getpgrp(), signal.SIGKILL)
    finally:
        os._exit(1)


def _watch_over(seconds: float) -> None:
    """End the run if the process that started it is gone, or long past the time limit.

    The runner enforces the limit; this covers a runner that was killed (kill -9, a closed
    terminal): a learner's endless loop must not run on forever. The CPU limit covers code
    that would keep this thread from running at all (a long call into C).
    """
    parent = os.getppid()
    deadline = time.monotonic() + seconds + GRACE_SECONDS
    with contextlib.suppress(ImportError, ValueError, OSError):
        import resource

        cpu = int(seconds + GRACE_SECONDS) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))

    def watch() -> None:
        while os.getppid() == parent and time.monotonic() < deadline:
            time.sleep(0.2)
        _end_everything()

    if hasattr(os, "killpg"):
        threading.Thread(target=watch, name="studyplan-watch", daemon=True).start()


GRACE_SECONDS = 5.0
"""Beyond the time limit, how long before the harness ends itself (the runner kills first)."""


def _no_forks() -> None:
    """A process forked by the learner's code ends at once (it would run the checks twice)."""
    if hasattr(os, "register_at_fork"):
        os.register_at_fork(after_in_child=lambda: os._exit(0))


def _load(path: Path, name: str) -> ModuleType:
    # Python source whatever the file's name ends with (``--file answer.txt``).
    loader = importlib.machinery.SourceFileLoader(name, str(path))
    spec = importlib.util.spec_from_file_location(name, path, loader=loader)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _checks_of(module: ModuleType) -> list[Any]:
    found = [f for f in vars(module).values() if callable(f) and hasattr(f, "__lab_check__")]
    return sorted(found, key=lambda f: f.__lab_order__)


def learner_line(exc: BaseException, lab_file: Path) -> str:
    """Where ``exc`` happened: ``line 12 of your file (in forward: `z = X @ W`)``."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if Path(f.filename) == lab_file]
    if isinstance(exc, SyntaxError) and exc.lineno:
        text = (exc.text or "").strip()
        return f"line {exc.lineno} of your file" + (f" (`{text}`)" if text else "")
    if not frames:
        return ""
    last = frames[-1]
    inside = f"in {last.name}" if last.name != "<module>" else ""
    code = f"`{last.line.strip()}`" if last.line else ""
    detail = ": ".join(part for part in (inside, code) if part)
    return f"line {last.lineno} of your file" + (f" ({detail})" if detail else "")


def describe_exception(exc: BaseException, lab_file: Path) -> str:
    """One sentence for an exception raised by the learner's code."""
    if isinstance(exc, SystemExit):
        return "your code called sys.exit(): a lab's functions should return their result"
    if isinstance(exc, EOFError):
        return "your code waits for keyboard input (input()): a lab takes no input"
    if isinstance(exc, MemoryError):
        return "your code ran out of memory (the lab's memory limit): an array far too big?"
    if isinstance(exc, RecursionError):
        return "your code recursed too deeply (a function calling itself without end?)"
    where = learner_line(exc, lab_file)
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    kind = type(exc).__name__ + (f" at {where}" if where else "")
    return f"{kind}: {detail}" if detail else kind


def _todo_hint(lab_file: Path) -> str:
    try:
        lines = lab_file.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return ""
    todo = [i + 1 for i, line in enumerate(lines) if _TODO.search(line)]
    if not todo:
        return ""
    places = ", ".join(str(n) for n in todo[:3]) + (", …" if len(todo) > 3 else "")
    return f" (your file still has {len(todo)} TODO: line {places})"


class Reporter:
    """Writes the JSON lines; only the process that started the run may write."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.pid = os.getpid()

    def send(self, **event: Any) -> None:
        """One event, one line, flushed at once (the runner shows results as they come)."""
        if os.getpid() != self.pid:
            os._exit(0)
        self.stream.write(json.dumps(event) + "\n")
        self.stream.flush()


def run(lab_file: Path, checks_file: Path, reporter: Reporter) -> None:
    """Load the checks and the learner's file, run every check, report as it goes."""
    import numpy as np

    from studyplan.labs import expect

    checks_module = _load(checks_file, "lab_checks")
    checks = _checks_of(checks_module)
    reporter.send(event="plan", checks=[c.__lab_check__ for c in checks])
    try:
        lab = _load(lab_file, "lab")
    except BaseException as exc:  # the learner's file: anything can happen while it loads
        if isinstance(exc, SyntaxError) and exc.lineno:
            message = f"syntax error at {learner_line(exc, lab_file)}: {exc.msg}"
        elif isinstance(exc, SyntaxError | ValueError) and "null bytes" in str(exc):
            message = "your file is not Python source (it holds NUL bytes: a binary file?)"
        else:
            message = f"your file fails when it is loaded: {describe_exception(exc, lab_file)}"
        reporter.send(event="fatal", message=message)
        return
    todo = _todo_hint(lab_file)
    for check in checks:
        random.seed(0)
        np.random.seed(0)
        started = time.perf_counter()
        passed, message = True, ""
        try:
            check(lab)
        except expect.NotWritten as exc:
            passed, message = False, str(exc)
        except expect.Mismatch as exc:
            passed, message = False, str(exc) + todo
        except BaseException as exc:  # the learner's code raised: say where, go on
            passed, message = False, describe_exception(exc, lab_file)
        duration = round((time.perf_counter() - started) * 1000)
        reporter.send(
            event="check",
            name=check.__lab_check__,
            passed=passed,
            message=message,
            duration_ms=duration,
        )
    for label, values in expect.CURVES.items():
        reporter.send(event="curve", label=label, values=values)


def main(argv: list[str]) -> int:
    """Entry point (see the module's docstring)."""
    lab_file, checks_file = Path(argv[0]).resolve(), Path(argv[1]).resolve()
    stream = os.fdopen(int(argv[2]), "w", encoding="utf-8")
    _watch_over(float(argv[4]))
    _limit_memory(int(argv[3]))
    _no_forks()
    sys.setrecursionlimit(3000)
    reporter = Reporter(stream)
    try:
        run(lab_file, checks_file, reporter)
    finally:
        reporter.send(event="done")
        stream.close()
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    code = main(sys.argv[1:])
    # Not sys.exit: threads the learner's code left running must not keep the run waiting.
    os._exit(code)
