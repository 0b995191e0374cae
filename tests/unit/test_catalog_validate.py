"""``catalog validate`` finds what ``catalog import`` would refuse, and shows a long list well."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from studyplan.catalog.loader import CatalogInvalid
from studyplan.db.database import Database
from studyplan.services.catalog_admin import import_catalog, validate_file
from studyplan.settings import Settings
from tests.conftest import SMALL_CATALOG, run_cli


def renamed_copy(folder: Path, title: str = "Another Course", prefix: str = "") -> Path:
    """The small catalog under another title; ids prefixed with ``prefix`` (none: they clash)."""
    target = folder / "other.yaml"
    target.write_text(
        SMALL_CATALOG.read_text()
        .replace("A Small Test Curriculum", title)
        .replace("- id: ", f"- id: {prefix}")
    )
    return target


def test_validate_with_the_database_reports_every_clash(db: Database, tmp_path: Path) -> None:
    other = renamed_copy(tmp_path)
    assert validate_file(other) == []
    issues = validate_file(other, db)
    assert [str(i) for i in issues] == [
        f"{other}: steps[0].resources[0].id: 'intro-video' already belongs to curriculum "
        "'main'; rename it (line 12)",
        f"{other}: steps[0].resources[1].id: 'basics-notes' already belongs to curriculum "
        "'main'; rename it (line 21)",
        f"{other}: steps[1].resources[0].id: 'backprop-post' already belongs to curriculum "
        "'main'; rename it (line 34)",
        f"{other}: steps[1].resources[1].id: 'old-slides' already belongs to curriculum "
        "'main'; rename it (line 42)",
    ]


def test_the_main_catalog_does_not_clash_with_itself(db: Database, settings: Settings) -> None:
    assert validate_file(settings.catalog_path, db, "main") == []


def test_imported_ids_clash_with_the_main_catalog_the_other_way(
    db: Database, settings: Settings, tmp_path: Path
) -> None:
    import_catalog(db, renamed_copy(tmp_path, prefix="other-"))
    main = settings.catalog_path
    main.write_text(main.read_text().replace("id: intro-video", "id: other-intro-video"))
    (issue,) = validate_file(main, db, "main")
    assert (
        issue.message
        == "'other-intro-video' already belongs to curriculum 'another-course'; rename it"
    )


def test_import_names_the_first_clash_and_the_validate_command(
    db: Database, tmp_path: Path
) -> None:
    other = renamed_copy(tmp_path)
    with pytest.raises(CatalogInvalid) as caught:
        import_catalog(db, other)
    assert caught.value.message == (
        f"{other}: steps[0].resources[0].id: 'intro-video' already belongs to curriculum "
        f"'main'; rename it (line 12) (and 3 more: run 'studyplan catalog validate {other}')"
    )
    assert validate_file(other, db)  # what the message promises


def test_import_refuses_every_problem_before_writing(db: Database, tmp_path: Path) -> None:
    other = renamed_copy(tmp_path, prefix="x-")
    other.write_text(other.read_text().replace("minutes: 30", "minutes: -30"))
    with pytest.raises(CatalogInvalid, match="must be greater than or equal to 0, got -30"):
        import_catalog(db, other)
    other.write_text(other.read_text().replace("minutes: -30", "minutes: 30"))
    assert len(import_catalog(db, other).added) == 4


def many_problems(folder: Path, count: int) -> Path:
    """A catalog whose one step holds ``count`` resources, each with a negative duration."""
    resources = "".join(
        f"      - {{id: r{i}, title: R, kind: video, url: 'https://example.org/{i}', "
        f"minutes: -1, provenance: article}}\n"
        for i in range(count)
    )
    path = folder / "many.yaml"
    path.write_text(
        "format_version: 1\nsource: {title: Many, url: 'https://example.org/'}\n"
        f"steps:\n  - number: 1\n    title: One\n    resources:\n{resources}"
    )
    return path


def test_cli_shows_the_first_hundred_problems_then_a_count(
    env: dict[str, str], tmp_path: Path
) -> None:
    path = many_problems(tmp_path, 130)
    result = run_cli("catalog", "validate", str(path), env=env)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 101
    assert lines[0] == (
        f"{path}: steps[0].resources[0].minutes: must be greater than or equal to 0, got -1 "
        "(line 7)"
    )
    assert lines[99].startswith(f"{path}: steps[0].resources[99].minutes: ")
    assert lines[100] == "... and 30 more problems (130 in all)"
    every = json.loads(run_cli("catalog", "validate", "--json", str(path), env=env).stdout)
    assert len(every) == 130 and every[129]["line"] == 136


def test_cli_validate_checks_ids_only_against_an_existing_database(
    env: dict[str, str], tmp_path: Path
) -> None:
    other = renamed_copy(tmp_path)
    database = Path(env["STUDYPLAN_HOME"]) / "studyplan.db"
    result = run_cli("catalog", "validate", str(other), env=env)
    assert result.returncode == 0, result.stderr
    assert not database.exists()  # validating creates nothing
    assert run_cli("steps", env=env).returncode == 0  # now there is a database
    result = run_cli("catalog", "validate", str(other), env=env)
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 4
    assert "'intro-video' already belongs to curriculum 'main'" in result.stderr
    assert run_cli("catalog", "validate", env=env).returncode == 0


def test_cli_import_refusal_is_one_line_naming_the_file(
    env: dict[str, str], tmp_path: Path
) -> None:
    other = renamed_copy(tmp_path)
    assert run_cli("steps", env=env).returncode == 0
    result = run_cli("catalog", "import", str(other), env=env)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.endswith(f"(and 3 more: run 'studyplan catalog validate {other}')")
