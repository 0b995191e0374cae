"""The detail pane: everything about the selected resource, and its note."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from studyplan.safe_text import visible
from studyplan.services.views import ResourceView
from studyplan.tui.widgets.note_editor import NoteEditor
from studyplan.wording import LINK_MARK, LINK_WORD, STATUS_WORD, duration, seconds_text

if TYPE_CHECKING:
    from studyplan.labs.service import LabView
    from studyplan.links.service import LinkState

LINK_STYLE = {
    "alive": "green",
    "redirected": "cyan",
    "dead": "bold red",
    "error": "bold red",
    "invalid": "bold red",
    "fragment-missing": "yellow",
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
        text.append(f" · checked {state.checked_at:%Y-%m-%d %H:%M} UTC", style="dim")
    if state.status == "redirected" and state.final_url:
        text.append(f"\n  moved to {visible(state.final_url)}", style="dim")
    if state.error:
        text.append(f"\n  {visible(state.error)}", style="dim")
    return text


def dead_link_help(state: LinkState, alternatives: bool) -> Text:
    """What a learner can open instead of a dead address (nothing if there is nothing)."""
    if state.archive_url is None and not alternatives:
        return Text()
    offers = "the archived copy and the alternatives" if state.archive_url else "the alternatives"
    text = Text("\n\nInstead: ", style="bold")
    text.append(f"o offers {offers}", style="dim")
    if state.archive_url is not None:
        text.append("\n• archived copy (2016)")
        text.append(f"\n  {visible(state.archive_url)}", style="underline")
    return text


def describe(
    view: ResourceView, logged_seconds: int, timing: bool, link: LinkState | None = None
) -> Text:
    """The detail text of ``view``: plain Text, so catalog text is never read as markup, and
    every text a user or the catalog wrote is shown with control characters visible."""
    text = Text()
    text.append(visible(view.title), style="bold")
    text.append(f"\n{view.ref} · {view.kind} · {duration(view.minutes)}", style="dim")
    if view.authors:
        text.append(f" · {visible(', '.join(view.authors))}", style="dim")
    text.append("\nStatus: ")
    text.append(STATUS_WORD.get(view.status, view.status), style="bold")
    if view.skip_reason:
        text.append(f" ({visible(view.skip_reason)})")
    text.append(f" · studied {seconds_text(logged_seconds)}")
    if timing:
        text.append(" · ⏱ timer running", style="bold yellow")
    if link is not None and link.checked_at is not None:
        text.append("\nLink: ")
        text.append_text(link_badge(link))
    text.append("\nURL: ")
    text.append(visible(view.url), style="underline")
    if view.retired_at is not None:
        text.append(f"\nRetired from the catalog on {view.retired_at:%Y-%m-%d}", style="dim")
    if link is not None and link.failed:
        text.append_text(dead_link_help(link, bool(view.alternatives)))
    if view.advice:
        text.append("\n\nAdvice: ", style="bold")
        text.append(visible(view.advice.strip()))
    text.append("\n\nProvenance: ", style="bold")
    text.append(view.provenance)
    if view.provenance_reason:
        text.append(f" ({visible(view.provenance_reason.strip())})")
    if view.tags:
        text.append(f"\nTags: {visible(', '.join(view.tags))}", style="dim")
    if view.alternatives:
        text.append("\n\nAlternatives:", style="bold")
        for alt in view.alternatives:
            text.append(f"\n• {visible(alt.get('title', ''))}")
            if alt.get("why"):
                text.append(f" ({visible(alt['why'])})", style="dim")
            if alt.get("url"):
                text.append(f"\n  {visible(alt['url'])}", style="underline")
    return text


LAB_STATUS = {"not_started": "not started", "started": "started", "passed": "passed ✓"}


def describe_lab(lab: LabView) -> Text:
    """The detail text of a lab: what it practises, where the learner stands, what failed."""
    text = Text()
    text.append(visible(lab.title), style="bold")
    text.append(f"\nlab · step {lab.step} · about {duration(lab.minutes)}", style="dim")
    text.append("\nPractises: ")
    text.append(visible(lab.follows_title))
    text.append("\nStatus: ")
    text.append(LAB_STATUS.get(lab.status, lab.status), style="bold")
    text.append(f" · {lab.attempts} attempt(s)")
    text.append("\n\n")
    text.append(visible(lab.brief))
    if lab.failing and lab.status != "passed":
        text.append("\n\nFailing in the last check:", style="bold")
        for name in lab.failing:
            text.append(f"\n✗ {visible(name)}")
    text.append("\n\no or enter opens the lab: its brief, your file, the checks", style="dim")
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
        self.lab: LabView | None = None

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
        self.lab = None
        self._draw()

    def show_lab(self, lab: LabView) -> None:
        """Describe a lab (labs have no note: the editor is set aside)."""
        self.view, self.lab = None, lab
        self.query_one("#detail-info", Static).update(describe_lab(lab))

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
        if self.lab is not None:
            info.update(describe_lab(self.lab))
        elif self.view is None:
            info.update("Nothing selected")
        else:
            link = self.link if self.link and self.link.resource_id == self.view.id else None
            info.update(describe(self.view, self.logged_seconds, self.timing, link))
