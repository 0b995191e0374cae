"""Read a YAML file with one set of rules, whatever its size (rapidyaml for every file).

The rules (YAML 1.2, "JSON schema" flavour):

- A quoted scalar (``'...'``, ``"..."``) and a block scalar (``|``, ``>``) is text.
- A plain (unquoted) scalar is ``null`` when it is empty or exactly ``null``; ``true`` or
  ``false`` when it is exactly that; a number when it is a JSON number
  (``-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][-+]?[0-9]+)?``: an int without fraction or exponent,
  else a float); and text, exactly as written, otherwise. So ``No``, ``yes``, ``~``, ``NULL``,
  ``True``, ``010``, ``+7``, ``0x1F``, ``.5``, ``.inf``, ``.NaN``, ``Infinity``,
  ``2016-01-15`` and ``12:30`` are all text.
- Keys are text: a plain key that would read as null, a bool or a number is refused
  (quote it), and so is a key given twice in one mapping.
- Tags (``!!str``, ``!foo``), anchors (``&x``), aliases (``*x``) and more than one document
  in a file are refused; ``<<`` is an ordinary key (no merging).
- The file must be UTF-8.

How: rapidyaml parses the file in place (:func:`parse_tree`, also used for every line number
the loader reports). :func:`reference_load` walks its tree in Python and applies the rules
exactly: that is the definition. :func:`fast_load` gets the same answer about nine times
faster by letting rapidyaml emit JSON and ``json.loads`` read it; it is used only when a
scan of the raw bytes (``bytes.find``, in C) finds nothing it mishandles (tags, anchors and aliases, which
it drops or keeps as text; document markers; NUL, where its output stops), and it gives up
(:class:`Unsure`) whenever the JSON shows a float (``.5`` comes out as ``0.5``), a rewritten
``.nan``/``.inf``, a key that could have been a plain number, bool or null, a duplicate key,
or is not valid JSON (``+7`` comes out raw). Measured on a 50 MB catalog: parsing 0.6 s,
then the tree walk 10 s or the fast path 1.2 s (PyYAML took 40 s for 40 MB). A property
test (tests/unit/test_yaml_rules.py) proves fast path == walk on generated catalogs.
"""

from __future__ import annotations

import codecs
import json
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import ryml

from studyplan.catalog.positions import NONE, LineIndex, TreePositions

JSON_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
"""A plain scalar matching this in full is a number; every other plain scalar is text."""

_TOKEN_START = frozenset(b" \t\r\n\x0b\x0c[]{},:")
"""Bytes after which ``!``, ``&`` or ``*`` starts a tag, an anchor or an alias."""
_DOCUMENT_MARKS = (b"---", b"...", b"%")
_BAD_ESCAPES = (
    b"\\0",
    b"\\x00",
    b"\\u0000",
    b"\\U00000000",
    b"\\ud",
    b"\\uD",
    b"\\U0000d",
    b"\\U0000D",
)
"""Escapes of NUL (rapidyaml's JSON output stops there) and of UTF-16 surrogates (which
rapidyaml turns into bytes that are not UTF-8)."""
_REWRITES = tuple(f'{v}"' for v in (".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF"))
"""How rapidyaml's JSON ends a ``nan``/``inf`` it rewrote (``.NaN`` and ``inf`` both: ``".nan"``)."""
_NOT_TEXT_KEY = re.compile(rf"|null|true|false|{JSON_NUMBER.pattern}")

_STYLE_FLAGS = ryml.KEYTAG | ryml.VALTAG | ryml.KEYANCH | ryml.VALANCH | ryml.KEYREF | ryml.VALREF


@dataclass(frozen=True)
class YamlProblem:
    """A reason to refuse a YAML file: where (a path from the document) and what."""

    where: tuple[Any, ...]
    message: str
    line: int | None
    column: int | None = None


class YamlRefused(Exception):
    """The file is not YAML these rules accept; ``problems`` says every reason found."""

    def __init__(self, problems: list[YamlProblem]) -> None:
        super().__init__(problems[0].message)
        self.problems = problems


class Unsure(Exception):
    """The fast path cannot promise the rules' answer for this file."""


@dataclass
class ParsedYaml:
    """A parsed file: its data, and the tree and positions kept for line numbers."""

    positions: TreePositions
    data: Any
    fast: bool
    """Whether the fast path produced ``data`` (for tests and benchmarks)."""
    problems: list[YamlProblem] = field(default_factory=list)
    """What the rules refuse in a file that still parsed (``read_yaml(collect=True)``)."""


