"""The top line: overall progress and the running study timer."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from studyplan.services.stats import Stats
from studyplan.services.timer import TimerState
from studyplan.tui.format import bar, minutes_text


class HeaderBar(Static):
    """``studyplan  ████░░░░ 4/31 done 13% · 25h left  ⏱ timing nielsen-ch1``."""

    DEFAULT_CSS = """
    HeaderBar { height: 1; background: $panel; color: $text; padding: 0 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("studyplan", id=id)

    def show(self, stats: Stats | None, timer: TimerState | None) -> None:
        """Draw ``stats`` and ``timer``."""
        text = Text("studyplan", style="bold")
        if stats is not None:
            finished = stats.done + stats.skipped
            text.append("  ")
            text.append(bar(stats.percent / 100, 12), style="green")
            text.append(f" {finished}/{stats.total} done {stats.percent:.0f}%")
            text.append(f" · {minutes_text(stats.minutes_left)} left", style="dim")
        if timer is not None and timer.running and timer.resource_id:
            text.append(f"  ⏱ {timer.resource_id}", style="bold yellow")
        self.update(text)
