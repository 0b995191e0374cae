"""The storing process appends with sqlite3 alone when it can, and the usual way otherwise.

Rows written both ways must be the same bytes; the child must not import SQLAlchemy when the
database is ready; and every case the plain way does not handle (no database yet, another
database configured, settings it does not read, a lock held too long, damage) goes the usual
way, which stores, waits or says what is wrong.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from links_cli import run_links
from links_server import LinkServer

from studyplan.cli.links_store import _row
from studyplan.db.models import LinkCheck
from studyplan.db.open import open_database
from studyplan.db.plain_sqlite import insert_rows, open_at_head, sqlite_datetime
from studyplan.links import store
from studyplan.links.result import LinkResult
from studyplan.links.stored_row import COLUMNS, TABLE, plain_values

pytestmark = pytest.mark.sqlite_only

SELECT = f"SELECT {', '.join(COLUMNS)} FROM link_check ORDER BY id"


def results() -> list[LinkResult]:
    """Results with every kind of value a row holds."""
    paris = timezone(timedelta(hours=1))
    return [
        LinkResult(
            url="https://example.org/é?q=1#frag",
            status="redirected",
            http_status=301,
            final_url="https://example.org/new",
            redirects=[{"url": "https://example.org/new", "status": 301}],
            attempts=2,
            elapsed_ms=123,
            checked_at=datetime(2026, 11, 26, 18, 5, 46, 357713, tzinfo=UTC),
        ),
        LinkResult(
            url="http://127.0.0.1:1/down",
            status="error",
            http_status=None,
            error="connection refused: «nobody» listens",
            attempts=3,
            checked_at=datetime(2026, 3, 29, 2, 30, tzinfo=paris),  # no microseconds
        ),
        LinkResult(url="http://a.test/", status="invalid", error="bad host", checked_at=None),
    ]


def raw_rows(file: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(file) as conn:
        return conn.execute(SELECT).fetchall()


def fresh_database(path: Path) -> Path:
    open_database(f"sqlite:///{path}").dispose()
    return path


def test_columns_are_the_models_columns() -> None:
    table = LinkCheck.__table__  # type: ignore[attr-defined]
    assert table.name == TABLE
    assert list(COLUMNS) == [c.name for c in table.columns if c.name != "id"]


def test_both_ways_write_the_same_bytes_and_read_back_alike(tmp_path: Path) -> None:
    usual_file = fresh_database(tmp_path / "usual.db")
    plain_file = fresh_database(tmp_path / "plain.db")
    usual = open_database(f"sqlite:///{usual_file}")
    store.save_results(usual, results())
    conn = open_at_head(str(plain_file))
    assert conn is not None
    assert insert_rows(conn, TABLE, COLUMNS, [plain_values(r) for r in results()]) == 3
    conn.close()

    usual_rows, plain_rows = raw_rows(usual_file), raw_rows(plain_file)
    # the time of a result without one is "now": the same shape, not the same instant
    assert [r[:1] + r[2:] for r in usual_rows] == [r[:1] + r[2:] for r in plain_rows]
    assert [r[1] for r in usual_rows[:2]] == [r[1] for r in plain_rows[:2]]
    assert plain_rows[0][1] == "2026-11-26 18:05:46.357713"
    assert plain_rows[1][1] == "2026-03-29 01:30:00.000000"  # Paris winter time, as UTC
    assert len(str(plain_rows[2][1])) == len("2026-11-26 18:05:46.357713")

    plain = open_database(f"sqlite:///{plain_file}")
    try:
        got, expected = store.latest_results(plain), store.latest_results(usual)
        assert {u: r.to_dict() for u, r in got.items() if r.status != "invalid"} == {
            u: r.to_dict() for u, r in expected.items() if r.status != "invalid"
        }
    finally:
        plain.dispose()
        usual.dispose()


def test_the_storing_process_knows_every_setting() -> None:
    from studyplan.cli.links_store import SETTING_NAMES
    from studyplan.settings import Settings

    assert set(Settings.model_fields) == SETTING_NAMES


def test_a_moment_without_a_zone_is_taken_as_utc() -> None:
    assert sqlite_datetime(datetime(2026, 1, 2, 3, 4, 5, 6)) == "2026-01-02 03:04:05.000006"


def test_a_database_that_needs_more_is_not_opened_plainly(tmp_path: Path) -> None:
    assert open_at_head(str(tmp_path / "missing.db")) is None
    (tmp_path / "empty.db").touch()
    assert open_at_head(str(tmp_path / "empty.db")) is None
    (tmp_path / "garbage.db").write_bytes(b"this is not a database, " * 200)
    assert open_at_head(str(tmp_path / "garbage.db")) is None
    behind = fresh_database(tmp_path / "behind.db")
    with sqlite3.connect(behind) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0009'")
    assert open_at_head(str(behind)) is None
    ready = open_at_head(str(fresh_database(tmp_path / "ready.db")))
    assert ready is not None
    ready.close()


def test_a_failed_batch_writes_nothing(tmp_path: Path) -> None:
    conn = open_at_head(str(fresh_database(tmp_path / "db.db")))
    assert conn is not None
    good = plain_values(results()[0])
    bad = (None, *good[1:])  # url is NOT NULL
    with pytest.raises(sqlite3.IntegrityError):
        insert_rows(conn, TABLE, COLUMNS, [good, bad])
    assert conn.execute("SELECT count(*) FROM link_check").fetchone() == (0,)
    conn.close()


# --- the storing process itself ------------------------------------------------------------


def child(
    home: Path, rows: list[LinkResult], env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the storing process as the checker does, with ``-X importtime`` on stderr."""
    environ = {**os.environ, "STUDYPLAN_HOME": str(home), **(env or {})}
    environ.pop("STUDYPLAN_DATABASE_URL", None)
    environ.update(env or {})
    feed = "".join(json.dumps(_row(r)) + "\n" for r in rows)
    return subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "studyplan.cli.links_store"],
        input=feed,
        capture_output=True,
        text=True,
        env=environ,
        timeout=60,
        check=False,
    )


