"""Show text a user or a catalog wrote without letting a terminal interpret any of it.

Notes, titles, reasons and addresses are data. Before the command line prints them or the
interface draws them, :func:`visible` replaces every character a terminal would act on
instead of showing: C0 control characters (escape, bell, carriage return, backspace ...)
and DEL become their Unicode *control pictures* (``\\x1b`` shows as ``␛``); C1 controls,
bidirectional overrides and other invisible format characters show as ``<U+202E>``; bytes
that were not valid UTF-8 (surrogate escapes from the command line) show as ``<0xFF>``.
Newlines and tabs stay as they are. What is stored is never changed: only what is shown.

The note editor needs a reversible, one-character-for-one mapping so the cursor stays where
the text is: :func:`to_pictures` and :func:`from_pictures` do that for C0 controls and DEL.
"""

from __future__ import annotations

import re

_PICTURE_BASE = 0x2400
_DEL_PICTURE = "\u2421"

_C0 = "".join(chr(c) for c in range(0x20) if chr(c) not in "\n\t") + "\x7f"
_OTHER = (
    "[\x80-\x9f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u206f"
    "\ufeff\ufff9-\ufffb\ud800-\udfff]"
)
_SOURCES = {
    "c0": f"[{re.escape(_C0)}]",
    "other": _OTHER,
    "unsafe": f"[{re.escape(_C0)}]|{_OTHER}",
    "json": _OTHER.replace("[\x80", "[\x7f\x80"),
}
_COMPILED: dict[str, re.Pattern[str]] = {}


def _pattern(name: str) -> re.Pattern[str]:
    """The regular expression ``name``, compiled on first use (not at import: compiling
    them all cost a link check 2 ms before its first request)."""
    found = _COMPILED.get(name)
    if found is None:
        found = _COMPILED[name] = re.compile(_SOURCES[name])
    return found


_TO_PICTURE = {ord(c): (_DEL_PICTURE if c == "\x7f" else chr(_PICTURE_BASE + ord(c))) for c in _C0}
_FROM_PICTURE = {ord(p): chr(c) for c, p in _TO_PICTURE.items()}


def _replace(match: re.Match[str]) -> str:
    char = match.group(0)
    code = ord(char)
    if char in _C0:
        return _TO_PICTURE[code]
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
        return f"<0x{code - 0xDC00:02X}>"
    return f"<U+{code:04X}>"


def visible(text: str) -> str:
    """``text`` with every character a terminal would interpret shown as a visible sign."""
    if not text or text.isprintable():  # every character it acts on is not printable
        return text
    unsafe = _pattern("unsafe")
    if unsafe.search(text) is None:
        return text
    return unsafe.sub(_replace, text)


def editable_in_place(text: str) -> bool:
    """Whether an editor inside the terminal can show ``text`` and give it back unchanged.

    C0 controls can (as control pictures, :func:`to_pictures`); C1 controls, line and
    paragraph separators, bidirectional and other invisible format characters cannot: an
    editor splits lines on some of them and the terminal would act on others.
    """
    return _pattern("other").search(text) is None


def has_controls(text: str) -> bool:
    """Whether ``text`` holds C0 control characters or DEL (newline and tab excepted)."""
    return _pattern("c0").search(text) is not None


def to_pictures(text: str) -> str:
    """Replace C0 controls and DEL by their control pictures, one character for one."""
    return text.translate(_TO_PICTURE) if has_controls(text) else text


def from_pictures(text: str) -> str:
    """Undo :func:`to_pictures`."""
    return text.translate(_FROM_PICTURE)


def invalid_utf8(text: str) -> str | None:
    """Describe the first byte of ``text`` that was not valid UTF-8, or None if all was.

    Command-line arguments that are not UTF-8 reach Python as surrogate escapes; they cannot
    be stored or printed as text.
    """
    for index, char in enumerate(text):
        code = ord(char)
        if 0xD800 <= code <= 0xDFFF:
            byte = f"0x{code - 0xDC00:02X}" if 0xDC80 <= code <= 0xDCFF else f"U+{code:04X}"
            return f"byte {byte} at position {index + 1} is not UTF-8"
    return None


def visible_json(json_text: str) -> str:
    """JSON text (from ``json.dumps``) with DEL, C1 and invisible format characters escaped.

    ``json.dumps`` escapes C0 controls itself; with ``ensure_ascii=False`` it leaves the
    rest raw. ``\\uXXXX`` escapes keep the document exactly the same data.
    """
    return _pattern("json").sub(lambda m: f"\\u{ord(m.group(0)):04x}", json_text)


_LINE_BREAKS = {ord("\n"): "\u240a", ord("\t"): " "}


def one_line(text: str) -> str:
    """:func:`visible`, and a line feed shown as ``␊`` (a tab as a space): for text shown
    in one row of a listing."""
    return visible(text).translate(_LINE_BREAKS)
