"""The weeks of the study plan as one list: a line per week, per study day, per item.

Only the items can be selected (the week and day lines are headings the cursor skips).
Today's session is marked twice: ``▶`` and the word "today" on its day line, and its items
in the ``plan-list--today`` style (bold, coloured when colour is on).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.binding import BindingType
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from studyplan.planner.schedule import Part, StudyDay
from studyplan.planner.service import Plan
from studyplan.safe_text import one_line
from studyplan.tui.bindings import MOVE_BINDINGS
from studyplan.tui.format import foreground
from studyplan.tui.widgets.resource_table import LAB_MARK
from studyplan.wording import STATUS_MARK, duration

TODAY_MARK = "▶"
"""Before today's day line (with the word "today" after it)."""

LAB_SIGN = "λ"
"""Before a lab's title, as in the resource table."""

MAX_PARTS = 1000
"""The list stops after the week in which it passes this many items (a huge catalog would
otherwise take seconds to list); a last line says how many weeks are left out."""


@dataclass(frozen=True)
class PlannedPart:
    """An item of the list: a part of an item on a day."""

    day: date
    part: Part
    today: bool


def item_mark(part: Part) -> str:
    """The status mark of a part's item: ``[ ]``, ``[~]``."""
    item = part.item
    marks = LAB_MARK if item.kind == "lab" else STATUS_MARK
    return marks.get(item.status, "[ ]")


class PlanList(OptionList, inherit_bindings=False):
    """Weeks, days and parts; the cursor moves over the parts only."""

    BINDINGS: ClassVar[list[BindingType]] = [*MOVE_BINDINGS]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        *OptionList.COMPONENT_CLASSES,
        "plan-list--week",
        "plan-list--day",
        "plan-list--today",
        "plan-list--lab",
        "plan-list--in-progress",
        "plan-list--dim",
    }

    DEFAULT_CSS = """
    PlanList {
        & > .option-list--option-disabled { color: $foreground; }
        & > .plan-list--week { text-style: bold underline; }
        & > .plan-list--day { color: $text-muted; }
        & > .plan-list--today { text-style: bold; color: $text-accent; }
        & > .plan-list--lab { color: $text-primary; }
        & > .plan-list--in-progress { color: $text-warning; }
        & > .plan-list--dim { color: $text-muted; }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.entries: list[PlannedPart | None] = []
        """One per option: the part, or None for a heading."""

    @property
    def current(self) -> PlannedPart | None:
        """The part under the cursor."""
        index = self.highlighted
        if index is None or not 0 <= index < len(self.entries):
            return None
        return self.entries[index]

    @property
    def parts(self) -> list[PlannedPart]:
        """Every part listed, in order."""
        return [entry for entry in self.entries if entry is not None]

    def show(self, plan: Plan, first_weekday: int, select: str | None = None) -> None:
        """List ``plan``'s weeks; the cursor on ``select``'s first part if it is planned,
        else on the first part (today's session, or the first planned day's)."""
        options: list[Option] = []
        entries: list[PlannedPart | None] = []
        weeks = plan.weeks(first_weekday)
        listed = 0
        for shown, (start, days) in enumerate(weeks):
            if listed > MAX_PARTS:
                left = len(weeks) - shown
                more = f"… {left} more week{'s' * (left != 1)}: studyplan plan shows them all"
                options.append(Option(Text(more, style=self._style("dim")), disabled=True))
                entries.append(None)
                break
            total = sum(d.minutes for d in days)
            options.append(Option(self._week_line(start, total), disabled=True))
            entries.append(None)
            for day in days:
                today = day.day == plan.today
                options.append(Option(self._day_line(day, today), disabled=True))
                entries.append(None)
                for part in day.parts:
                    options.append(Option(self._part_line(part, today)))
                    entries.append(PlannedPart(day.day, part, today))
                listed += len(day.parts)
        self.entries = entries
        self.set_options(options)
        self.highlighted = self._index_of(select)
        if self.highlighted is not None and self.highlighted == self._index_of(None):
            self.scroll_home(animate=False, immediate=True)

    def _index_of(self, item_id: str | None) -> int | None:
        found = None
        for index, entry in enumerate(self.entries):
            if entry is None:
                continue
            if item_id is None or entry.part.item.id == item_id:
                return index
            if found is None:
                found = index
        return found

    def _style(self, name: str) -> Style:
        component = f"plan-list--{name}"
        full = self.get_component_rich_style(component)
        return foreground(full, self.get_component_rich_style(component, partial=True))

    def _week_line(self, start: date, minutes: int) -> Text:
        text = Text()
        text.append(f"Week of {start:%a %d %b %Y}", style=self._style("week"))
        text.append(f"  {duration(minutes)}", style=self._style("dim"))
        return text

    def _day_line(self, day: StudyDay, today: bool) -> Text:
        if today:
            return Text(
                f"{TODAY_MARK} {day.day:%a %d %b}  {duration(day.minutes)}  today",
                style=self._style("today"),
            )
        text = Text()
        text.append(f"  {day.day:%a %d %b}", style=self._style("day"))
        text.append(f"  {duration(day.minutes)}", style=self._style("dim"))
        return text

    def _part_line(self, part: Part, today: bool) -> Text:
        item = part.item
        text = Text("    ", style=self._style("today") if today else "")  # the line's base
        mark_style = self._style("in-progress") if item.status in ("in_progress", "started") else ""
        text.append(item_mark(part), style=mark_style)
        text.append(f" {item.step:>3}  {duration(part.minutes):>6}  ")
        if item.kind == "lab":
            text.append(f"{LAB_SIGN} ", style=self._style("lab"))
        if part.label:  # before the title, which a narrow screen cuts
            text.append(f"{part.number}/{part.of} ", style=self._style("dim"))
        text.append(one_line(item.title))
        return text


__all__ = ["LAB_SIGN", "TODAY_MARK", "PlanList", "PlannedPart", "item_mark"]
