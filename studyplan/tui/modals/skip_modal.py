"""Ask why a resource is skipped (the reason is optional)."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from studyplan.safe_text import visible


class SkipModal(ModalScreen[str | None]):
    """Dismisses with the reason (maybe empty) on enter, None on escape."""

    CSS_PATH = Path(__file__).with_name("modals.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="cancel_skip", tooltip="Do not skip"),
    ]

    def __init__(self, title: str) -> None:
        super().__init__(classes="dialog-screen")
        self.resource_title = title

    def compose(self) -> ComposeResult:
        """The question, the title and the reason field."""
        with Vertical(classes="dialog"):
            yield Label("Skip this resource?", classes="dialog-title")
            yield Static(visible(self.resource_title), markup=False)
            yield Input(placeholder="Reason (optional)", id="reason")
            yield Static("enter: skip · escape: cancel", classes="dialog-hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Skip with the reason typed."""
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        """Leave the status as it is."""
        self.dismiss(None)
