"""Entry point for ``python -m studyplan``."""

from studyplan.cli.entry import run

if __name__ == "__main__":
    run()
