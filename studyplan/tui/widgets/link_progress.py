"""The progress line of a running link check (mounted only while a check runs)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, ProgressBar


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

    def compose(self) -> ComposeResult:
        """The label, the bar and the count."""
        yield Label(f"Checking links of {self.what}")
        yield ProgressBar(show_eta=False, show_percentage=False, id="link-bar")
        yield Label("", id="link-count")

    def advance(self, done: int, total: int) -> None:
        """Show ``done`` of ``total`` URLs checked."""
        self.query_one(ProgressBar).update(total=max(total, 1), progress=done)
        self.query_one("#link-count", Label).update(f"{done}/{total}")
