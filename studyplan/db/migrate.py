"""Run Alembic migrations programmatically (imported only when the database is behind)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from studyplan import paths


def alembic_config() -> Config:
    """An Alembic configuration pointing at studyplan's migration scripts."""
    config = Config()
    config.set_main_option("script_location", str(paths.migrations_dir()))
    return config


def script_revisions() -> list[str]:
    """Revisions of the migration scripts, oldest first."""
    script = ScriptDirectory.from_config(alembic_config())
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def upgrade(engine: Engine, target: str = "head") -> None:
    """Upgrade the database behind ``engine`` to ``target`` in one transaction."""
    _run(engine, "upgrade", target)


def downgrade(engine: Engine, target: str) -> None:
    """Downgrade the database behind ``engine`` to ``target``."""
    _run(engine, "downgrade", target)


def _run(engine: Engine, action: str, target: str) -> None:
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        getattr(command, action)(config, target)
