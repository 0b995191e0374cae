"""Search titles, authors, tags and notes, and jump to a result."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from studyplan.db.database import Database
from studyplan.errors import StudyplanError
from studyplan.safe_text import visible
from studyplan.services.search import search
from studyplan.services.views import ResourceView
from studyplan.wording import STATUS_MARK

SEARCH_LIMIT = 50


class SearchModal(ModalScreen[ResourceView | None]):
    """Type to search; enter or a click on a result jumps there; escape closes."""

    CSS_PATH = Path(__file__).with_name("modals.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Close", id="close_search", tooltip="Close search"),
        Binding(
            "down",
            "results",
            "Results",
            id="search_results",
            show=False,
            tooltip="Move into the results",
        ),
    ]

    def __init__(self, db: Database) -> None:
        super().__init__(classes="dialog-screen")
        self.db = db
        self.results: list[ResourceView] = []

    def compose(self) -> ComposeResult:
        """The query field above the results."""
        with Vertical(classes="dialog search-dialog"):
            yield Label("Search", classes="dialog-title")
            yield Input(placeholder="titles, authors, tags, notes", id="query")
            yield OptionList(id="results")
            yield Static("enter: jump · ↓: results · escape: close", classes="dialog-hint")

    def on_input_changed(self, event: Input.Changed) -> None:
        """Search as the learner types."""
        self.run_search(event.value)

    @work(exclusive=True, group="search", exit_on_error=False)
    async def run_search(self, query: str) -> None:
        """Query in a thread; the newest query wins.

        A problem a user can meet (a busy database) is a short notice; anything else is
        logged and shown in the error dialog, never a crash.
        """
        try:
            found = await asyncio.to_thread(search, self.db, query, SEARCH_LIMIT)
        except StudyplanError as exc:
            self.app.notify(visible(exc.message), title=exc.title, severity="error", markup=False)
            return
        except Exception as exc:
            self.log.error(f"search failed: {exc!r}")
            self.app.call_later(self._report, exc)
            return
        self.results = found
        options = self.query_one("#results", OptionList)
        options.set_options(
            Option(
                Text(f"{STATUS_MARK.get(v.status, '[?]')} {v.ref:>5}  {visible(v.title)}"),
                id=v.id,
            )
            for v in found
        )
        if found:
            options.highlighted = 0

    def on_input_submitted(self) -> None:
        """Jump to the highlighted (or first) result."""
        options = self.query_one("#results", OptionList)
        self._jump(options.highlighted or 0)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Jump to the chosen result."""
        self._jump(event.option_index)

    def action_results(self) -> None:
        """Move the focus into the results."""
        self.query_one("#results", OptionList).focus()

    def action_cancel(self) -> None:
        """Close without jumping."""
        self.dismiss(None)

    def _report(self, exc: BaseException) -> None:
        show_error = getattr(self.app, "show_error", None)
        if show_error is not None:
            show_error(exc)

    def _jump(self, index: int) -> None:
        if 0 <= index < len(self.results):
            self.dismiss(self.results[index])
