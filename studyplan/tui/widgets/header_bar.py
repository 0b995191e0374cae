"""The top line: overall progress, the running study timer, and short news on the right.

News ("done: Backprop notes", "waiting for another studyplan…") shows here for a few
seconds instead of in a toast, so a burst of keys leaves nothing behind on the borders.
"""

from __future__ import annotations

import time

from rich.text import Text
from textual.timer import Timer
from textual.widgets import Static

from studyplan.safe_text import visible
from studyplan.services.stats import Stats
from studyplan.services.timer import TimerState
from studyplan.tui.format import bar
from studyplan.wording import duration, elapsed_text

FLASH_SECONDS = 3.0
"""How long a piece of news stays."""

NEWS_ROOM = 28
"""Cells the news gets before the progress on the left gives way to it."""


class HeaderBar(Static):
    """``studyplan  ████░░░░ 4/31 finished 13% · 25h left  ⏱ 12:04 nielsen-ch1   done: …``."""

    DEFAULT_CSS = """
    HeaderBar { height: 1; background: $panel; color: $text; padding: 0 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("studyplan", id=id)
        self.stats: Stats | None = None
        self.timer: TimerState | None = None
        self.started: float | None = None
        self.news = ""
        self._news_timer: Timer | None = None

    def show(
        self, stats: Stats | None, timer: TimerState | None, started: float | None = None
    ) -> None:
        """Draw ``stats`` and ``timer``; ``started`` (epoch seconds) adds the elapsed time."""
        self.stats, self.timer, self.started = stats, timer, started
        self.tick()

    def flash(self, news: str, seconds: float | None = FLASH_SECONDS) -> None:
        """Show ``news`` on the right for ``seconds`` (None: until replaced or cleared)."""
        if self._news_timer is not None:
            self._news_timer.stop()
            self._news_timer = None
        self.news = visible(news)
        if seconds is not None:
            self._news_timer = self.set_timer(seconds, self.clear_news)
        self.tick()

    def clear_news(self) -> None:
        """Remove the news."""
        self.news = ""
        self.tick()

    def tick(self) -> None:
        """Redraw (the timer's elapsed time moves on)."""
        room = max(0, self.size.width - 2)
        news = Text(self.news, style="bold") if self.news else None
        wanted = min(news.cell_len, NEWS_ROOM) if news is not None else 0
        # The left part gives way piece by piece, so the news stays readable.
        for parts in (("bar", "left", "counts"), ("counts", "bar"), ("counts",), ()):
            text = self._left(parts)
            if news is None or room - text.cell_len - 3 >= wanted:
                break
        if news is not None:
            width = max(0, room - text.cell_len - 3)
            news.truncate(width, overflow="ellipsis")
            if news.cell_len:
                text.append(" " * max(2, width - news.cell_len + 1))
                text.append_text(news)
        text.no_wrap = True
        text.overflow = "ellipsis"
        self.update(text)

    def _left(self, parts: tuple[str, ...]) -> Text:
        """``studyplan``, then the ``parts`` of the progress asked for, then the timer."""
        stats, timer = self.stats, self.timer
        text = Text("studyplan", style="bold")
        if stats is not None and parts:
            text.append(" ")
            if "bar" in parts:
                text.append(" ")
                text.append(bar(stats.percent / 100, 12), style="green")
            text.append(f" {stats.finished}/{stats.items} finished {stats.percent:.0f}%")
            if "left" in parts:
                text.append(f" · {duration(stats.minutes_left)} left", style="dim")
        if timer is not None and timer.running and timer.resource_id:
            text.append("  ⏱ ", style="bold yellow")
            if self.started is not None:
                text.append(f"{elapsed_text(time.time() - self.started)} ", style="bold yellow")
            text.append(timer.resource_id, style="yellow")
        return text
