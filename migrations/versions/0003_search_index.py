"""Full-text search over titles, authors, tags and notes (SQLite FTS5 only).

The index is kept up to date by triggers; its rowid is the resource table's rowid.
Other databases search with LIKE and get no index.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TRIGGERS = {
    "resource_fts_ai": """
        CREATE TRIGGER resource_fts_ai AFTER INSERT ON resource BEGIN
          INSERT INTO resource_fts(rowid, title, authors, tags, notes)
          VALUES (new.rowid, new.title, new.authors, new.tags, '');
        END""",
    "resource_fts_au": """
        CREATE TRIGGER resource_fts_au AFTER UPDATE OF title, authors, tags ON resource BEGIN
          UPDATE resource_fts SET title = new.title, authors = new.authors, tags = new.tags
          WHERE rowid = new.rowid;
        END""",
    "resource_fts_ad": """
        CREATE TRIGGER resource_fts_ad AFTER DELETE ON resource BEGIN
          DELETE FROM resource_fts WHERE rowid = old.rowid;
        END""",
    "note_fts_ai": """
        CREATE TRIGGER note_fts_ai AFTER INSERT ON note WHEN new.resource_id IS NOT NULL BEGIN
          UPDATE resource_fts SET notes = new.body
          WHERE rowid = (SELECT rowid FROM resource WHERE id = new.resource_id);
        END""",
    "note_fts_au": """
        CREATE TRIGGER note_fts_au AFTER UPDATE OF body ON note
        WHEN new.resource_id IS NOT NULL BEGIN
          UPDATE resource_fts SET notes = new.body
          WHERE rowid = (SELECT rowid FROM resource WHERE id = new.resource_id);
        END""",
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(
        "CREATE VIRTUAL TABLE resource_fts USING fts5("
        "title, authors, tags, notes, tokenize = 'unicode61 remove_diacritics 2')"
    )
    for sql in TRIGGERS.values():
        op.execute(sql)
    op.execute(
        "INSERT INTO resource_fts(rowid, title, authors, tags, notes) "
        "SELECT r.rowid, r.title, r.authors, r.tags, COALESCE(n.body, '') "
        "FROM resource r LEFT JOIN note n ON n.resource_id = r.id"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS resource_fts")
