"""Typed settings read from the settings file and the environment.

The file is TOML (``studyplan locate`` prints where it is). Environment variables win over
the file. Every field is documented here; the README lists them for users.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path

from studyplan import paths
from studyplan.errors import SettingsError


@dataclass(frozen=True)
class Settings:
    """What studyplan can be told about where and how to work."""

    database_url: str = ""
    """SQLAlchemy URL of the database; empty means the SQLite file in the data folder.
    Environment: ``STUDYPLAN_DATABASE_URL``."""

    catalog: str = ""
    """Path of the catalog YAML to load; empty means the catalog shipped with studyplan.
    Environment: ``STUDYPLAN_CATALOG``."""

    editor: str = ""
    """Command used by ``note --edit`` and the interface's ``e`` key; empty means
    ``$VISUAL``, then ``$EDITOR``, then ``vi``."""

    busy_timeout_seconds: float = 10.0
    """How long to wait for another studyplan process holding the database."""

    theme: str = ""
    """The interface's colour theme; empty means Textual's default."""

    keys: dict[str, str] = field(default_factory=dict)
    """Key remapping for the interface: binding id to key(s), e.g. ``done = "x"``."""

    source: str = ""
    """Where these settings were read from (filled in by :func:`load_settings`)."""

    @property
    def resolved_database_url(self) -> str:
        """The database URL to use, defaults applied."""
        return self.database_url or paths.default_database_url()

    @property
    def catalog_path(self) -> Path:
        """The catalog file to load, defaults applied."""
        return Path(self.catalog).expanduser() if self.catalog else paths.bundled_catalog()

    @property
    def editor_command(self) -> str:
        """The editor command, defaults applied."""
        return self.editor or os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"


_TYPES: dict[str, type] = {
    "database_url": str,
    "catalog": str,
    "editor": str,
    "busy_timeout_seconds": float,
    "theme": str,
    "keys": dict,
}

_ENVIRONMENT = {
    "database_url": paths.ENV_DATABASE_URL,
    "catalog": paths.ENV_CATALOG,
}


def load_settings(file: Path | None = None) -> Settings:
    """Read settings from ``file`` (default: the user's settings file) and the environment."""
    path = file or paths.settings_file()
    values: dict[str, object] = {}
    if path.exists():
        values = _read_file(path)
    for name, variable in _ENVIRONMENT.items():
        if os.environ.get(variable):
            values[name] = os.environ[variable]
    values["source"] = str(path)
    return Settings(**values)  # type: ignore[arg-type]


def _read_file(path: Path) -> dict[str, object]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path}: {exc}; fix the file or move it away") from None
    except OSError as exc:
        raise SettingsError(f"{path}: cannot read ({exc.strerror})") from None
    known = {f.name for f in fields(Settings) if f.name != "source"}
    for key, value in data.items():
        if key not in known:
            raise SettingsError(
                f"{path}: unknown setting '{key}'; known: {', '.join(sorted(known))}"
            )
        expected = _TYPES[key]
        if expected is float and isinstance(value, int):
            data[key] = float(value)
        elif not isinstance(value, expected):
            raise SettingsError(
                f"{path}: setting '{key}' must be a {expected.__name__}, not {type(value).__name__}"
            )
    return data
