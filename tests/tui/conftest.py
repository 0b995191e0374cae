"""Fixtures for the interface: a fresh database per test (copied from one made per session)."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from studyplan import paths
from studyplan.db.database import Database
from studyplan.services.workspace import open_workspace
from studyplan.settings import Settings, load_settings
from studyplan.tui.app import DEFAULT_THEME, StudyplanApp, make_app


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database at head with the real catalog synced, made once per session."""
    home = tmp_path_factory.mktemp("template-home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(paths.ENV_HOME, str(home))
        mp.delenv(paths.ENV_DATABASE_URL, raising=False)
        mp.delenv(paths.ENV_CATALOG, raising=False)
        db = open_workspace(load_settings())
        db.dispose()
        return paths.database_file()


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, template_db: Path) -> Path:
    """A temporary STUDYPLAN_HOME holding a copy of the template database."""
    monkeypatch.setenv(paths.ENV_HOME, str(tmp_path))
    monkeypatch.delenv(paths.ENV_DATABASE_URL, raising=False)
    monkeypatch.delenv(paths.ENV_CATALOG, raising=False)
    shutil.copy(template_db, paths.database_file())
    return tmp_path


@pytest.fixture
def db(home: Path) -> Iterator[Database]:
    """The test's database, opened through the same service the program uses."""
    database = open_workspace(load_settings())
    yield database
    database.dispose()


class Opened:
    """URLs the app asked to open (instead of a browser)."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    def __call__(self, url: str) -> bool:
        self.urls.append(url)
        return True


@pytest.fixture
def opened() -> Opened:
    """The fake URL opener."""
    return Opened()


AppFactory = Callable[..., StudyplanApp]


@pytest.fixture
def app_factory(db: Database, opened: Opened) -> AppFactory:
    """Build the app on the test database; keyword arguments go into the settings."""

    def build(runner: Any = None, theme: str = DEFAULT_THEME, **settings: Any) -> StudyplanApp:
        base: Settings = load_settings()
        return make_app(base.with_values(**settings), db, opener=opened, editor=runner, theme=theme)

    return build


async def settle(pilot: Pilot[Any]) -> None:
    """Wait until queued writes and running loads are done and the screen is updated."""
    app = pilot.app
    assert isinstance(app, StudyplanApp)
    for _ in range(3):
        await app.writes.drain()
        busy = [w for w in app.workers if w.group not in ("writer",) and not w.is_finished]
        if busy:
            await app.workers.wait_for_complete(busy)
        await pilot.pause()


async def wait_until(
    pilot: Pilot[Any], condition: Callable[[], bool], what: str, timeout: float = 20.0
) -> None:
    """Let the app run until ``condition()`` holds; fail saying ``what`` after ``timeout``.

    The timeout is a safety net far beyond what the condition needs, never a race.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.05)
