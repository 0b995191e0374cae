"""``studyplan links`` through the real console script, in a subprocess, with its exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from links_cli import STUDYPLAN, run_links
from links_server import LinkServer

ROOT = Path(__file__).resolve().parents[2]
FAST = ["--timeout", "0.5", "--retries", "0"]


def run(home: Path, *args: str, database: str | None = None) -> subprocess.CompletedProcess[str]:
    """``studyplan links ARGS`` in ``home``, on the test's database (see ``home``) or ``database``."""
    chosen = os.environ.get("STUDYPLAN_DATABASE_URL", "") if database is None else database
    return run_links(home, *args, env={"STUDYPLAN_DATABASE_URL": chosen})


@pytest.fixture
def home(db_home: Path) -> Path:
    """A private home on the test's database (each backend)."""
    return db_home


pytestmark = pytest.mark.skipif(not STUDYPLAN.exists(), reason="console script not installed")


def test_all_alive_exits_0_and_second_run_asks_nothing(server: LinkServer, home: Path) -> None:
    links = home / "links.md"
    links.write_text(f"- [a]({server.url('/ok/cli')})\n- {server.url('/ok/cli2', host=2)}\n")
    first = run(home, "check", str(links), *FAST)
    assert first.returncode == 0, first.stderr
    assert "2 URLs: 2 alive" in first.stdout
    hits = server.total_hits
    second = run(home, "check", str(links), "--format", "json", *FAST)
    assert second.returncode == 0
    assert server.total_hits == hits
    assert [r["cached"] for r in json.loads(second.stdout)] == [True, True]


def test_forced_check_stores_results_for_the_next_run(server: LinkServer, home: Path) -> None:
    # with --force another process opens the database and stores while the checks run
    links = home / "links.md"
    links.write_text(f"- {server.url('/ok/forced')}\n- {server.url('/ok/forced2', host=2)}\n")
    first = run(home, "check", str(links), "--force", "--format", "json", *FAST)
    assert first.returncode == 0, first.stderr
    assert [r["cached"] for r in json.loads(first.stdout)] == [False, False]
    hits = server.total_hits
    second = run(home, "check", str(links), "--format", "json", *FAST)
    assert second.returncode == 0, second.stderr
    assert server.total_hits == hits
    assert [r["cached"] for r in json.loads(second.stdout)] == [True, True]


@pytest.mark.sqlite_only
def test_forced_check_with_a_broken_database_exits_1(server: LinkServer, home: Path) -> None:
    broken = home / "broken.db"
    broken.write_bytes(b"this is not an SQLite database, whatever it claims" * 100)
    links = home / "links.md"
    links.write_text(f"- {server.url('/ok/broken-db')}\n")
    result = run(home, "check", str(links), "--force", *FAST, database=f"sqlite:///{broken}")
    assert result.returncode == 1
    assert "broken.db" in result.stderr
    assert "Traceback" not in result.stderr


def test_dead_exits_2_with_json_report(server: LinkServer, home: Path) -> None:
    links = home / "links.txt"
    links.write_text(f"{server.url('/missing')} {server.url('/ok')} mailto:a@b.c\n")
    result = run(home, "check", str(links), "--format", "json", *FAST)
    assert result.returncode == 2, result.stderr
    data = json.loads(result.stdout)
    assert [(r["status"], r["http_status"]) for r in data] == [
        ("dead", 404),
        ("alive", 200),
        ("skipped", None),
    ]
    assert "3 URLs: 1 alive, 1 dead, 1 skipped" in result.stderr
    assert "\x1b" not in result.stderr  # no progress bar when not on a terminal


@pytest.mark.parametrize("encoding", ["ascii", "latin-1", "utf-8"])
def test_the_json_report_is_json_whatever_standard_output_encodes(
    server: LinkServer, home: Path, encoding: str
) -> None:
    links = home / "links.md"
    urls = [server.url("/ok/caf\u00e9"), server.url("/ok/\U0001f600"), server.url("/ok/plain")]
    links.write_text("".join(f"- <{u}>\n" for u in urls), encoding="utf-8")
    result = run_links(
        home,
        "check",
        str(links),
        "--format",
        "json",
        *FAST,
        env={"PYTHONIOENCODING": encoding},
    )
    assert result.returncode == 0, result.stderr
    assert [r["url"] for r in json.loads(result.stdout)] == urls  # the same data
    if encoding != "utf-8":
        assert result.stdout.isascii()


def test_markdown_to_file_and_report(server: LinkServer, home: Path) -> None:
    links = home / "links.md"
    links.write_text(f"[gone]({server.url('/missing')})\n")
    out = home / "report.md"
    result = run(home, "check", str(links), "--format", "markdown", "-o", str(out), *FAST)
    assert result.returncode == 2
    assert result.stdout == ""
    text = out.read_text()
    assert text.startswith("# Link check")
    assert "| dead | 404 |" in text
    assert "archive" not in text  # a loopback address: no archived copy can exist
    report = run(home, "report", "--format", "json")
    assert report.returncode == 0, report.stderr
    assert isinstance(json.loads(report.stdout), list)


