"""Report shapes: JSON fields, Markdown tables, archived copies and alternatives."""

from __future__ import annotations

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
    ),
    LinkResult("mailto:x@y.z", "skipped", error="mailto: links are not checked"),
]

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
