"""Fixtures for the labs: the real catalog in a private home, and the lab folders."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from studyplan import paths
from studyplan.db.database import Database
from studyplan.services.workspace import open_workspace
from studyplan.settings import load_settings
from tests.conftest import database_url

LABS = Path(__file__).resolve().parents[2] / "data" / "labs"
FAULTS = Path(__file__).resolve().parent / "faults"


@pytest.fixture
def lab_db(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, backend: str, request: pytest.FixtureRequest
) -> Iterator[Database]:
    """A fresh home with the real catalog (and its labs) synced, on the test's database."""
    monkeypatch.setenv(paths.ENV_HOME, str(tmp_path / "home"))
    monkeypatch.delenv(paths.ENV_CATALOG, raising=False)
    monkeypatch.setenv(paths.ENV_DATABASE_URL, database_url(request))
    database = open_workspace(load_settings())
    yield database
    database.dispose()
