"""``studyplan links``: check, report and apply redirects.

Thin: parse options, call :mod:`studyplan.links`, print. ``links check`` itself lives in
:mod:`studyplan.cli.links_check`, which the console script can also reach without Typer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from studyplan.catalog.vocabulary import MAX_STEP
from studyplan.cli import links_check
from studyplan.cli.common import open_db, out, state

app = typer.Typer(help="Check which resources are dead or moved.", no_args_is_help=True)

ACCEPT_HELP = (
    "Status codes counted alive: codes and ranges, e.g. '403', '200..=299,403', '200..300'. "
    "A list that names any 2xx code is the whole list; otherwise its codes are added to "
    "200..=299."
)


@app.command()
def check(
    ctx: typer.Context,
    files: list[Path] | None = typer.Argument(
        None, help="Catalog YAML, Markdown, HTML or text files; none means the catalog."
    ),
    step: int | None = typer.Option(
        None, "--step", min=1, max=MAX_STEP, help="Check only this step's resources."
    ),
    max_concurrency: int = typer.Option(64, help="Requests in flight at most."),
    host_concurrency: int = typer.Option(4, help="Requests in flight to one host at most."),
    timeout: float = typer.Option(20.0, help="Seconds a request may take."),
    retries: int = typer.Option(2, help="Retries after 429, 5xx, 408, timeouts, drops."),
    max_age: str = typer.Option("1d", help="Reuse successes younger than this (30m, 12h, 1d)."),
    force: bool = typer.Option(False, "--force", help="Check everything again, ignore --max-age."),
    accept: str | None = typer.Option(None, help=ACCEPT_HELP),
    include_verbatim: bool = typer.Option(
        False,
        "--include-verbatim",
        help="Also check URLs in Markdown code spans and code blocks (left out by default).",
    ),
    include_fragments: bool = typer.Option(
        False,
        "--include-fragments",
        help="Check that each URL's #part is an anchor of its page (reads up to 1 MB of it).",
    ),
    dump: bool = typer.Option(
        False,
        "--dump",
        help="Print the URLs that would be checked, one per line (or JSON); send no request.",
    ),
    exclude: list[str] | None = typer.Option(
        None, "--exclude", help="Skip URLs matching this regular expression (repeatable)."
    ),
    fmt: str = typer.Option("table", "--format", "-f", help="table, json or markdown."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write the report here."),
    user_agent: str | None = typer.Option(None, help="User-Agent header to send."),
) -> None:
    """Check links; exit 0 if all are alive, 2 if any is dead or failed, 1 on bad input."""
    args = check_args(**{k: v for k, v in locals().items() if k != "ctx"})
    code = links_check.execute(args, state(ctx))
    if code:
        raise typer.Exit(code)


def check_args(**params: Any) -> links_check.CheckArgs:
    """The :class:`~studyplan.cli.links_check.CheckArgs` of the Typer command's parameters."""
    params["files"] = params.get("files") or ()
    params["exclude"] = params.get("exclude") or ()
    return links_check.CheckArgs(**params)


@app.command("report")
def report_cmd(
    ctx: typer.Context,
    step: int | None = typer.Option(
        None, "--step", min=1, max=MAX_STEP, help="Only this step's resources."
    ),
    fmt: str = typer.Option("table", "--format", "-f", help="table, json or markdown."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write the report here."),
) -> None:
    """Show the latest link state of each resource, with archived copies and alternatives."""
    from studyplan.links import report, service

    report.check_format(fmt)
    states = service.latest_states(open_db(ctx), step)
    links_check.emit(report.render_states(list(states.values()), fmt), output)


@app.command("apply-redirects")
def apply_redirects(
    ctx: typer.Context,
    dry_run: bool = typer.Option(False, "--dry-run", help="Show what would change."),
) -> None:
    """Move your own resources to their new address after a permanent redirect."""
    from studyplan.links import service

    changes = service.apply_redirects(open_db(ctx), dry_run=dry_run)
    verb = "would move" if dry_run else "moved"
    for change in changes:
        out(f"{change.resource_id}: {verb} {change.old_url} -> {change.new_url}")
    if not changes:
        out(
            "no permanent redirects of your own resources ('studyplan add') to apply; "
            "'studyplan links check' finds them"
        )
