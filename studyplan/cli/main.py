"""The ``studyplan`` command: the Typer application and the error boundary.

Every failure a user can cause or meet ends here as one line on standard error: studyplan's
own errors as ``studyplan: title: message`` (exit 1), usage mistakes Click finds (a step
that is not a number, an unknown option) as ``studyplan: usage error: ...`` (exit 1, as
studyplan's own usage errors), an interrupt or termination as ``studyplan: interrupted``.
"""

from __future__ import annotations

import sys

import typer

from studyplan import __version__
from studyplan.cli import (
    catalog_cmds,
    export_cmds,
    group_cmds,
    import_cmds,
    lab_cmds,
    links_cmd,
    locate_cmd,
    notes_cmds,
    plan_cmds,
    study_cmds,
)
from studyplan.cli.boundary import INTERRUPTED, INTERRUPTED_TEXT, guarded, install_signals
from studyplan.cli.common import CliState, err, open_db, settings, state

app = typer.Typer(
    name="studyplan",
    help="Work through '7 Steps to Understanding Deep Learning': progress, notes, links.",
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        print(f"studyplan {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def main(
    ctx: typer.Context,
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks of errors."),
    version: bool = typer.Option(
        False, "--version", "-V", callback=_version, is_eager=True, help="Print the version."
    ),
) -> None:
    """Work through '7 Steps to Understanding Deep Learning' in the terminal.

    Without a command, open the interface (or print the steps overview when not in a
    terminal).
    """
    state(ctx).debug = debug
    if ctx.invoked_subcommand is None:
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            study_cmds.steps(ctx, json_=False)
            return
        from studyplan.collector import loading_libraries

        with loading_libraries():
            from studyplan.tui.app import run_app

        db = open_db(ctx)
        code = run_app(settings(ctx), db, warnings=state(ctx).warnings)
        if code:
            raise typer.Exit(code)


study_cmds.register(app)
notes_cmds.register(app)
locate_cmd.register(app)
app.command("add")(catalog_cmds.add)
app.command("plan")(plan_cmds.plan)
app.command("export")(export_cmds.export)
app.command("import-progress")(import_cmds.import_progress)
app.add_typer(catalog_cmds.app, name="catalog")
app.add_typer(links_cmd.app, name="links")
app.add_typer(lab_cmds.app, name="lab")
app.add_typer(group_cmds.app, name="group")


def run() -> None:
    """Console-script entry point: every error becomes one line on stderr and an exit code."""
    install_signals()
    run_state = CliState()
    sys.exit(guarded(lambda: _run_app(run_state), run_state))


def _run_app(run_state: CliState) -> int:
    """Run the Typer application; Click's own outcomes (usage errors, help, abort) as codes."""
    try:
        result = app(standalone_mode=False, obj=run_state)
    except typer.Abort:
        err("studyplan: interrupted")
        return INTERRUPTED
    except typer.TyperException as exc:  # Click's usage errors, as Typer bundles them
        help_text = _help_asked(exc)
        if help_text is not None:
            print(help_text)
            return 0
        err(f"studyplan: usage error: {_usage_message(exc)}")
        return 1
    code = result if isinstance(result, int) else 0
    if code == INTERRUPTED:  # Typer turns an interrupt into Exit(130) by itself
        err(INTERRUPTED_TEXT)
    return code


def _help_asked(exc: typer.TyperException) -> str | None:
    """The help text when ``exc`` only asks for help (a group run without a command)."""
    ctx = getattr(exc, "ctx", None)
    format_message = getattr(exc, "format_message", None)
    if ctx is None or format_message is None:
        return None
    help_text = ctx.get_help()
    return help_text if format_message() == help_text else None


def _usage_message(exc: typer.TyperException) -> str:
    """Click's message in one line, with where to read more."""
    format_message = getattr(exc, "format_message", None)
    message = " ".join((format_message() if format_message else str(exc)).split())
    ctx = getattr(exc, "ctx", None)
    command = ctx.command_path if ctx is not None else "studyplan"
    return f"{message} (see '{command} --help')"
