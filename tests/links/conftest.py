"""Fixtures for the link checker: a real loopback HTTP server, fast options, a temporary DB."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from links_server import LinkServer

from studyplan.db.database import Database
from studyplan.db.open import open_database
from studyplan.links.policy import CheckOptions
from tests.conftest import check_no_database, database_url


@pytest.fixture(scope="session")
def link_server_session() -> Iterator[LinkServer]:
    """One server for the whole session, on 127.0.0.1 and 127.0.0.2 (same port)."""
    server = LinkServer(hosts=2).start()
    yield server
    server.stop()


@pytest.fixture
def server(link_server_session: LinkServer) -> LinkServer:
    """The session's server with its counters reset for this test."""
    link_server_session.reset()
    link_server_session.videos.clear()
    return link_server_session


@pytest.fixture
def fast() -> CheckOptions:
    """Options with short timeouts and backoff so tests stay quick."""
    return CheckOptions(timeout=0.5, retries=2, backoff_base=0.02, backoff_cap=1.5)


@pytest.fixture
def db(tmp_path: Path, backend: str, request: pytest.FixtureRequest) -> Iterator[Database]:
    """A fresh database at head: SQLite in a temporary folder, or PostgreSQL."""
    url = database_url(request) or f"sqlite:///{tmp_path / 'links.db'}"
    database = open_database(url)
    yield database
    database.dispose()


@pytest.fixture
def db_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, backend: str, request: pytest.FixtureRequest
) -> Iterator[Path]:
    """A private home; STUDYPLAN_DATABASE_URL names the test's database (empty: SQLite)."""
    monkeypatch.setenv("STUDYPLAN_DATABASE_URL", database_url(request))
    (tmp_path / "home").mkdir()
    yield tmp_path / "home"
    check_no_database(request, tmp_path / "home")
