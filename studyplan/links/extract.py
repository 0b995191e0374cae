"""Find the links to check: in a catalog YAML, Markdown, HTML or plain-text files.

Every URL appears once in the result, with the catalog resource ids (if any) that use it and
the files it came from, so each address is checked once however often it is written.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from functools import cache

from studyplan.code_spans import code_spans
from studyplan.errors import LinkCheckError, NotFoundError, UsageError
from studyplan.links.records import Record

TYPE_CHECKING = False  # not typing's: importing typing costs a link check 3 ms
if TYPE_CHECKING:
    from datetime import datetime
    from os import PathLike

    from markdown_it import MarkdownIt


MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdx")
"""Files read as Markdown (code left out unless asked)."""


class LinkTarget(Record):
    """One URL to check and who uses it."""

    _fields = ("url", "resources", "sources", "created_at")
    __slots__ = _fields

    def __init__(
        self,
        url: str,
        resources: list[str] | None = None,
        sources: list[str] | None = None,
        created_at: datetime | None = None,
    ) -> None:
        self.url = url
        self.resources: list[str] = resources if resources is not None else []
        """Catalog resource ids whose address this is."""
        self.sources: list[str] = sources if sources is not None else []
        """Files (or ``database``) where the URL was found."""
        self.created_at = created_at
        """When the oldest database resource with this address was added (None outside the
        database): a resource added today can have no archived copy yet."""


class TargetSet:
    """An insertion-ordered, de-duplicated collection of :class:`LinkTarget`.

    URLs are told apart without their ``#part`` unless ``include_fragments``: then
    ``page#a`` and ``page#b`` are two targets (the engine still fetches the page once).
    """

    def __init__(self, include_fragments: bool = False) -> None:
        self._by_url: dict[str, LinkTarget] = {}
        self.include_fragments = include_fragments

    def add(
        self,
        url: str,
        resource: str | None = None,
        source: str | None = None,
        created_at: datetime | None = None,
    ) -> None:
        """Record that ``url`` is used (by ``resource`` added at ``created_at``, in ``source``)."""
        key = url.strip() if self.include_fragments else normalize_url(url)
        if not key:
            return
        target = self._by_url.get(key)
        if target is None:
            target = self._by_url[key] = LinkTarget(key)
        if resource and resource not in target.resources:
            target.resources.append(resource)
        if source and source not in target.sources:
            target.sources.append(source)
        if created_at is not None and (target.created_at is None or created_at < target.created_at):
            target.created_at = created_at

    def targets(self) -> list[LinkTarget]:
        """Every target, in the order first seen."""
        return list(self._by_url.values())

    def __len__(self) -> int:
        return len(self._by_url)


def normalize_url(url: str) -> str:
    """Trim the URL and drop its fragment (``#part`` is never sent to the server)."""
    url = url.strip()
    if "#" not in url:
        return url
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.scheme in ("http", "https"):
        return urlunsplit(parts._replace(fragment=""))
    return url


# Schemes we recognise in free text; anything with "scheme:" inside a Markdown or HTML link is
# taken too, so mailto: and file: links are reported as skipped rather than silently ignored.
# A control character ends a URL: in a binary file (or a stray one in text) the bytes after
# an address are not part of it ("…/gpl.html\0\0Written"). Brackets end it too, except
# around an IPv6 address right after "//" or user info (http://[::1]:8080/): kept even
# unclosed, so that a malformed one is reported rather than lost.
_URL_CHAR = r"""[^\s<>"'`\]\[{}|\\^\x00-\x1f\x7f]"""
_USER_INFO = r"""(?:[^\s<>"'`\]\[{}|\\^/?#@\x00-\x1f\x7f]*@)?"""
_IPV6_HOST = r"\[[0-9A-Za-z:.%_~-]*\]?"
_BARE_URL = re.compile(
    rf"(?i:https?|ftp|file)://{_USER_INFO}(?:{_IPV6_HOST}{_URL_CHAR}*|{_URL_CHAR}+)"
    r"""|(?i:mailto):[^\s<>"'`()\[\]\x00-\x1f\x7f]+"""
)
_MD_INLINE = re.compile(r"\]\(\s*<?")
_MD_REFERENCE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.MULTILINE)
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_TRAILING = ".,;:!?'\""


