"""The scheduler: unfinished items, in order, laid out over the learner's study days.

Pure: no database, no clock. The rules (the property tests in tests/planner/test_schedule.py
check each over random catalogs, paces and progress):

- items keep their order: an item's first part is never on a day before the previous item's
  last part;
- a day holds at most its budget of minutes, except a day holding one part that cannot be
  split (a lab is done in one sitting), which gets that day to itself;
- a resource longer than what is left of a day is split: what fits today, the rest on the
  next study days (a 150-minute read at 60 minutes a day: parts 1/3, 2/3, 3/3); a piece
  shorter than :data:`MIN_PART` minutes is not started at the end of a day;
- only chosen weekdays, never before the first day;
- no day wasted: a day is left for the next only when it is full or the next piece cannot go
  there (see :func:`schedule`), so the planned days are the first study days from the first
  day, none skipped and none empty;
- minutes already studied on the first day (today) count against its budget.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

MIN_PART = 15
"""The shortest piece of a longer item worth starting at the end of a day (minutes)."""

MIN_LEFT = 5
"""Minutes planned for an unfinished item whose time is used up (to finish it off)."""


class PlanTooLongError(ValueError):
    """The plan would run past the last date the calendar knows (year 9999)."""


@dataclass(frozen=True)
class PlanItem:
    """Something to study: a resource or a lab, with the minutes it still needs."""

    kind: str
    """``resource`` or ``lab``."""
    id: str
    title: str
    minutes: int
    """Minutes still needed (the estimate less the time already studied)."""
    step: str = ""
    """The step reference (``3``, or ``other/2`` for an imported curriculum)."""
    url: str = ""
    status: str = "todo"
    splittable: bool = True
    advice: str = ""


@dataclass(frozen=True)
class Part:
    """A piece of an item planned on one day."""

    item: PlanItem
    minutes: int
    number: int = 1
    of: int = 1

    @property
    def label(self) -> str:
        """``part 2/3`` for a split item, empty otherwise."""
        return f"part {self.number}/{self.of}" if self.of > 1 else ""


@dataclass
class StudyDay:
    """One planned study day: its parts, in order."""

    day: date
    parts: list[Part] = field(default_factory=list)

    @property
    def minutes(self) -> int:
        """Minutes planned on the day."""
        return sum(p.minutes for p in self.parts)


@dataclass(frozen=True)
class Pace:
    """How the learner studies: minutes per study day, on which weekdays (0 = Monday)."""

    minutes_per_day: int
    weekdays: frozenset[int]

    def __post_init__(self) -> None:
        if self.minutes_per_day <= 0:
            raise ValueError("a study day needs at least one minute")
        if not self.weekdays or not self.weekdays <= set(range(7)):
            raise ValueError("choose at least one study day")


def study_days(first: date, weekdays: frozenset[int]) -> Iterator[date]:
    """The chosen weekdays from ``first`` on; stops at the end of the calendar."""
    chosen = sorted(weekdays)
    if not chosen:
        return
    # from each chosen weekday, the days to the next one (a week when only one is chosen)
    gaps = {
        d: timedelta(days=(chosen[(n + 1) % len(chosen)] - d - 1) % 7 + 1)
        for n, d in enumerate(chosen)
    }
    ahead = min((d - first.weekday()) % 7 for d in chosen)
    if date.max - first < timedelta(days=ahead):
        return
    day = first + timedelta(days=ahead)
    while True:
        yield day
        gap = gaps[day.weekday()]
        if date.max - day < gap:
            return
        day += gap


def schedule(
    items: Iterable[PlanItem], pace: Pace, first: date, studied_first: int = 0
) -> list[StudyDay]:
    """Lay ``items`` out over the study days from ``first`` (rules in the module docstring).

    ``studied_first`` minutes were already studied on ``first`` (today): they count against
    that day's budget, and a day they fill, or whose room nothing fits in, is not planned.

    A day is left for the next study day only when it is full, or when the next piece cannot
    go there: an item that cannot be split and is longer than the room left, or an item
    that can be split, longer than the room left, when that room is under :data:`MIN_PART`.
    A split never leaves a last part under :data:`MIN_PART` when it can help it: the piece
    before is shortened so the last is :data:`MIN_PART` (65 minutes with 55 left today:
    50 today, 15 next), and a read too short for two such pieces goes whole to the next day
    (a 20-minute read is not cut into 15 and 5); only on an empty day, when the budget
    leaves no choice, is a shorter last part planned.
    So the planned days are the first study days from ``first``, none skipped, none empty.
    Raises :class:`PlanTooLongError` when the plan would run past 9999-12-31.
    """
    budget = pace.minutes_per_day
    days = study_days(first, pace.weekdays)
    planned: list[StudyDay] = []
    current: StudyDay | None = None
    used = 0  # minutes planned on ``current``: summing its parts each time is quadratic

    for item in items:
        left = max(item.minutes, MIN_LEFT)
        pieces: list[tuple[StudyDay, int]] = []
        while left > 0:
            if current is None:
                current = _next_day(days, planned)
                used = studied_first if current.day == first else 0
                if used >= budget:
                    planned.pop()
                    current = None
                    continue
            room = budget - used
            if not item.splittable or left <= room:
                if left > room and used:
                    current = None
                    continue
                piece = left
            elif room >= min(MIN_PART, budget):
                piece = room
                if left - room < MIN_PART:  # no sliver at the end: a shorter piece today
                    shorter = left - MIN_PART
                    if shorter >= min(MIN_PART, budget):
                        piece = shorter
                    elif used:  # too short for two pieces: all of it on the next day
                        current = None
                        continue
            else:
                current = None
                continue
            pieces.append((current, piece))
            used += piece
            left -= piece
            if used >= budget:
                current = None
        total = len(pieces)
        for number, (day, minutes) in enumerate(pieces, 1):
            day.parts.append(Part(item, minutes, number, total))
    if planned and not planned[0].parts:  # today's room was too small for the first piece
        planned.pop(0)
    return planned


def _next_day(days: Iterator[date], planned: list[StudyDay]) -> StudyDay:
    """The next study day, added to ``planned``."""
    try:
        day = StudyDay(next(days))
    except StopIteration:
        raise PlanTooLongError("the plan would end after the year 9999") from None
    planned.append(day)
    return day
