"""The plan as a Markdown checklist, grouped by step, that ``studyplan links check`` can read.

Every resource and lab in study order (finished ones ticked), each resource a link to its
address, with its kind, minutes, advice and scheduled dates; a lab with the command that
starts it; with ``--notes`` each note as a block quote under what it is about.

What a catalog or a learner wrote is data: titles, advice and reasons are escaped
(:func:`inline`), so a title cannot become a link, emphasis or HTML; addresses are written
so that neither a Markdown reader nor the link extractor cuts them short (:func:`link_target`);
notes keep their Markdown but not raw HTML (:func:`quote_note`).
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from typing import TYPE_CHECKING

from studyplan import clock
from studyplan.code_spans import code_spans
from studyplan.planner.checklist import (
    ChecklistItem,
    ChecklistStep,
    Notes,
    checklist,
    local_date,
    notes,
)
from studyplan.planner.exports import ExportContext
from studyplan.safe_text import visible
from studyplan.wording import duration

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

_SPECIAL = re.compile(r"([\\`*_\[\]<>&~|#!])")
_PLAIN = re.compile(r"[^\\`*_\[\]<>&~|#!:.]*")
"""Text with nothing to escape (most titles): no special character, no ``:`` or ``.``."""
_SCHEME = re.compile(r"(?i)\b(https?|ftp|file|mailto|www)([:.])")
_URL_UNSAFE = re.compile(r"""[\s()<>\[\]{}|\\^"'`\x00-\x1f\x7f]""")
_URL_TRAILING = ".,;:!"

PACE_HINT = "studyplan plan --hours-per-week 5 --days mon,wed,sat"


def inline(text: str) -> str:
    """``text`` as literal Markdown on one line: no link, emphasis, code, HTML or autolink.

    Markdown's special characters get a backslash; ``https:`` and ``www.`` lose the power to
    become autolinks (``https\\:``); line breaks become spaces; control characters show as
    visible signs (a file is read in terminals too).
    """
    text = visible(" ".join(text.split()))
    if _PLAIN.fullmatch(text):
        return text
    text = _SPECIAL.sub(r"\\\1", text)
    return _SCHEME.sub(r"\1\\\2", text)


def link_target(url: str) -> str:
    """``url`` made safe as a Markdown link destination and for the link extractor.

    After the host, characters that would end the destination or a bare URL early
    (spaces, parentheses, angle and square brackets, quotes, backslash …) are
    percent-encoded, and so is a trailing ``.,;:!`` that a reader of prose would drop.
    """
    if _URL_UNSAFE.search(url) is None and not url.endswith((*_URL_TRAILING, "?")):
        return url
    start = url.find("//") + 2 if "//" in url else 0
    ends = [i for i in (url.find(c, start) for c in "/?#") if i >= 0]
    cut = min(ends) if ends else len(url)
    head, rest = url[:cut], url[cut:]
    rest = _URL_UNSAFE.sub(lambda m: _percent(m.group(0)), rest)
    if rest.endswith("?"):  # an empty query says nothing; a "?" ending a longer one is data
        lone = rest.count("?") == 1 and "#" not in rest
        rest = rest[:-1] if lone else rest[:-1] + "%3F"
    if rest and rest[-1] in _URL_TRAILING:
        rest = rest[:-1] + _percent(rest[-1])
    return head + rest


def _percent(char: str) -> str:
    return "".join(f"%{byte:02X}" for byte in char.encode("utf-8"))


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@cache
def day_label(day: date) -> str:
    """``Mon 4 Jan 2027`` (in English whatever the locale, as the rest of the document)."""
    return f"{_DAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


def render(ctx: ExportContext) -> str:
    """The whole Markdown document."""
    steps = checklist(ctx.db)
    found = notes(ctx.db) if ctx.notes else Notes()
    scheduled = ctx.plan.scheduled()
    lines = _header(ctx, steps)
    for step in steps:
        lines += ["", f"## Step {inline(step.label)}: {inline(step.title)}", ""]
        if step.id in found.steps:
            lines += [*quote_note(found.steps[step.id], ""), ""]
        for item in step.items:
            lines += _item(ctx, item, scheduled.get(item.id, []), found.resources.get(item.id))
    return "\n".join(lines) + "\n"


def _header(ctx: ExportContext, steps: list[ChecklistStep]) -> list[str]:
    curricula = list(dict.fromkeys(step.curriculum_title for step in steps))
    title = f"# Study plan: {inline(curricula[0])}" if len(curricula) == 1 else "# Study plan"
    items = [item for step in steps for item in step.items]
    finished = sum(item.finished for item in items)
    moment = ctx.now.astimezone(ctx.tz)
    lines = [
        title,
        "",
        f"Exported {day_label(moment.date())} at {moment:%H:%M} "
        f"({inline(clock.zone_name(ctx.tz))}): {finished} of {_items(len(items))} finished.",
        "",
    ]
    plan = ctx.plan
    if plan.pace is None:
        lines.append(
            f"No pace set, so nothing is scheduled yet: set one with `{PACE_HINT}`, then "
            "export again."
        )
    elif plan.too_long:
        lines.append(f"- Nothing scheduled: {inline(plan.too_long_text)}.")
    elif plan.finish is None:
        lines.append(f"- Pace: {inline(plan.pace.describe())}")
        lines.append("- Nothing left to schedule: everything is finished.")
    else:
        lines.append(f"- Pace: {inline(plan.pace.describe())}")
        lines.append(
            f"- Finish: {day_label(plan.finish)} ({duration(plan.minutes_left)} left "
            f"in {_items(len(plan.items))})"
        )
    return lines


