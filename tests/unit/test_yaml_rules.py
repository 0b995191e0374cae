"""One set of YAML rules for every file size, and the fast path proven equal to the rules."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from studyplan.catalog.yaml_reader import (
    Unsure,
    YamlRefused,
    fast_load,
    needs_reference_walk,
    parse_tree,
    read_yaml,
    reference_load,
)

TRICKY = [
    "No", "yes", "~", "NULL", "null", "Null", "True", "true", "false", "FALSE", "010", "+7",
    "0x1F", ".inf", "-.inf", "+.inf", "inf", ".NaN", "nan", "NaN", "-nan", "Infinity",
    "-Infinity", "2016-01-15", "2016-01-15T10:00:00Z", "12:30", "0", "-0", "7", "-12",
    "123456789012345678901234567890", "1.5", ".5", "5.", "-.5", "1e5", "1E+5", "-1.5e-3",
    "1.e5", "00", "-01", "01.5", "1_000", "0o7", "0b11", "", "é", "日本語", "a b", "x#y",
    "a #b", "a\\b", 'say "hi"', "it's", "https://example.org/a?b=c#d", "-", "?", ":", "&a",
    "*a", "!t", "@x", "`x", "%x", "{", "[", "]", ",", "|", ">", "#", "a: b", " lead",
    "trail ", "\t", "line\nbreak", "\x01", "\x7f", "\x85", "\u2028", "😀", "\\0", "\\x00",
    "<<", "=", "---", "...",
]  # fmt: skip
ESCAPES = [
    "\\0", "\\a", "\\b", "\\t", "\\n", "\\v", "\\f", "\\r", "\\e", "\\ ", '\\"', "\\/",
    "\\\\", "\\N", "\\_", "\\L", "\\P", "\\x41", "\\xe9", "\\u00e9", "\\u2028",
    "\\U0001F600", "\\ud800", "x", "é", " ",
]  # fmt: skip
KEYS = ["id", "title", "kind", "url", "minutes", "number", "tags", "authors", "advice"]


def same(a: Any, b: Any) -> bool:
    """Equal values of exactly the same types (``1``, ``1.0`` and ``True`` all differ)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


def _double_quoted(text: str) -> str:
    escaped = []
    for char in text:
        if char in '"\\':
            escaped.append("\\" + char)
        elif ord(char) < 0x20 or char == "\x7f":
            escaped.append(f"\\x{ord(char):02x}")
        else:
            escaped.append(char)
    return '"' + "".join(escaped) + '"'


def _block(text: str, indent: str, header: str) -> str:
    lines = text.split("\n") or [""]
    return header + "".join(f"\n{indent}  {line}" for line in lines)


PLAIN = [t for t in TRICKY if t and t == t.strip() and t[0] not in "-?:&*!@`%{}[],|>#'\"<=.\t"]
PLAIN += [".inf", "-.inf", ".NaN", ".5", "-.5", "-0", "-12", "-1.5e-3", "-Infinity", "<<", "..."]
words = st.one_of(
    st.sampled_from(TRICKY),
    st.text(st.characters(codec="utf-8"), max_size=8),
)
safe_words = st.one_of(
    st.sampled_from(PLAIN),
    st.from_regex(r"[A-Za-z0-9][A-Za-z0-9 ._/()-]{0,10}[A-Za-z0-9]", fullmatch=True),
)
plain_words = st.one_of(safe_words, safe_words, safe_words, st.sampled_from(TRICKY))


@st.composite
def scalars(draw: st.DrawFn, indent: str) -> str:
    """A scalar written in any style: plain, single, double, literal, folded, or empty."""
    style = draw(
        st.sampled_from(
            ["plain", "plain", "plain", "single", "double", "escapes", "block", "empty"]
        )
    )
    if style == "plain":
        return draw(plain_words)
    if style == "escapes":
        return '"' + "".join(draw(st.lists(st.sampled_from(ESCAPES), max_size=5))) + '"'
    text = draw(words)
    if style == "single":
        return "'" + text.replace("'", "''") + "'"
    if style == "double":
        return _double_quoted(text)
    if style == "block":
        header = draw(st.sampled_from(["|", "|-", "|+", ">", ">-"]))
        return _block(text, indent, header)
    return ""


