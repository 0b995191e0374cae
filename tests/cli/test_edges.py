"""Edges found by trying to break studyplan: each one line, nothing stored that should not be."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from studyplan.db.engine import display_url
from tests.conftest import SMALL_CATALOG, cli_fails, cli_ok, run_cli

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.no_database
@pytest.mark.parametrize(
    "args",
    [
        ("list", "--step", "9223372036854775808"),
        ("search", "deep", "--limit", "99999999999999999999"),
        (
            "add",
            "https://x.example.org/a",
            "--step",
            "99999999999999999999",
            "--title",
            "T",
            "--kind",
            "video",
        ),
        ("links", "report", "--step", "99999999999999999999"),
    ],
)
def test_huge_numbers_are_usage_errors(env: dict[str, str], args: tuple[str, ...]) -> None:
    assert cli_fails(*args, env=env).startswith("studyplan: usage error:")


def test_huge_positions_and_durations(env: dict[str, str], tmp_path: Path) -> None:
    assert cli_fails("show", "9223372036854775808.1", env=env).startswith("studyplan: not found")
    page = tmp_path / "links.md"
    page.write_text("[x](http://127.0.0.1:9/)\n")
    line = cli_fails("links", "check", str(page), "--max-age", "99999999999d", env=env)
    assert "longer than ten years" in line


def test_secrets_in_the_query_string_are_masked() -> None:
    shown = display_url("postgresql+psycopg://u:secret@127.0.0.1:1/db?password=secret2&ssl=1")
    assert "secret" not in shown and "password=***" in shown and "ssl=1" in shown
    assert "token=***" in display_url("nonsense:://h/x?token=abc")


@pytest.mark.no_database
@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--timeout", "nan"), "--timeout must be a number of seconds"),
        (("--user-agent", "x\r\nX-Evil: 1"), "--user-agent must not hold control characters"),
    ],
)
def test_link_options_that_make_no_sense(
    env: dict[str, str], tmp_path: Path, args: tuple[str, ...], expected: str
) -> None:
    page = tmp_path / "links.md"
    page.write_text("[x](http://127.0.0.1:9/)\n")
    assert expected in cli_fails("links", "check", str(page), *args, env=env)


@pytest.mark.no_database
def test_infinite_busy_timeout_is_refused(env: dict[str, str]) -> None:
    line = cli_fails("steps", env={**env, "STUDYPLAN_BUSY_TIMEOUT_SECONDS": "1e400"})
    assert "STUDYPLAN_BUSY_TIMEOUT_SECONDS" in line


def test_notes_that_would_store_nothing(env: dict[str, str]) -> None:
    assert "nothing to save" in cli_fails("note", "1.2", "", env=env)
    assert "no note yet" in cli_ok("note", "1.2", env=env)
    cli_ok("note", "1.2", "kept", env=env)
    assert "nothing to append" in cli_fails("note", "1.2", "--append", "", env=env)
    assert json.loads(cli_ok("note", "1.2", "--history", "--json", env=env)) == []


def test_skipping_again_with_a_new_reason_keeps_the_reason(env: dict[str, str]) -> None:
    cli_ok("skip", "1.2", "--reason", "old", env=env)
    out = cli_ok("skip", "1.2", "--reason", "new", env=env)
    assert "still skipped, the reason is now: new" in out
    assert json.loads(cli_ok("show", "1.2", "--json", env=env))["skip_reason"] == "new"


def test_add_sees_the_same_address_with_its_default_port(env: dict[str, str]) -> None:
    url = json.loads(cli_ok("show", "1.1", "--json", env=env))["url"]
    scheme, rest = url.split("://", 1)
    host, path = rest.split("/", 1)
    port = 443 if scheme == "https" else 80
    args = ("add", f"{scheme}://{host}:{port}/{path}", "--step", "1", "--title", "Again")
    assert "already there as" in cli_fails(*args, "--kind", "video", env=env)


def test_add_refuses_invisible_characters_and_empty_tags(env: dict[str, str]) -> None:
    base = ("--step", "1", "--title", "T", "--kind", "video")
    line = cli_fails("add", "https://x.example.org/\u202eab", *base, env=env)
    assert "invisible format character (U+202E)" in line
    assert "--tag must not be empty" in cli_fails(
        "add", "https://x.example.org/ok", *base, "--tag", "", env=env
    )
    assert "--tag must not be empty" in cli_fails("list", "--tag", "", env=env)


def test_links_check_table_has_a_header(env: dict[str, str], tmp_path: Path) -> None:
    page = tmp_path / "links.md"
    page.write_text("mailto:someone@example.org\n")
    result = run_cli("links", "check", str(page), env=env)
    assert result.stdout.splitlines()[0].split() == ["STATUS", "HTTP", "URL", "DETAIL"]


def test_connection_hints_in_markdown_are_not_links(env: dict[str, str], tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        '<link rel="preconnect" href="https://a.example.org/">\n'
        "<link rel=dns-prefetch href=https://b.example.org/>\n"
        "[ok](https://c.example.org/)\n"
    )
    dumped = cli_ok("links", "check", str(page), "--format", "json", "--exclude", ".", env=env)
    urls = [r["url"] for r in json.loads(dumped)]
    assert urls == ["https://c.example.org/"]


def test_a_copy_of_the_main_catalog_validates_against_the_database(
    env: dict[str, str], tmp_path: Path
) -> None:
    cli_ok("steps", env=env)  # a database exists
    copy = tmp_path / "edited-copy.yaml"
    shutil.copyfile(Path(env["STUDYPLAN_CATALOG"]), copy)
    assert "valid" in cli_ok("catalog", "validate", str(copy), env=env)


def test_duplicate_keys_do_not_hide_the_other_problems(env: dict[str, str], tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    text = SMALL_CATALOG.read_text().replace("minutes: 60", "minutes: 60\n        minutes: 45", 1)
    broken.write_text(text.replace("kind: video", "kind: vidoe").replace("number: 2", "number: 9"))
    result = run_cli("catalog", "validate", str(broken), env=env)
    assert result.returncode == 1
    text_out = result.stderr
    assert "duplicate key 'minutes'" in text_out
    assert "got 'vidoe'" in text_out and "expected 2, found 9" in text_out


@pytest.mark.sqlite_only
def test_a_damaged_database_writes_one_report_a_day(env: dict[str, str]) -> None:
    cli_ok("steps", env=env)
    home = Path(env["STUDYPLAN_HOME"])
    file = home / "studyplan.db"
    data = bytearray(file.read_bytes())
    data[4096:16384] = b"\xff" * 12288
    file.write_bytes(bytes(data))
    for _ in range(3):
        cli_fails("list", env=env)
    assert len(list(home.glob("damage-report-*.txt"))) == 1


def test_misspelled_provenance_shows_what_was_written(env: dict[str, str], tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        SMALL_CATALOG.read_text().replace("provenance: article", "provenance: articel", 1)
    )
    result = run_cli("catalog", "validate", str(broken), env=env)
    assert "got 'articel'" in result.stderr


def test_a_theme_that_does_not_exist_is_one_line() -> None:
    from studyplan.errors import SettingsError
    from studyplan.settings import Settings
    from studyplan.tui.app import check_theme

    check_theme(Settings(theme="nord"))
    with pytest.raises(SettingsError, match="theme 'bogus' does not exist; use one of"):
        check_theme(Settings(theme="bogus"))


def test_step_notes_of_an_imported_curriculum(env: dict[str, str], tmp_path: Path) -> None:
    other = tmp_path / "other.yaml"
    other.write_text(
        SMALL_CATALOG.read_text()
        .replace("A Small Test Curriculum", "Second Course")
        .replace("id: ", "id: second-")
    )
    cli_ok("catalog", "import", str(other), env=env)
    cli_ok("note", "second-course/step-1", "about the other step 1", env=env)
    assert "about the other step 1" in cli_ok("note", "second-course/step-1", env=env)
    assert "[second-course/step-1]" in cli_ok("notes", env=env)
