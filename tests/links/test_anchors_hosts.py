"""Fragments a page has (studyplan.links.anchors) and malformed hosts (studyplan.links.hosts)."""

from __future__ import annotations

import random
import subprocess
import sys

import pytest

from studyplan.links.anchors import (
    MAX_BODY_BYTES,
    anchors_in,
    fragment_found,
    html_anchors,
    markdown_anchors,
    page_kind,
)
from studyplan.links.hosts import host_problem

# --- HTML ---------------------------------------------------------------------------------

SPHINX_PAGE = """\
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>asyncio</title>
<script>var tpl = '<div id="in-script"></div>';</script>
<style>#in-style { color: red }</style></head>
<body><div class="body" role="main">
<section id="module-asyncio">
<h1>asyncio — Asynchronous I/O<a class="headerlink" href="#module-asyncio">¶</a></h1>
<section id="Running-an-asyncio-Program">
<h2>Running an asyncio Program</h2>
<dl class="py function"><dt class="sig" id="asyncio.run"><code>asyncio.run</code></dt></dl>
<!-- <h2 id="commented-out">old</h2> -->
</section></section></div></body></html>
"""

GITHUB_README = """\
<article class="markdown-body entry-content container-lg" itemprop="text">
<div class="markdown-heading"><h2 class="heading-element">Installation</h2>
<a id="user-content-installation" class="anchor" aria-label="Permalink: Installation"
   href="#installation"></a></div>
<p><a name="user-content-legacy"></a>See <a href="https://example.org">here</a>.</p>
</article>
"""

JAVADOC_PAGE = """\
<a name="navbar.top"><!-- --></a>
<A NAME="method.summary"></A>
<h3>Method Summary</h3>
<span name="not-an-anchor">x</span>
<input name="q" id="search-input"/>
<img id='logo' src=logo.png />
"""

BROKEN_PAGE = """\
<html><body <p id=unquoted class=x>text
<div id="unclosed attr>more</div>
<h2 id="ok">Fine</h2>
<p id="">empty id</p>
<b id="a&amp;b">x</b><i id="caf&eacute;">y</i>
<![if !IE]><p id="after-marked-section">z</p><![endif]>
"""


@pytest.mark.parametrize(
    ("page", "present", "absent"),
    [
        (
            SPHINX_PAGE,
            {"module-asyncio", "Running-an-asyncio-Program", "asyncio.run"},
            {"in-script", "in-style", "commented-out", "running-an-asyncio-program"},
        ),
        (
            GITHUB_README,
            {"user-content-installation", "user-content-legacy"},
            {"installation", "legacy"},
        ),
        (
            JAVADOC_PAGE,
            {"navbar.top", "method.summary", "search-input", "logo"},
            {"not-an-anchor", "q"},
        ),
        (
            BROKEN_PAGE,
            # an unclosed quote runs on to the next quote, as in a browser
            {
                "unquoted",
                "unclosed attr>more</div>\n<h2 id=",
                "a&b",
                "café",
                "after-marked-section",
            },
            {"", "ok"},
        ),
        ("", set(), {""}),
        ("no markup at all < > & ", set(), {""}),
        ("<p id='x'", set(), {"x"}),  # a tag cut at the end of a bounded prefix
    ],
)
def test_html_anchors(page: str, present: set[str], absent: set[str]) -> None:
    anchors = html_anchors(page)
    assert present <= anchors
    assert not (absent & anchors)


def test_html_anchors_are_exactly_the_ids_and_a_names() -> None:
    assert html_anchors(JAVADOC_PAGE) == {"navbar.top", "method.summary", "search-input", "logo"}


def test_html_anchors_never_fail_on_junk() -> None:
    alphabet = "<>!-/=\"' abidname[]&#;?%\n\x00\\CDATAscript"
    generator = random.Random(12)
    for _ in range(3000):
        junk = "".join(generator.choice(alphabet) for _ in range(generator.randint(0, 80)))
        anchors = html_anchors(junk + '<p id="kept">')
        assert isinstance(anchors, set)
    # html.parser itself raises on this marked section; the anchor after it is still found
    assert html_anchors('<p id="a"><![ade[ x <h2 id="b">') == {"a", "b"}


