"""Resources the learner adds to a step themselves (``studyplan add``).

They are checked as the catalog checks its own (the same URL rule, a known kind, a bounded
number of minutes), never get an id that reads as a step reference (``step-2``), and an
address already in the catalog is refused unless the learner insists (``--force``).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import func
from sqlmodel import Session, col, select

from studyplan.catalog.schema import SLUG, check_text, check_url, is_reserved_id
from studyplan.catalog.vocabulary import KINDS, MAX_MINUTES, PRIMARY_ID
from studyplan.db.database import Database
from studyplan.db.models import Resource, Step, dump_json, utcnow
from studyplan.errors import NotFoundError, UsageError
from studyplan.services.catalog_query import find_view
from studyplan.services.views import ResourceView

USER_POSITION_BASE = 1_000_000
"""Resources the learner adds sort after every catalog resource of their step."""


def add_resource(
    db: Database,
    url: str,
    step: int,
    title: str,
    kind: str,
    minutes: int = 0,
    tags: list[str] | None = None,
    force: bool = False,
) -> ResourceView:
    """Add the learner's own resource at the end of step ``step`` of the main curriculum."""
    url, title = _checked(url, title, kind, minutes)
    tags = _checked_tags(tags)

    def work(session: Session) -> ResourceView:
        step_row = session.execute(
            select(Step).where(
                col(Step.curriculum_id) == PRIMARY_ID,
                col(Step.number) == step,
                col(Step.retired_at).is_(None),
            )
        ).scalar_one_or_none()
        if step_row is None or step_row.id is None:
            raise NotFoundError(f"no step {step}; 'studyplan steps' lists them")
        if not force:
            _refuse_known_url(session, url)
        rid = free_id(session, title)
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

    return db.write(work, as_learner=False)


def _checked(url: str, title: str, kind: str, minutes: int) -> tuple[str, str]:
    try:
        url = check_url(url)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    try:
        title = check_text(title)
    except ValueError:
        raise UsageError("the title must not be empty") from None
    if kind not in KINDS:
        raise UsageError(f"unknown kind '{kind}'; use one of: {', '.join(KINDS)}")
    if not 0 <= minutes <= MAX_MINUTES:
        raise UsageError(f"minutes must be between 0 and {MAX_MINUTES}, not {minutes}")
    return url, title


def _checked_tags(tags: list[str] | None) -> list[str]:
    cleaned = [tag.strip() for tag in tags or []]
    if any(not tag for tag in cleaned):
        raise UsageError("a --tag must not be empty")
    return list(dict.fromkeys(cleaned))


DEFAULT_PORTS = {"http": 80, "https": 443}


def url_key(url: str) -> str:
    """What makes two addresses the same: scheme and host in lower case, the default port
    left out, no fragment, no trailing slash (``HTTP://Example.org:80/a/`` and
    ``http://example.org/a`` match)."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    netloc = parts.netloc.lower()
    try:
        if parts.port == DEFAULT_PORTS.get(scheme):
            netloc = netloc.rsplit(":", 1)[0]
    except ValueError:
        pass
    path = parts.path.rstrip("/")
    return urlunsplit((scheme, netloc, path, parts.query, ""))


def _refuse_known_url(session: Session, url: str) -> None:
    key = url_key(url)
    host = (urlsplit(url).hostname or "").lower()
    query = select(col(Resource.id), col(Resource.url)).where(
        col(Resource.retired_at).is_(None), func.lower(col(Resource.url)).contains(host)
    )
    for rid, existing in session.execute(query):
        if url_key(existing) == key:
            view = find_view(session, rid)
            raise UsageError(
                f"{url} is already there as '{rid}' ({view.ref}: {view.title}); "
                "add --force to add it again"
            )


def free_id(session: Session, title: str) -> str:
    """An unused resource id made from ``title`` (never one that reads as a step reference)."""
    base = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60].strip("-") or "resource"
    if not SLUG.match(base):
        base = "resource"
    if is_reserved_id(base):
        base = f"resource-{base}"
    candidate, n = base, 1
    while session.get(Resource, candidate) is not None:
        n += 1
        candidate = f"{base}-{n}"
    return candidate
