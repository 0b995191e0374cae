"""Run Alembic migrations programmatically (imported only when the database is behind)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from studyplan import paths
from studyplan.errors import DatabaseError


def alembic_config() -> Config:
    """An Alembic configuration pointing at studyplan's migration scripts."""
    config = Config()
    config.set_main_option("script_location", str(paths.migrations_dir()))
    return config


def script_revisions() -> list[str]:
    """Revisions of the migration scripts, oldest first."""
    script = ScriptDirectory.from_config(alembic_config())
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def upgrade(engine: Engine, target: str = "head", learner: str = "") -> None:
    """Upgrade the database behind ``engine`` to ``target`` in one transaction.

    ``learner`` receives the rows of a single-user database when learners arrive (0010).
    """
    _run(engine, "upgrade", target, learner)


def downgrade(engine: Engine, target: str) -> None:
    """Downgrade the database behind ``engine`` to ``target``."""
    _run(engine, "downgrade", target)


def _run(engine: Engine, action: str, target: str, learner: str = "") -> None:
    """Run ``action`` in one transaction.

    SQLite rebuilds a table to change its keys; with foreign keys enforced, dropping the old
    table counts its children as violations that renaming the new one never cancels. So, as
    SQLite's own procedure for changing a table says, foreign keys are off for the migration,
    checked as a whole before the commit, and on again after it.
    """
    config = alembic_config()
    config.attributes["learner"] = learner
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            connection.connection.driver_connection.execute("PRAGMA foreign_keys = OFF")  # type: ignore[union-attr]
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                getattr(command, action)(config, target)
                if sqlite:
                    _check_foreign_keys(connection)
        finally:
            if sqlite:
                connection.connection.driver_connection.execute("PRAGMA foreign_keys = ON")  # type: ignore[union-attr]


def _check_foreign_keys(connection: Connection) -> None:
    problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if problems:
        table, _, parent, _ = problems[0]
        raise DatabaseError(
            f"the migration would leave {len(problems)} row(s) of {table} without their "
            f"{parent}; nothing was changed (a studyplan bug: please report it)"
        )
