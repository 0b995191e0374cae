"""The rules every schedule keeps, as checks the scheduler and plan tests share.

For ``days = schedule(items, pace, first)``:

(a) a day holds at most its budget, unless it holds exactly one part of an item that cannot
    be split;
(b) every day is a chosen weekday, not before ``first``; days strictly increase; none is
    skipped (the planned days are the first study days from ``first``);
(c) each item's parts add up to ``max(minutes, MIN_LEFT)``, are numbered 1..n of n in
    chronological order, one a day on consecutive planned days; each part of a split item
    but the last fills its day (but a piece shortened so that the last part is MIN_PART);
    its first part is at least ``min(MIN_PART, budget)``; its last part is under MIN_PART
    only after an empty day too short for two such pieces;
(d) items keep their order: day by day the parts name the items in order, so an item never
    starts on a day before the previous item's last part;
(e) no day is empty;
(f) no day is wasted (below).

"No wasted day" is exactly what the scheduler promises when it leaves a study day for the
next one (the day before is not the last planned day):

- the day is full (its minutes reach the budget), or
- the next piece is the first part of an item that cannot be split and is longer than the
  room left, or
- the next piece is the first part of an item that can be split, the whole item is longer
  than the room left, and that room is under :data:`MIN_PART` minutes (a split is not
  started in less), or it is too short for two pieces of MIN_PART with the one here
  (splitting would leave a sliver at the end); or
- the next piece is the last part of a split item, exactly MIN_PART minutes, and the room
  left is under MIN_PART (the piece before was shortened so the last is not a sliver).

"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from itertools import islice, pairwise

from studyplan.planner.schedule import (
    MIN_LEFT,
    MIN_PART,
    Pace,
    Part,
    PlanItem,
    StudyDay,
)


def every_study_day(first: date, weekdays: frozenset[int]) -> Iterator[date]:
    """The chosen weekdays from ``first`` on, found by walking day by day (the reference the
    scheduler's quicker :func:`study_days` is checked against)."""
    day = first
    while True:
        if day.weekday() in weekdays:
            yield day
        if day == date.max:
            return
        day += timedelta(days=1)


def parts_by_item(days: list[StudyDay]) -> dict[str, list[tuple[int, Part]]]:
    """Each item's parts with the index of their day, in chronological order."""
    found: dict[str, list[tuple[int, Part]]] = {}
    for index, day in enumerate(days):
        for part in day.parts:
            found.setdefault(part.item.id, []).append((index, part))
    return found


class Budget:
    """The minutes a day may hold: the pace's, less what was studied on ``first`` already."""

    def __init__(self, pace: Pace, first: date, studied_first: int = 0) -> None:
        self.minutes = pace.minutes_per_day
        self.first = first
        self.studied_first = studied_first
        self.weekdays = pace.weekdays

    def on(self, day: date) -> int:
        """The room of ``day`` before anything is planned on it."""
        return self.minutes - self.studied_first if day == self.first else self.minutes


def check_schedule(
    items: list[PlanItem], pace: Pace, first: date, days: list[StudyDay], studied_first: int = 0
) -> None:
    """Every rule of the scheduler, for ``days = schedule(items, pace, first, studied_first)``."""
    budget = Budget(pace, first, studied_first)
    check_days(pace, first, days, budget)
    check_budget(budget, days)
    check_parts(items, budget, days)
    check_order(items, days)
    check_no_wasted_day(budget, days)


def check_days(pace: Pace, first: date, days: list[StudyDay], budget: Budget) -> None:
    """(b) chosen weekdays only, none before ``first``, strictly increasing, none skipped
    (but ``first`` when what was studied on it left no room for the first piece);
    (e) no empty day."""
    for day in days:
        assert day.day.weekday() in pace.weekdays
        assert day.day >= first
        assert day.parts, f"{day.day} is planned but empty"
    assert all(a.day < b.day for a, b in pairwise(days))
    expected = list(islice(every_study_day(first, pace.weekdays), len(days) + 1))
    if days and expected[0] == first and days[0].day != first:
        assert budget.studied_first > 0, "the first day was skipped with nothing studied"
        expected = expected[1:]
    assert [d.day for d in days] == expected[: len(days)], "a study day was skipped"


def check_budget(budget: Budget, days: list[StudyDay]) -> None:
    """(a) a day holds at most its budget, unless it holds one part of an unsplittable item."""
    for day in days:
        if day.minutes > budget.on(day.day):
            assert len(day.parts) == 1, f"{day.day}: over budget with several parts"
            assert not day.parts[0].item.splittable, f"{day.day}: a split read over budget"


def check_parts(items: list[PlanItem], budget: Budget, days: list[StudyDay]) -> None:
    """(c) every item is planned whole: its parts add up, are numbered 1..n of n in order,
    one a day; a split item's parts are on consecutive planned days, each but the last
    filling its day, the first at least MIN_PART minutes (or a whole day when the budget is
    smaller)."""
    found = parts_by_item(days)
    assert set(found) == {i.id for i in items}
    for it in items:
        pieces = found[it.id]
        indexes = [index for index, _ in pieces]
        parts = [part for _, part in pieces]
        assert sum(p.minutes for p in parts) == max(it.minutes, MIN_LEFT)
        assert all(p.minutes > 0 for p in parts)
        assert [p.number for p in parts] == list(range(1, len(parts) + 1))
        assert {p.of for p in parts} == {len(parts)}
        assert all(p.item == it for p in parts)
        assert indexes == list(range(indexes[0], indexes[0] + len(parts))), "not one a day"
        if not it.splittable:
            assert len(parts) == 1, f"{it.id} cannot be split but was"
        if len(parts) > 1:
            assert parts[0].minutes >= min(MIN_PART, budget.minutes)
            assert parts[0].label == f"part 1/{len(parts)}"
            _check_split_days(it, pieces, days, budget)
        else:
            assert parts[0].label == ""


def _check_split_days(
    item: PlanItem, pieces: list[tuple[int, Part]], days: list[StudyDay], budget: Budget
) -> None:
    """Each part but the last ends a full day, except a piece shortened so that the last
    part is MIN_PART; the last part is under MIN_PART only when the day before was empty and
    too short for two such pieces."""
    last_index, last = pieces[-1]
    before_index, before = pieces[-2]
    shortened = last.minutes == MIN_PART
    for index, part in pieces[:-1]:
        day = days[index]
        assert day.parts[-1] == part
        room = budget.on(day.day) - day.minutes
        if room:
            assert part is before and shortened and room < MIN_PART, f"{item.id}: {room} left"
    for index, part in pieces[1:]:
        assert days[index].parts[0] == part
    if last.minutes < MIN_PART:
        day = days[before_index]
        assert day.parts == [before], f"{item.id} ends in a sliver after a busy day"
        assert budget.on(day.day) == budget.minutes
        assert before.minutes + last.minutes - MIN_PART < min(MIN_PART, budget.minutes)
    assert last_index == before_index + 1


def check_order(items: list[PlanItem], days: list[StudyDay]) -> None:
    """(d) items keep their order: read day by day, the parts name the items in order, each
    item's parts together; so no item starts on a day before the previous one ends."""
    sequence = [part.item.id for day in days for part in day.parts]
    runs = [ident for n, ident in enumerate(sequence) if n == 0 or sequence[n - 1] != ident]
    assert runs == [i.id for i in items]
    found = parts_by_item(days)
    for before, after in pairwise(items):
        assert found[after.id][0][0] >= found[before.id][-1][0]


def check_no_wasted_day(budget: Budget, days: list[StudyDay]) -> None:
    """(f) a day that is not the last was left only when nothing more could go there (the
    rule is stated in the module docstring); the same for ``first`` when it is not planned
    although it is a study day."""
    found = parts_by_item(days)
    for day, following in pairwise(days):
        room = budget.on(day.day) - day.minutes
        _left_for_good_reason(room, following.parts[0], found, budget.minutes)
    skipped_first = days and days[0].day != budget.first
    if skipped_first and budget.first.weekday() in budget.weekdays:
        _left_for_good_reason(budget.on(budget.first), days[0].parts[0], found, budget.minutes)


def _left_for_good_reason(
    room: int, nxt: Part, found: dict[str, list[tuple[int, Part]]], budget: int
) -> None:
    if room <= 0:
        return
    whole = sum(p.minutes for _, p in found[nxt.item.id])
    if nxt.number > 1:  # a piece shortened so that the last part is MIN_PART
        assert nxt.number == nxt.of and nxt.minutes == MIN_PART and room < MIN_PART
        return
    assert whole > room, f"{nxt.item.id} ({whole} min) fits in {room} min"
    if nxt.item.splittable:
        too_short_for_two = whole - room < MIN_PART and whole - MIN_PART < min(MIN_PART, budget)
        assert room < MIN_PART or too_short_for_two, f"{room} min unused before {nxt.item.id}"