def imported(stderr: str) -> set[str]:
    """Top-level modules named by ``-X importtime``."""
    names = set()
    for line in stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip().split(".")[0])
    return names


def errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if not line.startswith("import time:")]


@pytest.fixture
def ready_home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    fresh_database(home / "studyplan.db")
    return home


def test_a_ready_database_is_appended_to_without_sqlalchemy(ready_home: Path) -> None:
    done = child(ready_home, results())
    assert done.stdout.strip() == "stored 3", errors(done.stderr)
    loaded = imported(done.stderr)
    assert "sqlite3" in loaded
    assert not loaded & {"sqlalchemy", "sqlmodel", "pydantic", "pydantic_settings", "alembic"}
    assert [r[0] for r in raw_rows(ready_home / "studyplan.db")] == [r.url for r in results()]
    daily = list((ready_home / "backups").glob("studyplan-*-daily.db"))
    assert len(daily) == 1, "the first write of the day copies the database first"


def test_no_backup_when_the_settings_keep_none(ready_home: Path) -> None:
    (ready_home / "settings.toml").write_text("backups_keep = 0\ntheme = 'nord'\n")
    done = child(ready_home, results())
    assert done.stdout.strip() == "stored 3", errors(done.stderr)
    assert "sqlalchemy" not in imported(done.stderr)
    assert not list(ready_home.glob("backups/studyplan-*.db"))


def test_no_database_yet_is_created_the_usual_way(tmp_path: Path) -> None:
    home = tmp_path / "home"
    done = child(home, results())
    assert done.stdout.strip() == "stored 3", errors(done.stderr)
    assert "sqlalchemy" in imported(done.stderr)
    assert len(raw_rows(home / "studyplan.db")) == 3


@pytest.mark.parametrize(
    ("settings", "env", "problem"),
    [
        ("backups_keep = 'seven'\n", {}, "setting 'backups_keep' must be a whole number"),
        ("backups_keep = -1\n", {}, "backups_keep"),
        ("database_url = 'sqlite:///{home}/settings.toml/y.db'\n", {}, "cannot create the folder"),
        ("", {"STUDYPLAN_DATABASE_URL": "nope://"}, "is not a database URL"),
        ("", {"studyplan_backups_keep": "many"}, "STUDYPLAN_BACKUPS_KEEP"),
        ("this is = not = toml\n", {}, "settings.toml"),
        ("databse_url = 'sqlite:////tmp/x.db'\n", {}, "unknown setting 'databse_url'"),
    ],
)
def test_settings_the_plain_way_does_not_read_are_checked_the_usual_way(
    ready_home: Path, settings: str, env: dict[str, str], problem: str
) -> None:
    (ready_home / "settings.toml").write_text(settings.format(home=ready_home))
    done = child(ready_home, results(), env)
    answer = done.stdout.strip()
    assert answer.startswith("error ") and problem in answer, (answer, errors(done.stderr))
    assert "internal error" not in answer
    assert raw_rows(ready_home / "studyplan.db") == []


def test_a_lock_held_past_the_plain_wait_goes_the_usual_way_and_waits(ready_home: Path) -> None:
    holder = sqlite3.connect(
        ready_home / "studyplan.db", isolation_level=None, check_same_thread=False
    )
    holder.execute("BEGIN IMMEDIATE")
    released = threading.Timer(3.5, holder.execute, ("COMMIT",))  # the plain wait is 2 s
    released.start()
    started = time.monotonic()
    try:
        done = child(ready_home, results())
    finally:
        released.join()
        holder.close()
    assert done.stdout.strip() == "stored 3", errors(done.stderr)
    assert time.monotonic() - started >= 3.5
    assert any("waiting" in line for line in errors(done.stderr)), "the usual way says it waits"
    assert "sqlalchemy" in imported(done.stderr)
    assert len(raw_rows(ready_home / "studyplan.db")) == 3


def test_a_second_check_is_stored_plainly_after_the_first_made_the_database(
    server: LinkServer, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    page = home / "links.md"
    page.write_text(
        f"[a]({server.url('/ok')}) [b]({server.url('/missing')}) [c]({server.url('/moved')})\n"
    )
    for _ in range(2):
        done = run_links(home, "check", str(page), "--force", "--format", "json")
        assert done.returncode == 2, done.stderr
    rows = raw_rows(home / "studyplan.db")
    assert len(rows) == 6
    first, second = sorted(rows[:3]), sorted(rows[3:])
    assert [(r[0], r[2], r[3]) for r in first] == [(r[0], r[2], r[3]) for r in second]
    assert {r[2] for r in second} == {"alive", "dead", "redirected"}
