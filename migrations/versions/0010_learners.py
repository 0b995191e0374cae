"""Learners: every learner-owned row belongs to one; existing rows to the default learner.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-26

The default learner is the one studyplan was opening the database for (the ``learner``
setting, ``STUDYPLAN_LEARNER``, else the operating-system user), so a single user sees
everything they had. Primary keys and unique constraints gain the learner: two learners
may each have progress on, and a note about, the same resource.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import context, op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OWNED = (
    "progress",
    "note",
    "note_version",
    "activity",
    "study_session",
    "preference",
    "lab_progress",
    "lab_attempt",
    "pace",
)
KEYED = {"progress": "resource_id", "preference": "key", "lab_progress": "lab_id"}
"""Tables whose primary key becomes (learner, this column)."""

NOTES_OF_RESOURCE = "(SELECT group_concat(body, ' ') FROM note WHERE resource_id = new.resource_id)"

NOTE_TRIGGERS = {
    "note_fts_ai": f"""
        CREATE TRIGGER note_fts_ai AFTER INSERT ON note WHEN new.resource_id IS NOT NULL BEGIN
          UPDATE resource_fts SET notes = {NOTES_OF_RESOURCE}
          WHERE rowid = (SELECT rowid FROM resource WHERE id = new.resource_id);
        END""",
    "note_fts_au": f"""
        CREATE TRIGGER note_fts_au AFTER UPDATE OF body ON note
        WHEN new.resource_id IS NOT NULL BEGIN
          UPDATE resource_fts SET notes = {NOTES_OF_RESOURCE}
          WHERE rowid = (SELECT rowid FROM resource WHERE id = new.resource_id);
        END""",
}
"""The search index's triggers on ``note`` (SQLite drops them when the table is rebuilt): the
index now holds the notes of every learner on a resource; search keeps a learner's hits that
their own text explains."""


PG_FUNCTIONS = (
    """CREATE OR REPLACE FUNCTION studyplan_role_learner() RETURNS varchar
    LANGUAGE sql STABLE AS $$
      SELECT name FROM learner WHERE role_name = current_user AND removed_at IS NULL
    $$""",
    """CREATE OR REPLACE FUNCTION studyplan_learner() RETURNS varchar
    LANGUAGE sql STABLE AS $$
      SELECT COALESCE(studyplan_role_learner(),
                      NULLIF(current_setting('studyplan.learner', true), ''))
    $$""",
)
"""On PostgreSQL: the learner of the login role (a group member), and the learner of the
connection (the member's, else the one studyplan named when it connected)."""


def _default_learner() -> str:
    name = context.config.attributes.get("learner") or os.environ.get("STUDYPLAN_LEARNER")
    if name:
        return str(name)
    from studyplan.learner_names import system_learner

    return system_learner()


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade() -> None:
    sqlite = _sqlite()
    op.create_table(
        "learner",
        sa.Column("name", sa.String(length=63), nullable=False),
        sa.Column("role_name", sa.String(length=63), nullable=True),
        sa.Column("share_notes", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("removed_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("name"),
        sa.UniqueConstraint("role_name"),
    )
    name = _default_learner()
    bind = op.get_bind()
    has_rows = any(
        bind.execute(sa.text(f"SELECT 1 FROM {table} LIMIT 1")).first() for table in OWNED
    )
    if has_rows:
        learner = sa.table(
            "learner",
            sa.column("name", sa.String),
            sa.column("share_notes", sa.Boolean),
            sa.column("created_at", sa.DateTime),
        )
        op.bulk_insert(
            learner,
            [{"name": name, "share_notes": False, "created_at": datetime.now(UTC)}],
        )
    if not sqlite:
        for sql in PG_FUNCTIONS:
            op.execute(sql)
    for table in OWNED:
        op.add_column(table, sa.Column("learner", sa.String(length=63), nullable=True))
        op.execute(sa.text(f"UPDATE {table} SET learner = :name").bindparams(name=name))
        _own(table, sqlite)
    if sqlite and _has_fts():
        for sql in NOTE_TRIGGERS.values():
            op.execute(sql)


def _own(table: str, sqlite: bool) -> None:
    naming = {"uq": "uq_%(table_name)s_%(column_0_name)s"}
    with (
        warnings.catch_warnings(),
        op.batch_alter_table(table, naming_convention=naming) as batch,
    ):
        # SQLite rebuilds the table; SQLAlchemy warns that the reflected primary key differs
        # from the new one, which is the point.
        warnings.filterwarnings("ignore", "Table '_alembic_tmp_", sa.exc.SAWarning)
        batch.alter_column("learner", existing_type=sa.String(length=63), nullable=False)
        batch.create_foreign_key(
            f"fk_{table}_learner", "learner", ["learner"], ["name"], ondelete="CASCADE"
        )
        if table in KEYED:
            if not sqlite:
                batch.drop_constraint(f"{table}_pkey", type_="primary")
            batch.create_primary_key(f"{table}_pkey", ["learner", KEYED[table]])
        else:
            batch.create_index(f"ix_{table}_learner", ["learner"])
        if table == "note":
            for column in ("resource_id", "step_id"):
                old = f"uq_note_{column}" if sqlite else f"note_{column}_key"
                batch.drop_constraint(old, type_="unique")
                batch.create_index(f"ix_note_{column}", [column])
            batch.create_unique_constraint("uq_note_learner_resource", ["learner", "resource_id"])
            batch.create_unique_constraint("uq_note_learner_step", ["learner", "step_id"])
        if table == "pace":
            batch.create_unique_constraint("uq_pace_learner", ["learner"])


def _has_fts() -> bool:
    query = sa.text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'resource_fts'")
    return op.get_bind().execute(query).first() is not None


def downgrade() -> None:
    """Back to one learner: the rows of every other learner are removed."""
    sqlite = _sqlite()
    bind = op.get_bind()
    keep = bind.execute(
        sa.text("SELECT learner FROM progress GROUP BY learner ORDER BY COUNT(*) DESC LIMIT 1")
    ).scalar()
    for table in reversed(OWNED):
        if keep is not None:
            op.execute(sa.text(f"DELETE FROM {table} WHERE learner <> :keep").bindparams(keep=keep))
        _disown(table, sqlite)
    if not sqlite:
        op.execute("DROP FUNCTION IF EXISTS studyplan_learner()")
        op.execute("DROP FUNCTION IF EXISTS studyplan_role_learner()")
    op.drop_table("learner")
    if sqlite and _has_fts():
        for sql in NOTE_TRIGGERS.values():
            op.execute(sql.replace(NOTES_OF_RESOURCE, "new.body"))


def _disown(table: str, sqlite: bool) -> None:
    with op.batch_alter_table(table) as batch:
        if table == "note":
            batch.drop_constraint("uq_note_learner_resource", type_="unique")
            batch.drop_constraint("uq_note_learner_step", type_="unique")
            for column in ("resource_id", "step_id"):
                batch.drop_index(f"ix_note_{column}")
                batch.create_unique_constraint(
                    f"uq_note_{column}" if sqlite else f"note_{column}_key", [column]
                )
        if table == "pace":
            batch.drop_constraint("uq_pace_learner", type_="unique")
        if table in KEYED:
            batch.drop_constraint(f"{table}_pkey", type_="primary")
            batch.create_primary_key(f"{table}_pkey", [KEYED[table]])
        else:
            batch.drop_index(f"ix_{table}_learner")
        batch.drop_constraint(f"fk_{table}_learner", type_="foreignkey")
        batch.drop_column("learner")
