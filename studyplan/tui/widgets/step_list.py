"""The steps sidebar: one entry per step with a progress bar and the time left."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.binding import BindingType
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from studyplan.catalog.vocabulary import PRIMARY_ID
from studyplan.safe_text import visible
from studyplan.services.catalog_query import StepSummary
from studyplan.services.snapshot import StepKey, step_key
from studyplan.tui.bindings import MOVE_BINDINGS
from studyplan.tui.format import bar
from studyplan.wording import duration

__all__ = ["StepKey", "StepList", "option_id", "step_key"]


def option_id(key: StepKey) -> str:
    """The option id of a step key."""
    return f"{key[0]}:{key[1]}"


class StepList(OptionList):
    """Every step, two lines each: number and title; a bar, finished/total and time left."""

    BINDINGS: ClassVar[list[BindingType]] = [
        b for b in MOVE_BINDINGS if b.id in {"cursor_up", "cursor_down", "first", "last"}
    ]

    DEFAULT_CSS = """
    StepList { width: 26; height: 1fr; border: round $primary 50%; padding: 0; }
    StepList:focus { border: round $primary; }
    StepList > .option-list--option { padding: 0 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.keys: list[StepKey] = []
        self.steps: list[StepSummary] = []
        self.border_title = "Steps"

    def set_steps(self, steps: list[StepSummary], current: StepKey | None) -> None:
        """Show ``steps`` (updating in place when the same steps) and highlight ``current``."""
        self.steps = steps
        keys = [step_key(s) for s in steps]
        prompts = [self._prompt(s) for s in steps]
        if keys == self.keys:
            for index, prompt in enumerate(prompts):
                self.replace_option_prompt_at_index(index, prompt)
        else:
            self.keys = keys
            self.set_options(
                Option(prompt, id=option_id(key)) for key, prompt in zip(keys, prompts, strict=True)
            )
        if current in self.keys:
            index = self.keys.index(current)
            if self.highlighted != index:
                self.highlighted = index

    def on_resize(self) -> None:
        """Redraw the bars to the new width."""
        if self.steps:
            current = self.key_at(self.highlighted)
            self.keys = []
            self.set_steps(self.steps, current)

    def key_at(self, index: int | None) -> StepKey | None:
        """The step key at option ``index``."""
        return self.keys[index] if index is not None and 0 <= index < len(self.keys) else None

    def _prompt(self, step: StepSummary) -> Text:
        width = max(10, (self.scrollable_content_region.width or 24) - 2)
        prefix = "" if step.curriculum == PRIMARY_ID else f"{step.curriculum}/"
        first = Text(visible(f"{prefix}{step.number} {step.title}"), no_wrap=True)
        first.truncate(width, overflow="ellipsis")
        if step.finished:
            first.stylize("dim")
        counts = f" {step.finished_count}/{step.items}"
        left = " done" if step.finished else f" {duration(step.minutes_left)}"
        bar_width = max(3, width - len(counts) - len(left))
        second = Text(bar(step.percent / 100, bar_width), style="green")
        second.append(counts)
        second.append(left, style="dim")
        second.truncate(width)
        return Text("\n").join([first, second])
