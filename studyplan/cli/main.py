"""The ``studyplan`` command: the Typer application and the error boundary."""

from __future__ import annotations

import sys

import typer

from studyplan import __version__
from studyplan.cli import catalog_cmds, links_cmd, locate_cmd, notes_cmds, study_cmds
from studyplan.cli.common import _state, err, open_db, reset_state, settings

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
    _state["debug"] = debug
    if ctx.invoked_subcommand is None:
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            study_cmds.steps(json_=False)
            return
        from studyplan.tui.app import run_app  # before open_db(): loads with the collector off

        run_app(settings(), open_db())


study_cmds.register(app)
notes_cmds.register(app)
locate_cmd.register(app)
app.command("add")(catalog_cmds.add)
app.add_typer(catalog_cmds.app, name="catalog")
app.add_typer(links_cmd.app, name="links")


def run() -> None:
    """Console-script entry point: user errors become one line on stderr and exit code 1."""
    import gc

    from studyplan.errors import StudyplanError

    gc.disable()  # no collections while the libraries load; open_db() turns it back on
    try:
        app()
    except StudyplanError as exc:
        if _state.get("debug"):
            raise
        err(f"studyplan: {exc}")
        sys.exit(1)
    except KeyboardInterrupt:
        err("studyplan: interrupted")
        sys.exit(130)
    except Exception as exc:
        if _state.get("debug"):
            raise
        err(
            f"studyplan: internal error: {type(exc).__name__}: {exc} (run with --debug for details)"
        )
        sys.exit(1)
    finally:
        reset_state()  # close the database cleanly (on SQLite: checkpoint the WAL)