# --- Markdown -----------------------------------------------------------------------------

README = """\
---
title: Front matter is not a heading
---

# Project Title

Intro paragraph.

## Install

```bash
# this is a shell comment, not a heading
pip install thing
```

    # indented code is not a heading either

~~~
## Tilde fence
~~~

## Install

Usage
=====

Options and flags
-----------------

### Closed heading ###

## The `<div>` element and `my_var`

## **Bold** and *em* and _under_ and __init__ and snake_case

## [Linked text](https://example.org/page) ![badge](https://img.example/b.svg)

## What's new? (v2.0) — déjà vu!

## Über Größe 中文 标题

## Emoji 🎉 party

<!--
## Commented out
-->

<a name="explicit-name"></a>
<span id="Explicit-Id">x</span>
`<a name="in-code-span">`

- # Heading in a list item
> ## Heading in a quote

### Custom heading {#custom-id}

## Install
"""


@pytest.mark.parametrize(
    "slug",
    [
        "project-title",
        "install",
        "install-1",
        "install-2",
        "usage",
        "options-and-flags",
        "closed-heading",
        "the-div-element-and-my_var",
        "bold-and-em-and-under-and-init-and-snake_case",
        "linked-text-",
        "whats-new-v20--déjà-vu",
        "über-größe-中文-标题",
        "emoji--party",
        "explicit-name",
        "Explicit-Id",
        "heading-in-a-list-item",
        "heading-in-a-quote",
        "custom-heading",
        "custom-id",
    ],
)
def test_markdown_anchor_present(slug: str) -> None:
    assert slug in markdown_anchors(README)


@pytest.mark.parametrize(
    "slug",
    [
        "this-is-a-shell-comment-not-a-heading",
        "indented-code-is-not-a-heading-either",
        "tilde-fence",
        "title-front-matter-is-not-a-heading",
        "commented-out",
        "in-code-span",
        "install-3",
        "closed-heading-",
        "usage-1",
        "",
    ],
)
def test_markdown_anchor_absent(slug: str) -> None:
    assert slug not in markdown_anchors(README)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("# A\n# A\n# A\n", {"a", "a-1", "a-2"}),
        ("# A\n# A-1\n# A\n", {"a", "a-1", "a-2"}),  # a taken suffix is skipped
        ("# A\n# A\n# A-1\n", {"a", "a-1", "a-1-1"}),
        ("Title\n===\n", {"title"}),
        ("Two line\nsetext title\n---\n", {"two-linesetext-title"}),
        ("- item\n---\n", set()),  # a thematic break after a list, not a heading
        ("\n---\n", set()),
        ("- - -\ntext\n- - -\n", set()),
        ("#hashtag is not a heading\n", set()),
        ("####### seven is too many\n", set()),
        ("#\n", set()),
        ("# Foo#\n", {"foo"}),
        ("# Foo \\#\n", {"foo-"}),  # an escaped # is text
        ("# C# and F#\n", {"c-and-f"}),
        ("## 1. First step\n", {"1-first-step"}),
        ("# Tab\there\n", {"tabhere"}),
        ("#   Padded   \n", {"padded"}),
        ("# A &amp; B &lt;tag&gt;\n", {"a--b-tag"}),
        ("# snake\\_case and \\_escaped\\_\n", {"snake_case-and-_escaped_"}),
        ("# Cafe\u0301 combining\n", {"cafe\u0301-combining"}),
        ("<p align='center'>\nCentered\n</p>\n===\n", set()),
        ("<b>Bold</b> title\n===\n", {"bold-title"}),  # inline HTML in a paragraph
        ("<custom-element>\nInside\n---\n", set()),  # a lone tag starts an HTML block
        ('<div align="center"><img src="logo.png"></div>\nTitle\n---\n', set()),
        ("- item\nlazy continuation\n===\n", set()),  # text of the list item, not a title
        ("> quote\nlazy\n===\n", set()),
        ("## <code>run()</code> and <kbd>Ctrl</kbd>+C\n", {"run-and-ctrlc"}),
        ("Windows\r\nline ends\r\n===\r\n# CRLF\r\n", {"windowsline-ends", "crlf"}),
        ("---\r\ntitle: x\r\n---\r\n# Old Mac\rline ends\r===\r", {"old-mac", "line-ends"}),
        ("`<!--` opens no comment in a code span\n# After\n", {"after"}),
        ("```html\n<!-- an example\n```\n# After\n", {"after"}),
        ("<!-- unclosed\n# After\n", {"after"}),  # lenient: GitHub hides the rest
        ("# One <!-- note --> two\n", {"one--two"}),
        ("", set()),
    ],
)
def test_markdown_anchors(text: str, expected: set[str]) -> None:
    assert markdown_anchors(text) == expected


