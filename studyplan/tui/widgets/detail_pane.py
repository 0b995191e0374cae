"""The detail pane: everything about the selected resource, and its note."""

from __future__ import annotations

from datetime import UTC
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from studyplan.services.views import ResourceView
from studyplan.tui.format import LINK_MARK, LINK_WORD, STATUS_WORD, minutes_text, seconds_text
from studyplan.tui.widgets.note_editor import NoteEditor

if TYPE_CHECKING:
    from studyplan.links.service import LinkState

LINK_STYLE = {
    "alive": "green",
    "redirected": "cyan",
    "dead": "bold red",
    "error": "bold red",
    "blocked": "yellow",
}


def link_badge(state: LinkState) -> Text:
    """``✗ dead for the last 3 checks · HTTP 404 · checked 2024-05-01 10:00 UTC``."""
    word = LINK_WORD.get(state.status, state.status)
    if state.failing_streak > 1:
        word = f"{word} for the last {state.failing_streak} checks"
    text = Text(
        f"{LINK_MARK.get(state.status, '?')} {word}", style=LINK_STYLE.get(state.status, "")
    )
    if state.http_status is not None:
        text.append(f" · HTTP {state.http_status}", style="dim")
    if state.checked_at is not None:
        when = state.checked_at
        when = when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
        text.append(f" · checked {when:%Y-%m-%d %H:%M} UTC", style="dim")
    if state.status == "redirected" and state.final_url:
        text.append(f"\n  moved to {state.final_url}", style="dim")
    if state.error:
        text.append(f"\n  {state.error}", style="dim")
    return text


def dead_link_help(state: LinkState) -> Text:
    """What a learner can open instead of a dead address."""
    text = Text("\n\nInstead: ", style="bold")
    text.append("o offers the archived copy and the alternatives", style="dim")
    text.append("\n• archived copy (2016)")
    text.append(f"\n  {state.archive_url}", style="underline")
    return text


def describe(
    view: ResourceView, logged_seconds: int, timing: bool, link: LinkState | None = None
) -> Text:
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
    if link is not None and link.checked_at is not None:
        text.append("\nLink: ")
        text.append_text(link_badge(link))
    text.append("\nURL: ")
    text.append(view.url, style="underline")
    if link is not None and link.failed:
        text.append_text(dead_link_help(link))
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
        self.link: LinkState | None = None

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

    def show_link(self, state: LinkState | None) -> None:
        """Show the link health ``state`` of the resource shown (None: not known yet)."""
        if state is not self.link:
            self.link = state
            self._draw()

    def _draw(self) -> None:
        info = self.query_one("#detail-info", Static)
        if self.view is None:
            info.update("Nothing selected")
        else:
            link = self.link if self.link and self.link.resource_id == self.view.id else None
            info.update(describe(self.view, self.logged_seconds, self.timing, link))
