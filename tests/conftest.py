"""Fixtures shared by the whole suite: a private studyplan home and a database in it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from studyplan.db.database import Database
from studyplan.settings import Settings, load_settings

CATALOGS = Path(__file__).parent / "data" / "catalogs"
SMALL_CATALOG = CATALOGS / "small.yaml"


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
def settings(home: Path, small_catalog: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings using the private home and the small catalog."""
    monkeypatch.setenv("STUDYPLAN_CATALOG", str(small_catalog))
    return load_settings()


@pytest.fixture
def db(settings: Settings) -> Iterator[Database]:
    """A fresh database in the private home, with the small catalog synced."""
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
def env(tmp_path: Path) -> dict[str, str]:
    """The environment of the real ``studyplan`` command: a private home, the small catalog."""
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(SMALL_CATALOG.read_text())
    return {
        "STUDYPLAN_HOME": str(tmp_path / "home"),
        "STUDYPLAN_CATALOG": str(catalog),
        "STUDYPLAN_DATABASE_URL": "",
    }


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
