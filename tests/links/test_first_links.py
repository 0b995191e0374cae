"""``links check FILE --force`` sends its first round of requests before reading the files in
full: the first links must be links the full reading finds, and the report must not differ."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from links_cli import FAST, run_links
from links_server import LinkServer

from studyplan.links.checker import LinkChecker
from studyplan.links.extract import LinkTarget, extract_files, first_links
from studyplan.links.policy import CheckOptions

PAD = "\n```\n" + "a code block after the links, to make the file long\n" * 200 + "```\n"
"""10 kB more, and no link: files this short are read in full before any request."""


def write(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


def full(*paths: str) -> list[str]:
    return [t.url for t in extract_files(paths).targets()]


def test_the_first_links_of_a_plain_start_in_order(tmp_path: Path) -> None:
    page = write(
        tmp_path / "a.md",
        "# Links\n\n- [a](https://a.example/1) and https://b.example/2\n"
        "[ref]: https://c.example/3\n- [a again](https://a.example/1#part)\n"
        "- [d](https://d.example/4)\n" + PAD,
    )
    found = first_links([page], 3)
    # as the full reading orders them: inline links, then definitions, then bare URLs
    assert [t.url for t in found] == full(page)[:3]
    assert [t.url for t in found] == [
        "https://a.example/1",
        "https://d.example/4",
        "https://c.example/3",
    ]
    assert all(t.sources == [page] for t in found)
    assert {t.url for t in found} <= set(full(page))


@pytest.mark.parametrize(
    "text",
    [
        "Use `http://in-a-span.example/` here\nhttps://after.example/\n",
        "```\nhttp://in-a-fence.example/\n```\n",
        "Text\n\n    http://indented-code.example/\n",
        '<link rel="preconnect"\n href="https://hint.example/">\n',
        "http://a.example/\r\nhttp://b.example/\r\n",
    ],
)
def test_nothing_whose_meaning_depends_on_what_follows(tmp_path: Path, text: str) -> None:
    page = write(tmp_path / "a.md", text + PAD)
    found = first_links([page], 64)
    assert found == []  # the line holding the mark, and all after it, are left for later


def test_whole_lines_only_from_a_long_file(tmp_path: Path) -> None:
    lines = [f"- [{i}](https://host{i % 7}.example/a-rather-long-path/{i})\n" for i in range(2000)]
    page = write(tmp_path / "a.md", "".join(lines))
    found = first_links([page], 10_000)
    urls = full(page)
    assert 0 < len(found) < len(urls)
    assert [t.url for t in found] == urls[: len(found)]  # none cut short at 8 kB


_LINES = [
    "- [a{n}](https://a{n}.example/p/{n}) and https://b{n}.example/{n}.\n",
    "[ref{n}]: https://c{n}.example/{n}\n",
    "see (https://d{n}.example/x_(y)) here\n",
    "Use `http://span{n}.example/` in code\n",
    "```\nhttp://fence{n}.example/\n```\n",
    "    http://indented{n}.example/\n",
    '<link rel="preconnect" href="https://hint{n}.example/">\n',
    "[multi\nline](https://m{n}.example/)\n",
    "read the [notes](\nhttps://n{n}.example/ok/notes?) before.\n",
    "[r{n}]:\n  https://r{n}.example/x.\n",
    "an [autolink <\nhttps://q{n}.example/y>]\n",
    "plain words, no link at all, long enough to fill the kilobyte sooner {n}\n",
    "\n",
]


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(st.tuples(st.integers(0, len(_LINES) - 1), st.integers(0, 30)), max_size=400),
    st.integers(1, 300),
    st.booleans(),
)
def test_the_first_links_are_always_links_of_the_full_reading(
    tmp_path: Path, lines: list[tuple[int, int]], limit: int, verbatim: bool
) -> None:
    # pieces of a kilobyte, whole lines each, give links the whole file gives, and as many
    # as asked for when the plain start holds that many
    text = "".join(_LINES[i].format(n=n) for i, n in lines)
    page = write(tmp_path / "doc.md", text + PAD)
    found = first_links([page], limit, verbatim)
    every = [t.url for t in extract_files([page], include_verbatim=verbatim).targets()]
    assert len(found) <= limit
    assert {t.url for t in found} <= set(every)
    assert len({t.url for t in found}) == len(found)
    plain = all(i in (0, 1, 2, 8, 9, 11, 12) for i, _ in lines)
    if plain and len(text.encode()) <= 8000:  # all the links are in the plain start
        assert len(found) == min(limit, len(every))


@pytest.mark.parametrize(
    ("opening", "rest"),
    [
        ("Read the [release notes](", "https://n.example/ok/notes?) before upgrading."),
        ("[notes]:", "  https://n.example/ok/notes?"),
        ("[notes]: <", "https://n.example/ok/notes>"),
        ("Read the [release notes](\n\n", "https://n.example/ok/notes?) before upgrading."),
    ],
)
def test_a_link_over_two_lines_is_read_whole_wherever_the_pieces_end(
    tmp_path: Path, opening: str, rest: str
) -> None:
    # the plain start is read a kilobyte at a time: never between a link's two lines
    for shift in range(-60, 60, 7):
        prose = "words " * ((1000 + shift) // 6) + "\n"
        links = "".join(f"- https://l{i}.example/\n" for i in range(300))
        page = write(tmp_path / "a.md", prose + opening + "\n" + rest + "\n" + links + PAD)
        found = {t.url for t in first_links([page], 64)}
        assert found <= set(full(page)), shift


def test_none_when_in_doubt(tmp_path: Path) -> None:
    page = write(tmp_path / "a.md", "https://a.example/\n" + PAD)
    assert first_links([page, str(tmp_path / "missing.md")], 4) == []
    assert first_links([write(tmp_path / "a.html", '<a href="https://a.example/">')], 4) == []
    assert first_links([write(tmp_path / "c.yaml", "steps:\n")], 4) == []
    assert [
        t.url for t in first_links([write(tmp_path / "a.txt", "see https://t.example/\n" + PAD)], 4)
    ] == ["https://t.example/"]
    short = write(tmp_path / "short.md", "https://a.example/\n" * 100)
    assert first_links([short], 4) == []  # read in full as quickly: the whole list comes first


def test_the_rest_comes_once_the_first_pages_are_out(server: LinkServer) -> None:
    first = [LinkTarget(server.url("/ok/1")), LinkTarget(server.url("/ok/2"))]
    every = [LinkTarget(server.url("/ok/0")), *first, LinkTarget(server.url("/missing"))]
    asked: list[int] = []

    def rest() -> list[LinkTarget]:
        asked.append(1)
        return every

    with LinkChecker(CheckOptions(timeout=2, retries=0)) as checker:
        results = checker.check_all(first, more=rest)
    assert [r.url for r in results] == [t.url for t in every]  # the full list's order
    assert [r.status for r in results] == ["alive", "alive", "alive", "dead"]
    assert [server.hits[f"/ok/{i}"] for i in range(3)] == [1, 1, 1]  # the first ones once
    assert len(asked) == 1


def test_the_report_follows_the_full_reading_and_skips_code(
    server: LinkServer, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    plain = "".join(f"- [{i}]({server.url(f'/ok/{i}', host=1 + i % 2)})\n" for i in range(40))
    tail = f"\n`{server.url('/never')}` and [late]({server.url('/missing')})\n"
    page = write(tmp_path / "a.md", plain + tail + PAD)
    other = write(
        tmp_path / "b.md", f"again {server.url('/ok/3', host=2)} and {server.url('/moved')}\n"
    )
    quick = run_links(home, "check", page, other, "--force", "-f", "json", *FAST)
    slow = run_links(home, "check", page, other, "--force", "-f", "json", "--step", "1", *FAST)
    assert slow.returncode == 1  # --step needs a catalog: reads everything first, says so
    assert quick.returncode == 2, quick.stderr
    data = json.loads(quick.stdout)
    assert [d["url"] for d in data] == full(page, other)
    assert server.hits["/never"] == 0  # a URL in a code span is never requested
    statuses = {d["url"].rsplit("/", 1)[-1]: d["status"] for d in data}
    assert statuses["missing"] == "dead" and statuses["moved"] == "redirected"


CATALOG = """format_version: 1
source:
  title: "T"
  url: "{src}"
