"""Typed settings read from the settings file and the environment (pydantic-settings).

The file is TOML (``studyplan locate`` prints where it is). Every field can also be set by
an environment variable named ``STUDYPLAN_`` plus the field's name in capitals
(``STUDYPLAN_DATABASE_URL``); the environment wins over the file. Every field is documented
here; the README lists them for users.
"""

from __future__ import annotations

import os
import tomllib
from datetime import tzinfo
from pathlib import Path
from typing import Any

from pydantic import Field, PrivateAttr, ValidationError, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from studyplan import paths
from studyplan.db.backups import DEFAULT_KEEP
from studyplan.errors import SettingsError

ENV_PREFIX = "STUDYPLAN_"

FULL_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class Settings(BaseSettings):
    """What studyplan can be told about where and how to work."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_ignore_empty=True, extra="forbid", frozen=True
    )

    database_url: str = Field(
        "",
        description="SQLAlchemy URL of the database; empty means the SQLite file in the data "
        "folder.",
    )
    catalog: str = Field(
        "",
        description="Path of the catalog YAML to load; empty means the catalog shipped with "
        "studyplan.",
    )
    editor: str = Field(
        "",
        description="Command used by `note --edit` and the interface's `e` key; empty means "
        "$VISUAL, then $EDITOR, then vi.",
    )
    busy_timeout_seconds: float = Field(
        10.0,
        ge=0,
        le=3600,
        allow_inf_nan=False,
        description="How long to wait for another studyplan process holding the database.",
    )
    backups_keep: int = Field(
        DEFAULT_KEEP,
        ge=0,
        description="How many database copies to keep in the backups folder (one is made "
        "before the first change of each day); 0 turns the daily copy off.",
    )
    theme: str = Field("", description="The interface's colour theme; empty means the default.")
    timezone: str = Field(
        "",
        description="IANA time zone of the plan, statistics and calendar (e.g. Europe/Paris); "
        "empty means the system's.",
    )
    week_start: str = Field(
        "monday",
        pattern="^(monday|tuesday|wednesday|thursday|friday|saturday|sunday)$",
        description="The first day of the week in the plan, the statistics and the heatmap.",
    )
    study_time: str = Field(
        "19:00",
        pattern="^([01][0-9]|2[0-3]):[0-5][0-9]$",
        description="When a study session starts on a study day (HH:MM), for the calendar export.",
    )
    streaks: bool = Field(
        False,
        description="Show study streaks in the statistics (days outside your study days never "
        "break one).",
    )
    learner: str = Field(
        "",
        description="Who is studying: the learner whose progress and notes studyplan shows; "
        "empty means the operating-system user name. On a group's PostgreSQL server the login "
        "role decides.",
    )
    share_notes: bool = Field(
        False,
        description="In a study group on PostgreSQL: let the other learners read your notes.",
    )
    keys: dict[str, str] = Field(
        default_factory=dict,
        description='Key remapping for the interface: binding id to key(s), e.g. done = "x".',
    )

    _source: str = PrivateAttr("")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        if value:
            from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(
                    f"unknown time zone '{value}'; use an IANA name such as Europe/Paris or UTC"
                ) from None
        return value

    @field_validator("learner")
    @classmethod
    def _valid_learner(cls, value: str) -> str:
        from studyplan.learner_names import name_problem

        problem = name_problem(value) if value else None
        if problem:
            raise ValueError(problem)
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """The environment wins over the values read from the file (passed to __init__)."""
        return env_settings, init_settings

    @property
    def source(self) -> str:
        """Where these settings were read from."""
        return self._source

    @property
    def resolved_database_url(self) -> str:
        """The database URL to use, defaults applied."""
        return self.database_url or paths.default_database_url()

    @property
    def learner_name(self) -> str:
        """The learner, defaults applied (the setting, else the operating-system user)."""
        from studyplan.learner_names import system_learner

        return self.learner or system_learner()

    @property
    def catalog_path(self) -> Path:
        """The catalog file to load, defaults applied."""
        return Path(self.catalog).expanduser() if self.catalog else paths.bundled_catalog()

    @property
    def first_weekday(self) -> int:
        """The first day of the week: 0 Monday … 6 Sunday."""
        return FULL_WEEKDAYS.index(self.week_start)

    @property
    def zone(self) -> tzinfo:
        """The learner's time zone (the setting, else the system's)."""
        from studyplan.clock import zone

        return zone(self.timezone)

    @property
    def editor_command(self) -> str:
        """The editor command, defaults applied."""
        return self.editor or os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"

    def with_values(self, **values: Any) -> Settings:
        """A copy with ``values`` changed (used by tests and the interface's factory)."""
        copy = self.model_copy(update=values)
        copy._source = self._source
        return copy


def load_settings(file: Path | None = None) -> Settings:
    """Read settings from ``file`` (default: the user's settings file) and the environment."""
    path = file or paths.settings_file()
    values = _read_file(path) if path.exists() else {}
    try:
        settings = Settings(**values)
    except ValidationError as exc:
        raise SettingsError(_describe(exc, path, values)) from None
    settings._source = str(path)
    return settings


def _read_file(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SettingsError(f"{path}: cannot read ({exc.strerror})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SettingsError(
            f"{path}: not UTF-8 text (byte 0x{raw[exc.start]:02X} at position {exc.start + 1}); "
            "save it as UTF-8"
        ) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path}: {exc}; fix the file or move it away") from None


_KIND = {
    "string_type": "a string",
    "float_type": "a number",
    "float_parsing": "a number",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "dict_type": "a table",
    "greater_than_equal": "0 or more",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
}

_PATTERN_HINT = {
    "week_start": "a day of the week in full, such as monday or sunday",
    "study_time": "a time of day as HH:MM, such as 19:00",
}


def _describe(exc: ValidationError, path: Path, values: dict[str, Any]) -> str:
    """One line for the first problem (and how many more), naming the file or variable."""
    errors = exc.errors(include_url=False, include_input=False)
    first = errors[0]
    name = str(first["loc"][0]) if first["loc"] else ""
    where = str(path) if name in values else f"environment variable {ENV_PREFIX}{name.upper()}"
    if first["type"] == "extra_forbidden":
        known = ", ".join(sorted(Settings.model_fields))
        message = f"{where}: unknown setting '{name}'; known: {known}"
    elif first["type"] == "string_pattern_mismatch" and name in _PATTERN_HINT:
        message = f"{where}: setting '{name}' must be {_PATTERN_HINT[name]}"
    elif first["type"] == "value_error":
        reason = str(first["msg"]).removeprefix("Value error, ")
        message = f"{where}: setting '{name}': {reason}"
    else:
        kind = _KIND.get(first["type"], first["msg"].lower())
        if len(first["loc"]) > 1:
            name = ".".join(str(part) for part in first["loc"])
        message = f"{where}: setting '{name}' must be {kind}"
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return message + more
