"""Migrations: the scripts match the models, and old databases upgrade without loss."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine
from sqlmodel import SQLModel

import studyplan.db.models  # noqa: F401
from studyplan.db import migrate, revision
from studyplan.db.engine import make_engine
from studyplan.db.open import open_database
from studyplan.services.catalog_query import get_resource
from studyplan.services.notes import get_note
from studyplan.services.workspace import open_workspace
from studyplan.settings import Settings


def include(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """Leave out what no model has: SQLite's FTS5 table, PostgreSQL's search columns."""
    if type_ == "table" and name is not None and name.startswith("resource_fts"):
        return False
    if type_ == "column" and name == "search_vector":
        return False
    return not (type_ == "index" and name in {"ix_resource_search_vector", "ix_note_search_vector"})


def test_known_revisions_match_the_scripts() -> None:
    assert list(revision.KNOWN) == migrate.script_revisions()


def test_empty_to_head_matches_the_models(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    open_database(url).dispose()
    engine = create_engine(url)
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"include_object": include, "compare_type": True}
        )
        diff = compare_metadata(context, SQLModel.metadata)
    assert diff == []


def test_every_revision_downgrades(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'down.db'}"
    db = open_database(url)
    migrate.downgrade(db.engine, "base")
    with db.engine.connect() as conn:
        names = {
            r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='table'")
        }
    assert names == {"alembic_version"}


def test_old_database_with_progress_upgrades_without_loss(home: Path, settings: Settings) -> None:
    db = open_workspace(settings)
    file = db.file
    assert file is not None
    from studyplan.services.notes import save_note
    from studyplan.services.progress import set_status

    set_status(db, "backprop-post", "done")
    save_note(db, "intro-video", "watched twice")
    migrate.downgrade(db.engine, "0001")
    db.dispose()
    with sqlite3.connect(file) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)

    upgraded = open_workspace(settings)
    assert get_resource(upgraded, "backprop-post").status == "done"
    note = get_note(upgraded, "intro-video")
    assert note is not None and note.body == "watched twice"
    backups = list((home / "backups").glob("studyplan-*-rev0001.db"))
    assert len(backups) == 1
    with sqlite3.connect(backups[0]) as conn:
        assert conn.execute("SELECT status FROM progress").fetchall() == [("done",)]
    # the search index was rebuilt from the existing rows, notes included
    from studyplan.services.search import search

    assert [v.id for v in search(upgraded, "twice")] == ["intro-video"]
    upgraded.dispose()


def test_startup_at_head_does_not_import_alembic(db: object, settings: Settings) -> None:
    code = (
        "import sys; from studyplan.services.workspace import open_workspace; "
        "from studyplan.settings import load_settings; open_workspace(load_settings()); "
        "print('alembic' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_newer_database_is_refused(tmp_path: Path) -> None:
    from studyplan.errors import DatabaseError

    url = f"sqlite:///{tmp_path / 'future.db'}"
    open_database(url).dispose()
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    engine.dispose()
    try:
        open_database(url)
    except DatabaseError as exc:
        assert "newer than this studyplan knows" in exc.message
    else:
        raise AssertionError("a database from a newer studyplan was opened")


def test_the_lab_tables_come_and_go_with_revision_0007(home: Path, settings: Settings) -> None:
    """0006 -> 0007 adds the labs without touching progress; 0007 -> 0006 removes only them."""
    from studyplan.services.progress import set_status

    db = open_workspace(settings)
    file = db.file
    assert file is not None
    set_status(db, "intro-video", "done")
    migrate.downgrade(db.engine, "0006")
    with sqlite3.connect(file) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert not {"lab", "lab_progress", "lab_attempt"} & tables
        assert conn.execute("SELECT status FROM progress").fetchall() == [("done",)]
    db.dispose()
    upgraded = open_workspace(settings)
    with sqlite3.connect(file) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert {"lab", "lab_progress", "lab_attempt"} <= tables
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (
            revision.HEAD,
        )
    assert get_resource(upgraded, "intro-video").status == "done"
    upgraded.dispose()


def test_the_pace_table_comes_and_goes_with_revision_0008(home: Path, settings: Settings) -> None:
    """0007 -> 0008 adds the pace without touching progress; the downgrade removes only it."""
    from studyplan.services.progress import set_status

    db = open_workspace(settings)
    file = db.file
    assert file is not None
    set_status(db, "intro-video", "done")
    migrate.downgrade(db.engine, "0007")
    with sqlite3.connect(file) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert "pace" not in tables
        assert conn.execute("SELECT status FROM progress").fetchall() == [("done",)]
    db.dispose()
    upgraded = open_workspace(settings)
    with sqlite3.connect(file) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert "pace" in tables
    assert get_resource(upgraded, "intro-video").status == "done"
    upgraded.dispose()


def test_revision_0010_gives_single_user_rows_to_the_default_learner(
    home: Path, settings: Settings
) -> None:
    """A database of one learner, made before learners existed, is theirs after 0010 (the
    learner studyplan opens it for), with nothing lost; the downgrade keeps it too."""
    from studyplan.services.notes import note_history, save_note
    from studyplan.services.preferences import set_preference
    from studyplan.services.progress import set_status
    from studyplan.services.timer import stop_timer, toggle_timer

    db = open_workspace(settings)
    file = db.file
    assert file is not None
    set_status(db, "backprop-post", "done")
    save_note(db, "intro-video", "first")
    save_note(db, "intro-video", "second")
    toggle_timer(db, "intro-video")
    stop_timer(db)
    set_preference(db, "theme", "nord")
    migrate.downgrade(db.base_engine, "0009")
    db.dispose()
    with sqlite3.connect(file) as conn:
        columns = {r[1] for r in conn.execute("PRAGMA table_info(progress)")}
        assert "learner" not in columns
        counts = {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in OWNED}

    mine = settings.with_values(learner="ada")
    upgraded = open_workspace(mine)
    assert upgraded.learner == "ada"
    assert get_resource(upgraded, "backprop-post").status == "done"
    assert [body for _, body in note_history(upgraded, "intro-video")] == ["first"]
    with sqlite3.connect(file) as conn:
        for table, count in counts.items():
            rows = conn.execute(f"SELECT learner, COUNT(*) FROM {table} GROUP BY learner")
            assert dict(rows.fetchall()) == ({"ada": count} if count else {}), table
        assert conn.execute("SELECT name FROM learner").fetchall() == [("ada",)]
    # another learner on the same file sees none of it
    other = open_workspace(settings.with_values(learner="bob"))
    assert get_resource(other, "backprop-post").status == "todo"
    assert get_note(other, "intro-video") is None
    other.dispose()
    # the search index still holds the note (the note triggers were rebuilt with the table)
    from studyplan.services.search import search

    save_note(upgraded, "intro-video", "third")
    assert [v.id for v in search(upgraded, "third")] == ["intro-video"]
    upgraded.dispose()


OWNED = ("progress", "note", "note_version", "activity", "study_session", "preference")