def _items(count: int) -> str:
    return f"{count} item{'s' * (count != 1)}"


_STATUS_NOTE = {
    "in_progress": "in progress since",
    "started": "started",
    "done": "done",
    "passed": "passed",
}


def _item(ctx: ExportContext, item: ChecklistItem, days: list[date], note: str | None) -> list[str]:
    mark = "[x]" if item.finished else "[ ]"
    if item.is_lab:
        head = f"- {mark} lab: {inline(item.title)} — {item.minutes} min"
    else:
        link = f"[{inline(item.title)}]({link_target(item.url)})"
        head = f"- {mark} {link} — {inline(item.resource_kind)}, {item.minutes} min"
    head += _status(ctx, item)
    lines = [head]
    if item.is_lab:
        lines.append(f"  - start it with `studyplan lab start {item.id}`")
    if item.advice:
        lines.append(f"  - advice: {inline(item.advice)}")
    if days and not item.finished:
        lines.append(f"  - scheduled: {_scheduled(days)}")
    if note and note.strip():
        lines += quote_note(note, "  ")
    return lines


def _status(ctx: ExportContext, item: ChecklistItem) -> str:
    if item.status == "skipped":
        reason = f": {inline(item.skip_reason)}" if item.skip_reason.strip() else ""
        return f" (skipped{reason})"
    word = _STATUS_NOTE.get(item.status)
    if word is None:
        return ""
    when = local_date(item.ended if item.finished else item.started, ctx.tz)
    return f" ({word} {day_label(when)})" if when else f" ({word})"


def _scheduled(days: list[date]) -> str:
    if len(days) == 1:
        return day_label(days[0])
    total = len(days)
    return ", ".join(f"{day_label(day)} ({n}/{total})" for n, day in enumerate(days, 1))


def quote_note(body: str, indent: str) -> list[str]:
    """A note as a Markdown block quote (each line prefixed ``indent + "> "``).

    The note keeps its Markdown; a ``<`` outside code is escaped so that no raw HTML (a
    ``<script>``, a comment that hides the rest) reaches a reader.
    """
    text = without_html(visible(re.sub(r"\r\n?", "\n", body).strip("\n")))
    return [f"{indent}> {line}".rstrip() for line in text.split("\n")]


def without_html(text: str) -> str:
    """``text`` (Markdown) with every ``<`` that could open an HTML tag escaped.

    ``<`` in code blocks and code spans stays as it is. A CommonMark parser then checks the
    result; should any HTML remain (escaping can change where blocks start), every such ``<``
    is escaped, code or not: a stray backslash in code is better than live HTML.
    """
    if _TAG_START.search(text) is None:
        return text
    verbatim = _code_block_lines(text)
    lines = text.split("\n")
    out: list[str] = []
    run: list[str] = []
    for number, line in enumerate(lines):
        if number in verbatim or not line.strip():
            if run:
                out.append(_escape_outside_spans("\n".join(run)))
                run = []
            out.append(line)
        else:
            run.append(line)
    if run:
        out.append(_escape_outside_spans("\n".join(run)))
    escaped = "\n".join(out)
    return _escape_tags(text) if _has_html(escaped) else escaped


_TAG_START = re.compile(r"(?<!\\)((?:\\\\)*)<(?=[A-Za-z/!?])")
"""A ``<`` that may open an HTML tag, comment or autolink, not escaped by a backslash."""


def _escape_tags(text: str) -> str:
    return _TAG_START.sub(r"\1\\<", text)


@cache
def _parser(blocks_only: bool = False) -> MarkdownIt:
    """A CommonMark parser (made once: making one costs a millisecond)."""
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark")
    return parser.disable("inline") if blocks_only else parser


def _code_block_lines(text: str) -> set[int]:
    """Line numbers of fenced and indented code blocks (a CommonMark block parser's view)."""
    if not re.search(r"```|~~~|^[ >]*(?: {4}|\t)", text, re.MULTILINE):
        return set()
    found: set[int] = set()
    for token in _parser(blocks_only=True).parse(text):
        if token.type in ("fence", "code_block") and token.map is not None:
            found.update(range(*token.map))
    return found


def _has_html(text: str) -> bool:
    for token in _parser().parse(text):
        if token.type == "html_block":
            return True
        if any(child.type == "html_inline" for child in token.children or ()):
            return True
    return False


def _escape_outside_spans(text: str) -> str:
    """Escape tag-opening ``<`` everywhere but in code spans."""
    pieces: list[str] = []
    done = 0
    for start, end in code_spans(text):
        pieces += [_escape_tags(text[done:start]), text[start:end]]
        done = end
    pieces.append(_escape_tags(text[done:]))
    return "".join(pieces)
