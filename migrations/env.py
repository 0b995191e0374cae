"""Alembic environment for studyplan.

studyplan runs migrations itself (``studyplan.db.migrate``) and hands over a connection in
``config.attributes["connection"]``. Run by hand, ``alembic`` uses ``sqlalchemy.url`` or
``STUDYPLAN_DATABASE_URL``.
"""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import create_engine
from sqlmodel import SQLModel

import studyplan.db.models  # noqa: F401  (registers the tables)

config = context.config
target_metadata = SQLModel.metadata

FTS_TABLE_PREFIX = "resource_fts"
SEARCH_COLUMN = "search_vector"
"""PostgreSQL's generated tsvector column on resource and note (revision 0009)."""
SEARCH_INDEXES = {"ix_resource_search_vector", "ix_note_search_vector"}


def include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """Leave the full-text indexes (SQLite's FTS5 table, PostgreSQL's tsvector columns and
    their GIN indexes: no model has them) out of comparisons."""
    if name is None:
        return True
    if type_ == "table":
        return not name.startswith(FTS_TABLE_PREFIX)
    if type_ == "column":
        return name != SEARCH_COLUMN
    if type_ == "index":
        return name not in SEARCH_INDEXES
    return True


def run_migrations_online() -> None:
    """Run the migrations on the connection studyplan gave, or on a new one."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url") or os.environ["STUDYPLAN_DATABASE_URL"]
    with create_engine(url).connect() as conn:
        _run(conn)
        conn.commit()


def _run(connection: object) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        include_object=include_object,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
