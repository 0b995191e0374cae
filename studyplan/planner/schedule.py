"""The scheduler: unfinished items, in order, laid out over the learner's study days.

Pure: no database, no clock. The rules (the property tests in tests/unit/test_schedule.py
check each over random catalogs, paces and progress):

- items keep their order: an item's first part is never on a day before the previous item's
  last part;
- a day holds at most its budget of minutes, except a day holding one part that cannot be
  split (a lab is done in one sitting), which gets that day to itself;
- a resource longer than what is left of a day is split: what fits today, the rest on the
  next study days (a 150-minute read at 60 minutes a day: parts 1/3, 2/3, 3/3); a piece
  shorter than :data:`MIN_PART` minutes is not started at the end of a day;
- only chosen weekdays, never before the first day.
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
    day = first
    while True:
        if day.weekday() in weekdays:
            yield day
        if day == date.max:
            return
        day += timedelta(days=1)


def schedule(items: Iterable[PlanItem], pace: Pace, first: date) -> list[StudyDay]:
    """Lay ``items`` out over the study days from ``first`` (rules in the module docstring)."""
    budget = pace.minutes_per_day
    days = study_days(first, pace.weekdays)
    planned: list[StudyDay] = []
    current: StudyDay | None = None

    def next_day() -> StudyDay:
        try:
            day = StudyDay(next(days))
        except StopIteration:
            raise PlanTooLongError("the plan would end after the year 9999") from None
        planned.append(day)
        return day

    for item in items:
        left = max(item.minutes, MIN_LEFT)
        pieces: list[Part] = []
        while left > 0:
            if current is None:
                current = next_day()
            room = budget - current.minutes
            if not item.splittable or left <= room:
                if left > room and current.parts:
                    current = next_day()
                    continue
                piece = left
            elif room >= min(MIN_PART, left, budget):
                piece = room
            else:
                current = next_day()
                continue
            part = Part(item, piece)
            current.parts.append(part)
            pieces.append(part)
            left -= piece
            if current.minutes >= budget:
                current = None
        _number(planned, pieces)
    return planned


def _number(planned: list[StudyDay], pieces: list[Part]) -> None:
    """Give each piece of a split item its ``number`` and ``of`` (in place)."""
    if len(pieces) < 2:
        return
    total = len(pieces)
    renumbered = {id(p): Part(p.item, p.minutes, n, total) for n, p in enumerate(pieces, 1)}
    for day in planned[-total:]:
        day.parts = [renumbered.get(id(p), p) for p in day.parts]
