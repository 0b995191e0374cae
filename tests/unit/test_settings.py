"""Settings: file, environment, and one clear line for a bad file."""

from __future__ import annotations

from pathlib import Path

import pytest

from studyplan import paths
from studyplan.errors import SettingsError
from studyplan.settings import load_settings


def test_defaults_live_under_studyplan_home(home: Path) -> None:
    s = load_settings()
    assert s.resolved_database_url == f"sqlite:///{home / 'studyplan.db'}"
    assert s.catalog_path == paths.bundled_catalog()
    assert paths.lab_workspace() == home / "labs"


def test_file_then_environment(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (home / "settings.toml").write_text(
        'editor = "nano"\nbusy_timeout_seconds = 3\n[keys]\ndone = "x"\n'
    )
    s = load_settings()
    assert (s.editor_command, s.busy_timeout_seconds, s.keys) == ("nano", 3.0, {"done": "x"})
    monkeypatch.setenv("STUDYPLAN_DATABASE_URL", "sqlite:///elsewhere.db")
    assert load_settings().resolved_database_url == "sqlite:///elsewhere.db"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("editor = \n", "settings.toml"),
        ("nope = 1\n", "unknown setting 'nope'"),
        ("editor = 3\n", "setting 'editor' must be a str"),
    ],
)
def test_bad_file(home: Path, text: str, message: str) -> None:
    (home / "settings.toml").write_text(text)
    with pytest.raises(SettingsError, match=message):
        load_settings()
