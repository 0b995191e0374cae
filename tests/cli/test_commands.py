"""Every command through the real console script, in a private STUDYPLAN_HOME."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.conftest import SMALL_CATALOG, database_rows, run_cli, studyplan_command
from tests.conftest import cli_fails as fails
from tests.conftest import cli_ok as ok


@pytest.mark.no_database
def test_version_and_help(env: dict[str, str]) -> None:
    assert ok("--version", env=env).startswith("studyplan ")
    help_text = ok("--help", env=env)
    for command in (
        "steps",
        "list",
        "show",
        "start",
        "done",
        "skip",
        "reset",
        "note",
        "notes",
        "search",
        "next",
        "stats",
        "locate",
        "add",
        "catalog",
        "links",
    ):
        assert command in help_text
    assert "--json" in ok("list", "--help", env=env)


def test_no_command_prints_the_steps_overview(env: dict[str, str]) -> None:
    out = ok(env=env)
    assert "Basics" in out and "Backprop" in out and "0/2" in out


def test_steps_json(env: dict[str, str]) -> None:
    steps = json.loads(ok("steps", "--json", env=env))
    assert [(s["number"], s["total"], s["minutes_left"]) for s in steps] == [(1, 2, 90), (2, 2, 65)]


def test_progress_round_trip(env: dict[str, str]) -> None:
    assert "todo -> in progress" in ok("start", "1.2", env=env)
    assert "todo -> done" in ok("done", "intro-video", env=env)
    assert "todo -> skipped" in ok("skip", "2.2", "--reason", "covered elsewhere", env=env)
    rows = {r["id"]: r for r in json.loads(ok("list", "--json", env=env))}
    assert rows["basics-notes"]["status"] == "in_progress"
    assert rows["intro-video"]["status"] == "done"
    assert rows["old-slides"]["status"] == "skipped"
    for key in ("id", "step", "title", "kind", "url", "minutes", "status", "provenance"):
        assert key in rows["intro-video"]
    shown = json.loads(ok("show", "old-slides", "--json", env=env))
    assert shown["skip_reason"] == "covered elsewhere"
    assert "todo" in ok("reset", "old-slides", env=env)
    assert json.loads(ok("show", "2.2", "--json", env=env))["status"] == "todo"
    assert "already done" in ok("done", "1.1", env=env)
    log = database_rows(env, "SELECT resource_id, from_status, to_status FROM activity ORDER BY id")
    assert log == [
        ("basics-notes", "todo", "in_progress"),
        ("intro-video", "todo", "done"),
        ("old-slides", "todo", "skipped"),
        ("old-slides", "skipped", "todo"),
    ]


def test_list_filters(env: dict[str, str]) -> None:
    ok("done", "backprop-post", env=env)
    ids = lambda *a: [r["id"] for r in json.loads(ok("list", "--json", *a, env=env))]  # noqa: E731
    assert ids("--step", "2") == ["backprop-post", "old-slides"]
    assert ids("--status", "done") == ["backprop-post"]
    assert ids("--kind", "notes") == ["basics-notes"]
    assert ids("--tag", "math") == ["basics-notes"]
    assert "nothing matches" in ok("list", "--tag", "nope", env=env)


def test_show_text(env: dict[str, str]) -> None:
    out = ok("show", "old-slides", env=env)
    assert "curated: replacement for a lost talk" in out
    assert "https://web.archive.org/web/2016/http://gone.example.org/slides.pdf" in out


def test_notes_commands(env: dict[str, str]) -> None:
    ok("note", "1.1", "first thoughts", env=env)
    ok("note", "1.1", "more", "--append", env=env)
    assert ok("note", "intro-video", env=env).strip() == "first thoughts\n\nmore"
    ok("note", "step-2", "a note on the whole step", env=env)
    listing = ok("notes", env=env)
    assert "Step 2: Backprop" in listing and "Intro Video" in listing
    history = json.loads(ok("note", "1.1", "--history", "--json", env=env))
    assert [h["body"] for h in history] == ["first thoughts"]
    assert (
        json.loads(ok("notes", "1.1", "--json", env=env))[0]["body"] == "first thoughts\n\nmore\n"
    )


def test_note_edit_uses_editor(env: dict[str, str], tmp_path: Path) -> None:
    editor = tmp_path / "editor.sh"
    editor.write_text('#!/bin/sh\nprintf "written in the editor\\n" >> "$1"\n')
    editor.chmod(0o755)
    ok("note", "2.1", "start", env=env)
    ok("note", "2.1", "--edit", env={**env, "EDITOR": str(editor), "VISUAL": ""})
    assert ok("note", "2.1", env=env) == "startwritten in the editor\n"


def test_failing_editor_keeps_the_text(env: dict[str, str]) -> None:
    line = fails("note", "2.1", "--edit", env={**env, "EDITOR": "false", "VISUAL": ""})
    assert "exited with 1" in line and "your text is in" in line
    kept = Path(line.split("your text is in ")[1].rstrip(")"))
    assert kept.is_file()
    kept.unlink()


def test_search_finds_titles_authors_tags_and_notes(env: dict[str, str]) -> None:
    found = lambda text: [r["id"] for r in json.loads(ok("search", text, "--json", env=env))]  # noqa: E731
    assert found("sigmoid") == ["basics-notes"]
    assert found("carl") == ["backprop-post"]
    assert found("math") == ["basics-notes"]
    ok("note", "old-slides", "gradient descent intuition", env=env)
    assert found("intuition") == ["old-slides"]
    assert "no resource matches" in ok("search", "zzzz", env=env)


def test_next_prefers_in_progress_then_step_order(env: dict[str, str]) -> None:
    first = json.loads(ok("next", "--json", env=env))
    assert first["id"] == "intro-video" and "begins" in first["reason"]
    ok("done", "1.1", env=env)
    ok("start", "2.2", env=env)
    started = json.loads(ok("next", "--json", env=env))
    assert started["id"] == "old-slides" and "started" in started["reason"]
    ok("done", "2.2", env=env)
    assert json.loads(ok("next", "--json", env=env))["id"] == "basics-notes"
    assert "Next: Basics Notes on Sigmoid" in ok("next", env=env)


def test_stats(env: dict[str, str]) -> None:
    ok("done", "1.1", env=env)
    ok("skip", "1.2", env=env)
    stats = json.loads(ok("stats", "--json", env=env))
    assert (stats["done"], stats["skipped"], stats["total"]) == (1, 1, 4)
    assert (stats["minutes_done"], stats["minutes_left"]) == (30, 65)
    assert stats["percent"] == 50.0
    assert "50%" in ok("stats", env=env)


def test_locate(env: dict[str, str]) -> None:
    places = json.loads(ok("locate", "--json", env=env))
    home = env["STUDYPLAN_HOME"]
    assert places["database"] == (env["STUDYPLAN_DATABASE_URL"] or f"sqlite:///{home}/studyplan.db")
    assert places["settings"] == f"{home}/settings.toml"
    assert places["labs"] == f"{home}/labs"
    assert places["catalog"] == env["STUDYPLAN_CATALOG"]


def test_add_and_catalog_commands(env: dict[str, str], tmp_path: Path) -> None:
    added = json.loads(
        ok(
            "add",
            "https://mine.example.org/a",
            "--step",
            "1",
            "--title",
            "Mine",
            "--kind",
            "video",
            "--minutes",
            "7",
            "--json",
            env=env,
        )
    )
    assert (added["ref"], added["origin"]) == ("1.3", "user")
    assert "valid" in ok("catalog", "validate", env=env)
    assert "already up to date" in ok("catalog", "sync", env=env)
    other = tmp_path / "other.yaml"
    other.write_text(
        SMALL_CATALOG.read_text()
        .replace("A Small Test Curriculum", "Second Course")
        .replace("id: ", "id: second-")
    )
    assert "second-course: 4 added" in ok("catalog", "import", str(other), env=env)
    assert (
        json.loads(ok("show", "second-course/1.1", "--json", env=env))["id"] == "second-intro-video"
    )


def test_validate_reports_every_problem_and_exits_1(env: dict[str, str], tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        SMALL_CATALOG.read_text()
        .replace("kind: video", "kind: vidoe")
        .replace("minutes: 60", "minutes: -1")
    )
    result = run_cli("catalog", "validate", str(broken), env=env)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2 and all(
        line.startswith(f"{broken}: steps[0].resources[") for line in lines
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("show", "no-such-thing"), "studyplan: not found: no resource with id 'no-such-thing'"),
        (("done", "7.7"), "studyplan: not found: no step 7;"),
        (("done", "1.7"), "studyplan: not found: no resource at position 1.7"),
        (("list", "--status", "finished"), "studyplan: usage error: unknown status 'finished'"),
        (
            ("add", "ftp://x", "--step", "1", "--title", "T", "--kind", "video"),
            "studyplan: usage error: URL must start with http",
        ),
        (
            ("catalog", "import", "/nonexistent.yaml"),
            "studyplan: catalog error: /nonexistent.yaml: no such file",
        ),
        (("list", "--step", "99"), "studyplan: not found: no step 99"),
    ],
)
def test_user_errors_are_one_line(
    env: dict[str, str], args: tuple[str, ...], expected: str
) -> None:
    assert fails(*args, env=env).startswith(expected)


def test_broken_catalog_edit_warns_and_loses_nothing(env: dict[str, str]) -> None:
    ok("done", "1.1", env=env)
    catalog = Path(env["STUDYPLAN_CATALOG"])
    good = catalog.read_text()
    catalog.write_text(good.replace("title: Backprop\n", 'title: "Backprop\n'))
    for args in (("list",), ("done", "1.2"), ("next",)):
        result = run_cli(*args, env=env)
        assert result.returncode == 0, result.stderr
        warning = result.stderr.strip().splitlines()
        assert len(warning) == 1 and warning[0].startswith(
            f"studyplan: warning: catalog error: {catalog}:"
        )
        assert "YAML syntax" in warning[0] and "as last synced" in warning[0]
    assert fails("catalog", "sync", env=env).startswith(f"studyplan: catalog error: {catalog}:")
    catalog.write_text(good)
    assert json.loads(ok("show", "1.1", "--json", env=env))["status"] == "done"
    assert json.loads(ok("show", "1.2", "--json", env=env))["status"] == "done"


@pytest.mark.no_database
def test_bad_settings_file_is_one_line(env: dict[str, str]) -> None:
    home = Path(env["STUDYPLAN_HOME"])
    home.mkdir(parents=True)
    (home / "settings.toml").write_text("editor = [\n")
    assert fails("steps", env=env).startswith(
        f"studyplan: settings error: {home / 'settings.toml'}"
    )
    (home / "settings.toml").write_text("colour = 'red'\n")
    assert "unknown setting 'colour'" in fails("steps", env=env)


@pytest.mark.no_database
@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("nonsense://x", "is not a database URL studyplan can use"),
        ("postgresql+nosuchdriver://u@127.0.0.1/db", "is not a database URL studyplan can use"),
    ],
)
def test_bad_database_url_is_one_line(env: dict[str, str], url: str, expected: str) -> None:
    line = fails("list", env={**env, "STUDYPLAN_DATABASE_URL": url})
    assert line.startswith("studyplan: database error:") and expected in line


def test_debug_shows_the_traceback(env: dict[str, str]) -> None:
    result = run_cli("--debug", "show", "nope", env=env)
    assert result.returncode == 1 and "Traceback" in result.stderr


@pytest.mark.no_database
def test_python_dash_m(env: dict[str, str]) -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "studyplan", "--version"],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        check=True,
    )
    assert result.stdout.startswith("studyplan ")


@pytest.mark.sqlite_only
def test_waits_for_another_writer_and_says_so(env: dict[str, str]) -> None:
    """The lock is held until the command says it waits, then released: no race."""
    ok("steps", env=env)
    file = Path(env["STUDYPLAN_HOME"]) / "studyplan.db"
    holder = sqlite3.connect(file, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    process = subprocess.Popen(
        [*studyplan_command(), "done", "1.1"],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr is not None
        first = process.stderr.readline()  # blocks until the command says something
        assert "database busy" in first and "waiting" in first
    finally:
        holder.execute("COMMIT")
        holder.close()
    out, rest = process.communicate(timeout=60)
    assert process.returncode == 0, first + rest
    assert "todo -> done" in out


@pytest.mark.sqlite_only
def test_damaged_database_names_todays_backup_and_a_report(env: dict[str, str]) -> None:
    ok("steps", env=env)  # a new database: nothing to copy yet
    ok("done", "1.1", env=env)  # the first write of the day copies the database first
    home = Path(env["STUDYPLAN_HOME"])
    daily = list((home / "backups").glob("studyplan-*Z-daily.db"))
    assert len(daily) == 1
    file = home / "studyplan.db"
    data = bytearray(file.read_bytes())
    data[4096:16384] = b"\xff" * 12288
    file.write_bytes(bytes(data))
    line = fails("list", env=env)
    assert line.startswith(f"studyplan: database error: {file} is damaged")
    assert f"the latest backup is {daily[0]}" in line
    reports = list(home.glob("damage-report-*.txt"))
    assert len(reports) == 1 and str(reports[0]) in line
    assert "SQLite says:" in reports[0].read_text()
    with sqlite3.connect(daily[0]) as conn:  # the copy is the database as it was before
        rows = conn.execute("SELECT id FROM resource WHERE id = 'intro-video'")
        assert rows.fetchall() == [("intro-video",)]
        assert conn.execute("SELECT count(*) FROM progress").fetchone() == (0,)