def read_yaml(raw: bytes, collect: bool = False) -> ParsedYaml:
    """Parse ``raw`` under the rules above; raise :class:`YamlRefused` with what is wrong.

    With ``collect``, only a syntax error raises; what the rules refuse in a file that
    parsed (a duplicate key, a tag, an alias) comes back in ``problems`` with data built as
    far as it goes (the first of duplicate keys), so a catalog's other problems are found
    in the same run.
    """
    positions = parse_tree(raw)
    if not needs_reference_walk(raw):
        try:
            return ParsedYaml(positions, fast_load(positions), fast=True)
        except Unsure:
            pass
    data, problems = reference_walk(positions)
    if problems and not collect:
        raise YamlRefused(problems)
    return ParsedYaml(positions, data, fast=False, problems=problems)


def needs_reference_walk(raw: bytes) -> bool:
    """Whether ``raw`` holds something the fast path mishandles, or may (a cheap byte scan).

    Tags, anchors and aliases (dropped or kept as text by rapidyaml's JSON), document markers
    and directives (a document becomes a list), NUL (the JSON output stops there), escaped
    surrogates (they come out as bytes that are not UTF-8). Only
    ``bytes.find`` runs over the whole file (a regular expression took 2 s on 40 MB).
    """
    if b"\x00" in raw or any(_token_starts_with(raw, mark) for mark in (b"!", b"&", b"*")):
        return True
    body = raw.removeprefix(b"\xef\xbb\xbf")
    if body.startswith(_DOCUMENT_MARKS):
        return True
    ends = (b"\n", b"\r") if b"\r" in raw else (b"\n",)
    marks = _DOCUMENT_MARKS if b"%" in raw else _DOCUMENT_MARKS[:2]
    if any(end + mark in raw for end in ends for mark in marks):
        return True
    return b"\\" in raw and any(escape in raw for escape in _BAD_ESCAPES)


def _token_starts_with(raw: bytes, mark: bytes) -> bool:
    """Whether ``mark`` starts a token somewhere. An anchor or alias needs a name right after
    its mark, so ``&`` or ``*`` followed by white space (``Q & A``) does not count."""
    named = mark in (b"&", b"*")
    at = raw.find(mark)
    while at >= 0:
        if at == 0 or raw[at - 1] in _TOKEN_START:
            following = raw[at + 1 : at + 2]
            if not (named and following in (b" ", b"\t", b"\n", b"\r", b"")):
                return True
        at = raw.find(mark, at + 1)
    return False


def parse_tree(raw: bytes) -> TreePositions:
    """Check the encoding and parse ``raw`` with rapidyaml; syntax errors become problems."""
    _check_utf8(raw)
    buffer = bytearray(raw or b"\n")
    tree = ryml.Tree()
    tree.reserve(_expected_nodes(raw))
    try:
        with _quiet_stderr():
            ryml.parse_in_place(buffer, tree)
    except ryml.ExceptionBasic as exc:
        raise YamlRefused([syntax_problem(raw, exc)]) from None
    return TreePositions(raw, buffer, tree)


def _expected_nodes(raw: bytes) -> int:
    """About how many nodes the tree needs: one per line, sequence entry, flow item or flow
    container, and never more than two per line (commas in text are not nodes; a tree that
    needs more grows as it would anyway). Reserving it spares the tree's doubling: the nodes
    of a 50 MB catalog took 620 MB grown, 430 MB reserved (reserved memory is touched)."""
    lines = raw.count(b"\n") + 1
    marks = sum(raw.count(mark) for mark in (b"- ", b",", b"[", b"{"))
    return min(lines + marks, 2 * lines) + 16


def _check_utf8(raw: bytes) -> None:
    if raw.isascii():
        return
    decoder, chunk = codecs.getincrementaldecoder("utf-8")(), 1 << 20
    for start in range(0, len(raw), chunk):
        pending = len(decoder.getstate()[0])
        try:
            decoder.decode(raw[start : start + chunk], start + chunk >= len(raw))
        except UnicodeDecodeError as exc:
            offset = start - pending + exc.start
            byte = raw[offset] if offset < len(raw) else 0
            lines = LineIndex(raw)
            raise YamlRefused(
                [
                    YamlProblem(
                        (),
                        f"the file is not UTF-8 text (byte 0x{byte:02X}); save it as UTF-8",
                        lines.line_of(offset),
                        lines.column_of(offset),
                    )
                ]
            ) from None


