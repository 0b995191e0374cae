"""Search titles, authors, tags and notes: FTS5 on SQLite, full-text search on PostgreSQL,
LIKE elsewhere.

SQLite ranks with bm25 and column weights 10 (title), 5 (authors), 5 (tags), 1 (notes);
PostgreSQL ranks with ts_rank over the generated tsvector columns of revision 0009, whose
weights A (title), B (authors, tags) and D (notes) get the same ratios. Both match every word
of the query as a prefix, drop retired resources, and break ties by catalog order. bm25 also
prefers shorter fields and rarer words, ts_rank repeated words and words close together:
the two agree where the field decides, which is what the weights are for.
"""

from __future__ import annotations

import json
import re
import string
import unicodedata
from typing import Any

from sqlalchemy import Select, and_, literal_column, or_, text, union
from sqlalchemy import func as sa_func
from sqlalchemy import select as sa_select
from sqlalchemy.sql.elements import ColumnClause
from sqlmodel import Session, col

from studyplan.db.database import Database
from studyplan.db.learner_scope import ALL_LEARNERS, mine
from studyplan.db.models import Curriculum, Note, Resource, Step
from studyplan.services.views import ResourceView, resource_table, step_of, to_views, view_select

_WORD = re.compile(r"\w+", re.UNICODE)

_SQLITE_IDS = text(
    "SELECT r.id FROM resource_fts JOIN resource r ON r.rowid = resource_fts.rowid "
    "JOIN step s ON s.id = r.step_id JOIN curriculum c ON c.id = s.curriculum_id "
    "WHERE resource_fts MATCH :match AND r.retired_at IS NULL AND s.retired_at IS NULL "
    "ORDER BY bm25(resource_fts, 10.0, 5.0, 5.0, 1.0), c.position, s.number, r.position, r.id "
    "LIMIT :limit"
)

_RESOURCE_WORDS: ColumnClause[Any] = literal_column("resource.search_vector")
"""Revision 0009's generated tsvector columns: SQL only, the models do not know them."""
_NOTE_WORDS: ColumnClause[Any] = literal_column("note.search_vector")
_NO_WORDS: ColumnClause[Any] = literal_column("''::tsvector")
_SIMPLE: ColumnClause[Any] = literal_column("'simple'::regconfig")
_WEIGHTS: ColumnClause[Any] = literal_column("'{0.1, 0.2, 0.5, 1.0}'::float4[]")
"""ts_rank's weights for D, C, B, A: notes 1, authors and tags 5, title 10, as on SQLite."""


def _fold_table() -> dict[int, str]:
    """What revision 0009's ``translate`` does before PostgreSQL parses a text: accented
    Latin letters become their base letter, punctuation becomes a space."""
    table: dict[int, str] = {}
    for low, high in ((0x00C0, 0x0250), (0x1E00, 0x1F00)):
        for code in range(low, high):
            first, marks = _split_marks(chr(code))
            if marks and first.isascii() and first.isalpha():
                table[code] = first.lower()
    punctuation = string.punctuation + "‘’‚‛“”„‟–—―…«»‹›·•"
    table.update({ord(p): " " for p in punctuation})
    return table


def _split_marks(char: str) -> tuple[str, str]:
    """``char`` decomposed: its first character, and the rest if the rest is only marks."""
    decomposed = unicodedata.normalize("NFD", char)
    marks = decomposed[1:]
    return decomposed[0], marks if all(map(unicodedata.combining, marks)) else ""


FOLD = _fold_table()


RANKED = ("sqlite", "postgresql")
"""The databases whose search is ranked by a full-text index; others match with LIKE."""


def search(db: Database, query: str, limit: int = 50) -> list[ResourceView]:
    """Resources matching every word of ``query`` (prefix match), best first."""
    words = _WORD.findall(query.lower())
    if not words:
        return []
    if db.engine.dialect.name not in RANKED:
        return _search_like(db, words, limit)
    with db.read() as session:
        ids = _ranked_ids(session, words, limit)
        if not ids:
            return []
        table = resource_table(step_of(ids))
        views = to_views(session.execute(view_select(table).where(table.c.id.in_(ids))))
    order = {rid: i for i, rid in enumerate(ids)}
    return sorted(views, key=lambda v: order[v.id])


def ranked_ids(db: Database, query: str, limit: int = 50) -> list[str]:
    """The ids of what :func:`search` finds on a database in :data:`RANKED`, best first,
    without reading the resources themselves (or their step positions)."""
    with db.read() as session:
        return _ranked_ids(session, _WORD.findall(query.lower()), limit)


def _ranked_ids(session: Session, words: list[str], limit: int) -> list[str]:
    if not words:
        return []
    if session.get_bind().dialect.name == "sqlite":
        match = " ".join(f'"{w}"*' for w in words)
        found = session.execute(_SQLITE_IDS, {"match": match, "limit": limit * 2})
        return _explained(session, [r[0] for r in found], words)[:limit]
    return _postgres_ids(session, words, limit)