@st.composite
def values(draw: st.DrawFn, indent: str) -> str:
    """A value: a scalar, a flow sequence or mapping of scalars, or a block sequence."""
    shape = draw(st.sampled_from(["scalar", "scalar", "flow", "flowmap", "block"]))
    if shape == "flowmap":
        keys = draw(st.lists(st.sampled_from(KEYS), max_size=3))
        pairs = [f"{key}: {draw(safe_words)}" for key in keys]
        return "{" + ", ".join(pairs) + "}"
    if shape == "flow":
        items = draw(st.lists(safe_words, max_size=4))
        styles = [i if draw(st.booleans()) else _double_quoted(i) for i in items]
        return "[" + ", ".join(styles) + "]"
    if shape == "block":
        items = draw(st.lists(scalars(indent + "  "), min_size=1, max_size=3))
        return "".join(f"\n{indent}  - {item}" for item in items)
    return draw(scalars(indent))


@st.composite
def mappings(draw: st.DrawFn, indent: str) -> str:
    """A block mapping of catalog-like keys (sometimes tricky or quoted keys) to values."""
    keys = draw(st.lists(st.one_of(st.sampled_from(KEYS), plain_words), min_size=1, max_size=5))
    if draw(st.integers(0, 4)):
        keys = list(dict.fromkeys(keys))  # mostly unique keys; sometimes a duplicate
    lines = []
    for key in keys:
        if draw(st.integers(0, 9)) == 0:
            key = _double_quoted(key)
        lines.append(f"{indent}{key}: {draw(values(indent))}")
    return "\n".join(lines)


