"""Commands for studying: steps, list, show, next, search, stats and status changes."""

from __future__ import annotations

from typing import Any

import typer

from studyplan.cli import render
from studyplan.cli.common import JSON_OPTION, open_db, out, print_json

REF_ARGUMENT = typer.Argument(
    ..., help="A resource id (mazur-backprop) or a position STEP.N (3.2).", show_default=False
)


def steps(json_: bool = JSON_OPTION) -> None:
    """Show the steps with done/total and the minutes left in each."""
    from studyplan.services.catalog_query import step_summaries

    summaries = step_summaries(open_db())
    if json_:
        print_json([_step_dict(s) for s in summaries])
        return
    out(render.table(render.STEP_HEADERS, render.step_rows(summaries)))


def _step_dict(s: Any) -> dict[str, Any]:
    return {
        "curriculum": s.curriculum,
        "number": s.number,
        "title": s.title,
        "summary": s.summary,
        "total": s.total,
        "done": s.done,
        "skipped": s.skipped,
        "in_progress": s.in_progress,
        "minutes_total": s.minutes_total,
        "minutes_done": s.minutes_done,
        "minutes_left": s.minutes_left,
    }


def list_(
    step: int | None = typer.Option(None, "--step", "-s", help="Only this step."),
    status: str | None = typer.Option(
        None, "--status", help="Only this status: todo, in_progress, done, skipped."
    ),
    kind: str | None = typer.Option(None, "--kind", "-k", help="Only this kind (video, notes…)."),
    tag: str | None = typer.Option(None, "--tag", "-t", help="Only resources with this tag."),
    curriculum: str | None = typer.Option(
        None, "--curriculum", help="Only this curriculum (main, or an imported one's id)."
    ),
    json_: bool = JSON_OPTION,
) -> None:
    """List resources in study order, optionally narrowed."""
    from studyplan.services.catalog_query import Filters, list_resources

    filters = Filters(step=step, status=status, kind=kind, tag=tag, curriculum=curriculum)
    views = list_resources(open_db(), filters)
    if json_:
        print_json([v.to_dict() for v in views])
    elif views:
        out(render.table(render.RESOURCE_HEADERS, render.resource_rows(views)))
    else:
        out("nothing matches")


def show(ref: str = REF_ARGUMENT, json_: bool = JSON_OPTION) -> None:
    """Show everything about one resource: advice, provenance, alternatives, note."""
    from studyplan.services.catalog_query import get_resource
    from studyplan.services.notes import get_note

    db = open_db()
    view = get_resource(db, ref)
    note = get_note(db, view.id) if view.has_note else None
    if json_:
        print_json({**view.to_dict(), "note": note.body if note else None})
        return
    out(render.resource_detail(view))
    if note and note.body.strip():
        out("\nnote:\n" + note.body.rstrip())


def next_(json_: bool = JSON_OPTION) -> None:
    """Say what to study now and why."""
    from studyplan.services.next_up import next_up

    suggestion = next_up(open_db())
    if json_:
        print_json(
            None
            if suggestion is None
            else {**suggestion.resource.to_dict(), "reason": suggestion.reason}
        )
        return
    if suggestion is None:
        out("Everything is done or skipped. Well done!")
        return
    v = suggestion.resource
    out(f"Next: {v.title}  [{v.ref} {v.id}]")
    out(f"  why   {suggestion.reason}")
    out(f"  what  {v.kind}, about {render.duration(v.minutes)}: {v.url}")
    if v.advice:
        out(f"  tip   {v.advice}")
    action = "done" if v.status == "in_progress" else "start"
    out(f"  then  studyplan {action} {v.id}")


def search(
    text: str = typer.Argument(..., help="Words to find in titles, authors, tags and notes."),
    limit: int = typer.Option(50, "--limit", "-n", min=1, help="At most this many results."),
    json_: bool = JSON_OPTION,
) -> None:
    """Search titles, authors, tags and notes."""
    from studyplan.services.search import search as run_search

    views = run_search(open_db(), text, limit)
    if json_:
        print_json([v.to_dict() for v in views])
    elif views:
        out(render.table(render.RESOURCE_HEADERS, render.resource_rows(views)))
    else:
        out(f"no resource matches '{text}'")


def stats(json_: bool = JSON_OPTION) -> None:
    """Show overall and per-step counts, minutes done and minutes left."""
    from studyplan.services.stats import compute_stats

    s = compute_stats(open_db())
    if json_:
        data = {k: v for k, v in vars(s).items() if k != "steps"}
        print_json(
            {**data, "percent": round(s.percent, 1), "steps": [_step_dict(x) for x in s.steps]}
        )
        return
    out(f"Progress    {s.percent:.0f}% ({s.done} done, {s.skipped} skipped of {s.total})")
    out(f"Studying    {s.in_progress} in progress, {s.todo} to do")
    out(
        f"Time        {render.duration(s.minutes_done)} done, {render.duration(s.minutes_left)} left"
    )
    out(f"This week   {s.finished_last_7_days} finished in the last 7 days\n")
    rows = [
        [
            r[0],
            f"{x.done}/{x.total}",
            x.skipped,
            render.duration(x.minutes_done),
            render.duration(x.minutes_left),
            x.title,
        ]
        for r, x in zip(render.step_rows(s.steps), s.steps, strict=True)
    ]
    out(render.table(("STEP", "DONE", "SKIPPED", "TIME DONE", "TIME LEFT", "TITLE"), rows))


def _change(ref: str, status: str, reason: str = "") -> None:
    from studyplan.services.progress import set_status

    change = set_status(open_db(), ref, status, reason)
    v = change.resource
    word = render.STATUS_WORD[change.after]
    if change.changed:
        out(f"{v.id}: {render.STATUS_WORD[change.before]} -> {word}  ({v.title})")
    else:
        out(f"{v.id}: already {word}")


def start(ref: str = REF_ARGUMENT) -> None:
    """Mark a resource as in progress."""
    _change(ref, "in_progress")


def done(ref: str = REF_ARGUMENT) -> None:
    """Mark a resource as done."""
    _change(ref, "done")


def skip(
    ref: str = REF_ARGUMENT,
    reason: str = typer.Option("", "--reason", "-r", help="Why you skip it (kept in history)."),
) -> None:
    """Skip a resource, with an optional reason."""
    _change(ref, "skipped", reason)


def reset(ref: str = REF_ARGUMENT) -> None:
    """Set a resource back to todo."""
    _change(ref, "todo")


def register(app: typer.Typer) -> None:
    """Add these commands to ``app``."""
    app.command("steps")(steps)
    app.command("list")(list_)
    app.command("show")(show)
    app.command("next")(next_)
    app.command("search")(search)
    app.command("stats")(stats)
    app.command("start")(start)
    app.command("done")(done)
    app.command("skip")(skip)
    app.command("reset")(reset)
