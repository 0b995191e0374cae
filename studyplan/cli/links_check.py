"""``studyplan links check``: what it does, and a way in that does not wait for Typer.

A link check is judged by its wall time, and most of a Python program's start-up is not
needed to send a request: Typer and Click (50 ms), SQLAlchemy, pydantic and the catalog sync
(half a second) only matter once results are stored. So the console script
(:mod:`studyplan.cli.entry`) hands ``studyplan links check …`` to :func:`run_fast` first: it
parses the options itself, sends the first requests within a few tens of milliseconds of
start-up, and opens the database in a thread meanwhile. Whatever it does not understand
(``--help``, a mistyped option, a value that does not convert) goes to the Typer command
instead, which gives the usual help and usage errors; both build the same :class:`CheckArgs`
and run :func:`execute`. A test holds the two parsers to the same options and values.
"""

from __future__ import annotations

import os
import sys
from contextlib import suppress
from functools import partial

from studyplan.catalog.vocabulary import MAX_STEP
from studyplan.cli.boundary import sigpipe_ignored
from studyplan.cli.output import err, out, out_escaped_pieces
from studyplan.links.records import Record

TYPE_CHECKING = False  # not typing's: importing typing costs a link check 3 ms
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence
    from os import PathLike
    from typing import Any

    from studyplan.cli.run_state import CliState
    from studyplan.db.database import Database
    from studyplan.links.extract import LinkTarget
    from studyplan.links.policy import CheckOptions
    from studyplan.links.result import LinkResult
    from studyplan.links.runner import CheckRun, ProgressCallback, Sink

EXIT_FAILED = 2
"""The exit code when a link is dead or failing (1 is for bad input)."""


class CheckArgs(Record):
    """The options of one ``links check``, however they were parsed.

    The defaults are the Typer command's (a test checks both parsers against each other).
    """

    _fields = (
        "files",
        "step",
        "max_concurrency",
        "host_concurrency",
        "timeout",
        "retries",
        "max_age",
        "force",
        "accept",
        "include_verbatim",
        "include_fragments",
        "dump",
        "exclude",
        "fmt",
        "output",
        "user_agent",
    )
    __slots__ = _fields

    def __init__(
        self,
        files: Sequence[str | PathLike[str]] = (),
        step: int | None = None,
        max_concurrency: int = 64,
        host_concurrency: int = 4,
        timeout: float = 20.0,
        retries: int = 2,
        max_age: str = "1d",
        force: bool = False,
        accept: str | None = None,
        include_verbatim: bool = False,
        include_fragments: bool = False,
        dump: bool = False,
        exclude: Sequence[str] = (),
        fmt: str = "table",
        output: str | PathLike[str] | None = None,
        user_agent: str | None = None,
    ) -> None:
        self.files = [os.fspath(f) for f in files]
        self.step = step
        self.max_concurrency = max_concurrency
        self.host_concurrency = host_concurrency
        self.timeout = timeout
        self.retries = retries
        self.max_age = max_age
        self.force = force
        self.accept = accept
        self.include_verbatim = include_verbatim
        self.include_fragments = include_fragments
        self.dump = dump
        self.exclude = list(exclude)
        self.fmt = fmt
        self.output = None if output is None else os.fspath(output)
        self.user_agent = user_agent

    def options(self) -> CheckOptions:
        """The checker's options (raises UsageError for a value out of range)."""
        from studyplan.links import policy

        return policy.CheckOptions(
            max_concurrency=self.max_concurrency,
            host_concurrency=self.host_concurrency,
            timeout=self.timeout,
            retries=self.retries,
            max_age=policy.parse_seconds(self.max_age),
            force=self.force,
            accept=policy.parse_accept(self.accept) if self.accept else policy.DEFAULT_ACCEPT,
            excludes=tuple(self.exclude),
            user_agent=self.user_agent or policy.DEFAULT_USER_AGENT,
            include_fragments=self.include_fragments,
        )


# option → (field, converter); None as converter marks a flag
_OPTIONS: dict[str, tuple[str, Callable[[str], Any] | None]] = {
    "--step": ("step", int),
    "--max-concurrency": ("max_concurrency", int),
    "--host-concurrency": ("host_concurrency", int),
    "--timeout": ("timeout", float),
    "--retries": ("retries", int),
    "--max-age": ("max_age", str),
    "--force": ("force", None),
    "--accept": ("accept", str),
    "--include-verbatim": ("include_verbatim", None),
    "--include-fragments": ("include_fragments", None),
    "--dump": ("dump", None),
    "--exclude": ("exclude", str),
    "--format": ("fmt", str),
    "-f": ("fmt", str),
    "--output": ("output", str),
    "-o": ("output", str),
    "--user-agent": ("user_agent", str),
}
OPTION_NAMES = frozenset(_OPTIONS)
"""Every option string :func:`parse_fast` understands (a test compares them with Typer's)."""


