"""The catalog loader against good and broken files: every message a curator relies on."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from studyplan.catalog.loader import CatalogInvalid, load_catalog
from tests.conftest import CATALOGS, SMALL_CATALOG

BROKEN = CATALOGS.parent / "broken"


def issues_of(path: Path) -> list[str]:
    with pytest.raises(CatalogInvalid) as caught:
        load_catalog(path)
    return [str(issue) for issue in caught.value.issues]


def edited(tmp_path: Path, change: callable) -> Path:  # type: ignore[valid-type]
    data = yaml.safe_load(SMALL_CATALOG.read_text())
    change(data)
    target = tmp_path / "edited.yaml"
    target.write_text(yaml.safe_dump(data, sort_keys=False))
    return target


def test_small_catalog_loads() -> None:
    catalog = load_catalog(SMALL_CATALOG)
    assert [s.number for s in catalog.steps] == [1, 2]
    assert catalog.steps[1].resources[1].provenance.label == "curated"
    assert catalog.steps[1].resources[1].alternatives[0].title == "Archived copy"


def test_yaml_syntax_error_gives_file_line_column() -> None:
    (message,) = issues_of(BROKEN / "syntax.yaml")
    assert message.startswith(f"{BROKEN / 'syntax.yaml'}:9:1: YAML syntax:")


def test_schema_error_names_path_and_line() -> None:
    (message,) = issues_of(BROKEN / "schema.yaml")
    assert message == (
        f"{BROKEN / 'schema.yaml'}: steps[1].resources[0].url: URL must start with http:// "
        "or https:// and name a host, got 'ftp://example.org/file' (line 21)"
    )


@pytest.mark.parametrize(
    ("change", "where", "what"),
    [
        (
            lambda d: d["steps"][0]["resources"][1].update(id="intro-video"),
            "steps[0].resources[1].id",
            "duplicate id 'intro-video'",
        ),
        (
            lambda d: d["steps"][0]["resources"][0].update(kind="vidoe"),
            "steps[0].resources[0].kind",
            "'vidoe'",
        ),
        (
            lambda d: d["steps"][0]["resources"][0].update(url="mailto:a@b.c"),
            "steps[0].resources[0].url",
            "must start with http",
        ),
        (
            lambda d: d["steps"][1]["resources"][0].update(title="  "),
            "steps[1].resources[0].title",
            "must not be empty",
        ),
        (
            lambda d: d["steps"][0]["resources"][1].update(minutes=-5),
            "steps[0].resources[1].minutes",
            "greater than or equal to 0",
        ),
        (lambda d: d["steps"][1].update(number=3), "steps[1].number", "expected 2, found 3"),
        (
            lambda d: d["steps"][0]["resources"][0].update(provenance="curated"),
            "steps[0].resources[0].provenance",
            "needs a reason",
        ),
        (
            lambda d: d["steps"][0]["resources"][0].update(titel="typo"),
            "steps[0].resources[0].titel",
            "unknown key",
        ),
        (
            lambda d: d["steps"][0]["resources"][0].pop("url"),
            "steps[0].resources[0].url",
            "required key is missing",
        ),
        (lambda d: d.update(format_version=9), "format_version", "not supported"),
    ],
)
def test_refused(tmp_path: Path, change: callable, where: str, what: str) -> None:  # type: ignore[valid-type]
    path = edited(tmp_path, change)
    messages = issues_of(path)
    assert any(m.startswith(f"{path}: {where}: ") and what in m for m in messages), messages
    assert all("(line " in m for m in messages), messages


def test_line_points_at_the_offending_key(tmp_path: Path) -> None:
    path = edited(tmp_path, lambda d: d["steps"][1]["resources"][1].update(minutes=-1))
    (message,) = issues_of(path)
    line = int(message.rsplit("(line ", 1)[1].rstrip(")"))
    assert path.read_text().splitlines()[line - 1].strip() == "minutes: -1"


def test_every_problem_is_reported(tmp_path: Path) -> None:
    def two_problems(d: dict) -> None:  # type: ignore[type-arg]
        d["steps"][0]["resources"][0]["kind"] = "nope"
        d["steps"][1]["resources"][0]["minutes"] = -1

    assert len(issues_of(edited(tmp_path, two_problems))) == 2


def test_missing_file_is_one_clear_line(tmp_path: Path) -> None:
    from studyplan.errors import CatalogError

    with pytest.raises(CatalogError, match="no such file"):
        load_catalog(tmp_path / "nope.yaml")


def test_not_a_mapping(tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    path.write_text("- a\n- b\n")
    assert "must hold a mapping" in issues_of(path)[0]


def test_kind_literal_matches_the_vocabulary() -> None:
    from typing import get_args

    from studyplan.catalog.schema import Kind
    from studyplan.catalog.vocabulary import KINDS

    assert get_args(Kind) == KINDS
