"""Commands for studying: steps, list, show, next, search, stats and status changes."""

from __future__ import annotations

from typing import Any

import typer

from studyplan.catalog.vocabulary import MAX_STEP
from studyplan.cli import render, stats_render
from studyplan.cli.common import JSON_OPTION, open_db, out, print_json, settings
from studyplan.cli.params import REF_ARGUMENT, utf8_text
from studyplan.wording import FINISHED_MEANS, STATUS_WORD, duration


def steps(ctx: typer.Context, json_: bool = JSON_OPTION) -> None:
    """Show the steps with finished/total (finished = done or skipped) and the time left."""
    from studyplan.services.catalog_query import step_summaries

    summaries = step_summaries(open_db(ctx))
    if json_:
        print_json([_step_dict(s) for s in summaries])
        return
    out(render.table(render.STEP_HEADERS, render.step_rows(summaries)))
    out(render.STEP_FOOTNOTE)


def _step_dict(s: Any) -> dict[str, Any]:
    return {
        "curriculum": s.curriculum,
        "number": s.number,
        "title": s.title,
        "summary": s.summary,
        "total": s.total,
        "finished": s.finished_count,
        "done": s.done,
        "skipped": s.skipped,
        "in_progress": s.in_progress,
        "labs": s.labs_total,
        "labs_passed": s.labs_passed,
        "minutes_total": s.minutes_total,
        "minutes_done": s.minutes_done,
        "minutes_left": s.minutes_left,
    }


def list_(
    ctx: typer.Context,
    step: int | None = typer.Option(
        None, "--step", "-s", min=1, max=MAX_STEP, help="Only this step."
    ),
    status: str | None = typer.Option(
        None, "--status", help="Only this status: todo, in_progress, done, skipped."
    ),
    kind: str | None = typer.Option(None, "--kind", "-k", help="Only this kind (video, notes…)."),
    tag: str | None = typer.Option(
        None, "--tag", "-t", help="Only resources with this tag.", callback=utf8_text
    ),
    curriculum: str | None = typer.Option(
        None,
        "--curriculum",
        help="Only this curriculum (main, or an imported one's id).",
        callback=utf8_text,
    ),
    json_: bool = JSON_OPTION,
) -> None:
    """List resources in study order, optionally narrowed."""
    from studyplan.services.catalog_query import Filters, list_resources

    filters = Filters(step=step, status=status, kind=kind, tag=tag, curriculum=curriculum)
    views = list_resources(open_db(ctx), filters)
    if json_:
        print_json([v.to_dict() for v in views])
    elif views:
        out(render.table(render.RESOURCE_HEADERS, render.resource_rows(views)))
    else:
        out("nothing matches")


def show(ctx: typer.Context, ref: str = REF_ARGUMENT, json_: bool = JSON_OPTION) -> None:
    """Show everything about one resource (retired ones too): advice, provenance, note."""
    from studyplan.services.catalog_query import get_resource
    from studyplan.services.notes import get_note

    db = open_db(ctx)
    view = get_resource(db, ref)
    note = get_note(db, view.id) if view.has_note else None
    if json_:
        print_json({**view.to_dict(), "note": note.body if note else None})
        return
    out(render.resource_detail(view))
    if note and note.body.strip():
        out("\nnote:\n" + note.body.rstrip())


def next_(ctx: typer.Context, json_: bool = JSON_OPTION) -> None:
    """Say what to study now and why: a resource, or a lab right after its reading."""
    from studyplan.services.next_up import next_up

    suggestion = next_up(open_db(ctx))
    if json_:
        if suggestion is None:
            print_json(None)
        elif suggestion.lab is not None:
            print_json({"type": "lab", **suggestion.lab.to_dict(), "reason": suggestion.reason})
        else:
            assert suggestion.resource is not None
            print_json(
                {"type": "resource", **suggestion.resource.to_dict(), "reason": suggestion.reason}
            )
        return
    if suggestion is None:
        out("Everything is finished. Well done!")
        return
    if suggestion.lab is not None:
        lab = suggestion.lab
        out(f"Next: lab {lab.title}  [{lab.id}]")
        out(f"  why   {suggestion.reason}")
        out(f"  what  {lab.brief} (about {duration(lab.minutes)})")
        action = "check" if lab.work_file.exists() else "start"
        out(f"  then  studyplan lab {action} {lab.id}")
        return
    v = suggestion.resource
    assert v is not None
    out(f"Next: {v.title}  [{v.ref} {v.id}]")
    out(f"  why   {suggestion.reason}")
    out(f"  what  {v.kind}, about {duration(v.minutes)}: {v.url}")
    if v.advice:
        out(f"  tip   {v.advice}")
    action = "done" if v.status == "in_progress" else "start"
    out(f"  then  studyplan {action} {v.id}")


