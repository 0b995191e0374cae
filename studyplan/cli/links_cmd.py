"""``studyplan links``: check, report and apply redirects (filled in by the link checker)."""

import typer

app = typer.Typer(help="Check which resources are dead or moved.", no_args_is_help=True)
