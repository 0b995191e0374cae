"""Which ``#fragment``s a page has: ``id``s and ``<a name>``s in HTML, heading slugs in Markdown.

``links check --include-fragments`` reads at most :data:`MAX_BODY_BYTES` of a page, asks
:func:`page_kind` whether its fragments can be checked at all, collects the page's anchors with
:func:`anchors_in` and tests each fragment with :func:`fragment_found`. Everything here is pure
and cheap to import (the Markdown code-block parser is loaded only for a page that may hold a
code block).
"""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

from studyplan.code_spans import code_spans

MAX_BODY_BYTES = 1024 * 1024
"""How much of a page's body is read to find its anchors (1 MiB). A fragment further down a
longer page is reported missing; a page that long is rare in a study catalog."""

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_MARKDOWN_TYPES = frozenset({"text/markdown", "text/x-markdown"})


def page_kind(content_type: str | None, url: str) -> str | None:
    """``"html"``, ``"markdown"`` or None (a PDF, an image…: fragments are not checked).

    ``text/plain`` counts as Markdown when the URL's path ends in ``.md`` or ``.markdown``, as
    raw.githubusercontent.com serves it.
    """
    media = (content_type or "").split(";", 1)[0].strip().lower()
    if media in _HTML_TYPES:
        return "html"
    if media in _MARKDOWN_TYPES:
        return "markdown"
    if media == "text/plain":
        try:
            path = urlsplit(url).path.lower()
        except ValueError:
            return None
        if path.endswith((".md", ".markdown")):
            return "markdown"
    return None


def anchors_in(body: bytes, kind: str, charset: str | None) -> set[str]:
    """The anchors of a page's ``body`` of ``kind`` (see :func:`page_kind`).

    The body is decoded with ``charset`` (from Content-Type; UTF-8 if absent or unknown),
    undecodable bytes replaced, so a body cut at :data:`MAX_BODY_BYTES` still reads.
    """
    try:
        text = body.decode(charset or "utf-8", errors="replace")
    except LookupError:
        text = body.decode("utf-8", errors="replace")
    text = text.removeprefix("\ufeff")
    if kind == "markdown":
        return markdown_anchors(text)
    return html_anchors(text)


def fragment_found(fragment: str, anchors: set[str]) -> bool:
    """Whether the page whose ``anchors`` these are has ``fragment`` (without its ``#``).

    The fragment is percent-decoded. Always found: the empty fragment, ``top`` (any case: the
    HTML standard scrolls to the top), a text fragment (``:~:text=…``; an element fragment
    before it is still checked) and client-side routes (``#/path``, ``#!/path``), which are not
    anchors. Otherwise the fragment or its lowercase form (heading slugs are lowercase, and
    GitHub matches them in any case) must be an anchor, possibly behind GitHub's
    ``user-content-`` prefix.
    """
    fragment = fragment.split(":~:", 1)[0]
    decoded = unquote(fragment)
    if not decoded or decoded.lower() == "top" or decoded.startswith(("/", "!")):
        return True
    for candidate in {fragment, decoded}:
        for name in (candidate, "user-content-" + candidate):
            if name in anchors or name.lower() in anchors:
                return True
    return False