def search(
    ctx: typer.Context,
    text: str = typer.Argument(
        ..., help="Words to find in titles, authors, tags and notes.", callback=utf8_text
    ),
    limit: int = typer.Option(
        50, "--limit", "-n", min=1, max=10_000, help="At most this many results."
    ),
    json_: bool = JSON_OPTION,
) -> None:
    """Search titles, authors, tags and notes."""
    from studyplan.services.search import search as run_search

    views = run_search(open_db(ctx), text, limit)
    if json_:
        print_json([v.to_dict() for v in views])
    elif views:
        out(render.table(render.RESOURCE_HEADERS, render.resource_rows(views)))
    else:
        out(f"no resource matches '{text}'")


def stats(ctx: typer.Context, json_: bool = JSON_OPTION) -> None:
    """Show progress per step, minutes per week, active days, the burndown and finish dates."""
    from studyplan import clock
    from studyplan.planner.service import build_plan
    from studyplan.planner.statistics import study_stats
    from studyplan.services.stats import compute_stats

    db = open_db(ctx)
    config = settings(ctx)
    moment = clock.now()
    s = compute_stats(db)
    over_time = study_stats(
        db,
        config.zone,
        config.first_weekday,
        build_plan(db, config.zone, moment),
        moment,
        with_streaks=config.streaks,
    )
    if json_:
        data = {k: v for k, v in vars(s).items() if k != "steps"}
        print_json(
            {
                **data,
                "finished": s.finished,
                "items": s.items,
                "percent": round(s.percent, 1),
                "steps": [_step_dict(x) for x in s.steps],
                **stats_render.study_stats_dict(over_time),
            }
        )
        return
    labs = f", {s.labs_passed} of {s.labs_total} labs passed" if s.labs_total else ""
    out(
        f"Progress    {s.percent:.0f}% finished: {s.finished} of {s.items} "
        f"({s.done} done, {s.skipped} skipped{labs})"
    )
    out(f"Studying    {s.in_progress} in progress, {s.todo} to do")
    out(f"Time        {duration(s.minutes_done)} done, {duration(s.minutes_left)} left")
    out(f"This week   {s.finished_last_7_days} finished in the last 7 days\n")
    rows = [
        [
            render.step_ref(x),
            f"{x.finished_count}/{x.items}",
            x.done,
            x.skipped,
            duration(x.minutes_done),
            duration(x.minutes_left),
            x.title,
        ]
        for x in s.steps
    ]
    headers = ("STEP", "FINISHED", "DONE", "SKIPPED", "TIME DONE", "TIME LEFT", "TITLE")
    out(render.table(headers, rows))
    out(f"({FINISHED_MEANS})\n")
    out(stats_render.study_stats_text(over_time))


def _change(ctx: typer.Context, ref: str, status: str, reason: str = "") -> None:
    from studyplan.services.progress import set_status

    change = set_status(open_db(ctx), ref, status, reason)
    v = change.resource
    word = STATUS_WORD[change.after]
    if change.changed:
        out(f"{v.id}: {STATUS_WORD[change.before]} -> {word}  ({v.title})")
    elif change.reason_changed:
        out(f"{v.id}: still {word}, the reason is now: {reason or '(none)'}")
    else:
        out(f"{v.id}: already {word}")


def start(ctx: typer.Context, ref: str = REF_ARGUMENT) -> None:
    """Mark a resource as in progress."""
    _change(ctx, ref, "in_progress")


def done(ctx: typer.Context, ref: str = REF_ARGUMENT) -> None:
    """Mark a resource as done."""
    _change(ctx, ref, "done")


def skip(
    ctx: typer.Context,
    ref: str = REF_ARGUMENT,
    reason: str = typer.Option(
        "", "--reason", "-r", help="Why you skip it (kept in history).", callback=utf8_text
    ),
) -> None:
    """Skip a resource, with an optional reason."""
    _change(ctx, ref, "skipped", reason)


def reset(ctx: typer.Context, ref: str = REF_ARGUMENT) -> None:
    """Set a resource back to todo."""
    _change(ctx, ref, "todo")


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
