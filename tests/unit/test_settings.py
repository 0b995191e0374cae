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


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('timezone = "Mars/Olympus"\n', "setting 'timezone': unknown time zone 'Mars/Olympus'"),
        ('week_start = "mon"\n', "setting 'week_start' must be a day of the week in full"),
        ('study_time = "7pm"\n', "setting 'study_time' must be a time of day as HH:MM"),
        ('streaks = "often"\n', "setting 'streaks' must be true or false"),
    ],
)
def test_plan_settings_are_checked(home: Path, text: str, message: str) -> None:
    (home / "settings.toml").write_text(text)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert message in str(caught.value)
    assert "settings.toml" in str(caught.value)


def test_plan_settings_give_the_zone_and_the_week(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (home / "settings.toml").write_text('timezone = "Asia/Tokyo"\nweek_start = "sunday"\n')
    s = load_settings()
    assert (str(s.zone), s.first_weekday) == ("Asia/Tokyo", 6)
    monkeypatch.setenv("STUDYPLAN_TIMEZONE", "Europe/Paris")
    assert str(load_settings().zone) == "Europe/Paris"


def test_without_a_time_zone_setting_the_system_zone_is_used(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TZ", "America/New_York")
    assert str(load_settings().zone) == "America/New_York"
