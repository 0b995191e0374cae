"""Printing for every command: standard output and error, safe for a terminal.

Everything printed goes through :func:`out`, :func:`err` or :func:`print_json`, which show
control characters a user or a catalog wrote as visible signs (:mod:`studyplan.safe_text`)
so that no note or title can move the cursor, clear the screen or ring the bell (or through
:func:`out_escaped_pieces`, for JSON text escaped the same way as it was made). Nothing
here imports Typer: ``links check`` prints through it before Typer is loaded.
"""

from __future__ import annotations

import sys

from studyplan.safe_text import visible, visible_json

TYPE_CHECKING = False  # not typing's: importing typing costs a link check 3 ms
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any


def say_waiting(attempt: int, waited: float) -> None:
    """Say once that another studyplan holds the database and this one waits."""
    if attempt == 1:
        err("database busy: another studyplan is using the database; waiting…")


def warn(message: str) -> None:
    """Print a one-line warning on standard error; the command goes on."""
    err(f"studyplan: warning: {message}")


def err(message: str) -> None:
    """Print to standard error, control characters shown as visible signs."""
    print(visible(message), file=sys.stderr)


def out(message: str = "") -> None:
    """Print to standard output, control characters shown as visible signs."""
    print(visible(message))


def out_escaped_pieces(pieces: Iterable[str]) -> None:
    """Print the pieces of one JSON text already made safe for a terminal (through
    ``visible_json``), then a line end.

    Where standard output takes ASCII alone (``PYTHONIOENCODING=ascii``, an old locale), the
    other characters are written as JSON escapes (``\\u00e9``): the same data, still JSON.
    """
    write = sys.stdout.write
    unicode_out = _takes_unicode(sys.stdout)
    for piece in pieces:
        write(piece if unicode_out or piece.isascii() else _ascii_json(piece))
    write("\n")


def _takes_unicode(stream: Any) -> bool:
    """Whether ``stream`` encodes every character (a UTF encoding)."""
    import codecs

    try:
        return codecs.lookup(getattr(stream, "encoding", None) or "ascii").name.startswith("utf")
    except LookupError:
        return False


def _ascii_json(text: str) -> str:
    """JSON ``text`` with every character beyond ASCII written as a JSON escape."""
    import json
    import re

    return re.sub(r"[^\x00-\x7f]", lambda m: json.dumps(m.group(0))[1:-1], text)


def print_json(data: Any) -> None:
    """Print ``data`` as indented JSON (datetimes as ISO 8601), safe for a terminal."""
    import json

    print(visible_json(json.dumps(data, indent=2, ensure_ascii=False, default=_json_default)))


def _json_default(value: Any) -> Any:
    from datetime import datetime

    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    raise TypeError(f"cannot serialize {type(value).__name__}")
