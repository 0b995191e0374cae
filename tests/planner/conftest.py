"""Fixtures of the plan tests: the catalog with labs and a database holding it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from studyplan.db.database import Database
from studyplan.settings import load_settings
from tests.conftest import database_url
from tests.planner.lab_catalog import write_lab_catalog


@pytest.fixture
def lab_catalog(tmp_path: Path) -> Path:
    """The catalog with labs, written in the test's folder."""
    return write_lab_catalog(tmp_path / "catalog")


@pytest.fixture
def plan_db(
    home: Path,
    lab_catalog: Path,
    monkeypatch: pytest.MonkeyPatch,
    backend: str,
    request: pytest.FixtureRequest,
) -> Iterator[Database]:
    """A fresh database (in the private home, or PostgreSQL) with the catalog with labs synced."""
    from studyplan.services.workspace import open_workspace

    monkeypatch.setenv("STUDYPLAN_CATALOG", str(lab_catalog))
    monkeypatch.setenv("STUDYPLAN_DATABASE_URL", database_url(request))
    database = open_workspace(load_settings())
    yield database
    database.dispose()


@pytest.fixture
def real_db(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, backend: str, request: pytest.FixtureRequest
) -> Iterator[Database]:
    """A fresh home with the real catalog (and its labs) synced, on the test's database."""
    from studyplan.services.workspace import open_workspace

    monkeypatch.setenv("STUDYPLAN_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("STUDYPLAN_CATALOG", raising=False)
    monkeypatch.setenv("STUDYPLAN_DATABASE_URL", database_url(request))
    database = open_workspace(load_settings())
    yield database
    database.dispose()
