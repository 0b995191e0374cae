"""The top line: overall progress and the running study timer with its elapsed time."""

from __future__ import annotations

import time

from rich.text import Text
from textual.widgets import Static

from studyplan.services.stats import Stats
from studyplan.services.timer import TimerState
from studyplan.tui.format import bar, elapsed_text, minutes_text


class HeaderBar(Static):
    """``studyplan  ████░░░░ 4/31 done 13% · 25h left  ⏱ 12:04 nielsen-ch1``."""

    DEFAULT_CSS = """
    HeaderBar { height: 1; background: $panel; color: $text; padding: 0 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("studyplan", id=id)
        self.stats: Stats | None = None
        self.timer: TimerState | None = None
        self.started: float | None = None

    def show(
        self, stats: Stats | None, timer: TimerState | None, started: float | None = None
    ) -> None:
        """Draw ``stats`` and ``timer``; ``started`` (epoch seconds) adds the elapsed time."""
        self.stats, self.timer, self.started = stats, timer, started
        self.tick()

    def tick(self) -> None:
        """Redraw (the timer's elapsed time moves on)."""
        stats, timer = self.stats, self.timer
        text = Text("studyplan", style="bold")
        if stats is not None:
            finished = stats.done + stats.skipped
            text.append("  ")
            text.append(bar(stats.percent / 100, 12), style="green")
            text.append(f" {finished}/{stats.total} done {stats.percent:.0f}%")
            text.append(f" · {minutes_text(stats.minutes_left)} left", style="dim")
        if timer is not None and timer.running and timer.resource_id:
            text.append("  ⏱ ", style="bold yellow")
            if self.started is not None:
                text.append(f"{elapsed_text(time.time() - self.started)} ", style="bold yellow")
            text.append(timer.resource_id, style="yellow")
        text.no_wrap = True
        text.overflow = "ellipsis"
        self.update(text)