steps:
  - number: 1
    title: "One"
    resources:
      - id: res-ok
        title: "OK"
        kind: docs
        url: "{ok}"
        minutes: 5
        provenance: article
"""


def test_a_link_sent_first_keeps_the_catalog_resources_the_full_reading_gives(
    server: LinkServer, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    ok = server.url("/ok")
    page = write(tmp_path / "a.md", f"See {ok}\n" + PAD)
    catalog = write(tmp_path / "cat.txt.yaml", CATALOG.format(src=server.url("/source"), ok=ok))
    forced = run_links(home, "check", page, catalog, "--force", "-f", "json", *FAST)
    assert forced.returncode == 0, forced.stderr
    data = {d["url"]: d for d in json.loads(forced.stdout)}
    assert data[ok]["resources"] == ["res-ok"]


def test_the_rest_is_read_without_waiting_for_a_busy_host(
    server: LinkServer, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    slow = write(
        tmp_path / "a.md",
        "".join(server.url(f"/delay/300/a{i}", host=1) + "\n" for i in range(8)) + PAD,
    )
    other = write(tmp_path / "b.md", server.url("/ok/b", host=2) + "\n")
    done = run_links(home, "check", slow, other, "--force", *FAST)
    assert done.returncode == 0, done.stderr
    first_host = sorted(server.arrivals["127.0.0.1"])
    # host 1 takes four at a time: its fifth request waits for one of the first four to
    # be answered (300 ms); the second file's link does not wait for that
    assert min(server.arrivals["127.0.0.2"]) < first_host[4]


def test_no_request_when_the_full_reading_fails(server: LinkServer, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    page = write(tmp_path / "a.md", "".join(server.url(f"/ok/{i}") + "\n" for i in range(5)) + PAD)
    broken = write(tmp_path / "cat.yaml", "steps:\n  - number: [unclosed\n")
    done = run_links(home, "check", page, broken, "--force", *FAST)
    assert done.returncode == 1
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert server.total_hits == 0
