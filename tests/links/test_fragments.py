"""``--include-fragments``: a URL's ``#part`` must be an anchor of its page (loopback server).

The engine reads a bounded prefix of the page once for all the fragments asked of it; a missing
fragment is ``fragment-missing``, not ``dead``; without the option the fragment is ignored.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from links_cli import FAST, STUDYPLAN, run_links
from links_server import LinkServer

from studyplan.links.anchors import MAX_BODY_BYTES
from studyplan.links.checker import LinkChecker, check_targets
from studyplan.links.extract import LinkTarget
from studyplan.links.policy import CheckOptions
from studyplan.links.result import LinkResult

HTML_PAGE = """<!doctype html>
<html><head><title>A page</title></head>
<body>
<h1 id="present">Present</h1>
<p>Some text.</p>
<a name="old-style">an old-style anchor</a>
<!-- <p id="in-comment"> is no anchor -->
<h2 id="Mixed-Case">Mixed</h2>
</body></html>
"""

MARKDOWN_PAGE = """# Getting Started

Some words.

## Step 2: `install` it

```
# not a heading
```
"""


@pytest.fixture
def fragments(fast: CheckOptions) -> CheckOptions:
    """Fast options that check fragments."""
    return fast.replace(include_fragments=True)


def check(urls: list[str], options: CheckOptions) -> dict[str, LinkResult]:
    """Check ``urls`` (each a target of its own, as TargetSet makes them); results by URL."""
    with LinkChecker(options) as checker:
        results = checker.check_all([LinkTarget(url) for url in urls])
    return {r.url: r for r in results}


def test_present_and_missing_fragments_of_one_page_fetched_once(
    server: LinkServer, fragments: CheckOptions
) -> None:
    page = server.url(server.add_page("doc", HTML_PAGE))
    results = check([f"{page}#present", f"{page}#absent", f"{page}#old-style"], fragments)
    assert results[f"{page}#present"].status == "alive"
    assert results[f"{page}#old-style"].status == "alive"  # <a name>
    missing = results[f"{page}#absent"]
    assert missing.status == "fragment-missing"
    assert missing.http_status == 200
    assert missing.error == "the page has no anchor #absent"
    assert server.methods == [("GET", "/page/doc")]  # one request for the three fragments


async def test_the_engine_api_checks_fragments(server: LinkServer, fragments: CheckOptions) -> None:
    page = server.url(server.add_page("api", HTML_PAGE))
    targets = [LinkTarget(f"{page}#present"), LinkTarget(f"{page}#nowhere")]
    results = await check_targets(targets, fragments)
    assert [(r.url, r.status) for r in results] == [
        (f"{page}#present", "alive"),
        (f"{page}#nowhere", "fragment-missing"),
    ]
    assert server.hits["/page/api"] == 1


def test_a_page_asked_without_fragment_gets_head_only(
    server: LinkServer, fragments: CheckOptions
) -> None:
    page = server.url(server.add_page("plain", HTML_PAGE))
    other = server.url(server.add_page("other", HTML_PAGE))
    results = check([page, f"{other}#present", f"{other}"], fragments)
    assert {r.status for r in results.values()} == {"alive"}
    assert sorted(server.methods) == [("GET", "/page/other"), ("HEAD", "/page/plain")]


@pytest.mark.parametrize(
    "fragment",
    ["top", "TOP", ":~:text=Some%20text", "present:~:text=Some", "", "Mixed-Case", "/route"],
)
def test_fragments_that_pass(server: LinkServer, fragments: CheckOptions, fragment: str) -> None:
    page = server.url(server.add_page("always", HTML_PAGE))
    result = check([f"{page}#{fragment}"], fragments)[f"{page}#{fragment}"]
    assert result.status == "alive", result.error


@pytest.mark.parametrize(
    "fragment",
    ["absent:~:text=Some", "mixed-case", "in-comment"],  # HTML ids are case-sensitive
)
def test_fragments_that_are_missing(
    server: LinkServer, fragments: CheckOptions, fragment: str
) -> None:
    page = server.url(server.add_page("text", HTML_PAGE))
    url = f"{page}#{fragment}"
    assert check([url], fragments)[url].status == "fragment-missing"


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("guide", "text/markdown; charset=utf-8"),
        ("README.md", "text/plain; charset=utf-8"),  # as raw.githubusercontent.com serves it
    ],
)
def test_markdown_pages_have_heading_slugs(
    server: LinkServer, fragments: CheckOptions, name: str, content_type: str
) -> None:
    page = server.url(server.add_page(name, MARKDOWN_PAGE, content_type))
    urls = [
        f"{page}#getting-started",
        f"{page}#step-2-install-it",
        f"{page}#not-a-heading",
        f"{page}#Getting%20Started",
    ]
    results = check(urls, fragments)
    assert [results[u].status for u in urls] == [
        "alive",
        "alive",
        "fragment-missing",
        "fragment-missing",
    ]
    assert server.hits[f"/page/{name}"] == 1


@pytest.mark.parametrize("charset", ["utf-8", "iso-8859-1", "utf-16"])
def test_the_page_is_decoded_with_its_charset(
    server: LinkServer, fragments: CheckOptions, charset: str
) -> None:
    body = '<p id="café">coffee</p>'.encode(charset)
    page = server.url(server.add_page(charset, body, f"text/html; charset={charset}"))
    # a fragment is percent-encoded UTF-8 (or typed as it is), whatever the page's charset
    urls = [f"{page}#caf%C3%A9", f"{page}#café", f"{page}#cafe"]
    results = check(urls, fragments)
    assert [results[u].status for u in urls] == ["alive", "alive", "fragment-missing"]


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("paper.pdf", "application/pdf"),
        ("notes.txt", "text/plain"),  # plain text, not at a .md path: not Markdown
        ("data", "application/json"),
    ],
)
def test_fragments_of_other_pages_are_not_checked(
    server: LinkServer, fragments: CheckOptions, name: str, content_type: str
) -> None:
    page = server.url(server.add_page(name, MARKDOWN_PAGE, content_type))
    url = f"{page}#page=3"
    result = check([url], fragments)[url]
    assert result.status == "alive", result.error
    assert result.error == ""


@pytest.mark.parametrize("variant", ["chunked=1", "gzip=1", "chunked=1&gzip=1"])
def test_chunked_and_gzip_bodies_are_decoded(
    server: LinkServer, fragments: CheckOptions, variant: str
) -> None:
    # 7-byte chunks split every id across chunk boundaries; gzip turns it all to binary
    page = server.url(server.add_page("coded", HTML_PAGE)) + "?" + variant
    results = check([f"{page}#present", f"{page}#Mixed-Case", f"{page}#absent"], fragments)
    assert [r.status for r in results.values()] == ["alive", "alive", "fragment-missing"]
    assert [m for m, _ in server.methods] == ["GET"]


def test_a_body_that_is_not_the_gzip_it_claims_is_an_error_of_its_url_only(
    server: LinkServer, fragments: CheckOptions
) -> None:
    page = server.url(server.add_page("damaged", HTML_PAGE)) + "?gzip=bad"
    good = server.url(server.add_page("good", HTML_PAGE))
    results = check([f"{page}#present", f"{good}#present"], fragments.replace(retries=0))
    assert results[f"{page}#present"].status == "error"
    assert results[f"{good}#present"].status == "alive"


def test_a_redirected_page_is_checked_where_it_lands(
    server: LinkServer, fragments: CheckOptions
) -> None:
    server.add_page("target", HTML_PAGE)
    moved = server.url("/goto/target")
    results = check([f"{moved}#present", f"{moved}#absent"], fragments)
    assert results[f"{moved}#present"].status == "alive"
    assert results[f"{moved}#absent"].status == "fragment-missing"
    assert results[f"{moved}#absent"].final_url == server.url("/page/target")
    assert server.methods == [("GET", "/goto/target"), ("GET", "/page/target")]


BIG = 64 * MAX_BODY_BYTES
"""The size of a page larger than the bound: the sockets' buffers take several MB of it, so
the page must be far larger for "not all of it was sent" to show that the client hung up."""
ONE_CHUNK = 16 * MAX_BODY_BYTES
"""A page sent in one chunk is smaller: a client that read whole chunks would read it all,
and slowly; this keeps such a failure short."""


@pytest.mark.parametrize(
    ("size", "framing"),
    [
        (BIG, ""),  # Content-Length
        (BIG, "&chunk=65536"),  # chunks of the usual size
        (BIG, "&chunk=1000"),  # small ones
        (ONE_CHUNK, f"&chunk={ONE_CHUNK}"),  # the whole page in one chunk
    ],
)
def test_a_fragment_beyond_the_bound_is_missing_and_the_rest_is_never_sent(
    server: LinkServer, fragments: CheckOptions, size: int, framing: str
) -> None:
    page = server.url(f"/bigpage/huge?size={size}{framing}")
    results = check([f"{page}#early", f"{page}#late"], fragments.replace(timeout=2, retries=0))
    assert results[f"{page}#early"].status == "alive"
    late = results[f"{page}#late"]
    assert late.status == "fragment-missing"
    assert late.error == "the page has no anchor #late in its first 1 MB"
    assert server.hits["/bigpage/huge"] == 1
    # the client hung up after its prefix: the server could send that prefix and what the
    # sockets' buffers took meanwhile, never the whole page
    assert MAX_BODY_BYTES <= server.body_bytes["/bigpage/huge"] < size


def test_a_page_that_answers_404_is_dead_not_fragment_missing(
    server: LinkServer, fragments: CheckOptions
) -> None:
    url = server.url("/page/never-added#present")
    result = check([url], fragments)[url]
    assert (result.status, result.http_status) == ("dead", 404)


# --- through the command line -------------------------------------------------------------

pytestmark_cli = pytest.mark.skipif(not STUDYPLAN.exists(), reason="console script not installed")


@pytestmark_cli
def test_cli_a_missing_fragment_exits_2(server: LinkServer, home: Path) -> None:
    page = server.url(server.add_page("cli", HTML_PAGE))
    links = home / "links.md"
    links.write_text(
        f"- [a]({page}#present)\n- [b]({page}#absent)\n- [c]({page}#top)\n"
        f"- [d]({page}#:~:text=Some%20text)\n- [e]({page})\n"
    )
    result = run_links(
        home, "check", str(links), "--include-fragments", "--format", "json", "--force", *FAST
    )
    assert result.returncode == 2, result.stderr
    data = {r["url"]: r for r in json.loads(result.stdout)}
    assert [r["status"] for r in data.values()] == [
        "alive",
        "fragment-missing",
        "alive",
        "alive",
        "alive",
    ]
    assert data[f"{page}#absent"]["error"] == "the page has no anchor #absent"
    assert "5 URLs: 4 alive, 1 fragment-missing" in result.stderr
    assert server.methods == [("GET", "/page/cli")]


@pytestmark_cli
def test_cli_all_fragments_present_exits_0(server: LinkServer, home: Path) -> None:
    page = server.url(server.add_page("fine", HTML_PAGE))
    links = home / "links.md"
    links.write_text(f"[a]({page}#present) [b]({page}#old-style)\n")
    result = run_links(home, "check", str(links), "--include-fragments", "--force", *FAST)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 URLs: 2 alive" in result.stdout


@pytestmark_cli
def test_cli_without_the_option_fragments_are_ignored(server: LinkServer, home: Path) -> None:
    page = server.url(server.add_page("ignored", HTML_PAGE))
    links = home / "links.md"
    links.write_text(f"[a]({page}#present) [b]({page}#absent)\n")
    result = run_links(home, "check", str(links), "--format", "json", "--force", *FAST)
    assert result.returncode == 0, result.stderr
    assert [(r["url"], r["status"]) for r in json.loads(result.stdout)] == [(page, "alive")]
    assert server.methods == [("HEAD", "/page/ignored")]
