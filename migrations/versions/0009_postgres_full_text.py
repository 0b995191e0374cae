"""Full-text search on PostgreSQL: generated tsvector columns with GIN indexes.

SQLite searches with FTS5 (revision 0003); this gives PostgreSQL the same: ``resource`` gets
``search_vector`` (title weight A, authors and tags B) and ``note`` gets ``search_vector``
(body, weight D), each computed by the database and indexed with GIN. The models do not
know these columns (migrations/env.py leaves them out of comparisons).

The 'simple' configuration matches words as FTS5's unicode61 tokenizer does: no stemming,
no stop words. Before parsing, ``translate`` folds accented Latin letters to their base
letter (unicode61's ``remove_diacritics 2``: "muller" finds "Müller") and turns punctuation
into spaces, so that PostgreSQL's parser sees words and numbers only, as unicode61 does,
instead of hosts, file names, hyphenated words and signed numbers ("gpt-4" is "gpt" and "4").
studyplan.services.search folds the words of a query by the same rule.

Nothing happens on SQLite.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26
"""

from __future__ import annotations

import string
import unicodedata
from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LATIN = ((0x00C0, 0x0250), (0x1E00, 0x1F00))
"""Latin-1 Supplement, Latin Extended-A and -B, Latin Extended Additional."""

PUNCTUATION = (
    string.punctuation
    + "\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u2013\u2014\u2015\u2026\u00ab\u00bb\u2039\u203a\u00b7\u2022"
)
"""Turned into spaces: ASCII punctuation, typographic quotes, dashes, ellipsis, bullets."""


def _base_letter(char: str) -> str | None:
    """The lower-case ASCII letter ``char`` is with its accents removed, if it is one."""
    decomposed = unicodedata.normalize("NFD", char)
    first, marks = decomposed[0], decomposed[1:]
    if marks and first.isascii() and first.isalpha() and all(map(unicodedata.combining, marks)):
        return first.lower()
    return None


def _fold_table() -> tuple[str, str]:
    folded = [
        (chr(code), base)
        for low, high in LATIN
        for code in range(low, high)
        if (base := _base_letter(chr(code))) is not None
    ]
    source = "".join(c for c, _ in folded) + PUNCTUATION
    target = "".join(b for _, b in folded) + " " * len(PUNCTUATION)
    return source, target


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _words(column: str, weight: str) -> str:
    """SQL: the weighted tsvector of a text column, folded as the search service folds."""
    source, target = _fold_table()
    folded = f"translate({column}, {_literal(source)}, {_literal(target)})"
    return f"setweight(to_tsvector('simple'::regconfig, coalesce({folded}, '')), '{weight}')"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    resource = " || ".join(
        _words(column, weight)
        for column, weight in (("title", "A"), ("authors", "B"), ("tags", "B"))
    )
    for table, vector in (("resource", resource), ("note", _words("body", "D"))):
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN search_vector tsvector "
            f"GENERATED ALWAYS AS ({vector}) STORED"
        )
        op.create_index(
            f"ix_{table}_search_vector", table, ["search_vector"], postgresql_using="gin"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in ("note", "resource"):
        op.drop_index(f"ix_{table}_search_vector", table_name=table)
        op.execute(f"ALTER TABLE {table} DROP COLUMN search_vector")
