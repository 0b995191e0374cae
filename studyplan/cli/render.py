"""Plain-text rendering shared by the commands (no colours, so pipes stay clean).

Cells are shown with control characters as visible signs before widths are measured, so a
title holding an escape sequence neither colours the terminal nor breaks the columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from studyplan.catalog.vocabulary import PRIMARY_ID
from studyplan.safe_text import visible
from studyplan.wording import FINISHED_MEANS, STATUS_MARK, STATUS_WORD, duration

if TYPE_CHECKING:
    from studyplan.services.catalog_query import StepSummary
    from studyplan.services.views import ResourceView


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], width: int = 100) -> str:
    """Left-aligned columns; the last column is cut to fit ``width``."""
    cells = [[visible(str(c)) for c in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    fixed = sum(widths[:-1]) + 2 * (len(widths) - 1)
    widths[-1] = max(10, min(widths[-1], width - fixed))
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    for row in cells:
        row[-1] = row[-1] if len(row[-1]) <= widths[-1] else row[-1][: widths[-1] - 1] + "…"
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines)


def resource_rows(views: Sequence[ResourceView]) -> list[list[Any]]:
    """Rows for the resource listing table."""
    return [[v.ref, STATUS_MARK[v.status], v.kind, v.minutes, v.id, v.title] for v in views]


RESOURCE_HEADERS = ("REF", "ST", "KIND", "MIN", "ID", "TITLE")


def step_ref(s: StepSummary) -> str:
    """``3``, or ``other-course/3`` for a step of an imported curriculum."""
    prefix = "" if s.curriculum == PRIMARY_ID else f"{s.curriculum}/"
    return f"{prefix}{s.number}"


def step_mark(s: StepSummary) -> str:
    """``[x]`` finished, ``[~]`` begun, ``[ ]`` not begun."""
    if s.finished:
        return "[x]"
    return "[~]" if s.finished_count or s.in_progress else "[ ]"


def step_rows(steps: Sequence[StepSummary]) -> list[list[Any]]:
    """Rows for the steps overview."""
    rows = []
    for s in steps:
        left = duration(s.minutes_left) + " left" if s.minutes_left else "-"
        rows.append([step_ref(s), step_mark(s), f"{s.finished_count}/{s.items}", left, s.title])
    return rows


STEP_HEADERS = ("STEP", "ST", "FINISHED", "TIME", "TITLE")
STEP_FOOTNOTE = f"({FINISHED_MEANS})"


def resource_detail(v: ResourceView) -> str:
    """The multi-line description ``studyplan show`` prints."""
    where = f"{v.ref}, step {v.step}: {v.step_title}"
    if v.retired_at is not None:
        where = f"retired from the catalog on {v.retired_at:%Y-%m-%d}; was in step {v.step}"
    lines = [
        f"{v.title}",
        f"  id          {v.id}   ({where})",
        f"  status      {STATUS_WORD[v.status]}"
        + (f" (reason: {v.skip_reason})" if v.skip_reason else ""),
        f"  kind        {v.kind}, about {duration(v.minutes)}",
        f"  authors     {', '.join(v.authors) or '-'}",
        f"  url         {v.url}",
        f"  provenance  {v.provenance}"
        + (f": {v.provenance_reason}" if v.provenance_reason else ""),
    ]
    if v.tags:
        lines.append(f"  tags        {', '.join(v.tags)}")
    if v.started_at:
        lines.append(f"  started     {v.started_at:%Y-%m-%d %H:%M} UTC")
    if v.finished_at:
        lines.append(f"  finished    {v.finished_at:%Y-%m-%d %H:%M} UTC")
    if v.advice:
        lines.append(f"  advice      {v.advice}")
    for alt in v.alternatives:
        why = f" ({alt.get('why')})" if alt.get("why") else ""
        lines.append(f"  alternative {alt.get('title', '')}: {alt.get('url', '')}{why}")
    return "\n".join(lines)
