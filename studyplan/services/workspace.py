"""Open everything a command needs: settings, the database at head, the catalog in sync."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from sqlmodel import col, select

from studyplan.catalog.vocabulary import PRIMARY_ID
from studyplan.db.database import Database
from studyplan.db.models import Curriculum
from studyplan.db.open import open_database
from studyplan.errors import CatalogError
from studyplan.settings import Settings, load_settings

if TYPE_CHECKING:
    from studyplan.catalog.sync import SyncReport


def file_sha(path: Path) -> str:
    """SHA-256 of a file's bytes: change detection without parsing YAML."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def open_workspace(settings: Settings | None = None, sync: bool = True) -> Database:
    """Open the database of ``settings`` and, if ``sync``, bring the main catalog up to date.

    The catalog is parsed only when its bytes changed since the last sync.
    """
    settings = settings or load_settings()
    db = open_database(settings.resolved_database_url, settings.busy_timeout_seconds)
    if sync:
        ensure_catalog_synced(db, settings.catalog_path)
    return db


def ensure_catalog_synced(db: Database, catalog: Path) -> SyncReport | None:
    """Sync the main catalog if it changed since the last sync; return what changed."""
    catalog = catalog.resolve()
    try:
        sha = file_sha(catalog)
    except FileNotFoundError:
        raise CatalogError(f"{catalog}: no such file; check the 'catalog' setting") from None
    with db.read() as session:
        stored = session.execute(
            select(col(Curriculum.catalog_sha), col(Curriculum.source_file)).where(
                col(Curriculum.id) == PRIMARY_ID
            )
        ).first()
    if stored is not None and stored[0] == sha and stored[1] == str(catalog):
        return None
    return sync_file(db, catalog, PRIMARY_ID, sha)


def sync_file(db: Database, path: Path, curriculum_id: str, sha: str | None = None) -> SyncReport:
    """Load ``path`` and sync it into ``curriculum_id`` in one transaction."""
    from studyplan.catalog.loader import load_catalog
    from studyplan.catalog.sync import sync_catalog

    path = path.resolve()
    spec = load_catalog(path)
    digest = sha or file_sha(path)
    return db.write(lambda session: sync_catalog(session, spec, path, digest, curriculum_id))
