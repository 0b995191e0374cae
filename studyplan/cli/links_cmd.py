"""``studyplan links``: check, report and apply redirects.

Thin: parse options, call :mod:`studyplan.links`, print. The checker (aiohttp, asyncio) is
imported inside the commands so other commands do not pay for it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from studyplan import collector
from studyplan.catalog.vocabulary import MAX_STEP
from studyplan.cli.common import err, open_db, out, state

if TYPE_CHECKING:
    from concurrent.futures import Future

    from studyplan.db.database import Database
    from studyplan.links.policy import CheckOptions
    from studyplan.links.result import LinkResult
    from studyplan.links.runner import CheckRun, ProgressCallback

app = typer.Typer(help="Check which resources are dead or moved.", no_args_is_help=True)

EXIT_FAILED = 2


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
    exclude: list[str] | None = typer.Option(
        None, "--exclude", help="Skip URLs matching this regular expression (repeatable)."
    ),
    fmt: str = typer.Option("table", "--format", "-f", help="table, json or markdown."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write the report here."),
    user_agent: str | None = typer.Option(None, help="User-Agent header to send."),
) -> None:
    """Check links; exit 0 if all are alive, 2 if any is dead or failed, 1 on bad input."""
    import importlib

    from studyplan.links import policy, report

    # The engine (aiohttp) now, before the database may start opening in another thread:
    # importing both at once, they share the interpreter and the first request leaves later.
    with collector.loading_libraries():
        importlib.import_module("studyplan.links.checker")

    report.check_format(fmt)
    options = policy.CheckOptions(
        max_concurrency=max_concurrency,
        host_concurrency=host_concurrency,
        timeout=timeout,
        retries=retries,
        max_age=policy.parse_duration(max_age),
        force=force,
        accept=policy.parse_accept(accept) if accept else policy.DEFAULT_ACCEPT,
        excludes=tuple(exclude or ()),
        user_agent=user_agent or policy.DEFAULT_USER_AGENT,
    )
    run = _run(ctx, _Input(files, step, include_verbatim), options)
    _emit(report.render_results(run.results, fmt, run.reused), output)
    if output is not None or fmt != "table":
        err(report.summary_line(run.results, run.reused))
    if run.failed:
        raise typer.Exit(EXIT_FAILED)


@dataclass(frozen=True)
class _Input:
    """What ``links check`` reads: files (none means the database) and how to read them."""

    files: list[Path] | None
    step: int | None
    include_verbatim: bool


def _run(ctx: typer.Context, source: _Input, options: CheckOptions) -> CheckRun:
    """Check the links of the files (or of the catalog in the database); store the results."""
    import asyncio

    from studyplan.links import runner
    from studyplan.links.extract import extract_files

    if source.files:
        targets = extract_files(source.files, source.step, source.include_verbatim).targets()
        # With --force nothing stored is reused: the database is needed only to keep the
        # results, so it is opened (SQLAlchemy's import, migrations, catalog sync) meanwhile.
        db = None if options.force else open_db(ctx)
    else:
        from studyplan.links import service

        db = open_db(ctx)
        targets = service.database_targets(db, source.step)
    collector.freeze_survivors()
    with (
        _opening_meanwhile(ctx, db is None) as opening,
        _progress(len(targets)) as progress,
    ):
        run = asyncio.run(runner.run_check(targets, options, db, progress))
        if opening is not None:
            runner.store_results(opening.result(), run.results)
    collector.freeze_survivors()
    return run


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
    _emit(report.render_states(list(states.values()), fmt), output)


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


@contextmanager
def _opening_meanwhile(ctx: typer.Context, wanted: bool) -> Iterator[Future[Database] | None]:
    """If ``wanted``, open the database in a thread while the caller works (else yield None).

    Opening costs about a second of imports and SQL, mostly while the checker waits on the
    network. Leaving the block waits for the thread; ``result()`` re-raises its error.
    """
    if not wanted:
        yield None
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1, thread_name_prefix="studyplan-open-db") as pool:
        opening = pool.submit(state(ctx).database)  # the bound method, not the context
        opening.add_done_callback(lambda _: collector.freeze_survivors())
        yield opening


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        out(text.rstrip("\n"))
        return
    from studyplan.errors import LinkCheckError

    try:
        output.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
    except OSError as exc:
        raise LinkCheckError(f"{output}: cannot write the report ({exc.strerror})") from None


class _progress:
    """A rich progress bar on standard error when it is a terminal; nothing otherwise."""

    def __init__(self, total: int) -> None:
        self.total = total
        self._bar: object | None = None

    def __enter__(self) -> ProgressCallback | None:
        if not sys.stderr.isatty() or self.total == 0:
            return None
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

        bar = Progress(
            "checking links",
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        task = bar.add_task("links", total=self.total)
        bar.start()
        self._bar = bar

        def advance(_result: LinkResult, done: int, _total: int) -> None:
            bar.update(task, completed=done)

        return advance

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()  # type: ignore[attr-defined]