@pytest.mark.no_database
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "nope.md"], "no such file"),
        (["check", "x.md", "--format", "xml"], "--format must be one of"),
        (["check", "x.md", "--max-age", "soon"], "is not a duration"),
        (["check", "x.md", "--exclude", "("], "not a valid regular expression"),
        (["check", "x.md", "--accept", "2..x"], "'2..x' is not a status code or range"),
        (["check", "x.md", "--accept", "300..200"], "holds no status code"),
    ],
)
def test_usage_errors_exit_1(home: Path, args: list[str], message: str) -> None:
    (home / "x.md").write_text("nothing\n")
    result = run(home, *args)
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_accept_adds_codes_and_keeps_2xx_alive(server: LinkServer, home: Path) -> None:
    links = home / "links.txt"
    links.write_text(
        f"{server.url('/ok/acc')} {server.url('/forbidden')} {server.url('/missing')}\n"
    )
    result = run(home, "check", str(links), "--accept", "403,404", "--format", "json", *FAST)
    assert result.returncode == 0, result.stdout + result.stderr
    assert [r["status"] for r in json.loads(result.stdout)] == ["alive"] * 3


def test_accept_naming_2xx_is_the_whole_list(server: LinkServer, home: Path) -> None:
    links = home / "links.txt"
    links.write_text(f"{server.url('/ok/whole')} {server.url('/status/204')}\n")
    result = run(home, "check", str(links), "--accept", "200", "--format", "json", *FAST)
    assert result.returncode == 2, result.stderr
    assert [r["status"] for r in json.loads(result.stdout)] == ["alive", "dead"]


def test_code_in_markdown_is_checked_only_with_include_verbatim(
    server: LinkServer, home: Path
) -> None:
    notes = home / "notes.md"
    notes.write_text(
        f"Read [this]({server.url('/ok/prose')}).\n\n"
        f"Try `curl {server.url('/ok/span')}`.\n\n"
        f"```\ncurl {server.url('/ok/fence')}\n```\n"
    )
    plain = run(home, "check", str(notes), "--force", *FAST)
    assert plain.returncode == 0, plain.stderr
    assert "1 URLs: 1 alive" in plain.stdout
    assert server.methods == [("HEAD", "/ok/prose")]
    verbatim = run(home, "check", str(notes), "--force", "--include-verbatim", *FAST)
    assert verbatim.returncode == 0, verbatim.stderr
    assert "3 URLs: 3 alive" in verbatim.stdout
    assert {path for _method, path in server.methods} == {"/ok/prose", "/ok/span", "/ok/fence"}


@pytest.mark.parametrize(
    "args",
    [["report", "--step", "9"], ["check", "--step", "9", *FAST]],
)
def test_an_unknown_step_is_an_error(home: Path, args: list[str]) -> None:
    result = run(home, *args)
    assert result.returncode == 1
    assert "not found: no step 9; 'studyplan steps' lists them" in result.stderr
    assert "Traceback" not in result.stderr


def test_report_table_has_a_header(home: Path) -> None:
    result = run(home, "report", "--step", "1")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["STATUS", "CHECKED", "RESOURCE", "URL", "DETAIL"]
    assert lines[1].startswith("unchecked")
    assert lines[-1].endswith("unchecked")


def test_apply_redirects_without_checks(home: Path) -> None:
    result = run(home, "apply-redirects", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "no permanent redirects" in result.stdout


def test_what_runs_before_the_first_request_loads_nothing_heavy() -> None:
    # links check sends its first requests before Typer, SQLAlchemy or pydantic load (they
    # load meanwhile, in the thread storing results): see studyplan/cli/links_check.py
    code = (
        "import sys, studyplan.cli.entry, studyplan.cli.links_check, studyplan.cli.boundary,"
        " studyplan.cli.run_state, studyplan.links.runner, studyplan.links.checker,"
        " studyplan.links.extract, studyplan.links.policy, studyplan.links.pace_memory,"
        " studyplan.paths, studyplan.cli.links_store, studyplan.links.report;"
        "heavy = {'typer', 'click', 'sqlalchemy', 'pydantic', 'textual', 'asyncio', 'ssl',"
        " 'aiohttp', 'typing', 'dataclasses', 'rich', 'yaml', 'platformdirs', 'datetime',"
        " 'subprocess', 'json', 'sqlite3', 'random', 'email', 'pathlib', 'socket',"
        " 'urllib.parse', 'ipaddress', 'signal', 'fcntl', 'math',"
        " 'resource'};"
        "loaded = sorted(heavy & set(sys.modules));"
        "assert not loaded, loaded"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_checking_needs_no_sqlalchemy() -> None:
    # what runs before the first request must not wait for SQLAlchemy (see links_cmd._run)
    code = (
        "import sys, studyplan.links.runner, studyplan.links.checker, studyplan.links.report,"
        " studyplan.links.extract, studyplan.links.policy;"
        "assert 'sqlalchemy' not in sys.modules, 'sqlalchemy'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
