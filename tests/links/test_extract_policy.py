"""Extraction of links from files and the pure policy helpers."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from studyplan.errors import LinkCheckError, UsageError
from studyplan.links.extract import extract_files, urls_in_html, urls_in_markdown, urls_in_text
from studyplan.links.policy import (
    CheckOptions,
    backoff_delay,
    parse_accept,
    parse_duration,
    parse_retry_after,
)

CATALOG = """\
format_version: 1
source: {title: Seven steps, url: "https://example.org/article"}
steps:
  - number: 1
    title: Basics
    resources:
      - {id: first, title: First, kind: notes, url: "https://example.org/a", minutes: 5, provenance: article}
      - {id: again, title: Again, kind: notes, url: "https://example.org/a", minutes: 5, provenance: article}
  - number: 2
    title: More
    resources:
      - {id: second, title: Second, kind: notes, url: "https://example.org/b", minutes: 5, provenance: article}
"""


def test_markdown_links() -> None:
    text = (
        "See [wiki](https://en.wikipedia.org/wiki/Foo_(bar)) and <https://a.example/x>.\n"
        "[ref]: https://b.example/y\n"
        "Bare https://c.example/z, then [mail](mailto:me@example.org).\n"
    )
    assert set(urls_in_markdown(text)) == {
        "https://en.wikipedia.org/wiki/Foo_(bar)",
        "https://a.example/x",
        "https://b.example/y",
        "https://c.example/z",
        "mailto:me@example.org",
    }


def test_html_and_text_links() -> None:
    html = (
        '<a href="https://a.example/">a</a><img src="https://b.example/i.png"><a href="/rel">r</a>'
    )
    assert urls_in_html(html) == ["https://a.example/", "https://b.example/i.png"]
    assert urls_in_text("go to (https://a.example/page). ok") == ["https://a.example/page"]


def test_files_deduplicated_with_sources(tmp_path: Path) -> None:
    md = tmp_path / "list.md"
    md.write_text("[a](https://x.example/a) https://x.example/a#top\n")
    txt = tmp_path / "more.txt"
    txt.write_text("https://x.example/a https://x.example/b\n")
    found = extract_files([md, txt]).targets()
    assert [t.url for t in found] == ["https://x.example/a", "https://x.example/b"]
    assert found[0].sources == [str(md), str(txt)]


def test_catalog_gives_resource_ids_and_step_filter(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(CATALOG)
    found = extract_files([catalog]).targets()
    assert [(t.url, t.resources) for t in found] == [
        ("https://example.org/a", ["first", "again"]),
        ("https://example.org/b", ["second"]),
    ]
    assert [t.url for t in extract_files([catalog], step=2).targets()] == ["https://example.org/b"]
    with pytest.raises(UsageError, match="no step 9"):
        extract_files([catalog], step=9)


def test_missing_file_and_step_without_catalog(tmp_path: Path) -> None:
    with pytest.raises(LinkCheckError, match="no such file"):
        extract_files([tmp_path / "nope.md"])
    md = tmp_path / "a.md"
    md.write_text("x")
    with pytest.raises(UsageError, match="--step works with a catalog"):
        extract_files([md], step=1)


def test_retry_after_seconds_and_date() -> None:
    now = datetime(2024, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("7", now) == 7
    assert parse_retry_after("Mon, 01 Jan 2024 12:00:30 GMT", now) == 30
    assert parse_retry_after("Mon, 01 Jan 2024 11:00:00 GMT", now) == 0
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after(None, now) is None


def test_backoff_grows_with_jitter_and_is_capped() -> None:
    options = CheckOptions(backoff_base=1, backoff_cap=5)
    rng = random.Random(1)
    first = [backoff_delay(1, options, rng=rng) for _ in range(50)]
    assert all(0.5 <= d <= 1 for d in first) and len(set(first)) > 1
    assert all(2 <= backoff_delay(3, options, rng=rng) <= 4 for _ in range(20))
    assert backoff_delay(10, options, rng=rng) == 5
    assert backoff_delay(1, options, retry_after=3, rng=rng) == 3
    assert backoff_delay(1, options, retry_after=3600, rng=rng) == 5


def test_parse_accept_duration_and_bad_options() -> None:
    assert parse_accept("200..=204, 429") == frozenset({200, 201, 202, 203, 204, 429})
    assert parse_accept("200-201,403") == frozenset({200, 201, 403})
    assert parse_duration("1d") == timedelta(days=1)
    assert parse_duration("90") == timedelta(seconds=90)
    assert parse_duration("12h") == timedelta(hours=12)
    for bad in ("abc", "2..x"):
        with pytest.raises(UsageError):
            parse_accept(bad)
    with pytest.raises(UsageError):
        parse_duration("one day")
    with pytest.raises(UsageError, match="regular expression"):
        CheckOptions(excludes=("(",))
    with pytest.raises(UsageError):
        CheckOptions(host_concurrency=0)
