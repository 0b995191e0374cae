"""The plan as a spreadsheet: one row per resource and lab, in study order.

Columns (a header row first): step, id, title, kind, url, minutes, status, started,
finished, scheduled. ``kind`` is the resource's kind or ``lab``; ``status`` is todo,
in_progress, done or skipped for a resource and not_started, started or passed for a lab;
``started`` and ``finished`` are the learner's dates (ISO, in their time zone) or empty;
``scheduled`` is the first planned day of an unfinished item, or empty.

The file opens as it is in spreadsheets:

- RFC 4180: commas, fields quoted when they hold a comma, a quote or a line break, CRLF
  line ends (Python's :mod:`csv` writer);
- UTF-8 with a byte order mark: Excel reads a CSV file without one in the system's legacy
  code page (``é`` becomes ``Ã©``); LibreOffice, Google Sheets and Numbers skip it, and
  Python reads it with ``encoding="utf-8-sig"``;
- no formulas: a text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab, a carriage
  return or a line break (or their full-width forms) gets a leading apostrophe, as OWASP
  advises against CSV injection, so ``=HYPERLINK(…)`` in a title shows as text instead of
  running. Spreadsheets hide the apostrophe; other readers see it.
"""

from __future__ import annotations

import csv
import io

from studyplan.planner.checklist import checklist, local_date
from studyplan.planner.exports import ExportContext
from studyplan.safe_text import visible

COLUMNS = (
    "step",
    "id",
    "title",
    "kind",
    "url",
    "minutes",
    "status",
    "started",
    "finished",
    "scheduled",
)

BOM = "\ufeff"

_FORMULA_START = tuple("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")


def cell(text: str) -> str:
    """``text`` as a spreadsheet shows it as text: control characters as visible signs, a
    leading apostrophe before a formula."""
    text = visible(text)
    return "'" + text if text.startswith(_FORMULA_START) else text


def render(ctx: ExportContext) -> str:
    """The whole CSV document (with its byte order mark)."""
    scheduled = ctx.plan.scheduled()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for step in checklist(ctx.db):
        label = cell(step.label)
        for item in step.items:
            started = local_date(item.started, ctx.tz)
            finished = local_date(item.ended, ctx.tz) if item.finished else None
            days = [] if item.finished else scheduled.get(item.id, [])
            writer.writerow(
                (
                    label,
                    cell(item.id),
                    cell(item.title),
                    cell(item.resource_kind),
                    cell(item.url),
                    item.minutes,
                    item.status,
                    started.isoformat() if started else "",
                    finished.isoformat() if finished else "",
                    days[0].isoformat() if days else "",
                )
            )
    return BOM + buffer.getvalue()
