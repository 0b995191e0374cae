"""``studyplan links``: check, report and apply redirects.

Thin: parse options, call :mod:`studyplan.links`, print. The checker (aiohttp, asyncio) is
imported inside the commands so other commands do not pay for it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from studyplan.cli.common import err, open_db, out

if TYPE_CHECKING:
    from concurrent.futures import Future

    from studyplan.db.database import Database
    from studyplan.links.policy import CheckOptions
    from studyplan.links.result import LinkResult
    from studyplan.links.runner import CheckRun, ProgressCallback

app = typer.Typer(help="Check which resources are dead or moved.", no_args_is_help=True)

EXIT_FAILED = 2


@app.command()
def check(
    files: list[Path] | None = typer.Argument(
        None, help="Catalog YAML, Markdown, HTML or text files; none means the catalog."
    ),
    step: int | None = typer.Option(None, "--step", help="Check only this step's resources."),
    max_concurrency: int = typer.Option(64, help="Requests in flight at most."),
    host_concurrency: int = typer.Option(4, help="Requests in flight to one host at most."),
    timeout: float = typer.Option(20.0, help="Seconds a request may take."),
    retries: int = typer.Option(2, help="Retries after 429, 5xx, 408, timeouts, drops."),
    max_age: str = typer.Option("1d", help="Reuse successes younger than this (30m, 12h, 1d)."),
    force: bool = typer.Option(False, "--force", help="Check everything again, ignore --max-age."),
    accept: str | None = typer.Option(
        None, help="Status codes counted alive, e.g. '200..=299,403'."
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
    run = _run(files, step, options)
    _emit(report.render_results(run.results, fmt, run.reused), output)
    if output is not None or fmt != "table":
        err(report.summary_line(run.results, run.reused))
    if run.failed:
        raise typer.Exit(EXIT_FAILED)


def _run(files: list[Path] | None, step: int | None, options: CheckOptions) -> CheckRun:
    """Check the links of ``files`` (or of the catalog) and store the results."""
    import asyncio

    from studyplan.links import runner
    from studyplan.links.extract import extract_files

    if files:
        targets = extract_files(files, step).targets()
        # With --force nothing stored is reused: the database is needed only to keep the
        # results, so it is opened (SQLAlchemy's import, migrations, catalog sync) meanwhile.
        db = None if options.force else open_db()
    else:
        from studyplan.links import service

        db = open_db()
        targets = service.database_targets(db, step)
    _keep_from_gc()
    with _opening_meanwhile(db is None) as opening, _progress(len(targets)) as progress:
        run = asyncio.run(runner.run_check(targets, options, db, progress))
        if opening is not None:
            runner.store_results(opening.result(), run.results)
    _keep_from_gc()
    return run


@app.command("report")
def report_cmd(
    step: int | None = typer.Option(None, "--step", help="Only this step's resources."),
    fmt: str = typer.Option("table", "--format", "-f", help="table, json or markdown."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write the report here."),
) -> None:
    """Show the latest link state of each resource, with archived copies and alternatives."""
    from studyplan.links import report, service

    report.check_format(fmt)
    states = service.latest_states(open_db(), step)
    _emit(report.render_states(list(states.values()), fmt), output)


@app.command("apply-redirects")
def apply_redirects(
    dry_run: bool = typer.Option(False, "--dry-run", help="Show what would change."),
) -> None:
    """Move your own resources to their new address after a permanent redirect."""
    from studyplan.links import service

    changes = service.apply_redirects(open_db(), dry_run=dry_run)
    verb = "would move" if dry_run else "moved"
    for change in changes:
        out(f"{change.resource_id}: {verb} {change.old_url} -> {change.new_url}")
    if not changes:
        out("no permanent redirects to apply (run 'studyplan links check' first)")


@contextmanager
def _opening_meanwhile(wanted: bool) -> Iterator[Future[Database] | None]:
    """If ``wanted``, open the database in a thread while the caller works (else yield None).

    Opening costs about a second of imports and SQL, mostly while the checker waits on the
    network. Leaving the block waits for the thread; ``result()`` re-raises its error.
    """
    if not wanted:
        yield None
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1, thread_name_prefix="studyplan-open-db") as pool:
        opening = pool.submit(open_db)
        opening.add_done_callback(lambda _: _keep_from_gc())
        yield opening


def _keep_from_gc() -> None:
    """Move every object alive now out of the cyclic collector's sight (``gc.freeze``).

    ``links check`` is a one-shot process holding some 100,000 long-lived objects (SQLAlchemy,
    aiohttp, Typer): each full collection scans them all, about 85 ms, and the interpreter
    runs several while it exits. Frozen objects are still freed by reference counting; only
    cycles among them wait for the process to end, which is next.
    """
    import gc

    gc.freeze()


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