def syntax_problem(raw: bytes, exc: Exception) -> YamlProblem:
    """Say where and why rapidyaml refused ``raw``; PyYAML words it when it refuses it too.

    PyYAML is asked only here (files with syntax errors are rare, small and hand-edited);
    when it accepts what rapidyaml refused, rapidyaml's own position and words are used.
    """
    worded = _pyyaml_syntax_error(raw)
    if worded is not None:
        return worded
    lines = LineIndex(raw)
    line, column = _ryml_location(exc)
    offset = _ryml_offset(exc)
    if offset is not None and offset <= len(raw):
        line, column = lines.line_of(offset), lines.column_of(offset)
    what = str(getattr(exc, "msg", "") or "invalid YAML")
    if "containers as keys" in what:
        what = "a key must be text, not a list or a mapping"
    return YamlProblem((), f"YAML syntax: {what}", line or 1, column or 1)


def _ryml_location(exc: Exception) -> tuple[int | None, int | None]:
    try:
        location = exc.errdata_parse.ymlloc  # type: ignore[attr-defined]
        return int(location.line) or None, int(location.col) or None
    except (AttributeError, TypeError, ValueError):
        return None, None


def _ryml_offset(exc: Exception) -> int | None:
    try:
        offset = int(exc.errdata_parse.ymlloc.offset)  # type: ignore[attr-defined]
    except (AttributeError, TypeError, ValueError):
        return None
    return offset if 0 <= offset < 1 << 62 else None


def _pyyaml_syntax_error(raw: bytes) -> YamlProblem | None:
    import yaml  # only here: commands that read a good catalog never load PyYAML

    loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        for _event in yaml.parse(raw, Loader=loader):
            pass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = exc.problem or exc.context or "invalid YAML"
        if exc.context and exc.problem:
            what = f"{exc.problem} ({exc.context})"
        line = mark.line + 1 if mark else 1
        column = mark.column + 1 if mark else 1
        return YamlProblem((), f"YAML syntax: {what}", line, column)
    except yaml.YAMLError as exc:
        return YamlProblem((), f"YAML: {exc}", 1, 1)
    return None


_STDERR_LOCK = threading.Lock()


@contextmanager
def _quiet_stderr() -> Iterator[None]:
    """Silence what the C++ parser prints on standard error (its errors are raised anyway).

    File descriptor 2 belongs to the whole process: one thread at a time swaps it, or two
    loads at once could leave it pointing at the null device for good.
    """
    with _STDERR_LOCK:
        try:
            saved = os.dup(2)
        except OSError:  # pragma: no cover - no stderr at all
            yield
            return
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, 2)
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            os.close(devnull)


def fast_load(positions: TreePositions) -> Any:
    """The data through rapidyaml's JSON emitter; :class:`Unsure` when it may differ."""
    tree = positions.tree
    try:
        with _quiet_stderr():
            text = ryml.emit_json_malloc(tree, tree.root_id())
    except Exception as exc:  # rapidyaml cannot emit this tree: the walk will say why
        raise Unsure from exc
    if not isinstance(text, str) or any(rewrite in text for rewrite in _REWRITES):
        raise Unsure
    if not text.isascii():
        try:  # bytes that were not UTF-8 come back as lone surrogates
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise Unsure from exc
    try:
        return json.loads(
            text,
            object_pairs_hook=_KeyCheck().mapping,
            parse_float=_unsure,
            parse_constant=str,
        )
    except (ValueError, RecursionError) as exc:
        raise Unsure from exc


def _unsure(_text: str) -> Any:
    raise Unsure


