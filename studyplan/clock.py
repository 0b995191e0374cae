"""The clock and the learner's time zone, in one place so that tests can set both.

``STUDYPLAN_NOW`` (an ISO 8601 moment, e.g. ``2027-01-04T18:00:00+01:00``) makes every plan,
statistic and export behave as if it were that moment: tests use it, and a learner can use it
to see what a plan would look like on another day. Stored times (progress, notes, activity)
keep using the real clock.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from studyplan.errors import SettingsError

NOW_VARIABLE = "STUDYPLAN_NOW"

EARLIEST = date(1900, 1, 1)
LATEST = date(9000, 12, 31)
"""The dates ``STUDYPLAN_NOW`` may name: a year of statistics before it, and the plan and
its charts after it, must stay within the calendar (years 1 to 9999)."""

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""Day names as the command line takes them, Monday first (``date.weekday()`` order)."""


def now() -> datetime:
    """The current moment, timezone-aware (``STUDYPLAN_NOW`` if set)."""
    fixed = os.environ.get(NOW_VARIABLE, "").strip()
    if not fixed:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(fixed)
    except ValueError:
        raise SettingsError(
            f"environment variable {NOW_VARIABLE}: '{fixed}' is not an ISO 8601 moment "
            "(e.g. 2027-01-04T18:00:00+01:00); fix or unset it"
        ) from None
    if not EARLIEST <= moment.date() <= LATEST:  # a zone or a week away from the calendar's end
        raise SettingsError(
            f"environment variable {NOW_VARIABLE}: '{fixed}' is too close to the calendar's "
            f"ends; give a moment from {EARLIEST} to {LATEST}, or unset it"
        )
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def zone(name: str = "") -> tzinfo:
    """The time zone ``name`` (IANA, e.g. ``Europe/Paris``), or the system's when empty."""
    if name:
        return named_zone(name)
    return system_zone()


def named_zone(name: str) -> ZoneInfo:
    """The IANA time zone ``name``; :class:`SettingsError` if there is none by that name."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(
            f"unknown time zone '{name}'; use an IANA name such as Europe/Paris or UTC"
        ) from None


def system_zone() -> tzinfo:
    """The system's time zone: $TZ, then /etc/localtime, else UTC (as an IANA zone if known)."""
    env = os.environ.get("TZ", "").lstrip(":")
    if env:
        try:
            return ZoneInfo(env)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    try:
        target = os.readlink("/etc/localtime")
    except OSError:
        target = ""
    if "zoneinfo/" in target:
        try:
            return ZoneInfo(target.split("zoneinfo/", 1)[1])
        except (ZoneInfoNotFoundError, ValueError):
            pass
    local = datetime.now().astimezone().tzinfo
    if local is not None and Path("/etc/localtime").exists() and not env:
        return local
    return UTC


def zone_name(tz: tzinfo) -> str:
    """The IANA name of ``tz`` when it has one (``UTC`` otherwise)."""
    key = getattr(tz, "key", None)
    if key:
        return str(key)
    return "UTC" if tz is UTC else str(tz.tzname(None) or "UTC")


def today(tz: tzinfo, moment: datetime | None = None) -> date:
    """The learner's date at ``moment`` (default: :func:`now`)."""
    return (moment or now()).astimezone(tz).date()


def week_start(day: date, first_weekday: int) -> date:
    """The first day of the week holding ``day`` (``first_weekday``: 0 Monday … 6 Sunday)."""
    return day - timedelta(days=(day.weekday() - first_weekday) % 7)
