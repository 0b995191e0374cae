"""What a terminal would act on is shown as a sign; the shortcut for printable text is safe."""

from __future__ import annotations

import re

from studyplan.safe_text import _SOURCES, visible


def test_every_character_visible_replaces_is_one_python_calls_unprintable() -> None:
    # visible() returns printable text as it is without a search: that is right only if no
    # character it would replace is printable
    unsafe = re.compile(_SOURCES["unsafe"])
    slipping = [hex(c) for c in range(0x110000) if unsafe.match(chr(c)) and chr(c).isprintable()]
    assert slipping == []


def test_controls_and_invisible_characters_are_shown_as_signs() -> None:
    assert visible("plain text, é and 漢字") == "plain text, é and 漢字"
    assert visible("tab\tand\nline") == "tab\tand\nline"
    assert visible("bell\x07") == "bell\u2407"
    assert visible("esc\x1b[31m") == "esc\u241b[31m"
    assert visible("c1\x85 bidi\u202e") == "c1<U+0085> bidi<U+202E>"
