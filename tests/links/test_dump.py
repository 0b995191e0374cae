"""``studyplan links check --dump``: the URLs that would be checked, and not one request.

Every URL points at the live loopback server, so a request sent by mistake would be counted.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from links_cli import FAST, STUDYPLAN, run_links
from links_server import LinkServer

from tests.conftest import SMALL_CATALOG, cli_ok

pytestmark = pytest.mark.skipif(not STUDYPLAN.exists(), reason="console script not installed")


def write_notes(folder: Path, server: LinkServer) -> Path:
    """Markdown with links, code spans and blocks, a duplicate, a mailto and a bad host."""
    notes = folder / "notes.md"
    notes.write_text(
        "# Notes\n\n"
        f"Read [the guide]({server.url('/ok/guide')}) and <{server.url('/ok/auto')}>.\n"
        f"Again: [guide]({server.url('/ok/guide')}), {server.url('/ok/guide')}#part.\n\n"
        f"Run `curl {server.url('/ok/span')}` first.\n\n"
        f"```sh\ncurl {server.url('/ok/fence')}\n```\n\n"
        f"    wget {server.url('/ok/indented')}\n\n"
        "Write [to me](mailto:me@example.org).\n"
        f"Not [this one]({server.url('/ok/excluded/1')}).\n"
    )
    return notes


def write_page(folder: Path, server: LinkServer) -> Path:
    """HTML with connection hints (not links), a stylesheet, links and a duplicate."""
    page = folder / "page.html"
    page.write_text(
        "<html><head>\n"
        f'<link rel="preconnect" href="{server.url("/ok/preconnect")}">\n'
        f'<link rel="dns-prefetch" href="{server.url("/ok/prefetch", host=2)}">\n'
        f'<link rel="preconnect dns-prefetch" href="{server.url("/ok/both")}">\n'
        f'<link rel="stylesheet" href="{server.url("/ok/style.css")}">\n'
        "</head><body>\n"
        f'<a href="{server.url("/ok/guide")}">the guide again</a>\n'
        f'<a href="{server.url("/ok/html", host=2)}">another</a>\n'
        "</body></html>\n"
    )
    return page


def dumped(stdout: str) -> list[str]:
    """The dumped URLs, each once (an assertion checks there is no duplicate)."""
    lines = stdout.splitlines()
    assert len(lines) == len(set(lines)), lines
    return sorted(lines)


def test_dump_lists_what_would_be_checked_and_sends_nothing(server: LinkServer, home: Path) -> None:
    notes, page = write_notes(home, server), write_page(home, server)
    result = run_links(home, "check", "--dump", str(notes), str(page), "--exclude", "/excluded/")
    assert result.returncode == 0, result.stderr
    assert dumped(result.stdout) == sorted(
        [
            server.url("/ok/guide"),
            server.url("/ok/auto"),
            server.url("/ok/style.css"),
            server.url("/ok/html", host=2),
        ]
    )
    assert result.stderr == ""
    assert server.total_hits == 0
    assert not (home / "studyplan.db").exists()  # the files are the input: no database


def test_dump_includes_code_with_include_verbatim(server: LinkServer, home: Path) -> None:
    notes = write_notes(home, server)
    result = run_links(home, "check", str(notes), "--dump", "--include-verbatim")
    assert result.returncode == 0, result.stderr
    paths = {"guide", "auto", "span", "fence", "indented", "excluded/1"}
    assert dumped(result.stdout) == sorted(server.url(f"/ok/{p}") for p in paths)
    assert server.total_hits == 0


def test_dump_applies_every_exclude(server: LinkServer, home: Path) -> None:
    notes = write_notes(home, server)
    result = run_links(
        home, "check", "--dump", str(notes), "--exclude", "auto$", "--exclude=/excluded/"
    )
    assert result.returncode == 0, result.stderr
    assert dumped(result.stdout) == [server.url("/ok/guide")]


@pytest.mark.parametrize(
    ("written", "problem"),
    [
        ("[a host with a space](http://exa%20mple.org/)", "a space is not allowed in a host name"),
        ("<http://999.1.1.1/x>", "999 is above 255, so it is not an IPv4 address"),
        ("[a bad port](http://example.org:99999/)", "invalid URL"),
    ],
)
def test_dump_reports_a_malformed_address_and_leaves_it_out(
    server: LinkServer, home: Path, written: str, problem: str
) -> None:
    notes = home / "bad.md"
    notes.write_text(f"A [good one]({server.url('/ok/good')}).\n\nThen {written}.\n")
    result = run_links(home, "check", "--dump", str(notes))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [server.url("/ok/good")]
    warnings = result.stderr.splitlines()
    assert len(warnings) == 1, warnings
    assert warnings[0].startswith(f"studyplan: warning: {notes}: ")
    assert problem in warnings[0]
    assert warnings[0].endswith("it is not checked")
    assert server.total_hits == 0


def test_dump_as_json_names_the_files_using_each_url(server: LinkServer, home: Path) -> None:
    notes, page = write_notes(home, server), write_page(home, server)
    result = run_links(home, "check", "--dump", "-fjson", str(notes), str(page))
    assert result.returncode == 0, result.stderr
    by_url = {item["url"]: item for item in json.loads(result.stdout)}
    assert by_url[server.url("/ok/guide")] == {
        "url": server.url("/ok/guide"),
        "files": [str(notes), str(page)],
        "resources": [],
    }
    assert by_url[server.url("/ok/style.css")]["files"] == [str(page)]
    assert "mailto:me@example.org" not in by_url
    assert server.total_hits == 0


def test_dump_to_a_file(server: LinkServer, home: Path) -> None:
    notes = write_notes(home, server)
    out = home / "urls.txt"
    result = run_links(home, "check", "--dump", str(notes), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    lines = out.read_text().splitlines()
    assert server.url("/ok/guide") in lines and len(lines) == 3  # guide, auto, excluded/1
    assert server.total_hits == 0


def catalog_on(server: LinkServer, path: Path) -> dict[str, str]:
    """Write the small test catalog at ``path``, each resource at ``/ok/<its id>`` on the
    server; its resources' ids and addresses."""
    catalog = yaml.safe_load(SMALL_CATALOG.read_text())
    addresses = {}
    for step in catalog["steps"]:
        for resource in step["resources"]:
            resource["url"] = addresses[resource["id"]] = server.url(f"/ok/{resource['id']}")
    path.write_text(yaml.safe_dump(catalog, sort_keys=False))
    assert len(addresses) >= 4
    return addresses


