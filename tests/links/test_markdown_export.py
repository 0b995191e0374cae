"""The Markdown export is valid input for ``studyplan links check``: exactly the catalog's
addresses are found, checked (on the loopback test server) and alive, notes or not."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import unquote

from links_server import LinkServer

from tests.conftest import cli_ok, run_cli

CATALOG = """\
format_version: 1
source:
  title: Links to check
  author: Test Author
  url: https://example.org/curriculum
  date: "2016-01"
steps:
  - number: 1
    title: First
    resources:
      - id: plain
        title: A plain address
        kind: video
        url: {plain}
        minutes: 30
        provenance: article
      - id: brackets
        title: "Parentheses [and] a *title* with `code` and <b>tags</b>"
        kind: notes
        url: {parens}
        minutes: 40
        provenance: article
  - number: 2
    title: Second
    resources:
      - id: dotted
        title: An address ending in a full stop
        kind: blog-post
        url: {dotted}
        minutes: 20
        provenance: article
      - id: other-host
        title: Another host, with a query
        kind: paper
        url: {query}
        minutes: 10
        provenance: article
"""

FAST = ["--timeout", "2", "--retries", "1", "--format", "json", "--force"]


def catalog_urls(server: LinkServer) -> dict[str, str]:
    return {
        "plain": server.url("/ok/export/plain"),
        "parens": server.url("/ok/export/notes_(v2)/a*b"),
        "dotted": server.url("/ok/export/post."),
        "query": server.url("/ok/export/paper?id=1&x=a_b", host=2),
    }


def checked(env: dict[str, str], document: Path) -> list[dict[str, object]]:
    result = run_cli("links", "check", str(document), *FAST, env=env)
    assert result.returncode == 0, (result.stdout, result.stderr)
    return list(json.loads(result.stdout))


def test_links_check_finds_exactly_the_catalogs_addresses_all_alive(
    server: LinkServer, env: dict[str, str], tmp_path: Path
) -> None:
    urls = catalog_urls(server)
    Path(env["STUDYPLAN_CATALOG"]).write_text(CATALOG.format(**urls))
    document = tmp_path / "plan.md"
    cli_ok("export", "-o", str(document), env=env)
    results = checked(env, document)
    assert sorted(unquote(str(r["url"])) for r in results) == sorted(urls.values())
    assert {r["status"] for r in results} == {"alive"}
    seen = {unquote(path) for path in server.hits}
    assert {
        unquote(url.split(str(server.port), 1)[1].split("?")[0]) for url in urls.values()
    } <= seen


def test_urls_in_notes_are_found_too_and_break_nothing(
    server: LinkServer, env: dict[str, str], tmp_path: Path
) -> None:
    urls = catalog_urls(server)
    Path(env["STUDYPLAN_CATALOG"]).write_text(CATALOG.format(**urls))
    notes = {
        "plain": f"[half a link]({server.url('/ok/note/one')} and ](",
        "brackets": f"an autolink <{server.url('/ok/note/two')}> and <script>x</script>",
        "step-2": f"(see {server.url('/ok/note/three')}).\n\n```\n{server.url('/missing')}\n```",
    }
    for target, text in notes.items():
        cli_ok("note", target, text, env=env)
    document = tmp_path / "plan.md"
    cli_ok("export", "--notes", "-o", str(document), env=env)
    results = checked(env, document)
    expected = [*urls.values(), *(server.url(f"/ok/note/{n}") for n in ("one", "two", "three"))]
    assert sorted(unquote(str(r["url"])) for r in results) == sorted(expected)
    assert {r["status"] for r in results} == {"alive"}  # the URL in a code block is not checked
