"""Bad input and odd moments at the command line: one clear line, exit 1, nothing lost."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.conftest import cli_fails as fails
from tests.conftest import cli_ok as ok
from tests.conftest import database_rows, run_cli, studyplan_command


def run_bytes(*args: bytes, env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    """Run studyplan with raw byte arguments (not every argument is valid UTF-8)."""
    command = [os.fsencode(part) for part in studyplan_command()]
    return subprocess.run(
        [*command, *args], capture_output=True, env={**os.environ, **env}, timeout=60
    )


# 1. control characters are shown, never interpreted; stored text stays as typed


def test_control_characters_are_shown_escaped_and_stored_as_typed(env: dict[str, str]) -> None:
    typed = "line one \x1b[2J\x1b[31mred\x1b[0m\x07 and \x9b1m bidi \u202e end"
    ok("note", "1.1", typed, env=env)
    for output in (ok("note", "1.1", env=env), ok("notes", env=env), ok("show", "1.1", env=env)):
        assert "\x1b" not in output and "\x07" not in output and "\x9b" not in output
        assert "\u202e" not in output
        assert "␛[2J␛[31mred␛[0m␇" in output and "<U+009B>" in output and "<U+202E>" in output
    assert json.loads(ok("note", "1.1", "--json", env=env))["body"] == typed
    assert database_rows(env, "SELECT body FROM note") == [(typed,)]
    result = run_cli("done", "\x1b[31mRED\x1b[0m\x07", env=env)
    assert result.returncode == 1
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert "␛[31mRED␛[0m␇" in result.stderr


def test_json_output_escapes_what_a_terminal_would_interpret(env: dict[str, str]) -> None:
    typed = "a\x1bb\x7fc\x9bd\u202ee"
    ok("note", "1.1", typed, env=env)
    raw = ok("note", "1.1", "--json", env=env)
    assert all(char not in raw for char in "\x1b\x7f\x9b\u202e")
    assert json.loads(raw)["body"] == typed


# 3. the first run is safe in parallel


def test_twenty_first_runs_at_once_all_succeed(env: dict[str, str]) -> None:
    refs = [f"{step}.{n}" for step in (1, 2) for n in (1, 2)] * 5
    with ThreadPoolExecutor(len(refs)) as pool:
        results = list(pool.map(lambda ref: run_cli("done", ref, env=env), refs))
    problems = [r.stderr for r in results if r.returncode != 0]
    assert problems == []
    assert all("internal error" not in r.stderr for r in results)
    statuses = {r["id"]: r["status"] for r in json.loads(ok("list", "--json", env=env))}
    assert set(statuses.values()) == {"done"}
    backups = Path(env["STUDYPLAN_HOME"]) / "backups"
    assert len(list(backups.glob("*-daily.db"))) <= 1  # one copy a day, however many raced


# 4. passwords are never printed


@pytest.mark.no_database
def test_password_is_masked_in_locate_and_connection_errors(env: dict[str, str]) -> None:
    url = "postgresql+psycopg://learner:secretpw@127.0.0.1:1/studyplan"
    located = ok("locate", env={**env, "STUDYPLAN_DATABASE_URL": url})
    assert "secretpw" not in located and "learner:***@127.0.0.1:1" in located
    line = fails("list", env={**env, "STUDYPLAN_DATABASE_URL": url})
    assert "secretpw" not in line
    assert line.startswith(
        "studyplan: database error: cannot connect to the PostgreSQL server at 127.0.0.1 port 1"
    )
    assert "learner:***@" in line


@pytest.mark.no_database
def test_missing_mysql_driver_names_the_package_to_install(env: dict[str, str]) -> None:
    line = fails("list", env={**env, "STUDYPLAN_DATABASE_URL": "mysql://u:pw@127.0.0.1/db"})
    assert "pip install 'mysqlclient'" in line and "pw@" not in line


# 6. bad input gets one clear line


@pytest.mark.no_database
@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("garbage", "'garbage' is not a database URL studyplan can use"),
        ("nonsense://x", "is not a database URL studyplan can use"),
        ("postgresql://u:pw@[::1:5432/db", "is not a database URL studyplan can use"),
    ],
)
def test_unusable_database_urls(env: dict[str, str], url: str, expected: str) -> None:
    line = fails("steps", env={**env, "STUDYPLAN_DATABASE_URL": url})
    assert line.startswith("studyplan: database error:") and expected in line


@pytest.mark.no_database
def test_absurd_minutes_are_refused(env: dict[str, str]) -> None:
    line = fails(
        "add",
        "https://mine.example.org/a",
        "--step",
        "1",
        "--title",
        "Mine",
        "--kind",
        "video",
        "--minutes",
        "99999999999999999999",
        env=env,
    )
    assert line.startswith("studyplan: usage error:") and "--minutes" in line


def test_text_that_is_not_utf8_is_refused_and_nothing_is_saved(env: dict[str, str]) -> None:
    result = run_bytes(b"note", b"2.1", b"bad \xff\xfe", env=env)
    assert result.returncode == 1
    lines = result.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and "byte 0xFF at position 5 is not UTF-8" in lines[0]
    assert ok("note", "2.1", env=env).strip() == "no note yet"


def test_editor_writing_non_utf8_keeps_the_draft(env: dict[str, str], tmp_path: Path) -> None:
    editor = tmp_path / "latin1-editor.sh"
    editor.write_text("#!/bin/sh\nprintf 'caf\\351' >> \"$1\"\n")
    editor.chmod(0o755)
    ok("note", "2.1", "before", env=env)
    line = fails("note", "2.1", "--edit", env={**env, "EDITOR": str(editor), "VISUAL": ""})
    assert "not UTF-8 (byte 0xE9 at position 10)" in line and "your text is in" in line
    kept = Path(line.split("your text is in ")[1].split(":")[0])
    assert kept.read_bytes() == b"beforecaf\xe9"
    kept.unlink()
    assert ok("note", "2.1", env=env).strip() == "before"


@pytest.mark.no_database
def test_settings_file_that_is_not_utf8(env: dict[str, str]) -> None:
    home = Path(env["STUDYPLAN_HOME"])
    home.mkdir(parents=True)
    (home / "settings.toml").write_bytes(b'editor = "caf\xe9"\n')
    line = fails("steps", env=env)
    assert line.startswith(f"studyplan: settings error: {home / 'settings.toml'}: not UTF-8")


# 7. a backup exists when it matters


@pytest.mark.sqlite_only
def test_first_write_of_the_day_makes_one_backup_and_keeps_a_few(env: dict[str, str]) -> None:
    ok("steps", env=env)  # creating a new database makes no copy of it
    ok("steps", env=env)  # and reading never does
    backups = Path(env["STUDYPLAN_HOME"]) / "backups"
    assert not list(backups.glob("*daily.db"))
    ok("done", "1.1", env=env)
    ok("done", "1.2", env=env)  # same day: no second copy
    assert len(list(backups.glob("*daily.db"))) == 1


# 11. add checks addresses as the catalog does


def test_add_refuses_a_known_address_unless_forced(env: dict[str, str]) -> None:
    shown = json.loads(ok("show", "1.1", "--json", env=env))
    args = ("add", shown["url"] + "/", "--step", "2", "--title", "Again", "--kind", "video")
    line = fails(*args, env=env)
    assert f"already there as '{shown['id']}' (1.1" in line and "--force" in line
    added = json.loads(ok(*args, "--force", "--json", env=env))
    assert added["origin"] == "user"


@pytest.mark.parametrize("url", ["https://exa mple.org/", "https://example.org/a b", "https:///x"])
def test_add_refuses_malformed_addresses(env: dict[str, str], url: str) -> None:
    line = fails("add", url, "--step", "1", "--title", "T", "--kind", "video", env=env)
    assert line.startswith("studyplan: usage error:") and "URL" in line


def test_add_never_makes_an_id_that_reads_as_a_step(env: dict[str, str]) -> None:
    added = json.loads(
        ok(
            "add",
            "https://mine.example.org/step-2",
            "--step",
            "2",
            "--title",
            "Step 2",
            "--kind",
            "notes",
            "--json",
            env=env,
        )
    )
    assert added["id"] != "step-2"
    ok("note", "step-2", "about the whole step", env=env)
    assert ok("note", added["id"], env=env).strip() == "no note yet"


# 13. one definition of finished, everywhere


def test_counts_agree_between_steps_stats_and_json(env: dict[str, str]) -> None:
    ok("done", "1.1", env=env)
    ok("skip", "1.2", env=env)
    steps = json.loads(ok("steps", "--json", env=env))
    stats = json.loads(ok("stats", "--json", env=env))
    assert steps[0]["finished"] == stats["steps"][0]["finished"] == 2
    assert (stats["finished"], stats["done"], stats["skipped"]) == (2, 1, 1)
    text = ok("steps", env=env)
    assert "2/2" in text and "finished = done or skipped" in text
    assert "finished: 2 of 4 (1 done, 1 skipped)" in ok("stats", env=env)


# 14. smaller ones


def test_click_usage_errors_exit_1_in_one_line(env: dict[str, str]) -> None:
    line = fails("list", "--step", "abc", env=env)
    assert line.startswith("studyplan: usage error:") and "'studyplan list --help'" in line
    assert fails("list", "--status", "bogus", env=env).startswith("studyplan: usage error:")
    assert fails("nosuchcommand", env=env).startswith("studyplan: usage error:")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("list", "--curriculum", "nope"), "studyplan: not found: no curriculum 'nope'"),
        (("done", "foo/1.1"), "studyplan: not found: no curriculum 'foo'"),
        (("done", "0.1"), "studyplan: not found: no step 0; 'studyplan steps' lists them"),
        (("note", "1.1", "--append"), "studyplan: usage error: --append needs TEXT"),
    ],
)
def test_unknown_names_are_errors(
    env: dict[str, str], args: tuple[str, ...], expected: str
) -> None:
    assert fails(*args, env=env).startswith(expected)


def test_emptying_a_note_says_where_the_history_is(env: dict[str, str]) -> None:
    ok("note", "1.1", "first", env=env)
    assert "'studyplan note intro-video --history'" in ok("note", "1.1", "", env=env)
    shown = ok("note", "1.1", env=env)
    assert "is empty; 1 earlier version(s)" in shown and "--history" in shown
    assert "first" in ok("note", "1.1", "--history", env=env)


def test_note_dash_reads_standard_input(env: dict[str, str]) -> None:
    ok("note", "1.1", "-", env=env, input="from a pipe\nsecond line\n")
    assert ok("note", "1.1", env=env) == "from a pipe\nsecond line\n"
    ok("note", "1.1", "--append", "-", env=env, input="appended")
    assert ok("note", "1.1", env=env).endswith("second line\n\nappended\n")


def test_a_retired_resource_is_shown_marked_retired(env: dict[str, str]) -> None:
    ok("note", "old-slides", "my thoughts", env=env)
    catalog = Path(env["STUDYPLAN_CATALOG"])
    text = catalog.read_text()
    start = text.index("      - id: old-slides")
    catalog.write_text(text[:start].rstrip() + "\n")
    assert "my thoughts" in ok("notes", env=env)
    shown = ok("show", "old-slides", env=env)
    assert "retired from the catalog on" in shown and "my thoughts" in shown
    line = fails("done", "old-slides", env=env)
    assert "was retired from the catalog" in line


def test_sigterm_during_an_edit_keeps_the_draft(env: dict[str, str], tmp_path: Path) -> None:
    ready = tmp_path / "editor-started"
    editor = tmp_path / "slow-editor.sh"
    # exec: the sleep is the editor process itself, so stopping the editor ends it (a
    # grandchild would keep this test's pipes open after studyplan has gone).
    editor.write_text(f'#!/bin/sh\nprintf "typed" >> "$1"\ntouch {ready}\nexec sleep 30\n')
    editor.chmod(0o755)
    ok("steps", env=env)
    process = subprocess.Popen(
        [*studyplan_command(), "note", "1.1", "--edit"],
        env={**os.environ, **env, "EDITOR": str(editor), "VISUAL": ""},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    for _ in range(600):
        if ready.exists() or process.poll() is not None:
            break
        subprocess.run(["sleep", "0.05"], check=True)
    process.terminate()
    _out, error = process.communicate(timeout=30)
    assert process.returncode != 0 and "Traceback" not in error
    assert "your text is in" in error
    kept = Path(error.split("your text is in ")[1].split(")")[0])
    assert kept.read_text() == "typed"


@pytest.mark.no_database
def test_python_dash_m_uses_the_same_boundary(env: dict[str, str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "studyplan", "list", "--step", "abc"],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
    )
    assert result.returncode == 1 and result.stderr.startswith("studyplan: usage error:")
