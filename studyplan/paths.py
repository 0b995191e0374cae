"""The one module that knows where studyplan keeps and finds things.

Everything studyplan writes lives under :func:`home` subfolders. By default these are the
platform's user data/config/cache folders (platformdirs); ``STUDYPLAN_HOME`` puts everything
in one folder instead (the cache in its ``cache`` subfolder). Read-only files that ship with
studyplan (the catalog, the migrations) are found next to the package, in the source tree or
inside the installed wheel.

:mod:`pathlib` loads when a :class:`~pathlib.Path` is asked for, not with this module: a link
check asks only :func:`host_pace_location` (a string) before its first request.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False  # not typing's: importing typing costs a link check 3 ms
if TYPE_CHECKING:
    from pathlib import Path

APP_NAME = "studyplan"
ENV_HOME = "STUDYPLAN_HOME"
ENV_DATABASE_URL = "STUDYPLAN_DATABASE_URL"
ENV_CATALOG = "STUDYPLAN_CATALOG"


def _path(*parts: str) -> Path:
    from pathlib import Path

    return Path(*parts)


def _package_dir() -> Path:
    return _path(__file__).resolve().parent


def _home_override() -> str | None:
    value = os.environ.get(ENV_HOME, "").strip()
    return os.path.expanduser(value) if value else None


def data_dir() -> Path:
    """Folder for the database, backups and lab workspace."""
    override = _home_override()
    if override is not None:
        return _path(override)
    import platformdirs

    return _path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    """Folder for the settings file."""
    override = _home_override()
    if override is not None:
        return _path(override)
    import platformdirs

    return _path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def _cache_location() -> str:
    override = _home_override()
    if override is not None:
        return os.path.join(override, "cache")
    import platformdirs

    return platformdirs.user_cache_dir(APP_NAME, appauthor=False)


def cache_dir() -> Path:
    """Folder for things studyplan can lose without harm (the link checker's host pace)."""
    return _path(_cache_location())


def settings_file() -> Path:
    """The user's settings file (TOML); it may not exist."""
    return config_dir() / "settings.toml"


def database_file() -> Path:
    """The default SQLite database file."""
    return data_dir() / "studyplan.db"


def default_database_url() -> str:
    """SQLAlchemy URL of the default database."""
    return f"sqlite:///{database_file()}"


def host_pace_location() -> str:
    """:func:`host_pace_file` as a string, without loading :mod:`pathlib`."""
    return os.path.join(_cache_location(), "host-pace.json")


def host_pace_file() -> Path:
    """The link checker's memory of hosts that asked it to slow down (JSON; may not exist)."""
    return _path(host_pace_location())


def backups_dir() -> Path:
    """Folder holding timestamped database backups."""
    return data_dir() / "backups"


def lab_workspace() -> Path:
    """Folder where the learner's lab files live."""
    return data_dir() / "labs"


def bundled_catalog() -> Path:
    """The curated catalog shipped with studyplan."""
    installed = _package_dir() / "_bundled" / "resources.yaml"
    if installed.exists():
        return installed
    return _package_dir().parent / "data" / "resources.yaml"


def migrations_dir() -> Path:
    """The Alembic script folder shipped with studyplan."""
    installed = _package_dir() / "_bundled" / "migrations"
    if installed.exists():
        return installed
    return _package_dir().parent / "migrations"
