"""Fixtures shared by the whole suite: a private studyplan home and a database in it.

A test that takes ``env`` or ``db`` (or anything built on ``backend``) runs twice: on the
SQLite file (``[sqlite]``) and on a fresh database of a real PostgreSQL server
(``[postgres]``, see tests/postgres.py). Its PostgreSQL variant is deselected when it is
marked ``sqlite_only`` (about the SQLite file itself: backups, locks, damage, permissions) or
``no_database`` (it never opens the test's database: a usage error, a bad setting, a URL of
its own; checked: the SQLite variant must leave no database behind). ``--backend sqlite``
(or ``postgres``) runs one backend only.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from studyplan.db.database import Database
from studyplan.settings import Settings, load_settings

pytest_plugins = ("tests.postgres",)

BACKENDS = ("sqlite", "postgres")

CATALOGS = Path(__file__).parent / "data" / "catalogs"
SMALL_CATALOG = CATALOGS / "small.yaml"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--backend",
        action="append",
        choices=BACKENDS,
        help="run the tests that take a database backend on this one only "
        "(repeat for both, the default)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect the PostgreSQL variant of ``sqlite_only`` and ``no_database`` tests, and
    backends not chosen."""
    chosen = set(config.getoption("backend") or BACKENDS)
    kept: list[pytest.Item] = []
    dropped: list[pytest.Item] = []
    for item in items:
        callspec = getattr(item, "callspec", None)
        backend = callspec.params.get("backend") if callspec is not None else None
        once = any(item.get_closest_marker(name) for name in ("sqlite_only", "no_database"))
        unwanted = backend == "postgres" and once
        (dropped if unwanted or (backend and backend not in chosen) else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The database the test runs on: ``sqlite`` (the file in the home) or ``postgres``."""
    return str(request.param)


def database_url(request: pytest.FixtureRequest) -> str:
    """The STUDYPLAN_DATABASE_URL of the test: empty (SQLite in the home) unless the test
    takes ``backend`` and runs on PostgreSQL, then a fresh database of the test server."""
    if "backend" in request.fixturenames and request.getfixturevalue("backend") == "postgres":
        return str(request.getfixturevalue("postgres_database"))
    return ""


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty STUDYPLAN_HOME; the environment points nowhere else."""
    folder = tmp_path / "home"
    folder.mkdir()
    monkeypatch.setenv("STUDYPLAN_HOME", str(folder))
    monkeypatch.delenv("STUDYPLAN_DATABASE_URL", raising=False)
    monkeypatch.delenv("STUDYPLAN_CATALOG", raising=False)
    return folder


@pytest.fixture
def small_catalog(tmp_path: Path) -> Path:
    """A private copy of the small test catalog (tests may edit it)."""
    target = tmp_path / "catalog.yaml"
    shutil.copy(SMALL_CATALOG, target)
    return target


@pytest.fixture
def settings(
    home: Path, small_catalog: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Settings:
    """Settings using the private home, the small catalog and the test's database."""
    monkeypatch.setenv("STUDYPLAN_CATALOG", str(small_catalog))
    url = database_url(request)
    if url:
        monkeypatch.setenv("STUDYPLAN_DATABASE_URL", url)
    return load_settings()


@pytest.fixture
def db(backend: str, settings: Settings) -> Iterator[Database]:
    """A fresh database (SQLite in the private home, or PostgreSQL), the small catalog synced."""
    from studyplan.services.workspace import open_workspace

    database = open_workspace(settings)
    yield database
    database.dispose()


def studyplan_command() -> list[str]:
    """The installed console script (falls back to ``python -m studyplan``)."""
    script = Path(sys.executable).parent / "studyplan"
    return [str(script)] if script.exists() else [sys.executable, "-m", "studyplan"]


def run_cli(
    *args: str, env: dict[str, str] | None = None, input: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the real ``studyplan`` command with ``args`` in a subprocess."""
    return subprocess.run(
        [*studyplan_command(), *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        input=input,
        timeout=60,
    )


@pytest.fixture
def env(tmp_path: Path, backend: str, request: pytest.FixtureRequest) -> Iterator[dict[str, str]]:
    """The environment of the real ``studyplan`` command: a private home, the small catalog,
    the test's database (the SQLite file in the home, or a fresh PostgreSQL database)."""
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(SMALL_CATALOG.read_text())
    yield {
        "STUDYPLAN_HOME": str(tmp_path / "home"),
        "STUDYPLAN_CATALOG": str(catalog),
        "STUDYPLAN_DATABASE_URL": database_url(request),
    }
    check_no_database(request, tmp_path / "home")


def check_no_database(request: pytest.FixtureRequest, home: Path) -> None:
    """A test marked ``no_database`` must not have made the SQLite file in ``home``."""
    if request.node.get_closest_marker("no_database") and (home / "studyplan.db").exists():
        pytest.fail("marked no_database, but it opened the database: remove the mark")


def database_rows(env: dict[str, str], query: str) -> list[tuple[Any, ...]]:
    """Rows of ``query``, read from the database of ``env`` directly (either backend)."""
    from sqlalchemy import create_engine, text

    url = env.get("STUDYPLAN_DATABASE_URL") or f"sqlite:///{env['STUDYPLAN_HOME']}/studyplan.db"
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(query))]
    finally:
        engine.dispose()


def cli_ok(*args: str, env: dict[str, str], input: str | None = None) -> str:
    """Run ``studyplan args``; it must succeed; its standard output."""
    result = run_cli(*args, env=env, input=input)
    assert result.returncode == 0, result.stderr
    return result.stdout


def cli_fails(*args: str, env: dict[str, str]) -> str:
    """Run ``studyplan args``; it must fail with exit 1 and one line, no traceback."""
    result = run_cli(*args, env=env)
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]