def parse_fast(argv: Sequence[str]) -> CheckArgs | None:
    """The :class:`CheckArgs` of ``argv`` (what follows ``links check``), or None.

    None means "let Typer parse it": help, an unknown option, a value that does not convert
    or is out of range. Accepts what Click accepts for these options: ``--opt value``,
    ``--opt=value``, ``-f value``, ``-fvalue``, options among the files, ``--`` before files.
    """
    values: dict[str, Any] = {"files": [], "exclude": []}
    args = list(argv)
    index = 0
    only_files = False
    while index < len(args):
        arg = args[index]
        index += 1
        if only_files or arg == "-" or not arg.startswith("-"):
            values["files"].append(arg)
            continue
        if arg == "--":
            only_files = True
            continue
        name, inline = _split_option(arg)
        spec = _OPTIONS.get(name)
        if spec is None:
            return None
        field, convert = spec
        if convert is None:
            if inline is not None:
                return None
            values[field] = True
            continue
        if inline is None:
            if index >= len(args):
                return None
            inline = args[index]
            index += 1
        if convert is not str and not inline.isascii():
            return None  # int("٣") is 3, but Typer refuses digits other than ASCII ones
        try:
            value = convert(inline)
        except ValueError:
            return None
        if field == "exclude":
            values["exclude"].append(value)
        else:
            values[field] = value
    step = values.get("step")
    if step is not None and not 1 <= step <= MAX_STEP:
        return None
    return CheckArgs(**values)


def _split_option(arg: str) -> tuple[str, str | None]:
    """``--name=value`` → (``--name``, ``value``); ``-fjson`` → (``-f``, ``json``)."""
    if arg.startswith("--"):
        name, sep, value = arg.partition("=")
        return name, value if sep else None
    if len(arg) > 2:
        return arg[:2], arg[2:]
    return arg, None


def run_fast(argv: Sequence[str], debug: bool = False) -> int | None:
    """Run ``links check`` with ``argv`` (after ``links check``) if it parses; else None."""
    args = parse_fast(argv)
    if args is None:
        return None
    from studyplan.cli.boundary import guarded, install_signals
    from studyplan.cli.run_state import CliState

    install_signals()
    # Other threads (the one feeding the storing process, name resolution) share the
    # interpreter with the event loop: at the default 5 ms, an answer could wait that long
    # for the loop's turn.
    sys.setswitchinterval(0.0005)
    run_state = CliState(debug=debug)
    return guarded(lambda: execute(args, run_state), run_state)


def execute(args: CheckArgs, run_state: CliState) -> int:
    """Check (or with ``--dump`` list) the links; the exit code: 0, or 2 if any failed."""
    from studyplan.links.report import check_format

    check_format(args.fmt)
    options = args.options()
    if args.dump:
        return _dump(args, options, run_state)
    targets, database, more = _targets(args, run_state)
    from studyplan import paths
    from studyplan.links.runner import LinkCheck

    store = None if database is not None else partial(_store_process, run_state.debug)

    lines: dict[str, str] = {}
    with _progress(len(targets)) as bar:

        def progress(result: LinkResult, done: int, total: int) -> None:
            if args.fmt == "json":  # rendered as answers come, not all after the last one
                from studyplan.links.report import json_line

                lines[result.url] = json_line(result)
            if bar is not None:
                bar(result, done, total)

        check = LinkCheck(
            targets,
            options,
            database,
            progress,
            paths.host_pace_location(),
            run_state.close,
            store,
            more,
        )
        with sigpipe_ignored():
            run = check.run()
    # every result reaches storage whatever becomes of the report (a closed pipe, a file
    # that cannot be written); the report is printed while the last ones are stored
    check.hand_over()
    try:
        with sigpipe_ignored():
            code = _report(args, run, run_state, lines)
    except BrokenPipeError:  # `| head`: the reader went away
        check.finish_storing()
        _end_as_sigpipe()
    except BaseException:
        with suppress(Exception):  # the report's error is the one to tell
            check.finish_storing()
        raise
    check.finish_storing()
    return code


