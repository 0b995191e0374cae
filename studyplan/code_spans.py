"""Where Markdown's code spans are: a run of backticks up to the next run as long.

The link checker blanks them (a URL in code is not a link) and the Markdown export leaves
them alone when it escapes tags; both find them here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_BACKTICKS = re.compile(r"`+")


def code_spans(text: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each code span in ``text``, backticks included, in order."""
    position = 0
    while (opening := _BACKTICKS.search(text, position)) is not None:
        start, size = opening.start(), len(opening.group())
        if _escaped(text, start):  # "\`" is a literal backtick; the rest of the run may open
            start, size = start + 1, size - 1
        closing = _closing_run(text, opening.end(), size) if size else None
        if closing is None:
            position = opening.end()
            continue
        yield start, closing
        position = closing


def _escaped(text: str, index: int) -> bool:
    """Whether the character at ``index`` follows an odd number of backslashes."""
    count = 0
    while index - count > 0 and text[index - count - 1] == "\\":
        count += 1
    return count % 2 == 1


def _closing_run(text: str, start: int, size: int) -> int | None:
    """The end of the first run of exactly ``size`` backticks from ``start``, or None."""
    for run in _BACKTICKS.finditer(text, start):
        if len(run.group()) == size:
            return run.end()
    return None
