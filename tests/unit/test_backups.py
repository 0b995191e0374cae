"""Database copies: one a day before the first write, the newest kept, found by their time."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from studyplan import paths
from studyplan.db.backups import (
    backup_database,
    ensure_daily_backup,
    latest_backup,
    list_backups,
    parse_name,
)
from studyplan.db.database import Database
from studyplan.services.progress import set_status
from studyplan.settings import Settings

pytestmark = pytest.mark.sqlite_only  # copies of the SQLite file


def test_new_names_are_utc_and_old_local_names_are_still_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TZ", "Europe/Paris")
    time.tzset()
    try:
        parsed = parse_name("studyplan-20260701-120000-000000-rev0003.db")
        assert parsed == (datetime(2026, 7, 1, 10, 0, tzinfo=UTC), "rev0003")  # CEST = UTC+2
        assert parse_name("studyplan-20261126T070606.123456Z-daily.db") == (
            datetime(2026, 11, 26, 7, 6, 6, 123456, tzinfo=UTC),
            "daily",
        )
        assert parse_name("notes.db") is None
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_latest_is_chosen_by_time_not_by_name(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Local-time names and UTC names do not sort by time; the time in the name does."""
    monkeypatch.setenv("TZ", "Europe/Paris")
    time.tzset()
    try:
        folder = paths.backups_dir()
        folder.mkdir(parents=True)
        # 00:30 on 27 October 2025 in Paris (UTC+1 after the clocks went back) is 23:30 UTC
        # on the 26th ...
        old_local = folder / "studyplan-20251027-003000-000000-rev0001.db"
        # ... so a copy made at 23:45 UTC on the 26th is newer, though its name sorts first.
        new_utc = folder / "studyplan-20251026T234500.000000Z-daily.db"
        for path in (old_local, new_utc):
            path.write_bytes(b"")
        assert sorted(p.name for p in (old_local, new_utc))[-1] == old_local.name
        assert latest_backup() == new_utc
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_daily_copy_once_a_day_keeping_the_newest(db: Database, settings: Settings) -> None:
    file = db.file
    assert file is not None
    start = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    for day in range(10):
        now = start + timedelta(days=day)
        assert ensure_daily_backup(file, keep=3, now=now) is not None
        assert ensure_daily_backup(file, keep=3, now=now + timedelta(hours=5)) is None
    kept = list_backups()
    assert [b.taken_at.date().day for b in kept] == [8, 9, 10]
    assert ensure_daily_backup(file, keep=0) is None


def test_a_copy_is_never_half_written(db: Database) -> None:
    file = db.file
    assert file is not None
    copy = backup_database(file, "manual")
    assert copy.stat().st_size == Path(file).stat().st_size or copy.stat().st_size > 0
    assert not [p for p in paths.backups_dir().iterdir() if p.name.endswith(".partial")]


def test_first_write_makes_the_daily_copy_and_a_failed_copy_never_blocks(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    db.created_now = False
    warnings: list[str] = []
    db.on_warning = warnings.append
    folder = paths.backups_dir()
    folder.parent.mkdir(parents=True, exist_ok=True)
    folder.write_text("a file where the folder should be")  # the copy cannot be made
    set_status(db, "1.1", "done")
    assert warnings and "could not copy the database" in warnings[0]
    os.remove(folder)
    assert set_status(db, "1.2", "done").after == "done"  # one check per process
    assert not folder.exists()
