"""``studyplan group``: learners of one database and where each stands (both backends).

On SQLite, and for the owner of a PostgreSQL database, learners are told apart by the
``learner`` setting (``STUDYPLAN_LEARNER``); ``group add`` and ``remove`` manage the list.
"""

from __future__ import annotations

import json

from tests.conftest import cli_fails, cli_ok, database_rows

NOW = "2027-01-06T12:00:00+00:00"  # a Wednesday: the week began on Monday the 4th


def _as(env: dict[str, str], learner: str) -> dict[str, str]:
    return {**env, "STUDYPLAN_LEARNER": learner, "STUDYPLAN_NOW": NOW}


def test_group_status_lists_every_learner_most_advanced_first(env: dict[str, str]) -> None:
    cli_ok("done", "intro-video", env=_as(env, "cleo"))
    cli_ok("skip", "basics-notes", env=_as(env, "cleo"))
    cli_ok("done", "backprop-post", env=_as(env, "ada"))
    cli_ok("start", "intro-video", env=_as(env, "bob"))
    if "postgresql" not in env["STUDYPLAN_DATABASE_URL"]:
        cli_ok("group", "add", "dan", env=env)
    shown = json.loads(cli_ok("group", "status", "--json", env=_as(env, "ada")))
    names = [m["learner"] for m in shown]
    assert names[:3] == ["cleo", "ada", "bob"]
    cleo, ada = shown[0], shown[1]
    assert [(s["step"], s["done"], s["total"]) for s in cleo["steps"]] == [(1, 2, 2), (2, 0, 2)]
    assert ada["done"] == 1 and ada["total"] == 4
    assert cleo["minutes_this_week"] == 0  # skipping is not studying; done moments are today
    text = cli_ok("group", "status", env=_as(env, "ada"))
    assert text.splitlines()[0].startswith("LEARNER")
    assert [line.split()[0] for line in text.splitlines()[1:4]] == ["cleo", "ada", "bob"]


def test_group_remove_keeps_history_unless_purged(env: dict[str, str]) -> None:
    cli_ok("done", "intro-video", env=_as(env, "bob"))
    cli_ok("done", "intro-video", env=_as(env, "ada"))
    cli_ok("group", "remove", "bob", env=env)
    shown = json.loads(cli_ok("group", "status", "--json", env=env))
    assert "bob" not in [m["learner"] for m in shown]
    assert database_rows(env, "SELECT COUNT(*) FROM progress WHERE learner = 'bob'") == [(1,)]
    line = cli_fails("done", "basics-notes", env=_as(env, "bob"))
    assert "was removed from the group" in line
    cli_ok("group", "remove", "bob", "--purge", env=env)
    assert database_rows(env, "SELECT COUNT(*) FROM progress WHERE learner = 'bob'") == [(0,)]
    assert database_rows(env, "SELECT COUNT(*) FROM progress WHERE learner = 'ada'") == [(1,)]


def test_group_bad_input_is_one_line(env: dict[str, str]) -> None:
    assert "no learner 'nobody'" in cli_fails("group", "remove", "nobody", env=env)
    assert "not a valid learner name" in cli_fails("group", "add", "Bad Name", env=env)
    if "postgresql" not in env["STUDYPLAN_DATABASE_URL"]:
        assert "for a group on PostgreSQL" in cli_fails("group", "init", env=env)
        cli_ok("group", "add", "dan", env=env)
        assert "exists already" in cli_fails("group", "add", "dan", env=env)