@st.composite
def catalogs(draw: st.DrawFn) -> str:
    """A catalog-shaped document: source, steps, resources, with tricky scalars everywhere."""
    resources = [draw(mappings("        ")) for _ in range(draw(st.integers(0, 3)))]
    items = "".join("\n      -\n" + r for r in resources)
    return (
        f"format_version: {draw(scalars(''))}\n"
        f"source:\n{draw(mappings('  '))}\n"
        f"steps:\n  - number: {draw(scalars('    '))}\n    resources:{items or ' []'}\n"
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(catalogs())
def test_fast_path_gives_exactly_what_the_rules_say(text: str) -> None:
    raw = text.encode()
    try:
        positions = parse_tree(raw)
    except YamlRefused:
        event("refused by the parser")
        return
    try:
        expected: Any = reference_load(positions)
    except YamlRefused as exc:
        expected = exc
    if not needs_reference_walk(raw):
        try:
            fast = fast_load(positions)
        except Unsure:
            event("fast path unsure")
        else:
            event("fast path used")
            assert not isinstance(expected, YamlRefused), (text, expected.problems)
            assert same(fast, expected), (text, fast, expected)
    try:
        data = read_yaml(raw).data
    except YamlRefused as exc:
        assert isinstance(expected, YamlRefused), text
        assert [p.message for p in exc.problems] == [p.message for p in expected.problems]
    else:
        assert same(data, expected), (text, data, expected)


@pytest.mark.parametrize(
    ("plain", "value"),
    [
        ("", None),
        ("null", None),
        ("true", True),
        ("false", False),
        ("0", 0),
        ("-0", 0),
        ("42", 42),
        ("-7", -7),
        ("1.5", 1.5),
        ("1e5", 100000.0),
        ("-1.5E-3", -0.0015),
        *[
            (text, text)
            for text in (
                "No",
                "yes",
                "~",
                "NULL",
                "Null",
                "True",
                "TRUE",
                "010",
                "+7",
                "0x1F",
                ".inf",
                "-.inf",
                ".NaN",
                "nan",
                "NaN",
                "Infinity",
                "2016-01-15",
                "12:30",
                ".5",
                "5.",
                "1_000",
                "0o7",
                "-01",
                "01.5",
            )
        ],
    ],
)
def test_plain_scalars_follow_the_rules(plain: str, value: Any) -> None:
    data = read_yaml(f"k: {plain}\nseq: [{plain}]\n".encode()).data
    assert same(data["k"], value) and same(data["seq"], [value] if plain else [])


@pytest.mark.parametrize(
    "written",
    ["'true'", '"42"', "'null'", "''", '"~"', "|-\n  42", ">-\n  true", "|\n  1.5"],
)
def test_quoted_and_block_scalars_are_text(written: str) -> None:
    value = read_yaml(f"k: {written}\n".encode()).data["k"]
    assert isinstance(value, str)


def test_same_rules_for_small_and_big_files() -> None:
    entry = "- {a: No, b: ~, c: 010, d: 2016-01-15, e: +7, f: .5, g: 12, h: true}\n"
    small = read_yaml(entry.encode()).data
    big = read_yaml((entry * 5000).encode()).data
    assert len(entry) * 5000 > 256 * 1024
    assert all(same(item, small[0]) for item in big)
    assert small[0] == {
        "a": "No", "b": "~", "c": "010", "d": "2016-01-15", "e": "+7", "f": ".5", "g": 12,
        "h": True,
    }  # fmt: skip


def test_ordinary_catalog_takes_the_fast_path() -> None:
    from tests.conftest import SMALL_CATALOG

    assert read_yaml(SMALL_CATALOG.read_bytes()).fast


def refusal(text: str) -> list[tuple[tuple[Any, ...], str, int | None]]:
    with pytest.raises(YamlRefused) as caught:
        read_yaml(text.encode())
    return [(p.where, p.message, p.line) for p in caught.value.problems]


def test_duplicate_key_names_both_lines() -> None:
    text = "steps:\n  - number: 1\n    minutes: 30\n    title: x\n    minutes: 45\n"
    assert refusal(text) == [
        (("steps", 0, "minutes"), "duplicate key 'minutes' (first at line 3); keep one", 5)
    ]


@pytest.mark.parametrize(
    ("text", "what", "line"),
    [
        ("a: 1\nb: !!python/object:os.system x\n", "YAML tag '!!python/object:os.system'", 2),
        ("a: 1\nb: !foo bar\n", "YAML tag '!foo'", 2),
        ("a: &x 1\n", "YAML anchor '&x'", 1),
        ("a: 1\nb: *x\n", "YAML alias '*x'", 2),
        ("a: 1\n---\nb: 2\n", "more than one YAML document", 3),
        ("a: 1\n7: seven\n", "the key '7' reads as a number", 2),
        ("a: 1\ntrue: yes\n", "the key 'true' reads as true/false", 2),
        ("a: 1\nnull: x\n", "the key 'null' reads as null", 2),
        ('a: 1\nb: "\\ud800"\n', "escapes a UTF-16 surrogate", 2),
    ],
)
def test_refused_constructs_say_what_and_where(text: str, what: str, line: int) -> None:
    problems = refusal(text)
    assert any(what in message and at == line for _, message, at in problems), problems


def test_quoted_number_key_is_text() -> None:
    assert read_yaml(b"'7': seven\n").data == {"7": "seven"}


def test_every_refusal_is_reported_at_once() -> None:
    problems = refusal("a: !t 1\nb: &x 2\nc: 3\nc: 4\n")
    assert [line for _, _, line in problems] == [1, 2, 4]


def test_syntax_error_worded_by_pyyaml_when_it_agrees() -> None:
    (problem,) = refusal('a: 1\nb: "unclosed\nc: 2\n')
    assert problem[0] == () and problem[1].startswith("YAML syntax: ")


def test_syntax_error_only_rapidyaml_refuses_keeps_its_position() -> None:
    with pytest.raises(YamlRefused) as caught:
        read_yaml(b"a: 1\n? [x, y]\n: z\n")
    (problem,) = caught.value.problems
    assert problem.message == "YAML syntax: a key must be text, not a list or a mapping"
    assert (problem.line, problem.column) == (2, 3)


def test_not_utf8_is_refused_with_its_line() -> None:
    with pytest.raises(YamlRefused) as caught:
        read_yaml(b"a: 1\nb: caf\xe9\n")
    (problem,) = caught.value.problems
    assert "not UTF-8" in problem.message and problem.line == 2


def test_deep_nesting_needs_no_recursion() -> None:
    depth = 5000
    data = read_yaml(("[" * depth + "]" * depth).encode()).data
    for _ in range(depth - 1):
        data = data[0]
    assert data == []