def _trim(url: str) -> str:
    """Drop trailing punctuation and unbalanced closing parentheses from a URL in prose."""
    while url:
        if url[-1] in _TRAILING or (url[-1] == ")" and url.count("(") < url.count(")")):
            url = url[:-1]
        else:
            break
    return url


def urls_in_text(text: str) -> list[str]:
    """Bare URLs (http, https, ftp, file, mailto) in plain text, in order."""
    return [_trim(m.group(0)) for m in _BARE_URL.finditer(text)]


_PLAIN_DESTINATION = re.compile(r"[^\s()>]*")


def _inline_target(text: str, start: int) -> str:
    """The destination of a Markdown inline link starting at ``start`` (balanced parens)."""
    end = _PLAIN_DESTINATION.match(text, start).end()  # type: ignore[union-attr]
    if end >= len(text) or text[end] != "(":
        return text[start:end]  # no parenthesis inside: the common case, without a loop
    depth = 0
    end = start
    while end < len(text):
        char = text[end]
        if char.isspace() or char == ">":
            break
        if char == "(":
            depth += 1
        elif char == ")":
            if depth == 0:
                break
            depth -= 1
        end += 1
    return text[start:end]


def urls_in_markdown(text: str, include_verbatim: bool = False) -> list[str]:
    """URLs in Markdown: inline links, reference definitions, autolinks and bare URLs.

    Code is not links: URLs in code spans, fenced and indented code blocks are left out
    unless ``include_verbatim`` (as lychee does without ``--include-verbatim``).
    """
    if not include_verbatim:
        text = without_verbatim(text)
    if "<link" in text.lower():  # raw HTML in Markdown: connection hints are not links
        text = _link_tag().sub(lambda m: "" if _is_hint_tag(m.group(0)) else m.group(0), text)
    found: list[str] = []
    linked: set[int] = set()  # where inline links' URLs start: found again as bare URLs
    for match in _MD_INLINE.finditer(text):
        start = match.end()
        target = _inline_target(text, start)
        if _SCHEME.match(target):
            found.append(target)
            linked.add(start)
    found.extend(m.group(1) for m in _MD_REFERENCE.finditer(text) if _SCHEME.match(m.group(1)))
    found.extend(_trim(m.group(0)) for m in _BARE_URL.finditer(text) if m.start() not in linked)
    return found


@cache
def _block_parser() -> MarkdownIt:
    """A CommonMark block parser (inline parsing off: only the blocks' line ranges matter).

    markdown-it-py is already installed with rich and Textual; imported here, on first use.
    """
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").disable("inline")


def without_verbatim(text: str) -> str:
    """``text`` with its code blocks (fenced or indented) and code spans blanked out.

    Blocks come from a CommonMark parser, so indented lines that continue a list item stay
    text; code spans are found in what is left, paragraph by paragraph. Line breaks are kept.
    """
    return without_code_spans(without_code_blocks(text))


def without_code_spans(text: str) -> str:
    """``text`` with its code spans blanked, found paragraph by paragraph (line ends kept)."""
    if "`" not in text:
        return text
    paragraphs = re.split(r"(\n[ \t]*\n)", text)
    return "".join(_without_code_spans(p) for p in paragraphs)


def without_code_blocks(text: str) -> str:
    """``text`` with its code blocks (fenced or indented) blanked; code spans stay.

    Line breaks are normalised to ``\\n`` and kept, so line numbers do not change.
    """
    if "\r" in text:
        text = re.sub(r"\r\n?", "\n", text)
    if not any(mark in text for mark in _CODE_BLOCK_MARKS):  # found faster than by the regex
        return text
    if not _MAY_HOLD_CODE_BLOCKS.search(text):
        return text
    lines = text.split("\n")
    for token in _block_parser().parse(text):
        if token.type in ("fence", "code_block") and token.map is not None:
            start, end = token.map
            lines[start:end] = [""] * (end - start)
    return "\n".join(lines)


_CODE_BLOCK_MARKS = ("```", "~~~", "    ", "\t")
"""What every code block holds: a fence, or four spaces or a tab of indentation."""
_MAY_HOLD_CODE_BLOCKS = re.compile(r"```|~~~|^[ >]*(?: {4}|\t)", re.MULTILINE)
"""Text without a fence or an indented line (in a block quote or not) has no code block: no
need to parse it (the parser costs some 30 µs a line, and 40 ms to import)."""


