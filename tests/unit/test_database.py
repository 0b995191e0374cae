"""The database handle: corruption, another process writing, non-SQLite URLs."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from studyplan.db.open import backup_database, open_database
from studyplan.errors import DatabaseBusyError, DatabaseError
from studyplan.services.progress import set_status
from studyplan.settings import Settings


def test_corrupt_file_is_reported_with_latest_backup(home: Path, settings: Settings) -> None:
    from studyplan.services.workspace import open_workspace

    db = open_workspace(settings)
    file = Path(db.file or "")
    backup = backup_database(str(file))
    db.dispose()
    data = bytearray(file.read_bytes())
    data[4096:16384] = b"\xff" * 12288  # damage pages 2-4, keep the header
    file.write_bytes(bytes(data))
    with pytest.raises(DatabaseError) as caught:
        open_workspace(settings)
    assert str(file) in caught.value.message
    assert str(backup) in caught.value.message


def test_not_a_database_at_all(home: Path, tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_text("this is not sqlite " * 100)
    with pytest.raises(DatabaseError, match="damaged"):
        open_database(f"sqlite:///{junk}")


def hold_write_lock(file: str, ready: threading.Event, release: threading.Event) -> None:
    """Hold the write lock, as another studyplan would, until told to let go."""
    conn = sqlite3.connect(file, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    ready.set()
    release.wait(60)
    conn.execute("COMMIT")
    conn.close()


def test_waits_for_another_writer_then_succeeds(settings: Settings) -> None:
    from studyplan.services.workspace import open_workspace

    db = open_workspace(settings)
    db.engine.dispose()
    waits: list[int] = []
    ready, release = threading.Event(), threading.Event()

    def waiting(attempt: int, _waited: float) -> None:
        waits.append(attempt)
        release.set()  # the wait was reported: now the other writer finishes

    db.on_wait = waiting
    holder = threading.Thread(target=hold_write_lock, args=(db.file, ready, release))
    holder.start()
    ready.wait()
    change = set_status(db, "intro-video", "done")
    holder.join()
    assert change.after == "done"
    assert waits and waits[0] == 1


def test_gives_up_with_a_clear_message(settings: Settings) -> None:
    from studyplan.services.workspace import open_workspace

    db = open_workspace(settings)
    db.patience_seconds = 1.0
    ready, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=hold_write_lock, args=(db.file, ready, release))
    holder.start()
    ready.wait()
    try:
        with pytest.raises(DatabaseBusyError, match="nothing was changed"):
            set_status(db, "intro-video", "done")
    finally:
        release.set()
        holder.join()
    assert set_status(db, "intro-video", "done").changed


def test_in_memory_database_works(settings: Settings) -> None:
    from studyplan.services.workspace import ensure_catalog_synced

    db = open_database("sqlite://")
    ensure_catalog_synced(db, settings.catalog_path)
    assert set_status(db, "1.1", "in_progress").after == "in_progress"