def _store_process(debug: bool) -> Sink:
    """The process that stores the results (started once the first requests are out)."""
    from studyplan.cli.links_store import StoreProcess

    return StoreProcess(debug)


def _end_as_sigpipe() -> None:
    """End quietly, as a write to a closed pipe ends other commands (exit 141)."""
    import signal

    with suppress(OSError, ValueError):
        sys.stderr.flush()
    os._exit(128 + int(getattr(signal, "SIGPIPE", 13)))


def _targets(
    args: CheckArgs, run_state: CliState
) -> tuple[list[LinkTarget], Callable[[], Database] | None, Callable[[], list[LinkTarget]] | None]:
    """What to check; the database if it is needed first (None: another process stores);
    and, when the first targets are only the first few, what gives them all."""
    if not args.files:
        from studyplan.links.service import database_targets

        db = run_state.database()
        return database_targets(db, args.step, args.include_fragments), lambda: db, None
    if not args.force:  # stored successes are reused: the database is needed first
        targets = _extract(args)
        db = run_state.database()
        return targets, lambda: db, None
    # stored by another process, started once the requests are out (links_store.py); the
    # first round of requests leaves before the files are read in full
    if args.step is None and not args.include_fragments:
        from studyplan.links.extract import first_links

        first = first_links(args.files, args.max_concurrency, args.include_verbatim)
        if first:
            return first, None, partial(_extract, args)
    return _extract(args), None, None


def _extract(args: CheckArgs) -> list[LinkTarget]:
    """Every link of the files of ``args``."""
    from studyplan.links.extract import extract_files

    return extract_files(
        args.files, args.step, args.include_verbatim, args.include_fragments
    ).targets()


def _report(args: CheckArgs, run: CheckRun, run_state: CliState, lines: dict[str, str]) -> int:
    from studyplan.links import report

    for warning in run.warnings:
        run_state.warn(warning)
    pieces = report.render_pieces(run.results, args.fmt, run.reused, lines)
    if args.fmt == "json":  # escaped as it was made; thousands of results, in pieces
        emit_pieces(pieces, args.output)
    else:
        emit("".join(pieces), args.output)
    if args.output is not None or args.fmt != "table":
        err(report.summary_line(run.results, run.reused))
    return EXIT_FAILED if run.failed else 0


def _dump(args: CheckArgs, options: CheckOptions, run_state: CliState) -> int:
    """Print the URLs that would be checked, one per line (or JSON), without any request."""
    from studyplan.links.report import render_dump
    from studyplan.links.triage import examine

    if args.files:
        from studyplan.links.extract import extract_files

        targets = extract_files(
            args.files, args.step, args.include_verbatim, args.include_fragments
        ).targets()
    else:
        from studyplan.links.service import database_targets

        targets = database_targets(run_state.database(), args.step, args.include_fragments)
    kept = []
    for target in targets:  # as the engine sorts them: the two must agree
        status, reason, _host = examine(target.url, options)
        if status == "invalid":
            where = ", ".join(target.sources or target.resources)
            run_state.warn(f"{where}: {reason}; it is not checked")
        elif status is None:
            kept.append(target)
    emit(render_dump(kept, args.fmt), args.output)
    return 0


def emit(text: str, output: str | PathLike[str] | None) -> None:
    """Print ``text``, or write it to the file ``output`` (one line if that fails)."""
    if output is None:
        if text:
            out(text.rstrip("\n"))
        return
    _write_file(output, [text if text.endswith("\n") else text + "\n"])


def emit_pieces(pieces: Iterable[str], output: str | PathLike[str] | None) -> None:
    """Print the pieces of a text safe for a terminal already (JSON made by
    :func:`studyplan.links.report.json_line`), so not scanned again; or write them to the
    file ``output`` (one line if that fails). A line end follows the last piece."""
    if output is None:
        out_escaped_pieces(pieces)
        return
    _write_file(output, [*pieces, "\n"])


def _write_file(output: str | PathLike[str], pieces: Iterable[str]) -> None:
    from studyplan.errors import LinkCheckError

    try:
        with open(output, "w", encoding="utf-8") as sink:
            for piece in pieces:
                sink.write(piece)
    except OSError as exc:
        raise LinkCheckError(f"{output}: cannot write the report ({exc.strerror})") from None


class _progress:
    """A rich progress bar on standard error when it is a terminal; nothing otherwise."""

    def __init__(self, total: int) -> None:
        self.total = total
        self._bar: Any = None

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

        def advance(_result: LinkResult, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)  # known once the files are read

        return advance

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()
