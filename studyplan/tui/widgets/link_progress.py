"""The progress line of a running link check (mounted only while a check runs).

The check runs in another thread: it calls :meth:`LinkProgress.report` (plain assignments,
safe from any thread) and the line redraws itself ten times a second from the last report.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, ProgressBar

REDRAW_SECONDS = 0.1
"""How often the line shows the latest count."""


class LinkProgress(Horizontal):
    """``Checking links of step 2  ━━━━━━━━╺━━━━━━  8/12``."""

    DEFAULT_CSS = """
    LinkProgress { height: 1; background: $panel; padding: 0 1; }
    LinkProgress > Label { width: auto; margin-right: 2; }
    LinkProgress > ProgressBar { width: 1fr; }
    LinkProgress > ProgressBar > Bar { width: 1fr; }
    LinkProgress > #link-count { margin-left: 1; margin-right: 0; }
    """

    def __init__(self, what: str) -> None:
        super().__init__(id="link-progress")
        self.what = what
        self.done = 0
        self.total = 0
        self._shown = (-1, -1)

    def compose(self) -> ComposeResult:
        """The label, the bar and the count."""
        yield Label(f"Checking links of {self.what}")
        yield ProgressBar(show_eta=False, show_percentage=False, id="link-bar")
        yield Label("", id="link-count")

    def on_mount(self) -> None:
        """Redraw from the latest report, ten times a second."""
        self.set_interval(REDRAW_SECONDS, self.redraw)

    def report(self, done: int, total: int) -> None:
        """``done`` of ``total`` URLs checked (called from the checking thread)."""
        self.done, self.total = done, total

    def redraw(self) -> None:
        """Show the latest count, if it changed."""
        current = (self.done, self.total)
        if current == self._shown:
            return
        self._shown = current
        done, total = current
        self.query_one(ProgressBar).update(total=max(total, 1), progress=done)
        self.query_one("#link-count", Label).update(f"{done}/{total}")
