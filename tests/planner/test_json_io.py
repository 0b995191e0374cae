"""The JSON export and ``studyplan import-progress``: the round trip, merging, bad files.

Homes use the real catalog (it has labs). Data is made through the services the commands
use; imports run through the real command in a subprocess; exports are rendered in-process
with a pinned clock, so two exports of the same data are byte for byte the same.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event

from studyplan.db.database import Database
from studyplan.labs.runner import CheckResult, RunResult
from studyplan.labs.service import record_attempt
from studyplan.planner.exports import ExportContext
from studyplan.planner.exports.json_export import render
from studyplan.planner.progress_document import read_document
from studyplan.planner.progress_import import MAX_EXPORT_BYTES, import_progress
from studyplan.planner.service import build_plan, set_pace
from studyplan.services.notes import note_history, save_note
from studyplan.services.own_resources import add_resource
from studyplan.services.progress import set_status
from studyplan.services.timer import toggle_timer
from studyplan.services.workspace import open_workspace
from studyplan.settings import load_settings
from tests.conftest import cli_fails, cli_ok, run_cli, studyplan_command

NOW = datetime(2027, 1, 4, 18, 0, tzinfo=timezone(timedelta(hours=1)))
"""The pinned clock of every export (an offset other than UTC, to see it converted)."""

NOTE = "second draft: naïve <script>alert(1)</script> zebrafish"
ODD = 'tab\t quote " backslash \\ bell \x07 party 🎉 separator \u2028 end\n'
"""Text every JSON writer must escape or keep just so."""

Opener = Callable[[dict[str, str]], Database]


def home_env(folder: Path) -> dict[str, str]:
    """The environment of a home with the real catalog (the variables tests may leave set)."""
    return {"STUDYPLAN_HOME": str(folder), "STUDYPLAN_DATABASE_URL": "", "STUDYPLAN_CATALOG": ""}


def _open(env: dict[str, str]) -> Database:
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            if value:
                patch.setenv(name, value)
            else:
                patch.delenv(name, raising=False)
        return open_workspace(load_settings())


@pytest.fixture
def open_home() -> Iterator[Opener]:
    """Open the database of a home in-process (closed at the end of the test)."""
    opened: list[Database] = []

    def opener(env: dict[str, str]) -> Database:
        db = _open(env)
        opened.append(db)
        return db

    yield opener
    for db in opened:
        db.dispose()


def export(db: Database) -> str:
    """The JSON export of ``db`` at the pinned moment."""
    tz = ZoneInfo("UTC")
    return render(ExportContext(db=db, plan=build_plan(db, tz, NOW), tz=tz, now=NOW))


def fill(db: Database) -> None:
    """A learner's data of every kind."""
    set_status(db, "nielsen-ch1", "in_progress")
    set_status(db, "nielsen-ch1", "done")
    set_status(db, "ng-linear-algebra", "skipped", "known <already>")
    save_note(db, "nielsen-ch1", "first draft")
    save_note(db, "nielsen-ch1", NOTE)
    save_note(db, "step-2", "a note on the whole step")
    save_note(db, "deeplearning-tv", ODD)
    mine = add_resource(
        db, "https://example.org/mine", 2, "My Own Thing", "notes", minutes=10, tags=["own"]
    )
    set_status(db, mine.id, "in_progress")
    save_note(db, mine.id, "about my own thing")
    toggle_timer(db, "nielsen-ch1")
    toggle_timer(db, "nielsen-ch1")
    toggle_timer(db, "deeplearning-tv")  # left running
    failing = [CheckResult("nand", False), CheckResult("adder", True)]
    record_attempt(db, "perceptron-nand", RunResult(checks=failing, duration_ms=12))
    record_attempt(db, "perceptron-nand", RunResult(checks=[CheckResult("nand", True)]))
    set_pace(db, date(2027, 1, 4), hours_per_week=5, days="mon,wed,sat")


@pytest.fixture
def filled(tmp_path: Path, open_home: Opener) -> tuple[Database, Path]:
    """Home A with data of every kind, and its export in a file."""
    db = open_home(home_env(tmp_path / "a"))
    fill(db)
    file = tmp_path / "export.json"
    file.write_text(export(db), encoding="utf-8")
    return db, file


def counts(output: str) -> dict[str, str]:
    """``progress: 3 new, 0 updated, 0 unchanged`` lines by kind."""
    found = {}
    for line in output.splitlines():
        kind, sep, rest = line.partition(": ")
        if sep and rest[:1].isdigit():
            found[kind] = rest
    return found


