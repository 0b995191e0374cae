"""The detail pane: everything about the selected resource, and its note."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from studyplan.services.views import ResourceView
from studyplan.tui.format import STATUS_WORD, minutes_text, seconds_text
from studyplan.tui.widgets.note_editor import NoteEditor


def describe(view: ResourceView, logged_seconds: int, timing: bool) -> Text:
    """The detail text of ``view``: plain Text, so catalog text is never read as markup."""
    text = Text()
    text.append(view.title, style="bold")
    text.append(f"\n{view.ref} · {view.kind} · {minutes_text(view.minutes)}", style="dim")
    if view.authors:
        text.append(f" · {', '.join(view.authors)}", style="dim")
    text.append("\nStatus: ")
    text.append(STATUS_WORD.get(view.status, view.status), style="bold")
    if view.skip_reason:
        text.append(f" ({view.skip_reason})")
    text.append(f" · studied {seconds_text(logged_seconds)}")
    if timing:
        text.append(" · ⏱ timer running", style="bold yellow")
    text.append("\nURL: ")
    text.append(view.url, style="underline")
    if view.advice:
        text.append("\n\nAdvice: ", style="bold")
        text.append(view.advice.strip())
    text.append("\n\nProvenance: ", style="bold")
    text.append(view.provenance)
    if view.provenance_reason:
        text.append(f" ({view.provenance_reason.strip()})")
    if view.tags:
        text.append(f"\nTags: {', '.join(view.tags)}", style="dim")
    if view.alternatives:
        text.append("\n\nAlternatives:", style="bold")
        for alt in view.alternatives:
            text.append(f"\n• {alt.get('title', '')}")
            if alt.get("why"):
                text.append(f" ({alt['why']})", style="dim")
            if alt.get("url"):
                text.append(f"\n  {alt['url']}", style="underline")
    return text


class DetailPane(Vertical):
    """Advice, provenance, URL, alternatives and the note editor of one resource."""

    DEFAULT_CSS = """
    DetailPane { height: 1fr; }
    DetailPane > #detail-scroll { height: 1fr; border: round $primary 50%; padding: 0 1; }
    DetailPane > #detail-scroll:focus { border: round $primary; }
    DetailPane > NoteEditor { height: 6; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.view: ResourceView | None = None
        self.logged_seconds = 0
        self.timing = False

    def compose(self) -> ComposeResult:
        """The scrolling description above the note editor."""
        with VerticalScroll(id="detail-scroll") as scroll:
            scroll.border_title = "Details"
            scroll.can_focus = True
            yield Static("Nothing selected", id="detail-info")
        yield NoteEditor(id="note")

    @property
    def editor(self) -> NoteEditor:
        """The note editor."""
        return self.query_one(NoteEditor)

    def show(self, view: ResourceView | None) -> None:
        """Describe ``view`` with the time and timer last known for it."""
        if view is not None and self.view is not None and view.id != self.view.id:
            self.logged_seconds, self.timing = 0, False
        self.view = view
        self._draw()

    def show_time(self, resource_id: str, logged_seconds: int, timing: bool) -> None:
        """Update the studied time shown if ``resource_id`` is still the one shown."""
        if self.view is not None and self.view.id == resource_id:
            self.logged_seconds, self.timing = logged_seconds, timing
            self._draw()

    def _draw(self) -> None:
        info = self.query_one("#detail-info", Static)
        if self.view is None:
            info.update("Nothing selected")
        else:
            info.update(describe(self.view, self.logged_seconds, self.timing))
