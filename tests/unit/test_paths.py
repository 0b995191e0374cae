"""Where studyplan keeps things: STUDYPLAN_HOME, else the platform's folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from studyplan import paths


def test_the_cache_lives_under_studyplan_home(home: Path) -> None:
    assert paths.cache_dir() == home / "cache"
    assert paths.host_pace_file() == home / "cache" / "host-pace.json"
    assert paths.host_pace_location() == str(home / "cache" / "host-pace.json")


def test_without_studyplan_home_the_cache_is_the_platforms(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(paths.ENV_HOME, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    assert paths.cache_dir() == tmp_path / "xdg-cache" / "studyplan"
    assert paths.host_pace_file() == tmp_path / "xdg-cache" / "studyplan" / "host-pace.json"
    assert paths.host_pace_location() == str(paths.host_pace_file())
    assert paths.data_dir() == tmp_path / "xdg-data" / "studyplan"
