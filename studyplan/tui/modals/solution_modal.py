"""The reference solution of a lab, read-only, with Python highlighting."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static, TextArea

from studyplan.safe_text import to_pictures


class SolutionModal(ModalScreen[None]):
    """Shows ``source``; escape closes."""

    CSS_PATH = Path(__file__).with_name("modals.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="close_solution", tooltip="Close the solution"),
    ]

    def __init__(self, lab_id: str, source: str) -> None:
        super().__init__(classes="dialog-screen")
        self.lab_id = lab_id
        self.source = source

    def compose(self) -> ComposeResult:
        """A title and the code."""
        with Vertical(classes="dialog solution-dialog"):
            yield Label(f"The solution of {self.lab_id}", classes="dialog-title")
            yield TextArea.code_editor(
                to_pictures(self.source), language="python", read_only=True, id="solution-code"
            )
            yield Static("escape: close · your own file is unchanged", classes="dialog-hint")

    def action_close(self) -> None:
        """Back to the lab."""
        self.dismiss(None)
