"""``studyplan catalog …`` and ``studyplan add``: curate the catalog."""

from __future__ import annotations

from pathlib import Path

import typer

from studyplan.cli.common import JSON_OPTION, err, open_db, out, print_json, settings

app = typer.Typer(help="Validate, sync and import catalogs.", no_args_is_help=True)

FILE_ARGUMENT = typer.Argument(
    None, help="A catalog YAML file (default: the configured catalog).", show_default=False
)


@app.command("validate")
def validate(file: Path | None = FILE_ARGUMENT, json_: bool = JSON_OPTION) -> None:
    """Check a catalog file; print every problem with its line. Exit 1 if any."""
    from studyplan.services.catalog_admin import validate_file

    path = file or settings().catalog_path
    issues = validate_file(path)
    if json_:
        print_json(
            [
                {"file": i.file, "where": i.where, "line": i.line, "message": i.message}
                for i in issues
            ]
        )
    else:
        for issue in issues:
            err(str(issue))
        if not issues:
            out(f"{path}: valid")
    if issues:
        raise typer.Exit(1)


@app.command("sync")
def sync(file: Path | None = FILE_ARGUMENT, json_: bool = JSON_OPTION) -> None:
    """Update the database from a catalog file now; progress and notes are kept."""
    from studyplan.services.catalog_admin import sync as run_sync

    primary = settings().catalog_path
    report = run_sync(open_db(sync=False), file or primary, primary)
    _print_report(report, json_)


@app.command("import")
def import_(
    file: Path = typer.Argument(..., help="A catalog YAML file in the same format."),
    json_: bool = JSON_OPTION,
) -> None:
    """Add another catalog as a second curriculum."""
    from studyplan.services.catalog_admin import import_catalog

    report = import_catalog(open_db(), file)
    _print_report(report, json_)


def _print_report(report: object, json_: bool) -> None:
    data = dict(vars(report))
    if json_:
        print_json(data)
        return
    parts = [f"{len(v)} {k}" for k, v in data.items() if k != "curriculum" and v]
    out(f"{data['curriculum']}: " + (", ".join(parts) if parts else "already up to date"))
    for rid in data["retired"]:
        out(f"  retired {rid} (hidden; its progress and notes are kept)")
    for rid in data["skipped_user"]:
        out(f"  kept your own resource {rid} (the catalog has the same id)")


def add(
    url: str = typer.Argument(..., help="The resource's address (http or https)."),
    step: int = typer.Option(..., "--step", "-s", help="The step it belongs to."),
    title: str = typer.Option(..., "--title", "-t", help="Its title."),
    kind: str = typer.Option(..., "--kind", "-k", help="video, notes, blog-post, paper, …"),
    minutes: int = typer.Option(0, "--minutes", "-m", help="Roughly how long it takes."),
    tag: list[str] = typer.Option([], "--tag", help="A tag (repeatable)."),
    json_: bool = JSON_OPTION,
) -> None:
    """Add your own resource to a step; catalog syncs never overwrite it."""
    from studyplan.services.catalog_admin import add_resource

    view = add_resource(open_db(), url, step, title, kind, minutes, tag)
    if json_:
        print_json(view.to_dict())
    else:
        out(f"added {view.id} as {view.ref}")