# the document ------------------------------------------------------------------------------


def test_export_is_versioned_sorted_utc_and_complete(filled: tuple[Database, Path]) -> None:
    text = filled[1].read_text(encoding="utf-8")
    assert text.endswith("}\n") and not text.endswith("\n\n")
    assert text.splitlines()[1].startswith('  "schema"')  # indent 2
    assert "naïve" in text and "🎉" in text  # not escaped as \u00ef
    doc = json.loads(text)
    assert text == json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    assert doc["schema"] == "studyplan-progress" and doc["version"] == 1
    assert doc["exported_at"] == "2027-01-04T17:00:00+00:00"
    assert doc["time_zone"] == "UTC"
    assert doc["settings"] == {"week_start": "monday", "study_time": "19:00", "streaks": False}
    assert [p["resource_id"] for p in doc["progress"]] == [
        "my-own-thing",
        "ng-linear-algebra",
        "nielsen-ch1",
    ]
    assert len(doc["activity"]) == 4 and len(doc["timer_sessions"]) == 2
    assert [a["at"] for a in doc["activity"]] == sorted(a["at"] for a in doc["activity"])
    assert doc["timer_sessions"][-1]["ended_at"] is None  # the running timer
    attempts = doc["lab_attempts"]
    assert [(a["passed"], a["failing"]) for a in attempts] == [(False, ["nand"]), (True, [])]
    assert doc["lab_progress"][0]["lab_id"] == "perceptron-nand"
    assert doc["lab_progress"][0]["status"] == "passed"
    notes = {n["resource_id"] or "step": n for n in doc["notes"]}
    assert notes["nielsen-ch1"]["body"] == NOTE
    assert notes["deeplearning-tv"]["body"] == ODD
    assert [v["body"] for v in notes["nielsen-ch1"]["versions"]] == ["first draft"]
    assert notes["step"]["step"] == {"curriculum": "main", "number": 2}
    assert doc["pace"]["days"] == ["mon", "wed", "sat"] and doc["pace"]["start"] == "2027-01-04"
    resources = {r["id"]: r for r in doc["catalog"]["resources"]}
    assert [r["id"] for r in doc["catalog"]["resources"]] == sorted(resources)
    mine = resources["my-own-thing"]
    assert (mine["origin"], mine["step"], mine["url"], mine["tags"]) == (
        "user",
        2,
        "https://example.org/mine",
        ["own"],
    )
    assert mine["added_at"].endswith("+00:00")
    assert resources["nielsen-ch1"]["added_at"] is None
    assert any(lab["id"] == "perceptron-nand" for lab in doc["catalog"]["labs"])
    times = [t for t in _times(doc) if t is not None]
    assert times and all(t.endswith("+00:00") for t in times)


def _times(value: Any) -> Iterator[Any]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key.endswith("_at") or key == "at":
                yield item
            else:
                yield from _times(item)
    elif isinstance(value, list):
        for item in value:
            yield from _times(item)


# the round trip ----------------------------------------------------------------------------


def test_export_import_into_empty_database_export_gives_the_same_document(
    filled: tuple[Database, Path], tmp_path: Path, open_home: Opener
) -> None:
    _, file = filled
    env_b = home_env(tmp_path / "b")
    output = cli_ok("import-progress", str(file), env=env_b)
    found = counts(output)
    assert found["progress"] == "3 new, 0 updated, 0 unchanged"
    assert found["your resources"] == "1 new, 0 updated, 0 unchanged"
    assert found["notes"] == "4 new, 0 updated, 0 unchanged"
    assert found["note versions"] == "1 new, 0 updated, 0 unchanged"
    assert found["activity"] == "4 new, 0 updated, 0 unchanged"
    assert found["lab attempts"] == "2 new, 0 updated, 0 unchanged"
    assert found["pace"] == "1 new, 0 updated, 0 unchanged"
    assert f"imported {file}" in output
    assert export(open_home(env_b)) == file.read_text(encoding="utf-8")
    # the imported note is in the search index, and the recreated resource too
    assert "nielsen-ch1" in cli_ok("search", "zebrafish", env=env_b)
    assert "my-own-thing" in cli_ok("search", "Own Thing", env=env_b)


