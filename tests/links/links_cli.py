"""Running the real ``studyplan links`` console script in a subprocess, for the link tests.

The tests that use it are about the link checker, not the database: they run on the SQLite
file in a private home (the suite's ``home`` fixture), once, not on each backend
(tests/links/test_cli.py and the ``env`` fixture cover both backends).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

STUDYPLAN = Path(sys.executable).parent / "studyplan"
FAST = ["--timeout", "2", "--retries", "0"]
"""Options that keep a check short when something goes wrong."""


def run_links(
    home: Path,
    *args: str,
    env: dict[str, str] | None = None,
    timeout: float = 60,
    preexec_fn: Callable[[], None] | None = None,
) -> subprocess.CompletedProcess[str]:
    """``studyplan links ARGS`` with ``home`` as STUDYPLAN_HOME and working folder.

    ``preexec_fn`` runs in the child before the command (to lower a limit, say).
    """
    environ = {**os.environ, "STUDYPLAN_HOME": str(home)}
    environ.pop("STUDYPLAN_DATABASE_URL", None)
    environ.pop("STUDYPLAN_CATALOG", None)
    environ.update(env or {})
    return subprocess.run(
        [str(STUDYPLAN), "links", *args],
        capture_output=True,
        text=True,
        env=environ,
        cwd=home,
        timeout=timeout,
        check=False,
        preexec_fn=preexec_fn,
    )