class _KeyCheck:
    """Build mappings from JSON pairs; give up on duplicate keys and keys that may not be text."""

    def __init__(self) -> None:
        self._text_keys: set[str] = set()

    def mapping(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result = dict(pairs)
        if len(result) != len(pairs):
            raise Unsure
        keys = result.keys()
        if not keys <= self._text_keys:
            for key in keys - self._text_keys:
                if _NOT_TEXT_KEY.fullmatch(key):
                    raise Unsure
                self._text_keys.add(key)
        return result


def plain_value(text: str) -> Any:
    """What a plain scalar means under the rules (``ValueError``: a number too long to read)."""
    if not text or text == "null":
        return None
    if text == "true":
        return True
    if text == "false":
        return False
    if text[0] in "-0123456789" and JSON_NUMBER.fullmatch(text):
        if "." in text or "e" in text or "E" in text:
            return float(text)
        return int(text)
    return text


def reference_load(positions: TreePositions) -> Any:
    """The data by walking the tree and applying the rules; the definition of the rules."""
    data, problems = reference_walk(positions)
    if problems:
        raise YamlRefused(problems)
    return data


def reference_walk(positions: TreePositions) -> tuple[Any, list[YamlProblem]]:
    """The data as far as the rules allow, and every refusal found on the way."""
    walk = _Walk(positions)
    data = walk.run()
    return data, sorted(walk.problems, key=lambda p: p.line or 0)


class _Walk:
    """One walk over a tree: build the data and note every refusal (iterative, any depth)."""

    def __init__(self, positions: TreePositions) -> None:
        self.positions = positions
        self.tree = positions.tree
        self.problems: list[YamlProblem] = []
        self._pending: list[tuple[int, Any]] = []

    def run(self) -> Any:
        tree = self.tree
        root = tree.root_id()
        if tree.is_stream(root) and tree.num_children(root) > 1:
            second = self.positions.children(root)[1]
            self._refuse_at(
                second,
                "the file holds more than one YAML document (a line with '---'); keep one",
                where=(),
            )
        data = self._value(self.positions.document())
        while self._pending:
            node, container = self._pending.pop()
            if isinstance(container, list):
                self._fill_list(node, container)
            else:
                self._fill_dict(node, container)
        return data

    def _fill_list(self, node: int, container: list[Any]) -> None:
        tree, child = self.tree, self.tree.first_child(node)
        while child != NONE:
            container.append(self._value(child))
            child = tree.next_sibling(child)

    def _fill_dict(self, node: int, container: dict[str, Any]) -> None:
        tree, child = self.tree, self.tree.first_child(node)
        first: dict[str, int] = {}
        while child != NONE:
            key = self._key(child)
            if key in first:
                line = self.positions.line_of(first[key])
                self._refuse_at(child, f"duplicate key '{key}' (first at line {line}); keep one")
            else:
                first[key] = child
                container[key] = self._value(child)
            child = tree.next_sibling(child)

    def _key(self, node: int) -> str:
        text = self._text(node, self.tree.key(node))
        if not self.tree.type(node) & ryml.KEYQUO and _NOT_TEXT_KEY.fullmatch(text):
            self._refuse_at(
                node,
                f"the key {text!r} reads as {_reading(text)}, but keys are text; "
                "quote it or rename it",
            )
        return text

    def _value(self, node: int) -> Any:
        kind = self.tree.type(node)
        if kind & _STYLE_FLAGS:
            self._refuse_style(node, kind)
        if kind & ryml.MAP:
            mapping: dict[str, Any] = {}
            self._pending.append((node, mapping))
            return mapping
        if kind & ryml.SEQ:
            items: list[Any] = []
            self._pending.append((node, items))
            return items
        if not kind & ryml.VAL:
            return None
        text = self._text(node, self.tree.val(node))
        if kind & ryml.VALQUO:
            return text
        try:
            return plain_value(text)
        except ValueError:
            self._refuse_at(node, "this number has too many digits to read; quote it")
            return text

    def _text(self, node: int, scalar: memoryview | None) -> str:
        if scalar is None:
            return ""
        try:
            return str(scalar, "utf-8")
        except UnicodeDecodeError:
            self._refuse_at(
                node,
                "this text escapes a UTF-16 surrogate (\\ud800 to \\udfff), which is not a "
                "character; write the character itself, or \\U and eight hex digits",
            )
            return str(scalar, "utf-8", "replace")

    def _refuse_style(self, node: int, kind: int) -> None:
        tree = self.tree
        if kind & (ryml.KEYTAG | ryml.VALTAG):
            tag = tree.key_tag(node) if kind & ryml.KEYTAG else tree.val_tag(node)
            self._refuse_at(
                node,
                f"YAML tag '{_show(tag)}' is not allowed; remove it "
                "(a catalog holds text, numbers, true/false, lists and mappings)",
            )
        if kind & (ryml.KEYANCH | ryml.VALANCH):
            name = tree.key_anchor(node) if kind & ryml.KEYANCH else tree.val_anchor(node)
            self._refuse_at(
                node, f"YAML anchor '&{_show(name)}' is not allowed; write the value out in full"
            )
        if kind & (ryml.KEYREF | ryml.VALREF):
            name = tree.key_ref(node) if kind & ryml.KEYREF else tree.val_ref(node)
            self._refuse_at(
                node,
                f"YAML alias '*{_show(name)}' is not allowed; write the value out in full "
                "(quote it if it is text)",
            )

    def _refuse_at(self, node: int, message: str, where: tuple[Any, ...] | None = None) -> None:
        positions = self.positions
        offset = positions.offset_of(node)
        line = None if offset is None else positions.lines.line_of(offset)
        column = None if offset is None else positions.lines.column_of(offset)
        path = positions.path_of(node) if where is None else where
        self.problems.append(YamlProblem(path, message, line, column))


def _reading(text: str) -> str:
    if not text:
        return "nothing (an empty key)"
    if text in ("true", "false"):
        return "true/false"
    return "null" if text == "null" else "a number"


def _show(name: Any) -> str:
    if isinstance(name, memoryview | bytes | bytearray):
        return bytes(name).decode("utf-8", "replace")
    return str(name)