def test_a_second_import_changes_nothing(
    filled: tuple[Database, Path], tmp_path: Path, open_home: Opener
) -> None:
    _, file = filled
    env_b = home_env(tmp_path / "b")
    cli_ok("import-progress", str(file), env=env_b)
    before = export(open_home(env_b))
    output = cli_ok("import-progress", str(file), env=env_b)
    for kind, line in counts(output).items():
        assert line.startswith("0 new, 0 updated"), (kind, line)
    assert counts(output)["activity"] == "0 new, 0 updated, 4 unchanged"
    assert "nothing to import" in output
    assert export(open_home(env_b)) == before


def test_importing_into_its_own_database_changes_nothing(
    filled: tuple[Database, Path], tmp_path: Path
) -> None:
    db, file = filled
    before = export(db)
    output = cli_ok("import-progress", str(file), env=home_env(tmp_path / "a"))
    assert all(line.startswith("0 new, 0 updated") for line in counts(output).values())
    assert export(db) == before


def test_dry_run_says_what_would_change_and_changes_nothing(
    filled: tuple[Database, Path], tmp_path: Path, open_home: Opener
) -> None:
    _, file = filled
    env_b = home_env(tmp_path / "b")
    cli_ok("list", env=env_b)
    before = export(open_home(env_b))
    output = cli_ok("import-progress", str(file), "--dry-run", env=env_b)
    assert counts(output)["progress"] == "3 new, 0 updated, 0 unchanged"
    assert "dry run: nothing was changed" in output
    assert export(open_home(env_b)) == before
    assert json.loads(before)["progress"] == []


def test_reads_standard_input_and_prints_json(
    filled: tuple[Database, Path], tmp_path: Path
) -> None:
    _, file = filled
    env_b = home_env(tmp_path / "b")
    result = run_cli("import-progress", "-", "--json", env=env_b, input=file.read_text("utf-8"))
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["file"] == "standard input" and summary["changed"] is True
    assert summary["counts"]["timer_sessions"]["new"] == 2
    assert summary["settings_differ"] == {}


def test_says_when_the_plan_settings_differ(filled: tuple[Database, Path], tmp_path: Path) -> None:
    env_b = {**home_env(tmp_path / "b"), "STUDYPLAN_WEEK_START": "sunday"}
    output = cli_ok("import-progress", str(filled[1]), env=env_b)
    assert "week_start monday (here sunday)" in output


# merging -----------------------------------------------------------------------------------


def test_a_note_changed_on_both_sides_keeps_both_texts(tmp_path: Path, open_home: Opener) -> None:
    env_a, env_b = home_env(tmp_path / "a"), home_env(tmp_path / "b")
    a, b = open_home(env_a), open_home(env_b)
    save_note(a, "nielsen-ch1", "written on the laptop")
    save_note(b, "nielsen-ch1", "written on the desktop, later")
    file_a, file_b = tmp_path / "a.json", tmp_path / "b.json"
    file_a.write_text(export(a), encoding="utf-8")
    file_b.write_text(export(b), encoding="utf-8")

    # the older text comes in: the newer stays, the older is kept as a version
    output = cli_ok("import-progress", str(file_a), env=env_b)
    assert counts(output)["notes"] == "0 new, 1 updated, 0 unchanged (1 with both texts kept)"
    assert cli_ok("note", "nielsen-ch1", env=env_b).strip().endswith("later")
    assert [body for _, body in note_history(b, "nielsen-ch1")] == ["written on the laptop"]

    # the newer text comes in: it becomes the note, the older one a version
    cli_ok("import-progress", str(file_b), env=env_a)
    assert cli_ok("note", "nielsen-ch1", env=env_a).strip().endswith("later")
    assert [body for _, body in note_history(a, "nielsen-ch1")] == ["written on the laptop"]

    # both sides now hold the same; importing again adds nothing
    again = cli_ok("import-progress", str(file_a), env=env_b)
    assert counts(again)["notes"] == "0 new, 0 updated, 1 unchanged"
    assert counts(again)["note versions"] == "0 new, 0 updated, 1 unchanged"
    assert export(a) == export(b)


def test_the_newer_progress_wins_and_history_is_joined(tmp_path: Path, open_home: Opener) -> None:
    env_a, env_b = home_env(tmp_path / "a"), home_env(tmp_path / "b")
    a, b = open_home(env_a), open_home(env_b)
    set_status(a, "nielsen-ch1", "done")
    set_status(b, "nielsen-ch1", "in_progress")  # later
    file_a, file_b = tmp_path / "a.json", tmp_path / "b.json"
    file_a.write_text(export(a), encoding="utf-8")
    file_b.write_text(export(b), encoding="utf-8")

    output = cli_ok("import-progress", str(file_a), env=env_b)
    assert counts(output)["progress"] == "0 new, 0 updated, 1 unchanged"
    assert counts(output)["activity"] == "1 new, 0 updated, 0 unchanged"
    output = cli_ok("import-progress", str(file_b), env=env_a)
    assert counts(output)["progress"] == "0 new, 1 updated, 0 unchanged"
    status = json.loads(cli_ok("show", "nielsen-ch1", "--json", env=env_a))["status"]
    assert status == "in_progress"
    assert export(a) == export(b)


