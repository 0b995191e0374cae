"""The command line (Typer): thin commands that parse, call a service and print."""
