"""The catalog loader against good and broken files: every message a curator relies on."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from studyplan.catalog.loader import CatalogInvalid, load_catalog
from tests.conftest import CATALOGS, SMALL_CATALOG

BROKEN = CATALOGS.parent / "broken"


def issues_of(path: Path) -> list[str]:
    with pytest.raises(CatalogInvalid) as caught:
        load_catalog(path)
    return [str(issue) for issue in caught.value.issues]


def edited(tmp_path: Path, change: Callable[[dict[str, Any]], object]) -> Path:
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
        "or https://, got 'ftp://example.org/file' (line 21)"
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
def test_refused(
    tmp_path: Path, change: Callable[[dict[str, Any]], object], where: str, what: str
) -> None:
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
    def two_problems(d: dict[str, Any]) -> None:
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


def test_schema_and_semantic_problems_come_together_in_file_order(tmp_path: Path) -> None:
    def both(d: dict[str, Any]) -> None:
        d["steps"][1]["number"] = 9
        d["steps"][1]["resources"][1]["minutes"] = -30
        d["steps"][0]["resources"][1]["id"] = "intro-video"

    path = edited(tmp_path, both)
    messages = issues_of(path)
    assert [m.split(": ")[1] for m in messages] == [
        "steps[0].resources[1].id",
        "steps[1].number",
        "steps[1].resources[1].minutes",
    ]
    lines = [int(m.rsplit("(line ", 1)[1].rstrip(")")) for m in messages]
    assert lines == sorted(lines)


def test_one_line_message_points_to_validate(tmp_path: Path) -> None:
    def three(d: dict[str, Any]) -> None:
        for r in d["steps"][0]["resources"]:
            r["minutes"] = -1
        d["steps"][1]["resources"][0]["kind"] = "nope"

    path = edited(tmp_path, three)
    with pytest.raises(CatalogInvalid) as caught:
        load_catalog(path)
    assert len(caught.value.issues) == 3
    assert caught.value.message.endswith(f" (and 2 more: run 'studyplan catalog validate {path}')")
    assert caught.value.message.startswith(f"{path}: steps[0].resources[0].minutes: ")


@pytest.mark.parametrize("rid", ["step-2", "2", "step2", "step-0010"])
def test_ids_reserved_for_step_references(tmp_path: Path, rid: str) -> None:
    path = edited(tmp_path, lambda d: d["steps"][0]["resources"][0].update(id=rid))
    (message,) = issues_of(path)
    assert message.startswith(f"{path}: steps[0].resources[0].id: id '{rid}' is reserved")
    assert "rename it" in message


@pytest.mark.parametrize(
    ("value", "reserved"),
    [
        ("step-2", True),
        ("2", True),
        ("step2", True),
        ("Step 2", True),
        ("step-2-notes", False),
        ("steps-2", False),
        ("2a", False),
        ("intro", False),
    ],
)
def test_is_reserved_id(value: str, reserved: bool) -> None:
    from studyplan.catalog.schema import is_reserved_id

    assert is_reserved_id(value) is reserved


def test_minutes_has_an_upper_bound(tmp_path: Path) -> None:
    path = edited(tmp_path, lambda d: d["steps"][0]["resources"][0].update(minutes=10**12))
    (message,) = issues_of(path)
    assert "minutes: must be at most 100000 minutes" in message


def test_quoted_number_and_number_title_say_what_to_do(tmp_path: Path) -> None:
    def change(d: dict[str, Any]) -> None:
        d["steps"][0]["resources"][0]["minutes"] = "30"
        d["steps"][0]["resources"][1]["title"] = 1984

    messages = issues_of(edited(tmp_path, change))
    assert any(
        "minutes: must be a whole number, got '30'; remove the quotes" in m for m in messages
    )
    assert any("title: must be text, got 1984; put it in quotes" in m for m in messages)


@pytest.mark.parametrize(
    ("url", "what"),
    [
        ("https://exa mple.org/", "URL has a space in it"),
        ("https:///path", "URL has no host"),
        ("https://example.org:99999/", "port 99999 is not a port"),
        ("https://exa_mple.org/", "has a character that is not allowed ('_')"),
        ("https://example.org/\x07", "control character (U+0007)"),
        ("ftp://example.org/", "URL must start with http:// or https://"),
    ],
)
def test_url_rule_words_what_is_wrong(tmp_path: Path, url: str, what: str) -> None:
    from studyplan.catalog.schema import check_url

    path = edited(tmp_path, lambda d: d["steps"][0]["resources"][0].update(url=url))
    (message,) = issues_of(path)
    assert message.startswith(f"{path}: steps[0].resources[0].url: ") and what in message
    with pytest.raises(ValueError, match=re.escape(what)):
        check_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/",
        "http://bücher.example/a?b=c#d",
        "https://[2001:db8::1]:8443/x",
        "https://user:pw@example.org:8080/",
        "https://example.org.",
    ],
)
def test_good_urls_pass_the_catalog_and_check_url(tmp_path: Path, url: str) -> None:
    from studyplan.catalog.schema import check_url

    path = edited(tmp_path, lambda d: d["steps"][0]["resources"][0].update(url=url))
    assert load_catalog(path).steps[0].resources[0].url == url
    assert check_url(f"  {url} ") == url


def test_lines_are_right_for_many_problems_deep_in_a_long_list(tmp_path: Path) -> None:
    resources = "".join(
        f"      - id: r{i}\n        title: R\n        kind: video\n"
        f"        url: https://example.org/{i}\n        minutes: {-i if i % 3 else i}\n"
        "        provenance: article\n"
        for i in range(600)
    )
    path = tmp_path / "long.yaml"
    path.write_text(
        "format_version: 1\nsource:\n  title: Long\n  url: https://example.org/\n"
        f"steps:\n  - number: 1\n    title: One\n    resources:\n{resources}"
    )
    messages = issues_of(path)
    assert len(messages) == 400
    lines = path.read_text().splitlines()
    for message in messages:
        index = int(message.split("resources[")[1].split("]")[0])
        line = int(message.rsplit("(line ", 1)[1].rstrip(")"))
        assert lines[line - 1].strip() == f"minutes: {-index}"


def test_duplicate_key_in_a_catalog(tmp_path: Path) -> None:
    path = tmp_path / "dup.yaml"
    path.write_text(
        SMALL_CATALOG.read_text().replace("minutes: 30\n", "minutes: 30\n        minutes: 45\n")
    )
    (message,) = issues_of(path)
    assert message == (
        f"{path}: steps[0].resources[0].minutes: duplicate key 'minutes' (first at line 17); "
        "keep one (line 18)"
    )


def test_yaml_tag_in_a_catalog(tmp_path: Path) -> None:
    path = tmp_path / "tag.yaml"
    path.write_text(
        SMALL_CATALOG.read_text().replace("kind: video", "kind: !!python/name:os.system")
    )
    (message,) = issues_of(path)
    assert message.startswith(
        f"{path}: steps[0].resources[0].kind: YAML tag '!!python/name:os.system'"
    )
    assert message.endswith("(line 15)")


def test_unquoted_date_and_no_are_text(tmp_path: Path) -> None:
    path = tmp_path / "plain.yaml"
    path.write_text(
        SMALL_CATALOG.read_text()
        .replace('date: "2016-01"', "date: 2016-01-15")
        .replace("advice: watch at least the first five", "advice: No")
    )
    catalog = load_catalog(path)
    assert catalog.source.date == "2016-01-15"
    assert catalog.steps[0].resources[0].advice == "No"


def test_checks_run_on_malformed_data_without_stopping(tmp_path: Path) -> None:
    path = tmp_path / "malformed.yaml"
    path.write_text(
        "format_version: 1\nsource: {title: T, url: 'https://example.org/'}\nsteps:\n"
        "  - 5\n"
        "  - number: 7\n    title: Two\n    resources:\n"
        "      - hello\n"
        "      - {id: twice, title: A, kind: video, url: 'https://a.org/', minutes: 1,"
        " provenance: article}\n"
        "      - {id: twice, title: B, kind: video, url: 'https://b.org/', minutes: -1,"
        " provenance: article}\n"
    )
    messages = issues_of(path)
    wheres = [m.split(": ")[1] for m in messages]
    assert wheres == [
        "steps[0]",
        "steps[1].number",
        "steps[1].resources[0]",
        "steps[1].resources[2].minutes",
        "steps[1].resources[2].id",
    ], messages
    assert "duplicate id 'twice'" in messages[4] and "expected 2, found 7" in messages[1]
