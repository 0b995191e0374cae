"""``studyplan locate``: where studyplan keeps and finds things."""

from __future__ import annotations

import typer

from studyplan import paths
from studyplan.cli.common import JSON_OPTION, out, print_json, settings
from studyplan.db.engine import display_url


def locate(ctx: typer.Context, json_: bool = JSON_OPTION) -> None:
    """Show where the database, catalog, settings, backups and lab workspace are, and who
    the learner is.

    A database URL is shown with its password hidden. On a group's PostgreSQL server the
    login role decides the learner, whatever the setting says.
    """
    s = settings(ctx)
    places = {
        "database": display_url(s.resolved_database_url),
        "catalog": str(s.catalog_path),
        "settings": s.source,
        "backups": str(paths.backups_dir()),
        "labs": str(paths.lab_workspace()),
        "migrations": str(paths.migrations_dir()),
        "learner": s.learner_name,
    }
    if json_:
        print_json(places)
        return
    for name, place in places.items():
        out(f"{name:<11} {place}")


def register(app: typer.Typer) -> None:
    """Add this command to ``app``."""
    app.command("locate")(locate)
