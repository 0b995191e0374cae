"""The plan as an iCalendar file (RFC 5545): one event per planned study day.

Each event starts at the ``study_time`` setting in the learner's time zone (``TZID`` with a
``VTIMEZONE`` built from the zone's rules; a zone without an IANA name is written in UTC),
lasts the day's planned minutes, and lists the day's items with their links (a lab with the
command that starts it).

The icalendar library builds the whole file: the frame, the VTIMEZONE from the zone's rules,
and each event and alarm (CRLF line ends, lines folded at 75 octets, TEXT escaped).

Importing again updates instead of duplicating:

- ``UID`` is ``studyplan-<date>@studyplan``: one per study date, the same in every export;
- ``SEQUENCE`` is the export's moment in minutes since 2020-01-01 (UTC), so a later export
  always carries a higher revision than an earlier one (RFC 5545 asks only that it grows);
- ``DTSTAMP`` is the export's moment.

A day no longer planned (finished early, pace changed) is not in the new file; calendars do
not delete events on import, so such an event stays until it is deleted by hand.
``--remind N`` adds a display alarm N minutes before each session.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event, Timezone

from studyplan import __version__, clock
from studyplan.planner.exports import ExportContext
from studyplan.planner.schedule import Part, StudyDay
from studyplan.safe_text import visible
from studyplan.wording import duration

PRODID = f"-//studyplan//studyplan {__version__}//EN"
SEQUENCE_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)


def uid(day: date) -> str:
    """The event's UID for study date ``day`` (stable across exports)."""
    return f"studyplan-{day.isoformat()}@studyplan"


def sequence(moment: datetime) -> int:
    """The revision number of every event of an export made at ``moment``."""
    minutes = int((moment - SEQUENCE_EPOCH).total_seconds() // 60)
    return min(max(0, minutes), 2**31 - 1)  # RFC 5545 integers are 32-bit


def _text(value: str) -> str:
    """Text without control characters (RFC 5545 TEXT allows none but tab)."""
    return visible(" ".join(value.split()))


def _event_zone(tz: tzinfo) -> tzinfo:
    """The zone events are written in: the learner's IANA zone, else UTC."""
    name = getattr(tz, "key", None)
    return UTC if not name or name == "UTC" else tz


def summary(day: StudyDay) -> str:
    """``Study: Intro Video (30m)`` or ``Study: 3 items (1h 40m)``."""
    if len(day.parts) == 1:
        return f"Study: {_text(day.parts[0].item.title)} ({duration(day.minutes)})"
    return f"Study: {len(day.parts)} items ({duration(day.minutes)})"


def _part_lines(number: int, part: Part) -> list[str]:
    item = part.item
    label = f", {part.label}" if part.label else ""
    kind = "Lab: " if item.kind == "lab" else ""
    lines = [f"{number}. {kind}{_text(item.title)} (step {item.step}{label}, {part.minutes} min)"]
    if item.kind == "lab":
        lines.append(f"   Start it with: studyplan lab start {item.id}")
    elif item.url:
        lines.append(f"   {_text(item.url)}")
    return lines


def description(day: StudyDay) -> str:
    """What to study on ``day``: each part with its step, minutes and link."""
    lines = [f"{duration(day.minutes)} of study:", ""]
    for number, part in enumerate(day.parts, 1):
        lines += _part_lines(number, part)
    return "\n".join(lines)


def start_of(ctx: ExportContext, day: StudyDay) -> datetime:
    """When the session of ``day`` starts: ``study_time``; today, once that time has passed,
    the next quarter hour from now (so tonight's session is not in the past)."""
    start = datetime.combine(day.day, ctx.study_time, tzinfo=ctx.tz)
    if day.day != ctx.plan.today or start >= ctx.now:
        return start
    local = ctx.now.astimezone(ctx.tz)
    minutes = local.hour * 60 + local.minute + (local.second + local.microsecond / 1e6) / 60
    quarter = math.ceil(minutes / 15) * 15
    if quarter >= 24 * 60:
        return start
    return datetime.combine(day.day, time(quarter // 60, quarter % 60), tzinfo=ctx.tz)


def event(ctx: ExportContext, day: StudyDay, zone: tzinfo) -> Event:
    """The VEVENT of study day ``day``, with a display alarm when ``--remind`` asks."""
    start = start_of(ctx, day).astimezone(zone)
    title = summary(day)
    component = Event()
    component.add("uid", uid(day.day))
    component.add("dtstamp", ctx.now.astimezone(UTC))
    component.add("dtstart", start)
    component.add(
        "dtend", (start.astimezone(UTC) + timedelta(minutes=day.minutes)).astimezone(zone)
    )
    component.add("sequence", sequence(ctx.now))
    component.add("summary", title)
    component.add("description", description(day))
    component.add("categories", ["Study"])
    if ctx.remind_minutes is not None:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", title)
        alarm.add("trigger", timedelta(minutes=-ctx.remind_minutes))
        component.add_component(alarm)
    return component


def _timezone(ctx: ExportContext, zone: tzinfo) -> Timezone:
    days = [d.day for d in ctx.plan.days] or [ctx.plan.today]
    first = min(days[0], ctx.plan.today) - timedelta(days=1)
    last = days[-1] + timedelta(days=2) if days[-1] < date.max - timedelta(days=2) else date.max
    if zone is UTC:
        return Timezone.from_tzinfo(ZoneInfo("UTC"), "UTC", first, last)
    return Timezone.from_tzinfo(zone, clock.zone_name(zone), first, last)


def _about(ctx: ExportContext) -> str:
    plan = ctx.plan
    if plan.pace is None:
        return (
            "No pace set, so no study day is planned: set one with studyplan plan "
            "--hours-per-week 5 --days mon,wed,sat, then export again."
        )
    if plan.too_long:
        return f"No study day is planned: {plan.too_long_text}."
    if plan.finish is None:
        return f"Pace: {plan.pace.describe()}. Nothing left to plan: everything is finished."
    return (
        f"Pace: {plan.pace.describe()}. Finish: {plan.finish.isoformat()} "
        f"({duration(plan.minutes_left)} left in {len(plan.items)} item"
        f"{'s' * (len(plan.items) != 1)})."
    )


def render(ctx: ExportContext) -> str:
    """The whole calendar, as text with CRLF line ends."""
    zone = _event_zone(ctx.tz)
    calendar = Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", PRODID)
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", "Study plan")
    calendar.add("x-wr-calname", "Study plan")
    calendar.add("x-wr-timezone", clock.zone_name(zone))
    calendar.add("description", _about(ctx))
    calendar.add_component(_timezone(ctx, zone))
    for day in ctx.plan.days:
        calendar.add_component(event(ctx, day, zone))
    return calendar.to_ical().decode("utf-8")
