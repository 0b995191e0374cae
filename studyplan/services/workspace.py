"""Open everything a command needs: settings, the database at head, the catalog in sync."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from sqlmodel import Session, col, select

from studyplan.catalog.vocabulary import PRIMARY_ID
from studyplan.db.database import Database, WaitCallback, WarnCallback
from studyplan.db.models import Curriculum
from studyplan.db.open import open_database
from studyplan.errors import CatalogError
from studyplan.settings import Settings, load_settings

if TYPE_CHECKING:
    from studyplan.catalog.sync import SyncReport


def file_sha(path: Path) -> str:
    """SHA-256 of a file's bytes: change detection without parsing YAML."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def open_workspace(
    settings: Settings | None = None,
    sync: bool = True,
    on_wait: WaitCallback | None = None,
    on_warning: WarnCallback | None = None,
) -> Database:
    """Open the database of ``settings`` and, if ``sync``, bring the main catalog up to date.

    The catalog is parsed only when its bytes changed since the last sync. A catalog that
    cannot be read or is invalid does not stop the work when ``on_warning`` is given: it is
    told one line, and the database stays as last synced (without it, the error is raised).
    """
    settings = settings or load_settings()
    db = open_database(
        settings.resolved_database_url,
        settings.busy_timeout_seconds,
        settings.backups_keep,
        on_wait=on_wait,
        learner=settings.learner_name,
    )
    db.on_wait = on_wait
    db.on_warning = on_warning
    if on_warning is not None:
        _warn_if_password_exposed(settings, on_warning)
    if db.group_member:  # the organiser keeps the group's catalog; the learner their choice
        sync = False
        from studyplan.services.group import sync_share_notes

        sync_share_notes(db, settings.share_notes)
    if sync:
        try:
            ensure_catalog_synced(db, settings.catalog_path)
        except CatalogError as exc:
            if on_warning is None:
                db.dispose()
                raise
            on_warning(
                f"{exc}; going on with the catalog as last synced "
                "(fix it, then 'studyplan catalog validate' checks it)"
            )
    return db


def ensure_catalog_synced(db: Database, catalog: Path) -> SyncReport | None:
    """Sync the main catalog if it changed since the last sync; return what changed."""
    catalog = catalog.resolve()
    try:
        sha = file_sha(catalog)
    except FileNotFoundError:
        raise CatalogError(f"{catalog}: no such file; check the 'catalog' setting") from None
    except OSError as exc:
        raise CatalogError(f"{catalog}: cannot read ({exc.strerror})") from None
    with db.read() as session:
        if _is_synced(session, catalog, sha):
            return None
    if db.read_only:
        raise CatalogError(f"{catalog} changed, but the database is read-only and cannot follow")
    return sync_file(db, catalog, PRIMARY_ID, sha, skip_if_synced=True)


def _is_synced(session: Session, catalog: Path, sha: str) -> bool:
    stored = session.execute(
        select(col(Curriculum.catalog_sha), col(Curriculum.source_file)).where(
            col(Curriculum.id) == PRIMARY_ID
        )
    ).first()
    return stored is not None and stored[0] == sha and stored[1] == str(catalog)


def sync_file(
    db: Database,
    path: Path,
    curriculum_id: str,
    sha: str | None = None,
    skip_if_synced: bool = False,
) -> SyncReport:
    """Load ``path`` and sync it into ``curriculum_id`` in one transaction.

    ``skip_if_synced``: another process may have synced the same bytes while this one was
    parsing (twenty first runs at once); inside the transaction, check again and do nothing.
    """
    from studyplan.catalog.loader import load_catalog
    from studyplan.catalog.sync import SyncReport, sync_catalog

    path = path.resolve()
    spec = load_catalog(path)
    digest = sha or file_sha(path)

    def work(session: Session) -> SyncReport:
        if skip_if_synced and _is_synced(session, path, digest):
            return SyncReport(curriculum_id)
        return sync_catalog(session, spec, path, digest, curriculum_id)

    return db.write(work, as_learner=False)


def _warn_if_password_exposed(settings: Settings, warn: WarnCallback) -> None:
    """A settings file holding a database password must be the learner's alone (0600)."""
    import stat

    source = Path(settings.source) if settings.source else None
    if source is None or not settings.database_url or "@" not in settings.database_url:
        return
    from sqlalchemy.engine import make_url

    try:
        if not make_url(settings.database_url).password:
            return
        mode = source.stat().st_mode
        in_file = "database_url" in source.read_text(encoding="utf-8")
    except (OSError, ValueError, UnicodeDecodeError):
        return
    if in_file and mode & (stat.S_IRWXG | stat.S_IRWXO):
        warn(
            f"{source} holds a database password and other users can read it; "
            f"make it yours alone: chmod 600 '{source}'"
        )
