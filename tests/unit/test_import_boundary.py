"""Layers point one way: nothing below the interface imports Textual, and cheap commands
don't pay for heavy libraries."""

from __future__ import annotations

import subprocess
import sys

CORE = [
    "studyplan.paths",
    "studyplan.settings",
    "studyplan.errors",
    "studyplan.db.models",
    "studyplan.db.open",
    "studyplan.catalog.loader",
    "studyplan.catalog.sync",
    "studyplan.services.workspace",
    "studyplan.services.catalog_query",
    "studyplan.services.progress",
    "studyplan.services.notes",
    "studyplan.services.search",
    "studyplan.services.stats",
    "studyplan.services.next_up",
    "studyplan.services.catalog_admin",
    "studyplan.services.timer",
    "studyplan.services.preferences",
    "studyplan.services.external_editor",
    "studyplan.cli.main",
]


def loaded_after(code: str, *modules: str) -> dict[str, bool]:
    probe = (
        f"import sys\n{code}\nprint('LOADED', *(str(m in sys.modules) for m in {list(modules)!r}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    marker = result.stdout.splitlines()[-1].split()
    assert marker[0] == "LOADED", result.stdout
    return dict(zip(modules, (w == "True" for w in marker[1:]), strict=True))


def test_core_never_imports_textual() -> None:
    code = "\n".join(f"import {m}" for m in CORE)
    assert loaded_after(code, "textual") == {"textual": False}


def test_list_command_skips_heavy_libraries(db: object) -> None:
    code = (
        "import sys; sys.argv = ['studyplan', 'list']\n"
        "from studyplan.cli.main import app\n"
        "try:\n    app()\nexcept SystemExit:\n    pass"
    )
    heavy = loaded_after(code, "textual", "aiohttp", "numpy", "alembic", "yaml")
    assert heavy == dict.fromkeys(heavy, False)


def test_import_linter_contracts_hold() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())",
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
