"""Practice labs: the catalog's labs, the learner's progress and attempts.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "lab",
        sa.Column("id", sa.String(length=120), nullable=False),
        sa.Column("step_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("follows", sa.String(length=120), nullable=False),
        sa.Column("brief", sa.Text(), nullable=False),
        sa.Column("hints", sa.Text(), nullable=False),
        sa.Column("folder", sa.Text(), nullable=False),
        sa.Column("time_limit", sa.Float(), nullable=False),
        sa.Column("memory_mb", sa.Integer(), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["step_id"], ["step.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_lab_step_position", "lab", ["step_id", "position"])
    op.create_table(
        "lab_progress",
        sa.Column("lab_id", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("passed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("hints_shown", sa.Integer(), nullable=False),
        sa.Column("solution_seen", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["lab_id"], ["lab.id"]),
        sa.PrimaryKeyConstraint("lab_id"),
    )
    op.create_table(
        "lab_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lab_id", sa.String(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("failing", sa.Text(), nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["lab_id"], ["lab.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_lab_attempt_lab_id", "lab_attempt", ["lab_id"])
    op.create_index("ix_lab_attempt_at", "lab_attempt", ["at"])


def downgrade() -> None:
    op.drop_index("ix_lab_attempt_at", table_name="lab_attempt")
    op.drop_index("ix_lab_attempt_lab_id", table_name="lab_attempt")
    op.drop_table("lab_attempt")
    op.drop_table("lab_progress")
    op.drop_index("ix_lab_step_position", table_name="lab")
    op.drop_table("lab")
