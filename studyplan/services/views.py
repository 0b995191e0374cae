"""Plain read-only views of catalog rows joined with progress, for printing and the interface."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func
from sqlalchemy import select as sa_select
from sqlmodel import col, select

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

    @property
    def ref(self) -> str:
        """The positional reference ``STEP.N`` (prefixed for other curricula)."""
        prefix = "" if self.curriculum == "main" else f"{self.curriculum}/"
        return f"{prefix}{self.step}.{self.position}"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping (datetimes stay datetimes; the printer formats them)."""
        data = asdict(self)
        data["ref"] = self.ref
        return data


def resource_table(*within: Any) -> Any:
    """Visible resources (not retired) as a subquery, with step, curriculum, progress, note
    presence and ``rank``: the 1-based position among the visible resources of the step.

    ``within`` narrows the rows before ranking; pass only whole-step conditions (on
    ``Step`` or ``col(Resource.step_id)``) so that ranks stay right.
    """
    rank = func.row_number().over(
        partition_by=col(Resource.step_id), order_by=(col(Resource.position), col(Resource.id))
    )
    return (
        sa_select(
            col(Resource.id),
            col(Step.curriculum_id).label("curriculum"),
            col(Step.number).label("step"),
            rank.label("rank"),
            col(Resource.title),
            col(Resource.authors),
            col(Resource.kind),
            col(Resource.url),
            col(Resource.minutes),
            col(Progress.status),
            col(Resource.provenance),
            col(Resource.provenance_reason),
            col(Resource.advice),
            col(Resource.tags),
            col(Resource.alternatives),
            col(Resource.origin),
            col(Progress.started_at),
            col(Progress.finished_at),
            col(Progress.skip_reason),
            col(Note.id).label("note_id"),
            col(Step.title).label("step_title"),
            col(Curriculum.position).label("curriculum_position"),
        )
        .join(Step, col(Step.id) == col(Resource.step_id))
        .join(Curriculum, col(Curriculum.id) == col(Step.curriculum_id))
        .outerjoin(Progress, col(Progress.resource_id) == col(Resource.id))
        .outerjoin(Note, col(Note.resource_id) == col(Resource.id))
        .where(col(Resource.retired_at).is_(None))
        .where(col(Step.retired_at).is_(None))
        .where(*within)
        .subquery("visible")
    )


def step_of(resource_ids: Any) -> Any:
    """A ``within`` condition: the steps of the given resource ids (a list or a subquery)."""
    owners = select(col(Resource.step_id)).where(col(Resource.id).in_(resource_ids))
    return col(Resource.step_id).in_(owners)


def view_select(table: Any) -> Select[Any]:
    """Select every view column of ``table`` (from :func:`resource_table`) in study order."""
    c = table.c
    return sa_select(
        c.id,
        c.curriculum,
        c.step,
        c.rank,
        c.title,
        c.authors,
        c.kind,
        c.url,
        c.minutes,
        c.status,
        c.provenance,
        c.provenance_reason,
        c.advice,
        c.tags,
        c.alternatives,
        c.origin,
        c.started_at,
        c.finished_at,
        c.skip_reason,
        c.note_id,
        c.step_title,
    ).order_by(c.curriculum_position, c.step, c.rank)


_decode = json.JSONDecoder().decode


def _json_list(text: str) -> Any:
    """Decode a JSON list column; most alternatives columns are empty."""
    return [] if text == "[]" else _decode(text)


def to_view(row: Any) -> ResourceView:
    """Build a :class:`ResourceView` from a row of :func:`view_select`, positions 1-based."""
    return ResourceView(
        id=row[0],
        curriculum=row[1],
        step=row[2],
        position=row[3],
        title=row[4],
        authors=_json_list(row[5]),
        kind=row[6],
        url=row[7],
        minutes=row[8],
        status=row[9] or "todo",
        provenance=row[10],
        provenance_reason=row[11],
        advice=row[12],
        tags=_json_list(row[13]),
        alternatives=_json_list(row[14]),
        origin=row[15],
        started_at=row[16],
        finished_at=row[17],
        skip_reason=row[18] or "",
        has_note=row[19] is not None,
        step_title=row[20],
    )
