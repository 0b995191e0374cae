"""Report shapes: JSON fields, Markdown tables, archived copies and alternatives."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime

from studyplan.links.report import render_results, render_states
from studyplan.links.result import LinkResult
from studyplan.links.service import LinkState

RESULTS = [
    LinkResult("https://a.example/", "alive", 200, "https://a.example/", [], 1, 12, "", ["a"]),
    LinkResult(
        "http://old.example/p",
        "redirected",
        200,
        "https://new.example/p",
        [{"url": "http://old.example/p", "status": 301}],
        1,
        30,
        "",
        ["b"],
    ),
    LinkResult(
        "https://gone.example/x",
        "dead",
        404,
        "https://gone.example/x",
        [],
        1,
        5,
        "HTTP 404",
        ["c", "d"],
        archive_url="https://web.archive.org/web/2016/https://gone.example/x",
    ),
    LinkResult("mailto:x@y.z", "skipped", error="mailto: links are not checked"),
]

NO_COPY = LinkResult(
    "http://127.0.0.1:8000/gone", "dead", 404, error="HTTP 404", resources=["local"]
)
"""A dead address with no archived copy (archive_url None: a loopback host)."""

KEYS = {
    "url",
    "status",
    "http_status",
    "final_url",
    "redirects",
    "attempts",
    "elapsed_ms",
    "error",
    "resources",
    "checked_at",
    "cached",
}


def test_json_shape() -> None:
    data = json.loads(render_results(RESULTS, "json"))
    assert isinstance(data, list) and len(data) == 4
    for item in data:
        assert set(item) >= KEYS
    assert data[1]["redirects"] == [{"url": "http://old.example/p", "status": 301}]
    assert data[1]["final_url"] == "https://new.example/p"
    assert data[2]["resources"] == ["c", "d"]
    assert data[2]["archive_url"] == "https://web.archive.org/web/2016/https://gone.example/x"
    assert "archive_url" not in data[0]


def test_json_has_one_result_per_line() -> None:
    lines = render_results(RESULTS, "json").splitlines()
    assert lines[0] == "[" and lines[-1] == "]"
    assert [json.loads(line.rstrip(","))["url"] for line in lines[1:-1]] == [r.url for r in RESULTS]
    assert render_results([], "json") == "[]"


def test_markdown_shape() -> None:
    text = render_results(RESULTS, "markdown")
    lines = text.splitlines()
    assert lines[0] == "# Link check"
    assert "4 URLs: 1 alive, 1 redirected, 1 dead, 1 skipped" in text
    header = lines.index("| Status | HTTP | URL | Resources | Details |")
    assert lines[header + 1] == "| --- | --- | --- | --- | --- |"
    rows = lines[header + 2 :]
    assert len(rows) == 4 and all(r.startswith("| ") and r.endswith(" |") for r in rows)
    assert "moved to https://new.example/p" in rows[1]
    assert "[archived copy](https://web.archive.org/web/2016/https://gone.example/x)" in rows[2]


def test_table_summary() -> None:
    text = render_results(RESULTS, "table", reused=1)
    assert text.splitlines()[-1] == (
        "4 URLs: 1 alive, 1 redirected, 1 dead, 1 skipped (1 from earlier checks)"
    )
    assert "archived: https://web.archive.org/web/2016/https://gone.example/x" in text


def test_no_archive_is_mentioned_when_there_is_none() -> None:
    results = [*RESULTS, NO_COPY]
    table = render_results(results, "table")
    assert table.count("archived:") == 1
    assert "http://127.0.0.1:8000/gone" in table
    markdown = render_results(results, "markdown")
    assert markdown.count("archived copy") == 1
    row = next(line for line in markdown.splitlines() if "127.0.0.1:8000/gone" in line)
    assert row.endswith("| HTTP 404 |")
    data = json.loads(render_results(results, "json"))
    assert "archive_url" not in data[-1]
    assert "archive_url" in data[2]


def test_states_table_has_a_header() -> None:
    dead = LinkState(
        "gone-post",
        "Gone",
        "https://gone.example/x",
        2,
        status="dead",
        http_status=404,
        error="HTTP 404",
        checked_at=datetime(2024, 5, 1, 9, 30),
        failing_streak=3,
        alternatives=[{"title": "Mirror", "url": "https://mirror.example/x"}],
        archive_url="https://web.archive.org/web/2016/https://gone.example/x",
    )
    fine = LinkState("a", "Fine", "https://a.example/", 1, status="alive")
    lines = render_states([fine, dead], "table").splitlines()
    assert lines[0].split() == ["STATUS", "CHECKED", "RESOURCE", "URL", "DETAIL"]
    columns = [lines[0].index(name) for name in ("CHECKED", "RESOURCE", "URL")]
    assert lines[1].split()[:4] == ["alive", "never", "a", "https://a.example/"]
    assert [lines[1].index(v) for v in ("never", "a ", "https://a.")] == columns
    assert [lines[2].index(v) for v in ("2024-05-01 09:30", "gone-post", "https://gone.")] == (
        columns
    )
    assert lines[2].startswith("dead for the last 3 checks")
    assert lines[2].endswith("HTTP 404")
    assert lines[3:] == [
        "    archived: https://web.archive.org/web/2016/https://gone.example/x",
        "    instead: Mirror: https://mirror.example/x",
        "2 resources: 1 alive, 1 dead",
    ]
    assert render_states([], "table") == "0 resources"


def test_states_say_nothing_of_an_archive_when_there_is_none() -> None:
    dead = LinkState(
        "local",
        "Local",
        "http://127.0.0.1:8000/gone",
        1,
        status="dead",
        alternatives=[{"title": "Mirror", "url": "https://mirror.example/x"}],
    )
    assert dead.archive_url is None
    assert "archived" not in render_states([dead], "table")
    assert "archived copy" not in render_states([dead], "markdown")
    assert "[Mirror](https://mirror.example/x)" in render_states([dead], "markdown")
    data = json.loads(render_states([dead], "json"))[0]
    assert "archive_url" not in data
    assert data["alternatives"] == [{"title": "Mirror", "url": "https://mirror.example/x"}]
    with_copy = dataclasses.replace(dead, archive_url="https://web.archive.org/web/2016/x")
    assert json.loads(render_states([with_copy], "json"))[0]["archive_url"].endswith("/x")


def test_states_show_streak_archive_and_alternatives() -> None:
    dead = LinkState(
        "c",
        "Gone",
        "https://gone.example/x",
        2,
        status="dead",
        http_status=404,
        checked_at=datetime(2024, 5, 1),
        failing_streak=3,
        alternatives=[{"title": "Mirror", "url": "https://mirror.example/x", "why": "copy"}],
        archive_url="https://web.archive.org/web/2016/https://gone.example/x",
    )
    fine = LinkState("a", "Fine", "https://a.example/", 1, status="alive")
    table = render_states([fine, dead], "table")
    assert "dead for the last 3 checks" in table
    assert "archived: https://web.archive.org/web/2016/https://gone.example/x" in table
    assert "instead: Mirror: https://mirror.example/x (copy)" in table
    markdown = render_states([fine, dead], "markdown")
    assert "[Mirror](https://mirror.example/x)" in markdown
    assert "| Resource | Step | Status | Checked | URL | What to do |" in markdown
    data = json.loads(render_states([fine, dead], "json"))
    assert data[1]["failing_streak"] == 3
    assert data[1]["alternatives"][0]["url"] == "https://mirror.example/x"
    assert "alternatives" not in data[0]


def test_json_shows_no_character_a_terminal_would_act_on_and_keeps_the_data() -> None:
    error = "bad\x85host \u202eevil\x1b[31m red\x7f"
    result = LinkResult(url="https://odd.example/é", status="error", error=error)
    text = render_results([result], "json")
    for raw in ("\x85", "\u202e", "\x1b", "\x7f"):
        assert raw not in text
    assert json.loads(text)[0]["error"] == error  # escaped as JSON, not replaced
    assert "é" in text  # other text stays as written
