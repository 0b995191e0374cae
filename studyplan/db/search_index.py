"""Bulk maintenance of the SQLite full-text index during catalog syncs.

Triggers (migration 0003) keep the index right row by row. For a sync that writes thousands
of rows that costs four times more than indexing them in bulk, so :class:`BulkIndexing`
drops the resource triggers for the length of one transaction, indexes the changed rows in
two statements, and recreates the triggers from their own stored SQL. If anything fails,
the transaction rolls back and the triggers are back as they were.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import TracebackType

from sqlalchemy import text
from sqlmodel import Session

INDEX = "resource_fts"


class BulkIndexing:
    """Context manager: inside it, resource rows may be inserted and updated in bulk."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.enabled = session.get_bind().dialect.name == "sqlite" and self._has_index()
        self.triggers: list[tuple[str, str]] = []
        self.max_rowid = 0
        self.updated: list[str] = []

    def _has_index(self) -> bool:
        query = text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :name")
        return self.session.execute(query, {"name": INDEX}).first() is not None

    def __enter__(self) -> BulkIndexing:
        if not self.enabled:
            return self
        run = self.session.execute
        self.max_rowid = run(text("SELECT COALESCE(MAX(rowid), 0) FROM resource")).scalar_one()
        query = (
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'resource'"
        )
        self.triggers = [(r[0], r[1]) for r in run(text(query))]
        for name, _ in self.triggers:
            run(text(f'DROP TRIGGER "{name}"'))
        return self

    def changed(self, resource_ids: Iterable[str]) -> None:
        """Note resources whose indexed text (title, authors, tags) may have changed."""
        self.updated.extend(resource_ids)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if not self.enabled or kind is not None:
            return
        run = self.session.execute
        run(text("CREATE TEMP TABLE IF NOT EXISTS reindex_ids (id TEXT PRIMARY KEY)"))
        run(text("DELETE FROM reindex_ids"))
        if self.updated:
            run(
                text("INSERT OR IGNORE INTO reindex_ids (id) VALUES (:id)"),
                [{"id": i} for i in self.updated],
            )
        changed = "SELECT r.rowid FROM resource r JOIN reindex_ids c ON c.id = r.id"
        run(text(f"DELETE FROM {INDEX} WHERE rowid IN ({changed})"))
        run(
            text(
                f"INSERT INTO {INDEX} (rowid, title, authors, tags, notes) "
                "SELECT r.rowid, r.title, r.authors, r.tags, COALESCE(("
                "SELECT group_concat(n.body, ' ') FROM note n WHERE n.resource_id = r.id), '') "
                "FROM resource r "
                "WHERE r.rowid > :max OR r.id IN (SELECT id FROM reindex_ids)"
            ),
            {"max": self.max_rowid},
        )
        run(text("DROP TABLE reindex_ids"))
        for _, sql in self.triggers:
            run(text(sql))
