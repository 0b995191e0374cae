"""``studyplan catalog …`` and ``studyplan add``: curate the catalog."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from studyplan.catalog.vocabulary import MAX_MINUTES, MAX_STEP
from studyplan.cli.common import JSON_OPTION, err, open_db, out, print_json, settings, warn
from studyplan.cli.params import utf8_text, utf8_texts

if TYPE_CHECKING:
    from studyplan.catalog.loader import CatalogIssue
    from studyplan.db.database import Database

app = typer.Typer(help="Validate, sync and import catalogs.", no_args_is_help=True)

FILE_ARGUMENT = typer.Argument(
    None, help="A catalog YAML file (default: the configured catalog).", show_default=False
)


SHOWN_PROBLEMS = 100
"""``catalog validate`` prints this many problems, then how many more (``--json``: all)."""


@app.command("validate")
def validate(
    ctx: typer.Context, file: Path | None = FILE_ARGUMENT, json_: bool = JSON_OPTION
) -> None:
    """Check a catalog file; print every problem with its line. Exit 1 if any.

    With a database already in place, ids another curriculum uses are problems too.
    """
    from studyplan.catalog.vocabulary import PRIMARY_ID
    from studyplan.services.catalog_admin import validate_file

    configured = settings(ctx).catalog_path
    path = file or configured
    db = _existing_database(ctx)
    curriculum = PRIMARY_ID if _same_file(path, configured) else None
    issues = validate_file(path, db, curriculum)
    if json_:
        print_json(
            [
                {"file": i.file, "where": i.where, "line": i.line, "message": i.message}
                for i in issues
            ]
        )
    else:
        _print_issues(issues)
        if not issues:
            out(f"{path}: valid")
    if issues:
        raise typer.Exit(1)


def _existing_database(ctx: typer.Context) -> Database | None:
    """The database, if there already is one (validating never creates it)."""
    from studyplan import paths
    from studyplan.errors import DatabaseError

    if not (settings(ctx).database_url or paths.database_file().exists()):
        return None
    try:
        return open_db(ctx, sync=False)
    except DatabaseError as exc:
        warn(f"{exc.message}; ids are not checked against other curricula")
        return None


def _same_file(path: Path, other: Path) -> bool:
    try:
        return path.resolve() == other.resolve()
    except OSError:
        return False


def _print_issues(issues: list[CatalogIssue]) -> None:
    for issue in issues[:SHOWN_PROBLEMS]:
        err(str(issue))
    hidden = len(issues) - SHOWN_PROBLEMS
    if hidden > 0:
        err(f"... and {hidden} more problems ({len(issues)} in all)")


@app.command("sync")
def sync(ctx: typer.Context, file: Path | None = FILE_ARGUMENT, json_: bool = JSON_OPTION) -> None:
    """Update the database from a catalog file now; progress and notes are kept."""
    from studyplan.services.catalog_admin import sync as run_sync

    primary = settings(ctx).catalog_path
    report = run_sync(open_db(ctx, sync=False), file or primary, primary)
    _print_report(report, json_)


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="A catalog YAML file in the same format."),
    json_: bool = JSON_OPTION,
) -> None:
    """Add another catalog as a second curriculum (its ids must be its own)."""
    from studyplan.services.catalog_admin import import_catalog

    report = import_catalog(open_db(ctx), file)
    _print_report(report, json_)


def _print_report(report: object, json_: bool) -> None:
    data = dict(vars(report))
    if json_:
        print_json(data)
        return
    parts = [f"{len(v)} {k.replace('_', ' ')}" for k, v in data.items() if k != "curriculum" and v]
    out(f"{data['curriculum']}: " + (", ".join(parts) if parts else "already up to date"))
    for rid in data["retired"]:
        out(f"  retired {rid} (hidden; its progress and notes are kept)")
    for rid in data["skipped_user"]:
        out(f"  kept your own resource {rid} (the catalog has the same id)")


def add(
    ctx: typer.Context,
    url: str = typer.Argument(
        ..., help="The resource's address (http or https).", callback=utf8_text
    ),
    step: int = typer.Option(
        ..., "--step", "-s", min=1, max=MAX_STEP, help="The step it belongs to."
    ),
    title: str = typer.Option(..., "--title", "-t", help="Its title.", callback=utf8_text),
    kind: str = typer.Option(..., "--kind", "-k", help="video, notes, blog-post, paper, …"),
    minutes: int = typer.Option(
        0, "--minutes", "-m", min=0, max=MAX_MINUTES, help="Roughly how long it takes."
    ),
    tag: list[str] = typer.Option([], "--tag", help="A tag (repeatable).", callback=utf8_texts),
    force: bool = typer.Option(
        False, "--force", help="Add it even if a resource already has this address."
    ),
    json_: bool = JSON_OPTION,
) -> None:
    """Add your own resource to a step; catalog syncs never overwrite it."""
    from studyplan.services.own_resources import add_resource

    view = add_resource(open_db(ctx), url, step, title, kind, minutes, tag, force=force)
    if json_:
        print_json(view.to_dict())
    else:
        out(f"added {view.id} as {view.ref}")
