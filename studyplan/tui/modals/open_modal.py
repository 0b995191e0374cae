"""Ask which address to open when a resource's own address is dead."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from studyplan.safe_text import visible


@dataclass(frozen=True)
class Choice:
    """One address the learner may open."""

    label: str
    url: str


class OpenModal(ModalScreen[str | None]):
    """Lists the original, the archived copy and the alternatives; dismisses with a URL.

    Keys 1-9 pick a line at once; arrows and enter work too; escape opens nothing.
    """

    CSS_PATH = Path(__file__).with_name("modals.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="cancel_open", tooltip="Open nothing"),
        *(
            Binding(
                str(n),
                f"pick({n - 1})",
                f"Open {n}",
                id=f"open_choice_{n}",
                show=False,
                tooltip=f"Open choice {n}",
            )
            for n in range(1, 10)
        ),
    ]

    def __init__(self, title: str, choices: list[Choice]) -> None:
        super().__init__(classes="dialog-screen")
        self.resource_title = title
        self.choices = choices

    def compose(self) -> ComposeResult:
        """The question, the choices and a hint."""
        with Vertical(classes="dialog open-dialog"):
            yield Label("This address looks dead. Open which?", classes="dialog-title")
            yield Static(visible(self.resource_title), markup=False)
            yield OptionList(
                *(self._option(n, choice) for n, choice in enumerate(self.choices, 1)),
                id="choices",
            )
            yield Static("1-9 or enter: open · escape: cancel", classes="dialog-hint")

    @staticmethod
    def _option(number: int, choice: Choice) -> Option:
        prompt = Text(f"{number} ", style="bold")
        prompt.append(visible(choice.label))
        prompt.append(f"\n  {visible(choice.url)}", style="dim")
        return Option(prompt)

    def on_mount(self) -> None:
        """Start on the first choice."""
        options = self.query_one(OptionList)
        options.highlighted = 0
        options.focus()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.action_pick(event.option_index)

    def action_pick(self, index: int) -> None:
        """Open choice ``index`` (0-based) if there is one."""
        if 0 <= index < len(self.choices):
            self.dismiss(self.choices[index].url)

    def action_cancel(self) -> None:
        """Open nothing."""
        self.dismiss(None)