class _AnchorParser(HTMLParser):
    """Collects ``id`` attributes of any element and ``name`` attributes of ``<a>``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.anchors: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and (name == "id" or (name == "name" and tag == "a")):
                self.anchors.add(value)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)


def html_anchors(text: str) -> set[str]:
    """Every ``id`` value and every ``<a name>`` value in an HTML document, as written.

    Comments and the insides of ``<script>`` and ``<style>`` hold none. Broken HTML never
    fails: html.parser gives up only on a malformed ``<!`` declaration, so the page is read
    again with those as text, and whatever was found is returned if even that fails.
    """
    anchors, complete = _parse_anchors(text)
    if not complete:
        anchors, _ = _parse_anchors(_DECLARATION.sub("&lt;!", text))
    return anchors


_DECLARATION = re.compile(r"<!(?!--)")


def _parse_anchors(text: str) -> tuple[set[str], bool]:
    """The anchors html.parser finds in ``text``, and whether it read to the end."""
    parser = _AnchorParser()
    try:
        parser.feed(text)
        parser.close()
    except Exception:  # html.parser asserts on some malformed declarations
        return parser.anchors, False
    return parser.anchors, True


_EXPLICIT_ANCHOR = re.compile(r"<[A-Za-z][^>]*\s(?:id|name)\s*=", re.IGNORECASE)


def markdown_anchors(text: str) -> set[str]:
    """The anchors of a Markdown document: its headings' slugs, as GitHub makes them.

    ATX (``# Title``) and setext (``Title`` over ``===``) headings count, those in code blocks,
    HTML comments and a leading YAML front matter do not. A slug is the heading's text
    lowercased, without punctuation but ``-`` and ``_``, spaces made ``-``; a repeated slug
    gets ``-1``, ``-2``… A ``{#id}`` attribute after a heading adds ``id``; explicit HTML
    anchors (``<a name="x">``, ``<span id="y">``) outside code count too.
    """
    from studyplan.links.extract import without_code_blocks, without_code_spans

    prose = _without_front_matter(without_code_blocks(text))  # line ends made \n
    plain = without_code_spans(prose)  # the same length: only the spans' characters blanked
    if "<!--" in plain:
        prose, plain = _without_comments(prose, plain)
    anchors: set[str] = set()
    seen: dict[str, int] = {}
    for heading in _headings(prose.split("\n")):
        heading, explicit = _split_attributes(heading)
        if explicit:
            anchors.add(explicit)
        slug = _slug(_plain_text(heading))
        if slug:
            anchors.add(_unique(slug, seen))
    if _EXPLICIT_ANCHOR.search(plain):
        anchors |= html_anchors(plain)
    return anchors


_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def _without_comments(prose: str, plain: str) -> tuple[str, str]:
    """``prose`` and ``plain`` with the HTML comments found in ``plain`` blanked (a ``<!--``
    in a code span opens none), line breaks kept. An unclosed ``<!--`` is left alone."""
    parts: list[str] = []
    position = 0
    for match in _COMMENT.finditer(plain):
        parts += [prose[position : match.start()], "\n" * match.group().count("\n")]
        position = match.end()
    parts.append(prose[position:])
    prose = "".join(parts)
    return prose, _COMMENT.sub(lambda m: "\n" * m.group().count("\n"), plain)


_FRONT_MATTER = re.compile(r"\A---[ \t]*\n.*?\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)


def _without_front_matter(text: str) -> str:
    """``text`` with a leading YAML front matter blanked (its ``---`` is not a heading)."""
    match = _FRONT_MATTER.match(text)
    if match is None:
        return text
    return "\n" * match.group().count("\n") + text[match.end() :]


_CONTAINER = r"[ ]{0,3}(?:>[ ]?[ ]{0,3})*(?:(?:[-*+]|\d{1,9}[.)])[ ]+)?"
_ATX = re.compile(r"^" + _CONTAINER + r"#{1,6}(?:[ \t]+(.*))?$")
_CLOSING_HASHES = re.compile(r"(?:^|[ \t])#+[ \t]*$")
_UNDERLINE = re.compile(r"^[ ]{0,3}(=+|-+)[ \t]*$")
_BREAK = re.compile(r"^[ ]{0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$")
_LIST_OR_QUOTE = re.compile(r"^[ ]{0,3}(?:>|[-*+](?:[ \t]|$)|\d{1,9}[.)](?:[ \t]|$)|<[!?])")
_HTML_START = re.compile(r"^[ ]{0,3}</?([A-Za-z][A-Za-z0-9-]*)(?:[\s/>]|$)")
_LONE_TAG = re.compile(r"^[ ]{0,3}</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>[ \t]*$")
_HTML_BLOCK_TAG_NAMES = (
    "address article aside blockquote body caption center col colgroup dd details dialog dir"
    " div dl dt fieldset figcaption figure footer form frame frameset h1 h2 h3 h4 h5 h6 head"
    " header hr html iframe legend li link main menu nav noframes ol optgroup option p param"
    " pre script search section style summary table tbody td textarea tfoot th thead title tr"
    " track ul"
)
_HTML_BLOCK_TAGS = frozenset(_HTML_BLOCK_TAG_NAMES.split())
"""Tags that start an HTML block in CommonMark wherever they stand (kinds 1 and 6)."""


def _starts_block(line: str) -> bool:
    """Whether ``line`` starts a block quote, a list item or an HTML block: what follows it up
    to a blank line cannot be a setext heading's text (this scanner does not look inside)."""
    if _LIST_OR_QUOTE.match(line):
        return True
    match = _HTML_START.match(line)
    if match is None:
        return False
    return match.group(1).lower() in _HTML_BLOCK_TAGS or _LONE_TAG.match(line) is not None


def _headings(lines: list[str]) -> list[str]:
    """The raw text of each ATX and setext heading in ``lines``, in document order.

    ``paragraph`` holds the lines that an underline would make a setext heading; None while
    the lines belong to a list item, a block quote or an HTML block (not supported there).
    """
    headings: list[str] = []
    paragraph: list[str] | None = []
    for line in lines:
        atx = _ATX.match(line)
        if atx is not None:
            headings.append(_CLOSING_HASHES.sub("", (atx.group(1) or "").strip()))
            paragraph = []
        elif not line.strip():
            paragraph = []
        elif paragraph and _UNDERLINE.match(line):
            headings.append("\n".join(part.strip() for part in paragraph))
            paragraph = []
        elif _BREAK.match(line):
            paragraph = []
        elif _starts_block(line):
            paragraph = None
        elif paragraph is not None:
            paragraph.append(line)
    return headings


_ATTRIBUTES = re.compile(r"[ \t]*\{[^{}]*?#([^\s{}]+)[^{}]*\}[ \t]*$")


def _split_attributes(heading: str) -> tuple[str, str | None]:
    """A heading's text and the id of its trailing ``{#id}`` attribute block, if any."""
    match = _ATTRIBUTES.search(heading)
    if match is None:
        return heading, None
    return heading[: match.start()], match.group(1)


_KEEP = "\ue000"
"""Stands for an underscore that is text (escaped, or in code), safe from emphasis removal."""
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_IMAGE = re.compile(r"!\[[^\]]*\](?:\([^)]*\)|\[[^\]]*\])?")
_LINK = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\[[^\]]*\])")
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
_UNDERSCORES = re.compile(r"(?<![^\W_])(_+)(?!\s)(.+?)(?<!\s)\1(?![^\W_])")


