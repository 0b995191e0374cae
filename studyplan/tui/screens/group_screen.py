"""The group screen: where each learner of the study group stands, as ``studyplan group
status`` prints it, refreshed live.

The status is read in a thread before the screen is shown (:func:`prepare_group`), then
again every :data:`POLL_SECONDS` in a thread worker while the screen is open: another
learner's ``studyplan done`` shows within seconds, without a key. The table is drawn again
only when what it shows changed. A failed read leaves the last table and says why on the
line below it; the next read that works clears that line.

The columns follow the width: one per step (``done/total``) where they fit, else one mark
per step (the heatmap's shades, readable without colour), and on a narrow terminal the
labs, the week's time and the last activity go, in that order.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Footer, Static

from studyplan import clock
from studyplan.errors import DatabaseBusyError, StudyplanError
from studyplan.safe_text import visible
from studyplan.services.group import MemberStatus, group_status
from studyplan.tui.bindings import GROUP_BINDINGS
from studyplan.tui.widgets.heatmap import LEVEL_CHARS
from studyplan.wording import ago_text, duration

if TYPE_CHECKING:
    from studyplan.db.database import Database
    from studyplan.tui.context import Calendar, ScreenContext

POLL_SECONDS = 2.0
"""How often the group's status is read again while the screen is open."""

ME_MARK = "▶"
"""Marks the learner who works here (their row is bold too)."""

NO_LEARNERS = (
    "No learners yet. A learner appears with their first change "
    "(STUDYPLAN_LEARNER=NAME studyplan done ID), or: studyplan group add NAME"
)
"""What the screen says for a group without learners."""

MIN_NAME = 8
"""The fewest cells the learner column keeps (the mark and six letters, then "…")."""

RESERVED = 3
"""Cells of the table's width that are not columns: its border and the scrollbar."""


@dataclass(frozen=True)
class GroupData:
    """The group's status and the moment it was read (the clock "last active" counts from)."""

    members: list[MemberStatus]
    now: datetime
    zone: tzinfo
    """The learner's time zone (dates of activity a week old or more)."""
    week_start: datetime
    """The start of the week the minutes count from, in that zone."""


def prepare_group(db: Database, calendar: Calendar) -> GroupData:
    """Read the group's status (blocking: call it from a thread)."""
    moment = clock.now()
    members = group_status(db, moment, calendar.zone, calendar.first_weekday)
    local = moment.astimezone(calendar.zone)
    monday = clock.week_start(local.date(), calendar.first_weekday)
    start = datetime.combine(monday, datetime.min.time(), tzinfo=calendar.zone)
    return GroupData(members, moment, calendar.zone, start)


