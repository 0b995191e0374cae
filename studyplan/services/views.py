"""Plain read-only views of catalog rows joined with progress, for printing and the interface."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import Select, and_, func, literal
from sqlalchemy import select as sa_select
from sqlmodel import col, select

from studyplan.catalog.vocabulary import PRIMARY_ID
from studyplan.db.learner_scope import mine
from studyplan.db.models import Curriculum, Note, Progress, Resource, Step


@dataclass(frozen=True)
class ResourceView:
    """A resource as the learner sees it: catalog facts plus their progress."""

    id: str
    curriculum: str
    step: int
    position: int
    title: str
    authors: list[str]
    kind: str
    url: str
    minutes: int
    status: str
    provenance: str
    provenance_reason: str = ""
    advice: str = ""
    tags: list[str] = field(default_factory=list)
    alternatives: list[dict[str, str]] = field(default_factory=list)
    origin: str = "catalog"
    started_at: datetime | None = None
    finished_at: datetime | None = None
    skip_reason: str = ""
    has_note: bool = False
    step_title: str = ""
    retired_at: datetime | None = None
    """When the catalog dropped this resource (its progress and note are kept)."""

    @property
    def ref(self) -> str:
        """The positional reference ``STEP.N`` (prefixed for other curricula; none if retired)."""
        if self.retired_at is not None:
            return "retired"
        prefix = "" if self.curriculum == PRIMARY_ID else f"{self.curriculum}/"
        return f"{prefix}{self.step}.{self.position}"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping (datetimes stay datetimes; the printer formats them)."""
        data = asdict(self)
        data["ref"] = self.ref
        return data


VIEW_COLUMNS = (
    "id",
    "curriculum",
    "step",
    "position",
    "title",
    "authors",
    "kind",
    "url",
    "minutes",
    "status",
    "provenance",
    "provenance_reason",
    "advice",
    "tags",
    "alternatives",
    "origin",
    "started_at",
    "finished_at",
    "skip_reason",
    "note_id",
    "step_title",
    "retired_at",
)
"""The columns a view is built from, by name (:func:`view_select` selects them)."""


def resource_table(*within: Any, include_retired: bool = False) -> Any:
    """Resources as a subquery, with step, curriculum, progress, note presence and
    ``position``: the 1-based rank among the visible resources of the step.

    ``within`` narrows the rows before ranking; pass only whole-step conditions (on
    ``Step`` or ``col(Resource.step_id)``) so that ranks stay right. ``include_retired``
    keeps retired resources (their position is then 0: they have no place in a step).
    """
    rank = func.row_number().over(
        partition_by=col(Resource.step_id), order_by=(col(Resource.position), col(Resource.id))
    )
    retired = col(Resource.retired_at).is_not(None) | col(Step.retired_at).is_not(None)
    position = literal(0) if include_retired else rank
    query = (
        sa_select(
            col(Resource.id).label("id"),
            col(Step.curriculum_id).label("curriculum"),
            col(Step.number).label("step"),
            position.label("position"),
            col(Resource.title).label("title"),
            col(Resource.authors).label("authors"),
            col(Resource.kind).label("kind"),
            col(Resource.url).label("url"),
            col(Resource.minutes).label("minutes"),
            col(Progress.status).label("status"),
            col(Resource.provenance).label("provenance"),
            col(Resource.provenance_reason).label("provenance_reason"),
            col(Resource.advice).label("advice"),
            col(Resource.tags).label("tags"),
            col(Resource.alternatives).label("alternatives"),
            col(Resource.origin).label("origin"),
            col(Progress.started_at).label("started_at"),
            col(Progress.finished_at).label("finished_at"),
            col(Progress.skip_reason).label("skip_reason"),
            col(Note.id).label("note_id"),
            col(Step.title).label("step_title"),
            func.coalesce(col(Resource.retired_at), col(Step.retired_at)).label("retired_at"),
            col(Curriculum.position).label("curriculum_position"),
        )
        .join(Step, col(Step.id) == col(Resource.step_id))
        .join(Curriculum, col(Curriculum.id) == col(Step.curriculum_id))
        .outerjoin(Progress, and_(col(Progress.resource_id) == col(Resource.id), mine(Progress)))
        .outerjoin(Note, and_(col(Note.resource_id) == col(Resource.id), mine(Note)))
        .where(*within)
    )
    if not include_retired:
        query = query.where(~retired)
    return query.subquery("visible")


def step_of(resource_ids: Any) -> Any:
    """A ``within`` condition: the steps of the given resource ids (a list or a subquery)."""
    owners = select(col(Resource.step_id)).where(col(Resource.id).in_(resource_ids))
    return col(Resource.step_id).in_(owners)


def view_select(table: Any) -> Select[Any]:
    """Select every view column of ``table`` (from :func:`resource_table`) in study order."""
    c = table.c
    return sa_select(*(c[name] for name in VIEW_COLUMNS)).order_by(
        c.curriculum_position, c.step, c.position
    )


_decode = json.JSONDecoder().decode


def _json_list(text: str) -> Any:
    """Decode a JSON list column; most alternatives columns are empty."""
    return [] if text == "[]" else _decode(text)


def _picker(keys: Iterable[str]) -> Callable[[Any], tuple[Any, ...]]:
    """Pick the view columns out of a row by their names (resolved once per result)."""
    index = {name: i for i, name in enumerate(keys)}
    return itemgetter(*(index[name] for name in VIEW_COLUMNS))


def to_views(result: Any) -> list[ResourceView]:
    """Build a :class:`ResourceView` from each row of a :func:`view_select` result."""
    pick = _picker(result.keys())
    return [_build(pick(row)) for row in result]


def _build(values: tuple[Any, ...]) -> ResourceView:
    (
        rid,
        curriculum,
        step,
        position,
        title,
        authors,
        kind,
        url,
        minutes,
        status,
        provenance,
        provenance_reason,
        advice,
        tags,
        alternatives,
        origin,
        started_at,
        finished_at,
        skip_reason,
        note_id,
        step_title,
        retired_at,
    ) = values
    return ResourceView(
        id=rid,
        curriculum=curriculum,
        step=step,
        position=position,
        title=title,
        authors=_json_list(authors),
        kind=kind,
        url=url,
        minutes=minutes,
        status=status or "todo",
        provenance=provenance,
        provenance_reason=provenance_reason,
        advice=advice,
        tags=_json_list(tags),
        alternatives=_json_list(alternatives),
        origin=origin,
        started_at=started_at,
        finished_at=finished_at,
        skip_reason=skip_reason or "",
        has_note=note_id is not None,
        step_title=step_title,
        retired_at=retired_at,
    )