def _without_code_spans(text: str) -> str:
    """``text`` with each code span blanked (line ends kept)."""
    chars = list(text)
    for start, end in code_spans(text):
        for index in range(start, end):
            if chars[index] != "\n":
                chars[index] = " "
    return "".join(chars)


_HINT_RELS = frozenset({"preconnect", "dns-prefetch"})


@cache
def _link_tag() -> re.Pattern[str]:
    """A raw ``<link …>`` tag (compiled on first use: few files hold one)."""
    return re.compile(r"<link\b[^>]*>", re.IGNORECASE)


@cache
def _rel() -> re.Pattern[str]:
    """A tag's ``rel`` attribute, quoted or not."""
    return re.compile(r"""\brel\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)


def _is_hint_tag(tag: str) -> bool:
    """Whether a raw ``<link …>`` tag is a connection hint."""
    match = _rel().search(tag)
    if match is None:
        return False
    rels = (match.group(1) or match.group(2) or match.group(3) or "").split()
    return bool({r.lower() for r in rels} & _HINT_RELS)


"""``<link rel>`` values that name a server to warm up, not a document to fetch."""


@cache
def _link_parser() -> type:
    """The HTML parser class that collects links (html.parser is imported on first use)."""
    from html.parser import HTMLParser

    class LinkParser(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.urls: list[str] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "link" and _is_hint(attrs):
                return
            for name, value in attrs:
                if name in ("href", "src") and value and _SCHEME.match(value.strip()):
                    self.urls.append(value.strip())

    return LinkParser


def _is_hint(attrs: list[tuple[str, str | None]]) -> bool:
    """Whether a ``<link>`` is a connection hint (``preconnect``, ``dns-prefetch``)."""
    rels = {word for name, value in attrs if name == "rel" for word in (value or "").split()}
    return bool({r.lower() for r in rels} & _HINT_RELS)


def urls_in_html(text: str) -> list[str]:
    """Absolute URLs in ``href`` and ``src`` attributes of an HTML document.

    ``<link rel="preconnect">`` and ``<link rel="dns-prefetch">`` are hints, not links.
    """
    parser = _link_parser()()
    parser.feed(text)
    parser.close()
    return parser.urls


def add_catalog(targets: TargetSet, path: str, step: int | None = None) -> None:
    """Add every resource URL of the catalog at ``path`` (only step ``step`` if given)."""
    from pathlib import Path

    from studyplan.catalog.loader import load_catalog

    catalog = load_catalog(Path(path))
    numbers = {s.number for s in catalog.steps}
    if step is not None and step not in numbers:
        listed = ", ".join(str(n) for n in sorted(numbers))
        raise NotFoundError(f"{path}: no step {step}; its steps are {listed}")
    for spec in catalog.steps:
        if step is not None and spec.number != step:
            continue
        for resource in spec.resources:
            targets.add(resource.url, resource.id, path)


def extract_files(
    paths: Iterable[str | PathLike[str]],
    step: int | None = None,
    include_verbatim: bool = False,
    include_fragments: bool = False,
) -> TargetSet:
    """Collect the links of ``paths`` (catalog YAML, Markdown, HTML or plain text).

    In Markdown, URLs in code are left out unless ``include_verbatim``. reStructuredText is
    read as plain text: its backticks mark links and roles, not code. With
    ``include_fragments`` the ``#part`` of each URL is kept (see :class:`TargetSet`).
    """
    targets = TargetSet(include_fragments)
    for entry in paths:
        path = os.fspath(entry)
        try:
            with open(path, encoding="utf-8", errors="replace") as stream:
                text = stream.read()
        except FileNotFoundError:
            raise LinkCheckError(f"{path}: no such file; check the path") from None
        except IsADirectoryError:
            raise LinkCheckError(f"{path}: is a folder; give the files in it") from None
        except OSError as exc:
            raise LinkCheckError(f"{path}: cannot read ({exc.strerror})") from None
        suffix = os.path.splitext(path)[1].lower()
        if suffix in (".yaml", ".yml") and re.search(r"^steps\s*:", text, re.M) is not None:
            add_catalog(targets, path, step)
            continue
        if step is not None:
            raise UsageError(f"--step works with a catalog, but {path} is not a catalog YAML")
        if suffix in (".html", ".htm", ".xhtml"):
            urls = urls_in_html(text)
        elif suffix in MARKDOWN_SUFFIXES:
            urls = urls_in_markdown(text, include_verbatim)
        else:
            urls = urls_in_text(text)
        for url in dict.fromkeys(urls):  # a Markdown link's URL is found twice (link, bare)
            targets.add(url, None, path)
    return targets


def _suffix(path: str) -> str:
    return os.path.splitext(path)[1].lower()


_MAY_FAIL = (".yaml", ".yml")
"""Files whose reading can fail after they were opened: a catalog may be invalid (any
other file is read as Markdown, HTML or text, which cannot fail)."""
_FIRST_BYTES = 8192
"""How much of the first file :func:`first_links` reads."""
_FIRST_CHUNK = 1024
"""The plain start is read this much at a time (whole lines), until ``limit`` links are found
(see :func:`_piece_end`)."""
_LINK_GOES_ON = ("(", ":", "<")
"""How a line ends when a link's address may follow on the next (``[text](``, ``[ref]:``)."""


def _piece_end(text: str, at: int) -> int:
    """Where a piece of the plain start that reaches ``at`` ends: after a whole line, and
    never between a link and an address on the next line (the next piece would read that
    address as a bare URL, trimmed as one). The plain start has no code span or HTML,
    the other things that span lines."""
    end = text.find("\n", at) + 1
    while end:
        if not text[:end].rstrip().endswith(_LINK_GOES_ON):  # blank lines may come between
            return end
        end = text.find("\n", end) + 1
    return len(text)


_NOT_PLAIN = re.compile(r"[`<\t\r]|~~~|    ")
"""What makes a Markdown prefix depend on what follows (a code span, raw HTML, a code
block) or on line endings: :func:`first_links` stops before its line."""


def first_links(
    paths: Iterable[str | PathLike[str]], limit: int, include_verbatim: bool = False
) -> list[LinkTarget]:
    """Up to ``limit`` links of the first file that :func:`extract_files` is sure to find.

    The check sends these while the files are read in full (a few milliseconds for
    thousands of links). Only the plain start of a Markdown or text file counts: whole
    lines before anything whose meaning depends on what comes after (a backtick, a tag, a
    fence, an indented line). Empty when in doubt: any file missing or unreadable, a YAML
    file (a catalog may turn out invalid), a first file in HTML, or one that starts
    otherwise, or files no longer than the plain start would be.
    """
    names = [os.fspath(p) for p in paths]
    if not names or not all(
        os.path.isfile(n) and os.access(n, os.R_OK) and _suffix(n) not in _MAY_FAIL for n in names
    ):  # the full reading must not fail once requests are out: no catalog YAML
        return []
    if sum(os.path.getsize(n) for n in names) <= _FIRST_BYTES:
        return []  # as quick to read in full: the whole list, in its order, from the start
    first = names[0]
    suffix = _suffix(first)
    if suffix not in (*MARKDOWN_SUFFIXES, ".txt", ".text"):
        return []
    try:
        with open(first, "rb") as stream:
            head = stream.read(_FIRST_BYTES)
    except OSError:
        return []
    text = head.decode("utf-8", "replace")
    plain = _NOT_PLAIN.search(text)
    end = plain.start() if plain else len(text)
    if end < len(text) or len(head) == _FIRST_BYTES:  # keep whole lines only
        end = text.rfind("\n", 0, end) + 1
    text = text[:end]
    found = TargetSet()
    start = 0
    while start < len(text) and len(found) < limit:  # a kilobyte of whole lines at a time
        cut = _piece_end(text, start + _FIRST_CHUNK)
        chunk = text[start:cut]
        start = cut
        if suffix in (".txt", ".text"):
            urls = urls_in_text(chunk)
        else:
            urls = urls_in_markdown(chunk, include_verbatim)
        for url in urls:
            found.add(url, None, first)
            if len(found) >= limit:
                break
    return found.targets()