def step_mark(done: int, total: int) -> str:
    """One character for a step: ``·`` nothing finished, ``░ ▒ ▓`` a third, two thirds,
    more, ``█`` all (a step without resources shows ``·``)."""
    if total <= 0 or done <= 0:
        return LEVEL_CHARS[0]
    if done >= total:
        return LEVEL_CHARS[-1]
    return LEVEL_CHARS[min(3, 1 + 3 * done // total)]


MARKS_LEGEND = f"{LEVEL_CHARS[0]} none {''.join(LEVEL_CHARS[1:4])} some {LEVEL_CHARS[4]} all"
"""What the marks of the Steps column mean (under the table when it shows them)."""


@dataclass(frozen=True)
class Column:
    """A column of the table: its key, its heading, its cells, their alignment."""

    key: str
    label: str
    cell: Callable[[MemberStatus, GroupData], str]
    right: bool = True


def _steps_marks(member: MemberStatus, _data: GroupData) -> str:
    return "".join(step_mark(s.done, s.total) for s in member.steps)


def _step_column(index: int, number: int) -> Column:
    def cell(member: MemberStatus, _data: GroupData) -> str:
        step = member.steps[index] if index < len(member.steps) else None
        return f"{step.done}/{step.total}" if step is not None else "-"

    return Column(f"step-{number}", f"S{number}", cell)


DONE = Column("done", "Done", lambda m, _d: f"{m.share:.0%}")
LABS = Column("labs", "Labs", lambda m, _d: str(m.labs_passed))
WEEK = Column("week", "Week", lambda m, _d: duration(m.minutes_week))
LAST = Column("last", "Active", lambda m, d: ago_text(m.last_active, d.now, d.zone), False)
MARKS = Column("steps", "Steps", _steps_marks, right=False)


def column_sets(data: GroupData) -> list[list[Column]]:
    """The tables to try, widest first: every step's count; one mark per step; then without
    the labs, the week's time and the last activity, in turn."""
    numbers = [s.step for s in data.members[0].steps] if data.members else []
    per_step = [_step_column(i, n) for i, n in enumerate(numbers)]
    compact = [MARKS, DONE, LABS, WEEK, LAST]
    return [
        [*per_step, DONE, LABS, WEEK, LAST],
        compact,
        [MARKS, DONE, WEEK, LAST],
        [MARKS, DONE, LAST],
        [MARKS, DONE],
    ]


@dataclass(frozen=True)
class Shown:
    """What the table shows: the columns with their widths, then the rows' cells."""

    columns: tuple[tuple[str, str, int, bool], ...]
    rows: tuple[tuple[str, ...], ...]
    mine: int | None
    """The row of the learner who works here, if they are in the group."""


def layout(data: GroupData, learner: str, width: int) -> Shown:
    """The table for ``width`` cells: the widest set of columns that fits (names cut with
    "…" when even the narrowest does not)."""
    room = width - RESERVED
    names = [visible(m.learner) for m in data.members]
    natural = max([len("Learner"), *(len(n) + 2 for n in names)])  # the mark, a space, the name
    cells_of: dict[str, list[str]] = {}
    chosen: list[Column] = []
    widths: dict[str, int] = {}
    for columns in column_sets(data):
        chosen = columns
        for column in columns:
            if column.key not in cells_of:
                cells_of[column.key] = [column.cell(m, data) for m in data.members]
            widths[column.key] = max([len(column.label), *map(len, cells_of[column.key])])
        fixed = sum(widths[c.key] + 2 for c in columns)  # a cell of padding on each side
        if fixed + min(natural, MIN_NAME) + 2 <= room:
            break
    name_width = max(min(natural, MIN_NAME), min(natural, room - fixed - 2))
    heads = (
        ("learner", "Learner", name_width, False),
        *((c.key, c.label, widths[c.key], c.right) for c in chosen),
    )
    rows = []
    mine = None
    for index, member in enumerate(data.members):
        me = member.learner == learner
        if me:
            mine = index
        name = _cut(f"{ME_MARK if me else ' '} {names[index]}", name_width)
        rows.append((name, *(cells_of[c.key][index] for c in chosen)))
    return Shown(heads, tuple(rows), mine)


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def title_text(data: GroupData) -> Text:
    """The title line: the group and how many learners it has."""
    count = len(data.members)
    title = Text("Study group", style="bold")
    title.append(f"  {count} learner{'s' * (count != 1)}")
    return title


def info_text(data: GroupData, learner: str, shown: Shown | None) -> str:
    """The line under the table: what the figures mean (and that the learner who works
    here is missing, until their first change)."""
    if not data.members:
        return ""
    parts = [f"finished = done or skipped; week from {data.week_start:%a %d %b}"]
    if shown is not None and shown.mine is None and learner:
        parts.append(f"you ({visible(learner)}) appear with your first change")
    return " · ".join(parts)


class GroupScreen(Screen[None]):
    """Title; the table of learners (or a line saying there are none); a line; keys."""

    CSS_PATH = Path(__file__).with_name("group_screen.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [*GROUP_BINDINGS]

    def __init__(self, context: ScreenContext, data: GroupData) -> None:
        super().__init__()
        self.context = context
        self.data = data
        self.shown_table: Shown | None = None
        self.error: str | None = None
        """The line saying why the last read failed (None once a read works again)."""
        self.polls = 0
        """Reads of the status finished since the screen opened (tests wait on it)."""
        self.redraws = 0
        """Times the table was drawn (only when what it shows changed)."""
        self.shown = asyncio.Event()
        """Set once the group is on the terminal."""
        self.shown_at: float | None = None
        self._poller: Timer | None = None
        self._polling = False

    def compose(self) -> ComposeResult:
        """Title, the table, the empty group's line, the info line, the footer."""
        yield Static("", id="group-title", markup=False)
        yield DataTable(id="group-table", cursor_type="none", zebra_stripes=True)
        yield Static(NO_LEARNERS, id="group-empty", markup=False)
        yield Static("", id="group-info", markup=False)
        yield Footer(id="group-keys", compact=True, show_command_palette=False)

    @property
    def table(self) -> DataTable[Text]:
        """The table of learners."""
        return self.query_one("#group-table", DataTable)

    @property
    def learner(self) -> str:
        """The learner who works here."""
        return self.context.db.learner

    def on_mount(self) -> None:
        """Show the status read before the screen was pushed; read it again every two
        seconds."""
        self.table.border_title = "Where each learner stands"
        self._show(self.data)
        self.table.focus()
        self._poller = self.set_interval(POLL_SECONDS, self.poll, name="group-poll")
        self.call_after_refresh(self._shown)

    def on_unmount(self) -> None:
        """Stop reading once the screen is gone."""
        if self._poller is not None:
            self._poller.stop()
            self._poller = None

    @property
    def live(self) -> bool:
        """Whether the status is being read again every :data:`POLL_SECONDS`."""
        return self._poller is not None

    def _shown(self) -> None:
        self.shown_at = time.perf_counter()
        self.shown.set()

    def on_resize(self, _event: events.Resize) -> None:
        """Choose the columns again for the new width."""
        self._show(self.data)

    # reading ----------------------------------------------------------------------------------

    def poll(self) -> None:
        """Read the status again in a thread (unless the previous read is still running)."""
        if not self._polling:
            self._polling = True
            self._read()

    @work(group="group-poll", exit_on_error=False)
    async def _read(self) -> None:
        try:
            data = await asyncio.to_thread(prepare_group, self.context.db, self.context.calendar)
        except DatabaseBusyError:
            return  # another studyplan is writing: the next read asks again
        except Exception as exc:
            self._failed(exc)
            return
        finally:
            self._polling = False
            self.polls += 1
        if self.is_attached:
            self.error = None
            self._show(data)

    def _failed(self, exc: Exception) -> None:
        """Keep the last table; say why on the info line (``title: message``)."""
        if isinstance(exc, StudyplanError):
            line = f"{exc.title}: {exc.message}"
        else:
            self.log.error(f"group status failed: {exc!r}")
            line = f"unexpected error: {type(exc).__name__}: {exc}"
        self.error = visible(" ".join(line.split()))  # one line
        if self.is_attached:
            self._show_info()

    # drawing ----------------------------------------------------------------------------------

    def _show(self, data: GroupData) -> None:
        self.data = data
        self.query_one("#group-title", Static).update(title_text(data))
        has_members = bool(data.members)
        self.table.display = has_members
        self.query_one("#group-empty").display = not has_members
        if has_members:
            width = self.size.width or self.app.size.width
            self._draw(layout(data, self.learner, width))
        self._show_info()

    def _draw(self, shown: Shown) -> None:
        """Draw the table, unless it already shows exactly this."""
        if shown == self.shown_table:
            return
        table = self.table
        scrolled = table.scroll_y
        if self.shown_table is None or shown.columns != self.shown_table.columns:
            table.clear(columns=True)
            for key, label, width, right in shown.columns:
                table.add_column(
                    Text(label, justify="right" if right else "left"), width=width, key=key
                )
        else:
            table.clear()
        aligned = [(width, right) for _key, _label, width, right in shown.columns]
        for index, row in enumerate(shown.rows):
            style = "bold" if index == shown.mine else ""
            table.add_row(*_cells(row, aligned, style), key=str(index))
        self.shown_table = shown
        self.redraws += 1
        marks = any(key == MARKS.key for key, *_ in shown.columns)
        table.border_subtitle = MARKS_LEGEND if marks else None
        if scrolled:
            self.call_after_refresh(table.scroll_to, y=scrolled, animate=False)

    def _show_info(self) -> None:
        info = self.query_one("#group-info", Static)
        info.set_class(self.error is not None, "-error")
        info.update(self.error or info_text(self.data, self.learner, self.shown_table))

    def action_back(self) -> None:
        """Back to the steps."""
        self.dismiss(None)


def _cells(row: Sequence[str], aligned: list[tuple[int, bool]], style: str) -> list[Text]:
    """The row's cells as text (never read as markup), numbers to the right."""
    return [
        Text(cell.rjust(width) if right else cell, style=style, no_wrap=True)
        for cell, (width, right) in zip(row, aligned, strict=True)
    ]


__all__ = [
    "POLL_SECONDS",
    "GroupData",
    "GroupScreen",
    "info_text",
    "layout",
    "prepare_group",
    "step_mark",
    "title_text",
]
