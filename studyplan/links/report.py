"""Render check results and link states as a table, JSON or Markdown (text only, no printing)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence

from studyplan.errors import UsageError
from studyplan.links.result import STATUSES, LinkResult

TYPE_CHECKING = False  # not typing's: importing typing costs a link check 3 ms
if TYPE_CHECKING:
    from typing import Any

    from studyplan.links.extract import LinkTarget
    from studyplan.links.service import LinkState

FORMATS = ("table", "json", "markdown")


def check_format(fmt: str) -> str:
    """Validate a ``--format`` value."""
    if fmt not in FORMATS:
        raise UsageError(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    return fmt


def _detail(result: LinkResult) -> str:
    if result.redirects and result.final_url and result.final_url != result.url:
        moved = "moved to" if result.status == "redirected" else "redirects to"
        detail = f"{moved} {result.final_url}"
        return f"{detail}; {result.error}" if result.error else detail
    return result.error


def summary_line(results: Sequence[LinkResult], reused: int = 0) -> str:
    """One line counting results per status, e.g. ``12 URLs: 10 alive, 2 dead``."""
    counts = Counter(r.status for r in results)
    parts = [f"{counts[s]} {s}" for s in STATUSES if counts[s]]
    cache = f" ({reused} from earlier checks)" if reused else ""
    return f"{len(results)} URLs: {', '.join(parts) or 'nothing to check'}{cache}"


def json_list(items: Sequence[dict[str, Any]]) -> str:
    """A JSON list with one item per line.

    Readable and diffable, and faster than ``indent=2``, which makes the json module fall
    back to its pure-Python encoder: 2,000 check results render in 17 ms instead of 42.
    """
    import json

    if not items:
        return "[]"
    return "[\n" + ",\n".join("  " + json.dumps(i, ensure_ascii=False) for i in items) + "\n]"


def render_dump(targets: Sequence[LinkTarget], fmt: str) -> str:
    """``links check --dump``: the URLs one per line, or with the files and resources using them.

    JSON gives ``url``, ``files`` (where the URL is written; none for the database's catalog)
    and ``resources`` (catalog ids). Markdown is a list of links.
    """
    if fmt == "json":
        return json_list(
            [
                {
                    "url": t.url,
                    "files": [s for s in t.sources if s != "database"],
                    "resources": t.resources,
                }
                for t in targets
            ]
        )
    if fmt == "markdown":
        return "".join(f"- <{t.url}>\n" for t in targets)
    return "".join(f"{t.url}\n" for t in targets)


def json_line(result: LinkResult) -> str:
    """One result as the line ``--format json`` shows it (see :func:`render_results`).

    Safe for a terminal as it is: JSON escapes control characters, and
    :func:`~studyplan.safe_text.visible_json` the invisible ones JSON leaves raw.
    """
    import json

    from studyplan.safe_text import visible_json

    return visible_json(json.dumps(result.to_dict(), ensure_ascii=False))


def render_results(
    results: Sequence[LinkResult],
    fmt: str,
    reused: int = 0,
    lines: dict[str, str] | None = None,
) -> str:
    """The report of a ``links check`` run in ``fmt`` (table, json or markdown).

    ``lines`` may hold the JSON lines of results already rendered (by URL) while the check
    ran, so the report is ready when the last answer comes (:func:`json_line`). The JSON
    report is safe for a terminal as it is; the others are not (print them through
    :func:`studyplan.cli.output.out`).
    """
    return "".join(render_pieces(results, fmt, reused, lines))


_PIECE = 256
"""Results per piece of a JSON report (:func:`render_pieces`)."""


def render_pieces(
    results: Sequence[LinkResult],
    fmt: str,
    reused: int = 0,
    lines: dict[str, str] | None = None,
) -> Iterator[str]:
    """:func:`render_results` in pieces, to be written one after the other.

    The JSON report comes :data:`_PIECE` results at a time: a report of thousands is never
    one string of its size (made and written whole, it took three times as long, most of
    it the memory for that string).
    """
    if fmt != "json":
        yield (
            _results_markdown(results, reused)
            if fmt == "markdown"
            else _results_table(results, reused)
        )
        return
    if not results:
        yield "[]"
        return
    known = lines or {}
    yield "[\n  "
    for start in range(0, len(results), _PIECE):
        body = ",\n  ".join(
            [known.get(r.url) or json_line(r) for r in results[start : start + _PIECE]]
        )
        yield body if start == 0 else ",\n  " + body
    yield "\n]"


def _results_table(results: Sequence[LinkResult], reused: int) -> str:
    width = max((len(r.url) for r in results), default=3)
    width = min(max(width, 3), 80)
    status = max([10, *(len(r.status) for r in results)])
    header = f"{'STATUS':<{status}} {'HTTP':>4} {'URL':<{width}}  DETAIL".rstrip()
    lines = [header] if results else []
    for r in results:
        code = str(r.http_status) if r.http_status is not None else "-"
        line = f"{r.status:<{status}} {code:>4} {r.url:<{width}}  {_detail(r)}".rstrip()
        lines.append(line)
        if r.failed and r.archive_url:
            lines.append(f"{'':<16}archived: {r.archive_url}")
    lines.append(summary_line(results, reused))
    return "\n".join(lines)


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _results_markdown(results: Sequence[LinkResult], reused: int) -> str:
    lines = [
        "# Link check",
        "",
        summary_line(results, reused),
        "",
        "| Status | HTTP | URL | Resources | Details |",
        "| --- | --- | --- | --- | --- |",
    ]
    for r in results:
        detail = _md(_detail(r))
        if r.failed and r.archive_url:
            detail = f"{detail} ([archived copy]({r.archive_url}))".strip()
        code = str(r.http_status) if r.http_status is not None else ""
        lines.append(
            f"| {r.status} | {code} | <{r.url}> | {_md(', '.join(r.resources))} | {detail} |"
        )
    return "\n".join(lines) + "\n"


def render_states(states: Sequence[LinkState], fmt: str) -> str:
    """The ``links report`` of the latest state of each resource in ``fmt``."""
    if fmt == "json":
        return json_list([s.to_dict() for s in states])
    if fmt == "markdown":
        return _states_markdown(states)
    return _states_table(states)


def _streak(state: LinkState) -> str:
    if state.failing_streak > 1:
        return f"{state.status} for the last {state.failing_streak} checks"
    return state.status


def _alternative_text(alt: dict[str, Any]) -> str:
    why = f" ({alt['why']})" if alt.get("why") else ""
    return f"{alt.get('title', '')}: {alt.get('url', '')}{why}"


STATE_HEADERS = ("STATUS", "CHECKED", "RESOURCE", "URL", "DETAIL")
"""The column names of the ``links report`` table."""


def _state_row(state: LinkState) -> list[str]:
    when = state.checked_at.strftime("%Y-%m-%d %H:%M") if state.checked_at else "never"
    moved = f"moved to {state.final_url}" if state.status == "redirected" else ""
    return [_streak(state), when, state.resource_id, state.url, state.error or moved]


def _what_to_do(state: LinkState) -> list[str]:
    """The indented lines under a failed resource: its archived copy and alternatives."""
    if not state.failed:
        return []
    lines = [f"{'':<4}archived: {state.archive_url}"] if state.archive_url else []
    return lines + [f"{'':<4}instead: {_alternative_text(a)}" for a in state.alternatives]


def _states_table(states: Sequence[LinkState]) -> str:
    rows = [_state_row(s) for s in states]
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(STATE_HEADERS)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    lines = [line(STATE_HEADERS)] if rows else []
    for state, row in zip(states, rows, strict=True):
        lines.append(line(row))
        lines.extend(_what_to_do(state))
    counts = ", ".join(f"{n} {k}" for k, n in Counter(s.status for s in states).items())
    lines.append(f"{len(states)} resources: {counts}" if counts else "0 resources")
    return "\n".join(lines)


def _states_markdown(states: Sequence[LinkState]) -> str:
    lines = [
        "# Link health",
        "",
        "| Resource | Step | Status | Checked | URL | What to do |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for s in states:
        when = s.checked_at.strftime("%Y-%m-%d") if s.checked_at else "never"
        todo = ""
        if s.failed:
            options = [f"[archived copy]({s.archive_url})"] if s.archive_url else []
            options += [f"[{_md(a.get('title', ''))}]({a.get('url', '')})" for a in s.alternatives]
            todo = "; ".join(options)
        elif s.status == "redirected":
            todo = f"moved to <{s.final_url}>"
        lines.append(
            f"| {s.resource_id} | {s.step} | {_md(_streak(s))} | {when} | <{s.url}> | {todo} |"
        )
    return "\n".join(lines) + "\n"