def test_markdown_without_code_blocks_does_not_load_the_block_parser() -> None:
    code = (
        "import sys\n"
        "from studyplan.links.anchors import markdown_anchors\n"
        "assert markdown_anchors('# A `b`\\n\\nText\\n') == {'a-b'}\n"
        "assert 'markdown_it' not in sys.modules\n"
        "assert markdown_anchors('```\\n# no\\n```\\n# Yes\\n') == {'yes'}\n"
        "assert 'markdown_it' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# --- fragments, kinds, bodies -------------------------------------------------------------

ANCHORS = {"intro", "Running-an-asyncio-Program", "déjà-vu", "a b", "user-content-install"}


@pytest.mark.parametrize(
    ("fragment", "found"),
    [
        ("intro", True),
        ("", True),
        ("top", True),
        ("TOP", True),
        (":~:text=hello", True),
        ("intro:~:text=hello", True),
        ("missing:~:text=hello", False),
        ("/route/to/page", True),
        ("!/hashbang", True),
        ("Running-an-asyncio-Program", True),
        ("running-an-asyncio-program", False),  # ids are case-sensitive
        ("INTRO", True),  # slugs are lowercase: a fragment matches in any case
        ("d%C3%A9j%C3%A0-vu", True),
        ("D%C3%A9J%C3%80-vu", True),
        ("a%20b", True),
        ("install", True),  # GitHub's user-content- prefix
        ("Install", True),
        ("missing", False),
        ("intr", False),
        ("%zz", False),
    ],
)
def test_fragment_found(fragment: str, found: bool) -> None:
    assert fragment_found(fragment, ANCHORS) is found


@pytest.mark.parametrize(
    ("content_type", "url", "kind"),
    [
        ("text/html", "https://docs.python.org/3/", "html"),
        ("text/html; charset=UTF-8", "https://x.org/a", "html"),
        ("TEXT/HTML", "https://x.org/a", "html"),
        ("application/xhtml+xml", "https://x.org/a.xhtml", "html"),
        ("text/markdown; charset=utf-8", "https://x.org/readme", "markdown"),
        ("text/x-markdown", "https://x.org/readme", "markdown"),
        (
            "text/plain; charset=utf-8",
            "https://raw.githubusercontent.com/o/r/main/README.md",
            "markdown",
        ),
        ("text/plain", "https://x.org/docs/GUIDE.MARKDOWN?raw=1#part", "markdown"),
        ("text/plain", "https://x.org/notes.txt", None),
        ("text/plain", "https://x.org/md", None),
        ("application/pdf", "https://x.org/paper.pdf", None),
        ("image/png", "https://x.org/a.md", None),
        ("application/json", "https://x.org/a", None),
        (None, "https://x.org/a.html", None),
        ("", "https://x.org/a.md", None),
        ("text/plain", "http://[::1/x.md", None),  # a URL urlsplit refuses
    ],
)
def test_page_kind(content_type: str | None, url: str, kind: str | None) -> None:
    assert page_kind(content_type, url) == kind


@pytest.mark.parametrize(
    ("body", "kind", "charset", "expected"),
    [
        ('<h2 id="café">x</h2>'.encode(), "html", None, {"café"}),
        ('<h2 id="café">x</h2>'.encode("latin-1"), "html", "iso-8859-1", {"café"}),
        ('<h2 id="café">x</h2>'.encode(), "html", "no-such-charset", {"café"}),
        ("\ufeff# Café\n".encode(), "markdown", "utf-8", {"café"}),
        ("# Café\n".encode()[:-2] + b"\n# Next\n", "markdown", None, {"caf", "next"}),
        (b'<p id="cut-\xe2\x82', "html", None, set()),  # cut inside a tag and a character
        (b'<p id="ok">\xff\xfe</p>', "html", "utf-8", {"ok"}),
    ],
)
def test_anchors_in(body: bytes, kind: str, charset: str | None, expected: set[str]) -> None:
    assert anchors_in(body, kind, charset) == expected


def test_max_body_bytes_is_one_mebibyte() -> None:
    assert MAX_BODY_BYTES == 1024 * 1024


# --- hosts --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/",
        "https://EXAMPLE.org./path",
        "http://xn--bcher-kva.example/",
        "http://XN--BCHER-KVA.example/",
        "http://xn--ls8h.la/",
        "https://bücher.example/",
        "http://127.0.0.1/",
        "http://[::1]/",
        "http://[::1]:8080/x",
        "http://[::ffff:1.2.3.4]/",
        "https://my_site.example.com/",
        "http://localhost:8080/",
        "http://localhost:/",  # an empty port is the default one
        "http://user:secret@example.org/",
        "HTTPS://Example.Org",
        "https://example.org?q=a b",
        "https://example.org#a b",
        "http://1.2.3/",  # WHATWG reads it as 1.2.0.3
        "http://0x7f.1/",  # and this as 127.0.0.1
        "http://4294967295/",
        "http://ex%61mple.org/",  # a percent-escape of text is decoded first
        "http://a\u3002b.example/",  # an ideographic full stop is a dot
        "http://\U0001f980.example/",
        "http://" + "a" * 63 + ".org/",
        "  https://example.org/",
        # other schemes are not this module's business
        "mailto:someone@exa mple.org",
        "ftp://exa mple.org/",
        "file:///etc/hosts",
        "not a url at all",
        "",
    ],
)
def test_valid_hosts(url: str) -> None:
    assert host_problem(url) is None


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        (
            "https://exa mple.org/",
            "malformed host 'exa mple.org': a space is not allowed in a host name",
        ),
        ("https://exa\tmple.org/", "a control character (U+0009) is not allowed"),
        ("https://ex\x7fample.org/", "a control character (U+007F) is not allowed"),
        ("https://a<b.org/", "'<' is not allowed in a host name"),
        ("https://a>b.org/", "'>' is not allowed"),
        ("https://a^b.org/", "'^' is not allowed"),
        ("https://a|b.org/", "'|' is not allowed"),
        ("https://a]b.org/", "']' is not allowed"),
        ("https://a\\b.org/", "a backslash is not allowed"),
        ("https://a%b.org/", "'%' is not allowed in a host name"),
        ("https://a%zz.org/", "'%' is not allowed in a host name"),
        ("https://a%ff.org/", "'%' is not allowed in a host name"),  # not UTF-8
        ("https://a%20b.org/", "malformed host 'a%20b.org': a space is not allowed"),
        ("https://a%2fb.org/", "'/' is not allowed"),
        ("http://", "malformed host '': the host is empty"),
        ("http:///example.org", "the host is empty"),
        ("http://user@/x", "the host is empty"),
        ("http://:8080/", "the host is empty"),
        ("http:example.org", "needs '//' before its host"),
        (
            "http://example.org:80x/",
            "malformed host 'example.org:80x': the port '80x' is not a number",
        ),
        ("http://example.org:-1/", "the port '-1' is not a number"),
        ("http://example.org:65536/", "the port 65536 is above 65535"),
        ("http://example.org:8080:1/", "the port '8080:1' is not a number"),
        ("http://999.1.1.1/", "malformed host '999.1.1.1': 999 is above 255"),
        ("http://1.2.3.4.5/", "more than 4 parts"),
        ("http://1.2.3.256/", "256 is too large for the last part"),
        ("http://4294967296/", "4294967296 is too large"),
        ("http://example.123/", "it ends in a number but 'example' is not"),
        ("http://example.0x/", "it ends in a number but 'example' is not"),
        ("http://1.1.1.08/", "'08' is not"),
        ("http://1.1.1.1./x", None),
        ("http://[::1/x", "malformed host '[::1': the IPv6 address has no closing ']'"),
        ("http://[zz::1]/", "malformed host '[zz::1]': 'zz::1' is not an IPv6 address"),
        ("http://[1::2::3]/", "'1::2::3' is not an IPv6 address"),
        ("http://[::1%25eth0]/", "is not an IPv6 address"),
        ("http://[::1]x/", "'x' after the IPv6 address"),
        ("http://[::1]:99999/", "the port 99999 is above 65535"),
        ("http://[127.0.0.1]/", "is not an IPv6 address"),
        ("http://" + "a" * 64 + ".org/", "is 64 characters long (at most 63)"),
        ("http://" + ".".join(["a" * 50] * 5) + ".org/", "the name is 258 characters long"),
        ("http://a..b/", "malformed host 'a..b': two dots in a row"),
        ("http://a../", "two dots in a row"),
        ("http://.a/", "a host name cannot start with a dot"),
        ("http://./", "cannot be only a dot"),
        ("http://a\u3002\u3002b/", "two dots in a row"),
        ("http://xn--zz.example/", "'xn--zz' is not valid Punycode"),
        ("http://xn--abc.example/", "is not valid Punycode"),  # decodes to controls
        ("http://xn--a-.example/", "is not valid Punycode"),  # decodes to ASCII
        ("http://b\u00fccher\u00a0x.example/", "a space is not allowed"),  # NBSP maps to space
        ("http://b\u00fccher\u200e.example/", "cannot be encoded as an international domain name"),
        ("http://" + "ü" * 70 + ".example/", "cannot be encoded as an international domain name"),
    ],
)
def test_malformed_hosts(url: str, problem: str | None) -> None:
    found = host_problem(url)
    if problem is None:
        assert found is None
    else:
        assert found is not None
        assert problem in found
        assert "\n" not in found


def test_host_problem_never_raises() -> None:
    alphabet = "ab1.:[]@%/\\ #?xn--ü0\x00\u3002"
    generator = random.Random(7)
    for _ in range(3000):
        junk = "".join(generator.choice(alphabet) for _ in range(generator.randint(0, 30)))
        result = host_problem("http://" + junk)
        assert result is None or result.startswith("malformed host")


# --- cheap to import ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("module", "allowed"),
    [
        # urllib.parse (which loads ipaddress) comes with pathlib anyway
        ("studyplan.links.anchors", {"ipaddress"}),
        ("studyplan.links.hosts", set()),
    ],
)
def test_modules_import_nothing_heavy(module: str, allowed: set[str]) -> None:
    heavy = {
        "markdown_it", "aiohttp", "sqlalchemy", "dataclasses", "typing", "asyncio", "email",
        "inspect", "studyplan.links.extract", "encodings.idna", "unicodedata", "ipaddress",
    }  # fmt: skip
    code = f"import sys\nimport {module}\nprint(sorted({heavy - allowed!r} & set(sys.modules)))"
    loaded = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout.strip()
    assert loaded == "[]"