def tsquery_terms(words: list[str]) -> list[str]:
    """Terms for ``to_tsquery('simple', ...)``: each word folded, quoted, as a prefix.

    Quoting makes each word a lexeme, never an operator (``and``, ``or``, ``!``); a word
    that is only punctuation once folded (``_``) is left out, as FTS5 leaves it out.
    """
    terms = []
    for word in words:
        folded = word.translate(FOLD).lower().strip()
        if folded:
            quoted = folded.replace("\\", "\\\\").replace("'", "''")
            terms.append(f"'{quoted}':*")
    return terms


def _postgres_ids(session: Session, words: list[str], limit: int) -> list[str]:
    """Resource ids ranked by ts_rank over the resource's words and the learner's note.

    The note is joined through the ``Note`` entity, so that a note belongs to whoever the
    session's criteria say. Candidates come from the GIN indexes; the whole query then
    filters and ranks them.
    """
    terms = tsquery_terms(words)
    if not terms:
        return []
    query = sa_func.to_tsquery(_SIMPLE, " & ".join(terms))
    document = _RESOURCE_WORDS.op("||")(sa_func.coalesce(_NOTE_WORDS, _NO_WORDS))
    rank = sa_func.ts_rank(_WEIGHTS, document, query)
    statement = (
        sa_select(col(Resource.id))
        .join(Step, col(Step.id) == col(Resource.step_id))
        .join(Curriculum, col(Curriculum.id) == col(Step.curriculum_id))
        .outerjoin(Note, and_(col(Note.resource_id) == col(Resource.id), mine(Note)))
        .where(col(Resource.retired_at).is_(None), col(Step.retired_at).is_(None))
        .where(col(Resource.id).in_(_candidates(terms)))
        .where(document.op("@@")(query))
        .order_by(
            rank.desc(),
            col(Curriculum.position),
            col(Step.number),
            col(Resource.position),
            col(Resource.id),
        )
        .limit(limit)
    )
    ids = [r[0] for r in session.execute(statement)]
    return list(dict.fromkeys(ids))


def _candidates(terms: list[str]) -> Any:
    """Ids of the resources that hold every term in their own words, or whose note holds
    one of them: every match is one or the other, and each is one GIN index scan."""
    every = sa_func.to_tsquery(_SIMPLE, " & ".join(terms))
    some = sa_func.to_tsquery(_SIMPLE, " | ".join(terms))
    own: Select[Any] = (
        sa_select(col(Resource.id)).where(_RESOURCE_WORDS.op("@@")(every)).correlate(None)
    )
    noted: Select[Any] = (
        sa_select(col(Note.resource_id))
        .where(_NOTE_WORDS.op("@@")(some), mine(Note))
        .correlate(None)
    )
    return union(own, noted)


def _search_like(db: Database, words: list[str], limit: int) -> list[ResourceView]:
    """Other databases: every word somewhere in the text (unranked, catalog order)."""
    table = resource_table()
    c = table.c
    query_ = view_select(table).outerjoin(Note, and_(col(Note.resource_id) == c.id, mine(Note)))
    for word in words:
        pattern = f"%{word}%"
        query_ = query_.where(
            or_(
                c.title.ilike(pattern),
                c.authors.ilike(pattern),
                c.tags.ilike(pattern),
                col(Note.body).ilike(pattern),
            )
        )
    with db.read() as session:
        return to_views(session.execute(query_.limit(limit)))


def _explained(session: Session, ids: list[str], words: list[str]) -> list[str]:
    """``ids`` less the hits that only another learner's note explains.

    The SQLite index holds every learner's notes on a resource (one row per resource). A hit
    on a resource that other learners wrote about is kept if each word is in its title,
    authors or tags, or in the learner's own note.
    """
    others = set(
        session.execute(
            sa_select(col(Note.resource_id)).where(
                col(Note.resource_id).in_(ids), col(Note.learner) != sa_func.studyplan_learner()
            ),
            execution_options={ALL_LEARNERS: True},
        ).scalars()
    )
    if not others:
        return ids
    own = dict(
        session.execute(
            sa_select(col(Note.resource_id), col(Note.body)).where(
                col(Note.resource_id).in_(others), mine(Note)
            )
        ).all()
    )
    catalog_hits: dict[str, set[str]] = {}
    for word in words:
        hits = session.execute(
            text(
                "SELECT r.id FROM resource_fts JOIN resource r ON r.rowid = resource_fts.rowid "
                "WHERE resource_fts MATCH :match AND r.id IN (SELECT value FROM json_each(:ids))"
            ),
            {"match": f'{{title authors tags}} : "{word}"*', "ids": json.dumps(sorted(others))},
        )
        catalog_hits[word] = {r[0] for r in hits}
    folded = {w: _fold(w) for w in words}
    kept = []
    for rid in ids:
        if rid not in others:
            kept.append(rid)
            continue
        tokens = _tokens(own.get(rid) or "")
        if all(
            rid in catalog_hits[w] or any(t.startswith(folded[w]) for t in tokens) for w in words
        ):
            kept.append(rid)
    return kept


def _fold(word: str) -> str:
    """Lower case without diacritics, as the index's tokenizer folds words."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _tokens(body: str) -> list[str]:
    return [_fold(w) for w in _WORD.findall(body)]
