"""Extraction of links from files and the pure policy helpers."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from studyplan.errors import LinkCheckError, NotFoundError, UsageError
from studyplan.links.extract import (
    TargetSet,
    extract_files,
    urls_in_html,
    urls_in_markdown,
    urls_in_text,
)
from studyplan.links.policy import (
    SUCCESS_CODES,
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


def test_a_link_is_its_destination_not_what_follows_the_parenthesis() -> None:
    text = "[x](http://a.example/c)d, [y](<http://b.example/>) and http://c.example/ too\n"
    assert urls_in_markdown(text) == [
        "http://a.example/c",
        "http://b.example/",
        "http://c.example/",
    ]


def test_html_and_text_links() -> None:
    html = (
        '<a href="https://a.example/">a</a><img src="https://b.example/i.png"><a href="/rel">r</a>'
    )
    assert urls_in_html(html) == ["https://a.example/", "https://b.example/i.png"]
    assert urls_in_text("go to (https://a.example/page). ok") == ["https://a.example/page"]


def test_ipv6_literal_hosts_in_text_and_autolinks() -> None:
    text = "at http://[::1]:8080/a and <http://[2001:db8::1]/b>, not http://[::1/c.\n"
    expected = ["http://[::1]:8080/a", "http://[2001:db8::1]/b", "http://[::1/c"]
    assert urls_in_text(text) == expected  # the malformed one too: it is reported, not lost
    assert urls_in_markdown(text) == expected
    assert urls_in_text("a user http://me:pw@[::1]:8/x, a path http://a.example/x@[y]") == [
        "http://me:pw@[::1]:8/x",
        "http://a.example/x@",
    ]


def test_a_scheme_in_capitals_is_a_link_too() -> None:
    text = "Old docs: HTTP://A.EXAMPLE/X, <Https://b.example/y> and MAILTO:me@example.org\n"
    expected = ["HTTP://A.EXAMPLE/X", "Https://b.example/y", "MAILTO:me@example.org"]
    assert urls_in_text(text) == expected
    assert urls_in_markdown(text) == expected


def test_control_characters_end_a_url_in_a_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "program"
    path.write_bytes(
        b"\x7fELF\x00https://a.example/gpl.html\x00\x00Written by\x00"
        b"http://b.example/\x07\x1b[0m mailto:me@example.org\x00x"
    )
    assert [t.url for t in extract_files([path]).targets()] == [
        "https://a.example/gpl.html",
        "http://b.example/",
        "mailto:me@example.org",
    ]


def test_files_deduplicated_with_sources(tmp_path: Path) -> None:
    md = tmp_path / "list.md"
    md.write_text("[a](https://x.example/a) https://x.example/a#top\n")
    txt = tmp_path / "more.txt"
    txt.write_text("https://x.example/a https://x.example/b\n")
    found = extract_files([md, txt]).targets()
    assert [t.url for t in found] == ["https://x.example/a", "https://x.example/b"]
    assert found[0].sources == [str(md), str(txt)]


def test_a_shared_address_keeps_its_oldest_resource_time() -> None:
    targets = TargetSet()
    targets.add("https://x.org/a", "new", "database", datetime(2024, 6, 2, tzinfo=UTC))
    targets.add("https://x.org/a", "old", "database", datetime(2024, 6, 1, tzinfo=UTC))
    targets.add("https://x.org/a", "newer", "database", datetime(2024, 6, 3, tzinfo=UTC))
    [target] = targets.targets()
    assert target.resources == ["new", "old", "newer"]
    assert target.created_at == datetime(2024, 6, 1, tzinfo=UTC)


def test_catalog_gives_resource_ids_and_step_filter(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(CATALOG)
    found = extract_files([catalog]).targets()
    assert [(t.url, t.resources) for t in found] == [
        ("https://example.org/a", ["first", "again"]),
        ("https://example.org/b", ["second"]),
    ]
    assert [t.url for t in extract_files([catalog], step=2).targets()] == ["https://example.org/b"]
    with pytest.raises(NotFoundError, match="no step 9; its steps are 1, 2"):
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


# --- --accept: lychee's syntax; 2xx kept unless the list names 2xx codes ------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("403,404", SUCCESS_CODES | {403, 404}),
        ("403 404", SUCCESS_CODES | {403, 404}),
        ("429", SUCCESS_CODES | {429}),
        ("400..=403", SUCCESS_CODES | {400, 401, 402, 403}),
        ("200..=299,403", SUCCESS_CODES | {403}),
        ("200..300", SUCCESS_CODES),
        ("200..=204", frozenset(range(200, 205))),
        ("200..204", frozenset(range(200, 204))),
        ("204", frozenset({204})),
        ("200, 403", frozenset({200, 403})),
        ("..=201", frozenset(range(100, 202))),
        ("500..", SUCCESS_CODES | frozenset(range(500, 1000))),
    ],
)
def test_accept_adds_to_2xx_unless_it_names_2xx(text: str, expected: frozenset[int]) -> None:
    assert parse_accept(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("abc", "'abc' is not a status code or range"),
        ("2..x", "'2..x' is not a status code or range"),
        ("..", "'..' is not a status code or range"),
        ("300..200", "the range '300..200' holds no status code"),
        ("99", "give status codes between 100 and 999"),
        ("200..=1000", "give status codes between 100 and 999"),
    ],
)
def test_bad_accept_values_are_one_line(text: str, message: str) -> None:
    with pytest.raises(UsageError, match=message) as caught:
        parse_accept(text)
    assert "\n" not in str(caught.value)


# --- code is not links -------------------------------------------------------------------

VERBATIM = """\
Read [the guide](https://real.org/guide) and https://real.org/bare.

Run `curl https://span.org/x` or ``a ` https://double.org/y``; \\`https://escaped.org/z\\`.

```bash
curl https://fence.org/backticks
```

~~~~
https://fence.org/tildes
~~~~

    https://indented.org/code

- a list item

    https://real.org/continued (the item goes on: not code)

> ```
> https://fence.org/quoted
> ```
"""

REAL = [
    "https://real.org/guide",
    "https://real.org/bare",
    "https://escaped.org/z",
    "https://real.org/continued",
]
VERBATIM_ONLY = {
    "https://span.org/x",
    "https://double.org/y",
    "https://fence.org/backticks",
    "https://fence.org/tildes",
    "https://indented.org/code",
    "https://fence.org/quoted",
}


def test_markdown_code_is_not_links() -> None:
    assert sorted(set(urls_in_markdown(VERBATIM))) == sorted(REAL)


def test_markdown_code_is_included_on_request() -> None:
    assert set(urls_in_markdown(VERBATIM, include_verbatim=True)) == set(REAL) | VERBATIM_ONLY


def test_an_unclosed_fence_runs_to_the_end() -> None:
    assert urls_in_markdown("https://a.org/1\n```\nhttps://b.org/2\n") == ["https://a.org/1"]


def test_indented_code_in_a_block_quote() -> None:
    text = "> quoted https://a.org/1\n>\n>     https://b.org/code\n"
    assert urls_in_markdown(text) == ["https://a.org/1"]


def test_an_unclosed_backtick_is_text() -> None:
    assert urls_in_markdown("a ` then https://a.org/1") == ["https://a.org/1"]


def test_files_leave_code_out_unless_asked(tmp_path: Path) -> None:
    md = tmp_path / "notes.md"
    md.write_text(VERBATIM)
    assert {t.url for t in extract_files([md]).targets()} == set(REAL)
    everything = {t.url for t in extract_files([md], include_verbatim=True).targets()}
    assert everything == set(REAL) | VERBATIM_ONLY


def test_restructuredtext_backticks_are_links_not_code(tmp_path: Path) -> None:
    rst = tmp_path / "notes.rst"
    rst.write_text("See `the guide <https://real.org/guide>`_ and https://real.org/bare.\n")
    assert [t.url for t in extract_files([rst]).targets()] == [
        "https://real.org/guide",
        "https://real.org/bare",
    ]


def test_html_connection_hints_are_not_links() -> None:
    html = (
        '<link rel="preconnect" href="https://fonts.gstatic.com">'
        '<link rel="DNS-Prefetch" href="https://cdn.example.net">'
        '<link rel="stylesheet" href="https://real.org/style.css">'
        '<a rel="preconnect" href="https://real.org/page">a</a>'
    )
    assert urls_in_html(html) == ["https://real.org/style.css", "https://real.org/page"]
