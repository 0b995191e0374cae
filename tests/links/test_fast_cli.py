"""``links check``'s own option parser (the fast path) and the Typer command agree.

The console script parses ``links check`` itself (:func:`studyplan.cli.links_check.parse_fast`)
and gives Typer whatever it does not understand. So for every command line it accepts, it must
build exactly what the Typer command would; and what Typer refuses (or answers with help), it
must leave to Typer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
import typer.main

from studyplan.catalog.vocabulary import MAX_STEP
from studyplan.cli import links_cmd
from studyplan.cli.links_check import OPTION_NAMES, CheckArgs, parse_fast
from tests.conftest import cli_fails, cli_ok


def check_command() -> Any:
    """The Click command Typer builds for ``links check``."""
    return typer.main.get_command(links_cmd.app).commands["check"]  # type: ignore[attr-defined]


def typer_args(argv: Sequence[str]) -> CheckArgs:
    """What the Typer command builds from ``argv`` (raises what Click raises on bad input)."""
    context = check_command().make_context("check", list(argv))
    return links_cmd.check_args(**context.params)


ACCEPTED = [
    [],
    ["notes.md"],
    ["a.md", "b.html", "c.yaml"],
    ["--step", "3"],
    ["--step=3"],
    [f"--step={MAX_STEP}"],
    ["--max-concurrency", "8", "--host-concurrency=2"],
    ["--timeout", "1.5", "--retries", "0"],
    ["--timeout=1e1"],
    ["--timeout", "inf"],
    ["--timeout", " 2"],
    ["--retries", "-1"],
    ["--retries", "007"],
    ["--retries", "1_000"],
    ["--max-age", "12h"],
    ["--max-age="],
    ["--force", "--include-verbatim", "--include-fragments", "--dump"],
    ["--force", "--force"],
    ["--accept", "403,200..=299"],
    ["--exclude", "a", "--exclude=b", "--exclude", "-x"],
    ["-fjson"],
    ["-f", "markdown"],
    ["--format=json"],
    ["-f=json"],  # the value is "=json", for both (then refused as a format)
    ["--format", "-o"],  # a value that looks like an option is still the value
    ["-o", "out.json"],
    ["-oout.json"],
    ["--output=out.json"],
    ["-o", "a.json", "-o", "b.json"],
    ["--user-agent", "Mozilla/5.0 (X11; Linux)"],
    ["--user-agent="],
    ["x.md", "--force", "y.md", "-fjson", "z.md"],
    ["--", "--force", "-x.md"],
    ["--dump", "--", "-"],
    ["-"],
]


@pytest.mark.parametrize("argv", ACCEPTED, ids=lambda argv: " ".join(argv) or "(none)")
def test_the_fast_parser_builds_what_typer_builds(argv: list[str]) -> None:
    fast = parse_fast(argv)
    assert fast is not None
    assert fast == typer_args(argv)


def test_defaults_are_the_typer_commands() -> None:
    assert parse_fast([]) == typer_args([]) == CheckArgs()


REFUSED = [
    ["--help"],
    ["-h"],
    ["x.md", "--help"],
    ["--bogus"],
    ["--forc"],  # Click would not guess the prefix either
    ["-x"],
    ["--timeout", "abc"],
    ["--timeout", ""],
    ["--retries", "3.5"],
    ["--retries", "1e3"],
    ["--step", "0"],
    ["--step", str(MAX_STEP + 1)],
    ["--force=1"],
    ["--dump="],
    ["--timeout"],
    ["x.md", "-o"],
    ["-f"],
    ["--retries", "\u0663"],  # ARABIC-INDIC DIGIT THREE: int() takes it, Typer does not
    ["--timeout", "\uff13"],  # FULLWIDTH DIGIT THREE
    ["--step", "\u0663"],
]


@pytest.mark.parametrize("argv", REFUSED, ids=lambda argv: " ".join(argv))
def test_what_typer_refuses_or_answers_with_help_is_left_to_it(argv: list[str]) -> None:
    assert parse_fast(argv) is None
    with pytest.raises((typer.Exit, typer.TyperException)):  # help, or a usage error
        typer_args(argv)


def test_both_parsers_know_the_same_options() -> None:
    typer_options = {
        name
        for param in check_command().params
        if param.param_type_name == "option"
        for name in (*param.opts, *param.secondary_opts)
    }
    assert typer_options == OPTION_NAMES


@pytest.mark.no_database
def test_a_value_that_does_not_convert_is_typers_usage_error(env: dict[str, str]) -> None:
    line = cli_fails("links", "check", "--timeout", "abc", "x.md", env=env)
    assert line.startswith("studyplan: usage error: Invalid value for '--timeout'")
    assert "studyplan links check --help" in line


@pytest.mark.no_database
def test_help_lists_the_options(env: dict[str, str]) -> None:
    text = cli_ok("links", "check", "--help", env=env)
    assert "Usage: studyplan links check" in text
    for option in ("--dump", "--include-fragments", "--include-verbatim", "--exclude"):
        assert option in text
