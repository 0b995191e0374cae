"""The one module that knows where studyplan keeps and finds things.

Everything studyplan writes lives under :func:`home` subfolders. By default these are the
platform's user data/config/cache folders (platformdirs); ``STUDYPLAN_HOME`` puts everything
in one folder instead (the cache in its ``cache`` subfolder). Read-only files that ship with studyplan (the catalog, the migrations) are
found next to the package, in the source tree or inside the installed wheel.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "studyplan"
ENV_HOME = "STUDYPLAN_HOME"
ENV_DATABASE_URL = "STUDYPLAN_DATABASE_URL"
ENV_CATALOG = "STUDYPLAN_CATALOG"

_PACKAGE_DIR = Path(__file__).resolve().parent
_SOURCE_ROOT = _PACKAGE_DIR.parent
_BUNDLED = _PACKAGE_DIR / "_bundled"


def _home_override() -> Path | None:
    value = os.environ.get(ENV_HOME, "").strip()
    return Path(value).expanduser() if value else None


def data_dir() -> Path:
    """Folder for the database, backups and lab workspace."""
    override = _home_override()
    if override is not None:
        return override
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    """Folder for the settings file."""
    override = _home_override()
    if override is not None:
        return override
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def cache_dir() -> Path:
    """Folder for things studyplan can lose without harm (the link checker's host pace)."""
    override = _home_override()
    if override is not None:
        return override / "cache"
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def settings_file() -> Path:
    """The user's settings file (TOML); it may not exist."""
    return config_dir() / "settings.toml"


def database_file() -> Path:
    """The default SQLite database file."""
    return data_dir() / "studyplan.db"


def default_database_url() -> str:
    """SQLAlchemy URL of the default database."""
    return f"sqlite:///{database_file()}"


def host_pace_file() -> Path:
    """The link checker's memory of hosts that asked it to slow down (JSON; may not exist)."""
    return cache_dir() / "host-pace.json"


def backups_dir() -> Path:
    """Folder holding timestamped database backups."""
    return data_dir() / "backups"


def lab_workspace() -> Path:
    """Folder where the learner's lab files live."""
    return data_dir() / "labs"


def bundled_catalog() -> Path:
    """The curated catalog shipped with studyplan."""
    installed = _BUNDLED / "resources.yaml"
    if installed.exists():
        return installed
    return _SOURCE_ROOT / "data" / "resources.yaml"


def migrations_dir() -> Path:
    """The Alembic script folder shipped with studyplan."""
    installed = _BUNDLED / "migrations"
    if installed.exists():
        return installed
    return _SOURCE_ROOT / "migrations"
