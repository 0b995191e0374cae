"""Entry point for ``python -m studyplan``."""

from studyplan.cli.main import run

if __name__ == "__main__":
    run()
