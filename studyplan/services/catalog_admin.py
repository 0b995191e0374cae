"""Curate the catalog: validate files, sync, import a second curriculum."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlmodel import col, select

from studyplan.catalog.id_clashes import clash_problems, other_curricula_ids
from studyplan.catalog.loader import CatalogDocument, CatalogInvalid, CatalogIssue, read_catalog
from studyplan.catalog.semantic_checks import Problem
from studyplan.catalog.sync import SyncReport, sync_catalog
from studyplan.catalog.vocabulary import PRIMARY_ID
from studyplan.db.database import Database
from studyplan.db.models import Curriculum
from studyplan.errors import CatalogError, UsageError
from studyplan.services.workspace import sync_file


def validate_file(
    path: Path, db: Database | None = None, curriculum_id: str | None = None
) -> list[CatalogIssue]:
    """Every problem in the catalog at ``path``, in file order (empty when it is valid).

    Given ``db``, also every resource id another curriculum's catalog already uses there (an
    import or sync would refuse those). ``curriculum_id`` is the curriculum the file would
    sync into: 'main' for the configured catalog; by default the slug of its source title.
    """
    try:
        document = read_catalog(path)
    except CatalogInvalid as exc:
        return exc.issues
    except CatalogError as exc:
        return [CatalogIssue(str(path), "", exc.message.removeprefix(f"{path}: "))]
    _spec, problems = document.check()
    if curriculum_id is None and db is not None and _is_main_version(db, document):
        curriculum_id = PRIMARY_ID  # an edited copy of the configured catalog
    curriculum_id = curriculum_id or document.slug()
    if db is not None and curriculum_id is not None:
        problems += _clashes(db, document, curriculum_id)
    return document.issues(problems)


def _clashes(db: Database, document: CatalogDocument, curriculum_id: str) -> list[Problem]:
    with db.read() as session:
        owners = other_curricula_ids(session, curriculum_id)
    return clash_problems(document.resource_ids(), owners)


def _is_main_version(db: Database, document: CatalogDocument) -> bool:
    """Whether ``document`` is a version of the main catalog (its source has the same title)."""
    from studyplan.catalog.schema import slug_of

    with db.read() as session:
        main = session.get(Curriculum, PRIMARY_ID)
    return main is not None and slug_of(main.title) == document.slug()


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
    """Add the catalog at ``path`` as another curriculum (its id comes from its title).

    Refuses, before writing anything, a file with problems or with ids that another
    curriculum already uses (every one is listed by ``studyplan catalog validate FILE``).
    """
    document = read_catalog(path)
    spec, problems = document.check()
    if spec is None or problems or document.yaml_problems:
        raise CatalogInvalid(document.issues(problems))
    if spec.slug == PRIMARY_ID:
        raise CatalogError(f"{path}: 'main' is reserved; give the source another title")
    with db.read() as session:
        existing = session.get(Curriculum, spec.slug)
    resolved = path.resolve()
    if existing is not None and existing.source_file != str(resolved):
        raise CatalogError(
            f"{path}: a curriculum '{spec.slug}' was already imported from {existing.source_file}; "
            "run 'studyplan catalog sync' on that file, or change this one's source title"
        )
    clashes = _clashes(db, document, spec.slug)
    if clashes:
        raise CatalogInvalid(document.issues(clashes))
    sha = hashlib.sha256(document.raw).hexdigest()
    return db.write(
        lambda session: sync_catalog(session, spec, resolved, sha, spec.slug), as_learner=False
    )