def _plain_text(markdown: str) -> str:
    """The text a heading's inline Markdown renders to (close enough for its slug).

    Code spans keep their content verbatim; images drop out; links keep their text; HTML
    tags drop out; ``_emphasis_`` loses its underscores (``snake_case`` keeps them); entities
    are decoded. Other markup (``*``, ``~``, brackets) is punctuation the slug drops anyway.
    """
    text = _code_spans_as_text(markdown)
    text = _ESCAPE.sub(lambda m: _KEEP if m.group(1) == "_" else m.group(1), text)
    text = _IMAGE.sub("", text)
    text = _LINK.sub(r"\1", text)
    text = _TAG.sub("", text)
    for _ in range(3):  # nested emphasis: __a _b_ c__
        text, count = _UNDERSCORES.subn(r"\2", text)
        if not count:
            break
    return unescape(text.replace(_KEEP, "_"))


def _code_spans_as_text(markdown: str) -> str:
    """``markdown`` with each code span replaced by what of its content a slug keeps.

    Code is verbatim: ``<div>`` or ``[x](y)`` in it is text, not markup, and an underscore in
    it stays; dropping the punctuation now keeps it from being read as markup later.
    """
    if "`" not in markdown:
        return markdown
    parts: list[str] = []
    position = 0
    for start, end in code_spans(markdown):
        parts.append(markdown[position:start])
        span = markdown[start:end].strip("`")
        if span.startswith(" ") and span.endswith(" ") and span.strip():
            span = span[1:-1]
        parts.append("".join(char for char in span if _is_word(char)).replace("_", _KEEP))
        position = end
    parts.append(markdown[position:])
    return "".join(parts)


_ASCII_WORD = re.compile(r"[^A-Za-z0-9_\- ]")


def _slug(text: str) -> str:
    """GitHub's slug of a heading's text: lowercase, punctuation out (not ``-``, ``_``),
    spaces to ``-``; letters, marks and digits of any script stay."""
    text = text.lower()
    if text.isascii():
        text = _ASCII_WORD.sub("", text)
    else:
        text = "".join(char for char in text if _is_word(char))
    return text.replace(" ", "-")


def _is_word(char: str) -> bool:
    """Whether ``char`` stays in a slug (Unicode letter, mark, number, connector, ``-``, space)."""
    if char.isascii():
        return char.isalnum() or char in "_- "
    import unicodedata

    category = unicodedata.category(char)
    return category[0] in "LMN" or category == "Pc"


def _unique(slug: str, seen: dict[str, int]) -> str:
    """``slug``, or ``slug-1``, ``slug-2``… if taken before (``seen`` counts each base slug)."""
    result = slug
    while result in seen:
        seen[slug] += 1
        result = f"{slug}-{seen[slug]}"
    seen[result] = 0
    return result
