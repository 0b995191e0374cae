"""Copies of the SQLite database in the backups folder.

A copy is made before a schema upgrade and, at most once a day, before the first write of
the day, so that a copy exists when a damaged file is found. Names carry a UTC time stamp
(``studyplan-20261126T070606.123456Z-daily.db``); names of earlier versions, in local time
(``studyplan-20260101-000000-000000-rev0001.db``), are still read. The newest copy is found
by the time in its name, never by sorting names, so a daylight-saving change cannot mislead.
"""

from __future__ import annotations

import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from studyplan import paths

DAILY = "daily"
"""Label of the copy made before the first write of a day."""
DEFAULT_KEEP = 7
"""How many copies are kept when the ``backups_keep`` setting does not say."""

_NEW = re.compile(r"^studyplan-(?P<at>\d{8}T\d{6}\.\d{6})Z(?:-(?P<label>[\w.-]+))?\.db$")
_OLD = re.compile(r"^studyplan-(?P<at>\d{8}-\d{6}-\d{6})(?:-(?P<label>[\w.-]+))?\.db$")


@dataclass(frozen=True)
class Backup:
    """One copy in the backups folder."""

    path: Path
    taken_at: datetime
    """When it was made, in UTC."""
    label: str


def parse_name(name: str) -> tuple[datetime, str] | None:
    """The UTC time and label of a backup file name, or None if it is not one."""
    match = _NEW.match(name)
    if match:
        at = datetime.strptime(match["at"], "%Y%m%dT%H%M%S.%f").replace(tzinfo=UTC)
        return at, match["label"] or ""
    match = _OLD.match(name)
    if match:
        local = datetime.strptime(match["at"], "%Y%m%d-%H%M%S-%f")
        return local.astimezone().astimezone(UTC), match["label"] or ""
    return None


def list_backups(folder: Path | None = None) -> list[Backup]:
    """Every backup in ``folder`` (default: the backups folder), oldest first."""
    folder = folder or paths.backups_dir()
    if not folder.is_dir():
        return []
    found = []
    for path in folder.glob("studyplan-*.db"):
        parsed = parse_name(path.name)
        if parsed is not None:
            found.append(Backup(path, parsed[0], parsed[1]))
    return sorted(found, key=lambda b: (b.taken_at, b.path.name))


def latest_backup() -> Path | None:
    """The newest backup file, if any."""
    backups = list_backups()
    return backups[-1].path if backups else None


def backup_database(file: str, label: str = "", now: datetime | None = None) -> Path:
    """Copy the SQLite database ``file`` into the backups folder; return the copy's path.

    The copy is written under a temporary name and renamed, so a half-written copy never
    looks like a backup.
    """
    folder = paths.backups_dir()
    folder.mkdir(parents=True, exist_ok=True)
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%S.%fZ")
    suffix = f"-{label}" if label else ""
    target = folder / f"studyplan-{stamp}{suffix}.db"
    partial = folder / f".{target.name}.{os.getpid()}.partial"
    source = sqlite3.connect(f"{Path(file).resolve().as_uri()}?mode=ro", uri=True)
    try:
        destination = sqlite3.connect(partial)
        try:
            source.backup(destination)
        finally:
            destination.close()
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        source.close()
    partial.replace(target)
    return target


def ensure_daily_backup(file: str, keep: int, now: datetime | None = None) -> Path | None:
    """Make today's copy (UTC) if none exists yet and keep the newest ``keep`` copies.

    Returns the new copy, or None when there was one already or ``keep`` is 0.
    """
    if keep <= 0:
        return None
    now = now or datetime.now(UTC)
    if _made_today(now):
        return None
    from filelock import FileLock, Timeout

    folder = paths.backups_dir()
    folder.mkdir(parents=True, exist_ok=True)
    try:
        with FileLock(str(folder / ".daily.lock"), timeout=60):
            if _made_today(now):  # another studyplan made it while this one waited
                return None
            made = backup_database(file, DAILY, now)
            prune(keep, protect=made)
            return made
    except Timeout:
        return None


def daily_backup_warning(file: str, keep: int) -> str | None:
    """:func:`ensure_daily_backup`; a copy that fails is a warning line, never an error.

    A failed copy must not block the write that follows: the caller shows the line.
    """
    try:
        ensure_daily_backup(file, keep)
    except (OSError, sqlite3.Error) as exc:
        return f"could not copy the database to the backups folder ({exc})"
    return None


def _made_today(now: datetime) -> bool:
    return any(b.taken_at.date() == now.date() for b in list_backups())


def prune(keep: int, protect: Path | None = None) -> list[Path]:
    """Delete all but the newest ``keep`` backups (never ``protect``); return what went."""
    backups = list_backups()
    removed = []
    for backup in backups[: max(0, len(backups) - keep)]:
        if backup.path == protect:
            continue
        try:
            backup.path.unlink()
        except OSError:
            continue
        removed.append(backup.path)
    return removed