def test_a_closed_timer_closes_the_one_still_open_here(tmp_path: Path, open_home: Opener) -> None:
    env_a = home_env(tmp_path / "a")
    a = open_home(env_a)
    toggle_timer(a, "nielsen-ch1")
    running = tmp_path / "running.json"
    running.write_text(export(a), encoding="utf-8")
    toggle_timer(a, "nielsen-ch1")
    closed = tmp_path / "closed.json"
    closed.write_text(export(a), encoding="utf-8")

    env_b = home_env(tmp_path / "b")
    cli_ok("import-progress", str(running), env=env_b)
    output = cli_ok("import-progress", str(closed), env=env_b)
    assert counts(output)["timer sessions"] == "0 new, 1 updated, 0 unchanged"
    assert export(open_home(env_b)) == closed.read_text(encoding="utf-8")


def test_a_running_timer_is_left_out_while_another_runs_here(
    tmp_path: Path, open_home: Opener
) -> None:
    a, b = open_home(home_env(tmp_path / "a")), open_home(home_env(tmp_path / "b"))
    toggle_timer(a, "nielsen-ch1")
    toggle_timer(b, "deeplearning-tv")
    summary = import_progress(b, read_document(export(a).encode(), "a.json"))
    assert summary.counts["timer_sessions"].left_out == 1
    assert "1 running timer left out" in summary.lines()[6]
    running = [t for t in json.loads(export(b))["timer_sessions"] if t["ended_at"] is None]
    assert [t["resource_id"] for t in running] == ["deeplearning-tv"]


def test_a_passed_lab_stays_passed(tmp_path: Path, open_home: Opener) -> None:
    a, b = open_home(home_env(tmp_path / "a")), open_home(home_env(tmp_path / "b"))
    record_attempt(b, "perceptron-nand", RunResult(checks=[CheckResult("nand", True)]))
    record_attempt(a, "perceptron-nand", RunResult(checks=[CheckResult("nand", False)]))
    summary = import_progress(b, read_document(export(a).encode(), "a.json"))
    assert summary.counts["lab_progress"].updated == 1  # the file's record is newer
    assert summary.counts["lab_attempts"].new == 1
    lab = json.loads(export(b))["lab_progress"][0]
    assert lab["status"] == "passed" and lab["passed_at"] is not None


# one query per table -----------------------------------------------------------------------


def _statements(db: Database) -> list[int]:
    count = [0]

    def seen(*_: Any) -> None:
        count[0] += 1

    event.listen(db.engine, "before_cursor_execute", seen)
    return count


def _with_activity(text: str, rows: int) -> bytes:
    doc = json.loads(text)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    doc["activity"] = [
        {
            "resource_id": "nielsen-ch1",
            "from": "todo",
            "to": "in_progress",
            "reason": "",
            "at": (start + timedelta(seconds=i)).isoformat(),
        }
        for i in range(rows)
    ]
    return json.dumps(doc).encode()


def test_import_and_export_take_the_same_number_of_queries_for_10_or_2000_rows(
    filled: tuple[Database, Path], tmp_path: Path, open_home: Opener
) -> None:
    text = filled[1].read_text(encoding="utf-8")
    used = []
    for rows in (10, 2000):
        db = open_home(home_env(tmp_path / f"h{rows}"))
        count = _statements(db)
        summary = import_progress(db, read_document(_with_activity(text, rows), "big.json"))
        assert summary.counts["activity"].new == rows
        imported = count[0]
        assert len(json.loads(export(db))["activity"]) == rows
        used.append((imported, count[0] - imported))
    assert used[0] == used[1]


# bad files ---------------------------------------------------------------------------------


