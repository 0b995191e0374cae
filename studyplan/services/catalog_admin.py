"""Curate the catalog: validate files, sync, import a second curriculum, add own resources."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, col, select

from studyplan.catalog.loader import CatalogInvalid, CatalogIssue, load_catalog
from studyplan.catalog.schema import KINDS, SLUG, check_text, check_url
from studyplan.catalog.sync import SyncReport
from studyplan.catalog.vocabulary import PRIMARY_ID
from studyplan.db.database import Database
from studyplan.db.models import Curriculum, Resource, Step, dump_json, utcnow
from studyplan.errors import CatalogError, NotFoundError, UsageError
from studyplan.services.catalog_query import find_view
from studyplan.services.views import ResourceView
from studyplan.services.workspace import file_sha, sync_file


def validate_file(path: Path) -> list[CatalogIssue]:
    """Every problem in the catalog at ``path`` (empty when it is valid)."""
    try:
        load_catalog(path)
    except CatalogInvalid as exc:
        return exc.issues
    except CatalogError as exc:
        return [CatalogIssue(str(path), "", exc.message.removeprefix(f"{path}: "))]
    return []


def sync(db: Database, path: Path, primary: Path) -> SyncReport:
    """Sync ``path``: the configured catalog into 'main', an imported one into its own."""
    path = path.resolve()
    if path == primary.resolve():
        return sync_file(db, path, PRIMARY_ID)
    with db.read() as session:
        found = session.execute(
            select(col(Curriculum.id)).where(col(Curriculum.source_file) == str(path))
        ).scalar_one_or_none()
    if found is None:
        raise UsageError(
            f"{path} is neither the configured catalog nor an imported one; "
            "use 'studyplan catalog import FILE', or set STUDYPLAN_CATALOG to use it as the main one"
        )
    return sync_file(db, path, found)


def import_catalog(db: Database, path: Path) -> SyncReport:
    """Add the catalog at ``path`` as another curriculum (its id comes from its title)."""
    spec = load_catalog(path)
    if spec.slug == PRIMARY_ID:
        raise CatalogError(f"{path}: 'main' is reserved; give the source another title")
    with db.read() as session:
        existing = session.get(Curriculum, spec.slug)
    if existing is not None and existing.source_file != str(path.resolve()):
        raise CatalogError(
            f"{path}: a curriculum '{spec.slug}' was already imported from {existing.source_file}; "
            "run 'studyplan catalog sync' on that file, or change this one's source title"
        )
    return sync_file(db, path, spec.slug, file_sha(path))


def add_resource(
    db: Database,
    url: str,
    step: int,
    title: str,
    kind: str,
    minutes: int = 0,
    tags: list[str] | None = None,
) -> ResourceView:
    """Add the learner's own resource at the end of step ``step`` of the main curriculum."""
    try:
        url = check_url(url)
        title = check_text(title)
    except ValueError as exc:
        raise UsageError(str(exc).replace("must not be empty", "title must not be empty")) from None
    if kind not in KINDS:
        raise UsageError(f"unknown kind '{kind}'; use one of: {', '.join(KINDS)}")
    if minutes < 0:
        raise UsageError("minutes must be 0 or more")

    def work(session: Session) -> ResourceView:
        step_row = session.execute(
            select(Step).where(col(Step.curriculum_id) == PRIMARY_ID, col(Step.number) == step)
        ).scalar_one_or_none()
        if step_row is None or step_row.id is None:
            raise NotFoundError(f"no step {step}; 'studyplan steps' lists them")
        rid = _free_id(session, title)
        last = session.execute(
            select(func.max(col(Resource.position))).where(col(Resource.step_id) == step_row.id)
        ).scalar_one()
        now = utcnow()
        session.add(
            Resource(
                id=rid,
                step_id=step_row.id,
                position=max(last or 0, USER_POSITION_BASE) + 1,
                title=title,
                kind=kind,
                url=url,
                minutes=minutes,
                provenance="curated",
                provenance_reason="added by you",
                tags=dump_json(tags or []),
                origin="user",
                created_at=now,
                updated_at=now,
            )
        )
        session.flush()
        return find_view(session, rid)

    return db.write(work)


USER_POSITION_BASE = 1_000_000
"""Resources the learner adds sort after every catalog resource of their step."""


def _free_id(session: Session, title: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60] or "resource"
    if not SLUG.match(base):
        base = "resource"
    candidate, n = base, 1
    while session.get(Resource, candidate) is not None:
        n += 1
        candidate = f"{base}-{n}"
    return candidate
