"""The help screen: every key with its id (for remapping) and what it does."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from studyplan.tui.bindings import all_bindings, effective_keys


def keys_table(keymap: dict[str, str]) -> Table:
    """A table of every binding: group, keys (after remapping), id, description."""
    table = Table(box=None, expand=True, pad_edge=False, show_edge=False)
    table.add_column("Keys", style="bold", no_wrap=True)
    table.add_column("Does")
    table.add_column("Id", style="dim", no_wrap=True)
    last = ""
    for group, binding in all_bindings():
        if group != last:
            if last:
                table.add_row("", "", "")
            table.add_row(f"[u]{group}[/u]", "", "")
            last = group
        table.add_row(effective_keys(binding, keymap), binding.tooltip, binding.id or "")
    return table


class HelpScreen(ModalScreen[None]):
    """Lists the keys; escape, q, ? or F1 closes it."""

    CSS_PATH = Path(__file__).with_name("help_screen.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape,q,question_mark,f1",
            "close",
            "Close",
            id="close_help",
            tooltip="Close help",
        ),
    ]

    def __init__(self, keymap: dict[str, str]) -> None:
        super().__init__()
        self.keymap = keymap

    def compose(self) -> ComposeResult:
        """The title, the table of keys and a hint."""
        with Vertical(id="help"):
            yield Label("studyplan keys", id="help-title")
            with VerticalScroll(id="help-scroll"):
                yield Static(keys_table(self.keymap), id="help-table")
            yield Label(
                'Remap in the settings file: [keys] done = "x". ctrl+p: every command; ctrl+q quits.',
                id="help-hint",
                markup=False,
            )

    def action_close(self) -> None:
        """Back to where you were."""
        self.dismiss(None)
