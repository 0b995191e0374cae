"""``studyplan plan``: set the pace and show the schedule week by week."""

from __future__ import annotations

from datetime import date
from typing import Any

import typer

from studyplan.cli.common import JSON_OPTION, open_db, out, print_json, settings, state
from studyplan.errors import UsageError
from studyplan.safe_text import one_line
from studyplan.wording import duration


def _date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"'{value}' is not a date; use YYYY-MM-DD") from None


def plan(
    ctx: typer.Context,
    hours_per_week: float | None = typer.Option(
        None, "--hours-per-week", "-H", help="Study this many hours a week (spread evenly)."
    ),
    minutes_per_day: int | None = typer.Option(
        None, "--minutes-per-day", "-m", help="Study this many minutes on each study day."
    ),
    days: str | None = typer.Option(
        None, "--days", "-d", help="Study days, comma-separated: mon,wed,sat (default: all)."
    ),
    start: str | None = typer.Option(
        None, "--start", help="First study day, YYYY-MM-DD (default: today).", callback=_date
    ),
    weeks: int | None = typer.Option(
        None, "--weeks", "-w", min=1, max=10_000, help="Show only the first N weeks."
    ),
    json_: bool = JSON_OPTION,
) -> None:
    """Set your pace (options) and show the schedule week by week, with the finish date."""
    from studyplan import clock
    from studyplan.planner.service import build_plan, set_pace

    db = open_db(ctx)
    tz = settings(ctx).zone
    moment = clock.now()
    changing = any(v is not None for v in (hours_per_week, minutes_per_day, days, start))
    if changing:  # the pace is stored only if the plan at it can be built
        change = set_pace(
            db,
            clock.today(tz, moment),
            hours_per_week=hours_per_week,
            minutes_per_day=minutes_per_day,
            days=days,
            start=start,  # type: ignore[arg-type]
            tz=tz,
        )
        for warning in change.warnings:
            state(ctx).warn(warning)
        result = change.plan
    else:
        result = build_plan(db, tz, moment)
    if result.too_long:
        raise UsageError(result.too_long_text)
    if json_:
        print_json(plan_dict(result, settings(ctx).first_weekday, weeks))
        return
    if result.pace is None:
        raise UsageError(
            "no plan yet: set your pace, e.g. studyplan plan --hours-per-week 5 --days mon,wed,sat"
        )
    _print_plan(result, settings(ctx).first_weekday, weeks)


def plan_dict(result: Any, first_weekday: int = 0, weeks: int | None = None) -> dict[str, Any]:
    """The plan as ``plan --json`` prints it (the days of the first ``weeks`` weeks only,
    when given)."""
    pace = result.pace
    days = result.days
    if weeks is not None:
        days = [day for _, week in result.weeks(first_weekday)[:weeks] for day in week]
    return {
        "pace": None
        if pace is None
        else {
            "minutes_per_day": pace.minutes_per_day,
            "hours_per_week": pace.hours_per_week,
            "days": list(pace.days),
            "start": pace.start.isoformat(),
        },
        "today": result.today.isoformat(),
        "first": result.first.isoformat(),
        "finish": result.finish.isoformat() if result.finish else None,
        "minutes_left": result.minutes_left,
        "minutes_planned": result.minutes_planned,
        "items_left": len(result.items),
        "studied_today": result.studied_today,
        "days": [
            {
                "date": d.day.isoformat(),
                "minutes": d.minutes,
                "parts": [
                    {
                        "kind": p.item.kind,
                        "id": p.item.id,
                        "title": p.item.title,
                        "step": p.item.step,
                        "minutes": p.minutes,
                        "part": p.number,
                        "of": p.of,
                        "url": p.item.url,
                    }
                    for p in d.parts
                ],
            }
            for d in days
        ],
    }


def _day(day: date) -> str:
    """``Mon 2027-01-04`` (ISO, so that every year has four digits)."""
    return f"{day:%a} {day.isoformat()}"


def _print_plan(result: Any, first_weekday: int, weeks: int | None) -> None:
    pace = result.pace
    out(f"Pace     {pace.describe()}")
    if result.studied_today:
        out(
            f"Today    {duration(result.studied_today)} studied already "
            "(counted against today's session)"
        )
    if not result.days:
        out("Left     nothing: everything is finished. Well done!")
        return
    span = (result.finish - result.first).days // 7 + 1
    out(
        f"Left     {duration(result.minutes_left)} in {len(result.items)} items; "
        f"finish {_day(result.finish)} (about {span} week{'s' * (span != 1)})"
    )
    grouped = result.weeks(first_weekday)
    for start, days_ in grouped[:weeks]:
        total = sum(d.minutes for d in days_)
        out(f"\nWeek of {_day(start)}  ({duration(total)})")
        for day in days_:
            mark = "  <- today" if day.day == result.today else ""
            out(f"  {day.day:%a %d %b}  {duration(day.minutes)}{mark}")
            for part in day.parts:
                kind = "lab " if part.item.kind == "lab" else ""
                label = f"  ({part.label})" if part.label else ""
                out(
                    f"    {part.item.step:>3}  {duration(part.minutes):>6}  {kind}"
                    f"{one_line(part.item.title)}  [{part.item.id}]{label}"
                )
    if weeks is not None and len(grouped) > weeks:
        out(f"\n… {len(grouped) - weeks} more weeks (drop --weeks to see them all)")