def _edit(change: Callable[[dict[str, Any]], None]) -> Callable[[str], bytes]:
    def make(valid: str) -> bytes:
        doc = json.loads(valid)
        change(doc)
        return json.dumps(doc, ensure_ascii=False).encode()

    return make


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """Set the field at ``a.b.-1.c`` (list indexes as numbers)."""

    def change(doc: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = doc
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        target[last] = value

    return change


def _ghosts(doc: dict[str, Any]) -> None:
    record = dict(doc["progress"][0])
    for rid in ("ghost-c", "ghost-a", "ghost-b"):
        doc["progress"].append({**record, "resource_id": rid})


def _ghost_lab(doc: dict[str, Any]) -> None:
    doc["lab_attempts"].append({**doc["lab_attempts"][0], "lab_id": "ghost-lab"})


def _elsewhere(doc: dict[str, Any]) -> None:
    for note in doc["notes"]:
        if note["step"] is not None:
            note["step"] = {"curriculum": "elsewhere", "number": 9}


def _bad_last(doc: dict[str, Any]) -> None:
    doc["activity"][-1]["to"] = "finished"


def _twice(doc: dict[str, Any]) -> None:
    doc["progress"].append(dict(doc["progress"][0]))


BAD: dict[str, tuple[Callable[[str], bytes], str]] = {
    "empty": (lambda _: b"", "the file is empty; not a studyplan export"),
    "blank": (lambda _: b"  \n\n", "the file is empty; not a studyplan export"),
    "a list": (lambda _: b"[]", "not a studyplan progress export (the file holds a list"),
    "a number": (lambda _: b"42", "not a studyplan progress export (the file holds 42"),
    "binary": (
        lambda _: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00",
        "not a studyplan export (not UTF-8 text: byte 0x89 at position 1)",
    ),
    "latin-1": (
        lambda _: '{"schema": "café"}'.encode("latin-1"),
        "not UTF-8 text: byte 0xE9 at position 16",
    ),
    "yaml": (lambda _: b"schema: studyplan\n", "not a studyplan export (line 1 column 1:"),
    "truncated": (lambda v: v[: len(v) // 2].encode(), "not a studyplan export (line "),
    "NaN": (lambda v: v.replace('"seconds": 0', '"seconds": NaN', 1).encode(), "NaN"),
    "other schema": (
        lambda _: b'{"schema": "something-else", "version": 1}',
        "not a studyplan progress export (schema 'something-else'",
    ),
    "no schema": (lambda _: b'{"version": 1}', "not a studyplan progress export (no schema"),
    "version 2": (
        _edit(_set("version", 2)),
        "export format version 2; this studyplan reads version 1; update studyplan",
    ),
    "version text": (_edit(_set("version", "1")), "export format version '1' is not one"),
    "status": (
        _edit(_set("progress.2.status", "finished")),
        "progress[2].status: 'finished' is not a status (todo, in_progress, done, skipped)",
    ),
    "time": (
        _edit(_set("activity.0.at", "yesterday")),
        "activity[0].at: 'yesterday' is not a time",
    ),
    "no offset": (
        _edit(_set("activity.0.at", "2027-01-04T18:00:00")),
        "activity[0].at: '2027-01-04T18:00:00' has no UTC offset",
    ),
    "whole number": (
        _edit(_set("timer_sessions.0.seconds", "ten")),
        "timer_sessions[0].seconds: 'ten' is not a whole number",
    ),
    "boolean": (
        _edit(_set("lab_attempts.0.passed", 1)),
        "lab_attempts[0].passed: 1 is not true or false",
    ),
    "missing field": (
        _edit(lambda d: d["progress"][0].pop("status")),
        "progress[0]: 'status' is missing",
    ),
    "not a list": (_edit(_set("activity", {})), "activity: {} is not a list"),
    "surrogate": (
        lambda v: v.replace('"about my own thing"', '"about \\ud800"').encode(),
        "].body: holds \\ud800, half a surrogate pair, which is not text",
    ),
    "note target": (
        _edit(_set("notes.0.step", {"curriculum": "main", "number": 1})),
        "notes[0]: give either 'resource_id' or 'step'",
    ),
    "user resource url": (
        _edit(lambda d: _set_user(d, "url", "not a url")),
        "].url: ",
    ),
    "twice": (_edit(_twice), "progress[3]: a second record for 'my-own-thing'"),
    "resources missing": (
        _edit(_ghosts),
        "refers to 3 resources this catalog lacks (ghost-a, ghost-b, ghost-c); "
        "load the catalog they come from first",
    ),
    "lab missing": (_edit(_ghost_lab), "refers to 1 lab this catalog lacks (ghost-lab)"),
    "step missing": (
        _edit(_elsewhere),
        "refers to 1 step this catalog lacks (elsewhere/9); "
        "load the catalog they come from first ('elsewhere')",
    ),
    "last record": (_edit(_bad_last), "activity[3].to: 'finished' is not a status"),
}


def _set_user(doc: dict[str, Any], key: str, value: Any) -> None:
    for resource in doc["catalog"]["resources"]:
        if resource["origin"] == "user":
            resource[key] = value


@pytest.fixture(scope="module")
def valid_export(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A valid export holding every kind of record (made once for the bad-file cases)."""
    db = _open(home_env(tmp_path_factory.mktemp("source") / "home"))
    try:
        fill(db)
        return export(db)
    finally:
        db.dispose()


@pytest.fixture(scope="module")
def empty_home(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A home where every record of the valid export would be new."""
    env = home_env(tmp_path_factory.mktemp("target") / "home")
    cli_ok("list", env=env)
    return env


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_a_bad_file_is_one_line_and_changes_nothing(
    case: str, valid_export: str, empty_home: dict[str, str], tmp_path: Path, open_home: Opener
) -> None:
    make, expected = BAD[case]
    file = tmp_path / "bad.json"
    file.write_bytes(make(valid_export))
    db = open_home(empty_home)
    before = export(db)
    line = cli_fails("import-progress", str(file), env=empty_home)
    assert line.startswith(f"studyplan: import error: {file}: "), line
    assert expected in line
    assert export(db) == before
    if case == "last record":  # a dry run checks the same, and says the same
        assert cli_fails("import-progress", str(file), "--dry-run", env=empty_home) == line


def test_the_valid_export_would_change_the_empty_home(
    valid_export: str, empty_home: dict[str, str], tmp_path: Path
) -> None:
    """The bad-file cases prove something: without the fault, records would be written."""
    file = tmp_path / "good.json"
    file.write_text(valid_export, encoding="utf-8")
    output = cli_ok("import-progress", str(file), "--dry-run", env=empty_home)
    assert counts(output)["activity"] == "4 new, 0 updated, 0 unchanged"


def test_a_missing_file_or_a_folder_is_one_line(tmp_path: Path) -> None:
    env = home_env(tmp_path / "home")
    missing = tmp_path / "nowhere.json"
    assert cli_fails("import-progress", str(missing), env=env).endswith(f"{missing}: no such file")
    assert "is a folder" in cli_fails("import-progress", str(tmp_path), env=env)


def test_another_resource_of_the_same_id_is_refused(
    filled: tuple[Database, Path], tmp_path: Path, open_home: Opener
) -> None:
    """Two machines gave the same title to different resources: the progress of one must
    not land on the other."""
    _, file = filled
    env = home_env(tmp_path / "b")
    other = open_home(env)
    add_resource(other, "https://example.org/theirs", 3, "My Own Thing", "video", minutes=99)
    before = export(other)
    line = cli_fails("import-progress", str(file), env=env)
    assert "your resource 'my-own-thing' (https://example.org/mine)" in line
    assert "(https://example.org/theirs)" in line and "nothing was imported" in line
    assert export(other) == before


def test_a_file_far_larger_than_any_export_is_refused(tmp_path: Path) -> None:
    env = home_env(tmp_path / "home")
    huge = tmp_path / "huge.json"
    with huge.open("wb") as handle:  # sparse: no disk space used
        handle.truncate(MAX_EXPORT_BYTES + 1)
    assert "far larger than any studyplan export" in cli_fails(
        "import-progress", str(huge), env=env
    )


def test_a_terminated_import_says_so_and_changes_nothing(
    filled: tuple[Database, Path], tmp_path: Path, open_home: Opener
) -> None:
    db, _ = filled
    big = tmp_path / "big.json"
    big.write_bytes(_with_activity(export(db), 300_000))
    env = home_env(tmp_path / "b")
    before = export(open_home(env))
    process = subprocess.Popen(
        [*studyplan_command(), "import-progress", str(big)],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    fds = Path(f"/proc/{process.pid}/fd")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and process.poll() is None:
        try:  # wait until it reads the file: then it is well into the import
            if any(str(big) == os.path.realpath(fd) for fd in fds.iterdir()):
                break
        except OSError:
            pass
        time.sleep(0.005)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    if process.returncode == 0:
        pytest.fail("the import finished before it could be interrupted")
    assert process.returncode == 130
    assert stderr.strip() == "studyplan: interrupted; nothing half-done was kept"
    assert export(open_home(env)) == before
