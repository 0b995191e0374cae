"""Learners: one database, several learners, and each one sees only their own work.

The learner comes from the ``learner`` setting or ``STUDYPLAN_LEARNER`` (default: the
operating-system user). Whatever another learner did in the same database must change
nothing a learner sees: every read command prints the same as in a database of their own.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.conftest import cli_fails, cli_ok

NOW = "2027-01-04T09:00:00+00:00"

READS = (
    ("steps", "--json"),
    ("list", "--json"),
    ("stats", "--json"),
    ("next",),
    ("notes",),
    ("show", "intro-video"),
    ("plan", "--json"),
    ("export", "--format", "json"),
    ("export", "--format", "csv"),
    ("export", "--format", "markdown", "--notes"),
    ("export", "--format", "html", "--notes"),
    ("export", "--format", "ics"),
    ("search", "alpha"),
    ("search", "beta"),
)


def _as(env: dict[str, str], learner: str) -> dict[str, str]:
    return {**env, "STUDYPLAN_LEARNER": learner, "STUDYPLAN_NOW": NOW}


def _work_of_ada(env: dict[str, str]) -> None:
    ada = _as(env, "ada")
    cli_ok("done", "intro-video", env=ada)
    cli_ok("start", "basics-notes", env=ada)
    cli_ok("note", "basics-notes", "alpha notes", env=ada)
    cli_ok("note", "basics-notes", "alpha notes, again", env=ada)
    cli_ok("plan", "--minutes-per-day", "30", env=ada)


def _work_of_bob(env: dict[str, str]) -> None:
    bob = _as(env, "bob")
    cli_ok("done", "basics-notes", env=bob)
    cli_ok("skip", "backprop-post", "--reason", "seen it", env=bob)
    cli_ok("note", "basics-notes", "beta notes", env=bob)
    cli_ok("note", "intro-video", "beta on video", env=bob)
    cli_ok("plan", "--minutes-per-day", "90", env=bob)


STAMP = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)?")
"""Moments the commands recorded (status changes use the real clock): not compared."""


def _reads(env: dict[str, str]) -> dict[str, str]:
    return {
        " ".join(args): STAMP.sub("<moment>", cli_ok(*args, env=_as(env, "ada"))) for args in READS
    }


def test_another_learners_work_changes_nothing_a_learner_sees(
    env: dict[str, str], tmp_path: Path
) -> None:
    alone = {**env, "STUDYPLAN_HOME": str(tmp_path / "alone")}
    _work_of_ada(alone)
    _work_of_ada(env)
    _work_of_bob(env)
    expected = _reads(alone)
    seen = _reads(env)
    for command, output in expected.items():
        assert seen[command] == output, command
    # and bob's own view holds his work, not ada's
    bob = _as(env, "bob")
    shown = json.loads(cli_ok("export", "--format", "json", env=bob))
    statuses = {r["resource_id"]: r["status"] for r in shown["progress"]}
    assert statuses.get("basics-notes") == "done" and "intro-video" not in statuses
    assert "beta notes" in cli_ok("note", "basics-notes", env=bob)


def test_the_learner_setting_is_checked(env: dict[str, str]) -> None:
    line = cli_fails("steps", env={**env, "STUDYPLAN_LEARNER": "Ada Lovelace"})
    assert "not a valid learner name" in line
