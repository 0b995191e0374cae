"""One modal for every error: studyplan's title and message, never a traceback."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from studyplan.safe_text import visible


class ErrorModal(ModalScreen[None]):
    """Show ``title`` and ``message``; enter or escape closes it."""

    CSS_PATH = Path(__file__).with_name("modals.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter", "close", "Close", id="close_error", tooltip="Close the message"),
    ]

    def __init__(self, title: str, message: str) -> None:
        super().__init__(classes="dialog-screen")
        self.error_title = title
        self.message = message

    def compose(self) -> ComposeResult:
        """Title, message and a close button."""
        with Vertical(classes="dialog error-dialog"):
            yield Label(self.error_title.capitalize(), classes="dialog-title")
            yield Static(visible(self.message), markup=False, id="error-message")
            yield Button("Close", variant="error", id="close")

    def show(self, title: str, message: str) -> None:
        """Replace the text (a second error while this one is open)."""
        self.error_title, self.message = title, message
        self.query_one(".dialog-title", Label).update(title.capitalize())
        self.query_one("#error-message", Static).update(visible(message))

    def on_button_pressed(self) -> None:
        """Close on the button."""
        self.dismiss(None)

    def action_close(self) -> None:
        """Close."""
        self.dismiss(None)
