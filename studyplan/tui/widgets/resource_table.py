"""The resource table: a virtualised list that renders only the rows on screen.

Below a step's resources come its labs (``λ`` in the link column, their status in the first).

Textual's DataTable measures and stores every cell up front, which costs seconds at tens of
thousands of rows. This table keeps the :class:`ResourceView` list as it is and draws a row
only when it is visible, so loading 10,000 rows and moving the cursor stay cheap.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.cells import set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import BindingType
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from studyplan.labs.service import LabView
from studyplan.safe_text import visible
from studyplan.services.views import ResourceView
from studyplan.tui.bindings import MOVE_BINDINGS
from studyplan.wording import LINK_MARK, STATUS_MARK

Item = ResourceView | LabView
"""A row of the table: a resource, or a lab below the resources."""

LAB_MARK = {"not_started": "[ ]", "started": "[~]", "passed": "[x]"}
"""The status column of a lab (as ``studyplan lab list``)."""


def _authors(item: Item) -> str:
    if isinstance(item, LabView):
        return f"after {item.follows_title}"
    return ", ".join(item.authors)


LINK_CLASSES = {
    "alive": "resource-table--link-alive",
    "redirected": "resource-table--link-redirected",
    "dead": "resource-table--link-dead",
    "error": "resource-table--link-dead",
    "invalid": "resource-table--link-dead",
    "fragment-missing": "resource-table--link-blocked",
    "blocked": "resource-table--link-blocked",
}
"""The colour of each link mark (the mark itself says it without colour too)."""


@dataclass(frozen=True)
class _Column:
    title: str
    width: int
    right: bool = False


class ResourceTable(ScrollView, can_focus=True):
    """The resources of one step: status, link health, kind, title, authors, minutes."""

    BINDINGS: ClassVar[list[BindingType]] = [*MOVE_BINDINGS]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "resource-table--header",
        "resource-table--cursor",
        "resource-table--cursor-blurred",
        "resource-table--done",
        "resource-table--skipped",
        "resource-table--in-progress",
        "resource-table--link-alive",
        "resource-table--link-redirected",
        "resource-table--link-dead",
        "resource-table--link-blocked",
    }

    DEFAULT_CSS = """
    ResourceTable {
        background: $surface;
        scrollbar-gutter: stable;
        & > .resource-table--header { text-style: bold; background: $panel; color: $text; }
        & > .resource-table--cursor { background: $block-cursor-background;
            color: $block-cursor-foreground; text-style: $block-cursor-text-style; }
        & > .resource-table--cursor-blurred { background: $block-cursor-blurred-background; }
        & > .resource-table--done { color: $text-success; }
        & > .resource-table--skipped { color: $text-muted; }
        & > .resource-table--in-progress { color: $text-warning; }
        & > .resource-table--link-alive { color: $text-success; }
        & > .resource-table--link-redirected { color: $text-primary; }
        & > .resource-table--link-dead { color: $text-error; text-style: bold; }
        & > .resource-table--link-blocked { color: $text-warning; }
    }
    """

    class Highlighted(Message):
        """The cursor moved to ``item`` (a resource or a lab; None when the table is empty)."""

        def __init__(self, table: ResourceTable, item: Item | None) -> None:
            super().__init__()
            self.table = table
            self.item = item

        @property
        def view(self) -> ResourceView | None:
            """The resource under the cursor, if the cursor is on a resource."""
            return self.item if isinstance(self.item, ResourceView) else None

        @property
        def control(self) -> ResourceTable:
            """The table that sent this message."""
            return self.table

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[Item] = []
        self.cursor = 0
        self._index: dict[str, int] = {}
        self._authors_width = 0
        """The widest authors cell of the rows (so the columns can share the width)."""
        self.links: dict[str, str] = {}
        """Link status per resource id (``unchecked`` when missing)."""

    # data -----------------------------------------------------------------------------------

    @property
    def current_item(self) -> Item | None:
        """The resource or lab under the cursor."""
        return self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    @property
    def current(self) -> ResourceView | None:
        """The resource under the cursor (None on a lab)."""
        item = self.current_item
        return item if isinstance(item, ResourceView) else None

    @property
    def current_lab(self) -> LabView | None:
        """The lab under the cursor (None on a resource)."""
        item = self.current_item
        return item if isinstance(item, LabView) else None

    def set_rows(
        self,
        rows: list[ResourceView],
        select_id: str | None = None,
        labs: list[LabView] | None = None,
    ) -> None:
        """Show ``rows`` then ``labs``; the cursor on ``select_id``, else where it was."""
        current = self.current_item
        keep = select_id or (current.id if current else None)
        self.rows = [*rows, *(labs or [])]
        self._index = {item.id: i for i, item in enumerate(self.rows)}
        self._authors_width = max((len(_authors(v)) for v in self.rows[:2000]), default=0)
        self.virtual_size = Size(self.size.width, len(self.rows) + 1)
        target = self._index.get(keep or "", min(self.cursor, max(0, len(self.rows) - 1)))
        self.cursor = -1
        self.move_to(target, force_top=select_id is not None)
        self.refresh()

    def update_row(self, view: ResourceView) -> None:
        """Replace the row of ``view.id`` if it is shown."""
        index = self._index.get(view.id)
        if index is None:
            return
        self.rows[index] = view
        self._refresh_row(index)
        if index == self.cursor:
            self.post_message(self.Highlighted(self, view))

    def set_links(self, links: dict[str, str]) -> None:
        """Show ``links`` (resource id to link status) in the link column."""
        if links != self.links:
            self.links = links
            self.refresh()

    # cursor ---------------------------------------------------------------------------------

    def move_to(self, index: int, force_top: bool = False) -> None:
        """Put the cursor on row ``index`` and scroll it into view."""
        index = max(0, min(index, len(self.rows) - 1))
        if index != self.cursor:
            old, self.cursor = self.cursor, index
            self._refresh_row(old)
            self._refresh_row(index)
            self.post_message(self.Highlighted(self, self.current_item))
        self._scroll_to_cursor(force_top)

    def _scroll_to_cursor(self, force_top: bool = False) -> None:
        visible = max(1, self.scrollable_content_region.height - 1)
        top = round(self.scroll_y)
        if force_top and not (top <= self.cursor < top + visible):
            self.scroll_to(y=max(0, self.cursor - visible // 3), animate=False, immediate=True)
        elif self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + visible:
            self.scroll_to(y=self.cursor - visible + 1, animate=False, immediate=True)

    def _refresh_row(self, index: int) -> None:
        if index >= 0:
            self.refresh_line(index - round(self.scroll_y) + 1)

    def action_cursor_up(self) -> None:
        """Move up a row."""
        self.move_to(self.cursor - 1)

    def action_cursor_down(self) -> None:
        """Move down a row."""
        self.move_to(self.cursor + 1)

    def action_page_up(self) -> None:
        """Move up a page."""
        self.move_to(self.cursor - max(1, self.size.height - 2))

    def action_page_down(self) -> None:
        """Move down a page."""
        self.move_to(self.cursor + max(1, self.size.height - 2))

    def action_first(self) -> None:
        """Move to the first row."""
        self.move_to(0)

    def action_last(self) -> None:
        """Move to the last row."""
        self.move_to(len(self.rows) - 1)

    def on_click(self, event: events.Click) -> None:
        """Select the clicked row."""
        offset = event.get_content_offset(self)
        if offset is not None and offset.y >= 1:
            self.move_to(round(self.scroll_y) + offset.y - 1)

    def on_focus(self) -> None:
        """Repaint the cursor in its focused colour."""
        self._refresh_row(self.cursor)

    def on_blur(self) -> None:
        """Repaint the cursor in its blurred colour."""
        self._refresh_row(self.cursor)

    def on_resize(self) -> None:
        """Keep the virtual size and the cursor in view on resize."""
        self.virtual_size = Size(self.size.width, len(self.rows) + 1)
        self._scroll_to_cursor()

    # drawing --------------------------------------------------------------------------------

    def _columns(self, width: int) -> list[_Column]:
        """St, Ln, Kind, Title, Authors, Min; narrow tables drop Authors, then Kind.

        Title and Authors share what is left: Authors gets what its widest cell needs (at
        most two fifths), Title the rest, so neither is cut while the other has room.
        """
        columns = [_Column("St", 3), _Column("Ln", 2)]
        with_kind = width >= 50
        with_authors = width >= 70
        if with_kind:
            columns.append(_Column("Kind", 12))
        fixed = sum(c.width for c in columns) + 5 + len(columns) + 1 + (1 if with_authors else 0)
        rest = max(8, width - fixed - 1)
        authors = 0
        if with_authors:
            authors = max(12, min(self._authors_width, rest * 2 // 5))
        columns.append(_Column("Title", max(8, rest - authors)))
        if with_authors:
            columns.append(_Column("Authors", authors))
        columns.append(_Column("Min", 5, right=True))
        return columns

    def _cells(self, view: Item, columns: list[_Column]) -> list[str]:
        if isinstance(view, LabView):
            status, link, kind = LAB_MARK.get(view.status, "[?]"), "λ", "lab"
        else:
            status = STATUS_MARK.get(view.status, "[?]")
            link = LINK_MARK.get(self.links.get(view.id, "unchecked"), "·")
            kind = view.kind
        values = {
            "St": status,
            "Ln": link,
            "Kind": kind,
            "Title": visible(view.title),
            "Authors": visible(_authors(view)),
            "Min": str(view.minutes),
        }
        return [values[c.title] for c in columns]

    def render_line(self, y: int) -> Strip:
        """Draw the header on line 0 and the visible rows below it."""
        width = self.scrollable_content_region.width
        columns = self._columns(width)
        base = self.rich_style
        if y == 0:
            style = base + self.get_component_rich_style("resource-table--header")
            return self._strip([c.title for c in columns], columns, style, width)
        index = round(self.scroll_y) + y - 1
        if index >= len(self.rows):
            return Strip.blank(width, base)
        view = self.rows[index]
        style = base
        status_class = {
            "done": "resource-table--done",
            "passed": "resource-table--done",
            "skipped": "resource-table--skipped",
            "in_progress": "resource-table--in-progress",
            "started": "resource-table--in-progress",
        }.get(view.status)
        if status_class:
            style += self.get_component_rich_style(status_class)
        if index == self.cursor:
            cursor = (
                "resource-table--cursor" if self.has_focus else "resource-table--cursor-blurred"
            )
            style += self.get_component_rich_style(cursor)
        link_class = (
            None if isinstance(view, LabView) else LINK_CLASSES.get(self.links.get(view.id, ""))
        )
        link_style = self.get_component_rich_style(link_class, partial=True) if link_class else None
        cells = self._cells(view, columns)
        return self._strip(cells, columns, style, width, {1: link_style} if link_style else None)

    @staticmethod
    def _strip(
        cells: list[str],
        columns: list[_Column],
        style: Style,
        width: int,
        cell_styles: dict[int, Style] | None = None,
    ) -> Strip:
        parts = []
        for text, column in zip(cells, columns, strict=True):
            if len(text) > column.width:
                text = text[: column.width - 1] + "…"
            fitted = set_cell_size(text, column.width)
            if column.right:
                fitted = text.rjust(column.width)
            parts.append(fitted)
        if not cell_styles:
            line = set_cell_size(" " + " ".join(parts), width)
            return Strip([Segment(line, style)], width)
        segments = [Segment(" ", style)]
        for index, part in enumerate(parts):
            if index:
                segments.append(Segment(" ", style))
            extra = cell_styles.get(index)
            segments.append(Segment(part, style + extra if extra else style))
        return Strip(segments).adjust_cell_length(width, style)
