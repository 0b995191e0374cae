"""Search titles, authors, tags and notes (FTS5 on SQLite, LIKE elsewhere)."""

from __future__ import annotations

import json
import re
import unicodedata

from sqlalchemy import and_, func, or_, text
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from studyplan.db.database import Database
from studyplan.db.learner_scope import ALL_LEARNERS, mine
from studyplan.db.models import Note
from studyplan.services.views import ResourceView, resource_table, step_of, to_views, view_select

_WORD = re.compile(r"\w+", re.UNICODE)


def search(db: Database, query: str, limit: int = 50) -> list[ResourceView]:
    """Resources matching every word of ``query`` (prefix match), best first."""
    words = _WORD.findall(query.lower())
    if not words:
        return []
    table = resource_table()
    c = table.c
    if db.is_sqlite:
        match = " ".join(f'"{w}"*' for w in words)
        ids_sql = text(
            "SELECT r.id FROM resource_fts JOIN resource r ON r.rowid = resource_fts.rowid "
            "WHERE resource_fts MATCH :match AND r.retired_at IS NULL "
            "ORDER BY bm25(resource_fts, 10.0, 5.0, 5.0, 1.0) LIMIT :limit"
        )
        with db.read() as session:
            found = session.execute(ids_sql, {"match": match, "limit": limit * 2})
            ids = _explained(session, [r[0] for r in found], words)[:limit]
            if not ids:
                return []
            table = resource_table(step_of(ids))
            views = to_views(session.execute(view_select(table).where(table.c.id.in_(ids))))
        order = {rid: i for i, rid in enumerate(ids)}
        return sorted(views, key=lambda v: order[v.id])
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
                col(Note.resource_id).in_(ids), col(Note.learner) != func.studyplan_learner()
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
    kept = []
    for rid in ids:
        if rid not in others:
            kept.append(rid)
            continue
        tokens = _tokens(own.get(rid) or "")
        if all(
            rid in catalog_hits[w] or any(t.startswith(_fold(w)) for t in tokens) for w in words
        ):
            kept.append(rid)
    return kept


def _fold(word: str) -> str:
    """Lower case without diacritics, as the index's tokenizer folds words."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _tokens(body: str) -> list[str]:
    return [_fold(w) for w in _WORD.findall(body)]