def by_url(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(items, key=lambda item: str(item["url"]))


def test_dump_of_a_catalog_names_its_resources(server: LinkServer, home: Path) -> None:
    catalog = home / "catalog.yaml"
    addresses = catalog_on(server, catalog)
    result = run_links(home, "check", "--dump", "--format", "json", str(catalog))
    assert result.returncode == 0, result.stderr
    assert by_url(json.loads(result.stdout)) == by_url(
        [
            {"url": url, "files": [str(catalog)], "resources": [resource]}
            for resource, url in addresses.items()
        ]
    )
    assert server.total_hits == 0


def test_dump_of_the_database_names_resources_and_no_files(
    server: LinkServer, env: dict[str, str]
) -> None:
    addresses = catalog_on(server, Path(env["STUDYPLAN_CATALOG"]))
    items = json.loads(cli_ok("links", "check", "--dump", "--format", "json", env=env))
    assert by_url(items) == by_url(
        [{"url": url, "files": [], "resources": [resource]} for resource, url in addresses.items()]
    )
    assert server.total_hits == 0


def test_check_reports_a_malformed_host_as_invalid_without_a_request(
    server: LinkServer, home: Path
) -> None:
    notes = home / "bad.md"
    notes.write_text(f"[good]({server.url('/ok/good')}) and <http://999.1.1.1:{server.port}/x>\n")
    result = run_links(home, "check", str(notes), "--format", "json", "--force", *FAST)
    assert result.returncode == 2, result.stderr
    statuses = [(r["status"], r["http_status"]) for r in json.loads(result.stdout)]
    assert statuses == [("alive", 200), ("invalid", None)]
    assert json.loads(result.stdout)[1]["error"].startswith("malformed host '999.1.1.1'")
    assert server.methods == [("HEAD", "/ok/good")]


def test_dump_keeps_fragments_only_with_include_fragments(server: LinkServer, home: Path) -> None:
    notes = home / "parts.md"
    page = server.url("/page/parts")
    notes.write_text(f"[a]({page}#one) [b]({page}#two) [c]({page})\n")
    plain = run_links(home, "check", "--dump", str(notes))
    assert plain.returncode == 0, plain.stderr
    assert plain.stdout.splitlines() == [page]
    parts = run_links(home, "check", "--dump", "--include-fragments", str(notes))
    assert parts.returncode == 0, parts.stderr
    assert parts.stdout.splitlines() == [f"{page}#one", f"{page}#two", page]
    assert server.total_hits == 0
