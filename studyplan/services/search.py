"""Search titles, authors, tags and notes (FTS5 on SQLite, LIKE elsewhere)."""

from __future__ import annotations

import re

from sqlalchemy import or_, text
from sqlmodel import col

from studyplan.db.database import Database
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
            ids = [r[0] for r in session.execute(ids_sql, {"match": match, "limit": limit})]
            if not ids:
                return []
            table = resource_table(step_of(ids))
            views = to_views(session.execute(view_select(table).where(table.c.id.in_(ids))))
        order = {rid: i for i, rid in enumerate(ids)}
        return sorted(views, key=lambda v: order[v.id])
    query_ = view_select(table).outerjoin(Note, col(Note.resource_id) == c.id)
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
