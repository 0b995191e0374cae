"""The in-place note editor: a TextArea that saves by itself.

It saves (by posting :class:`NoteEditor.Save`) one second after typing stops, when it loses
focus, and whenever the screen asks for unsaved text (switching resource, quitting).

Control characters in a note (pasted terminal output, an escape sequence written from the
command line) are shown as their control pictures (``␛``), one character for one, so the
terminal never interprets them and the cursor stays where the text is; the note is saved
with the characters it had.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import events
from textual.binding import BindingType
from textual.message import Message
from textual.timer import Timer
from textual.widgets import TextArea

from studyplan.safe_text import (
    editable_in_place,
    from_pictures,
    has_controls,
    to_pictures,
    visible,
)
from studyplan.tui.bindings import NOTE_BINDINGS

AUTOSAVE_SECONDS = 1.0
"""How long after the last key press the note is saved."""


@dataclass(frozen=True)
class PendingNote:
    """Text to save: the note of ``ref``, typed from ``base`` (what was stored then)."""

    ref: str
    body: str
    base: str


class NoteEditor(TextArea):
    """The note of one resource; ``ref`` is the resource it belongs to."""

    BINDINGS: ClassVar[list[BindingType]] = [*NOTE_BINDINGS]

    DEFAULT_CSS = """
    NoteEditor { height: 1fr; min-height: 4; border: round $primary 50%; padding: 0 1; }
    NoteEditor:focus { border: round $primary; }
    """

    class Save(Message):
        """Save the pending text."""

        def __init__(self, pending: PendingNote) -> None:
            super().__init__()
            self.pending = pending

    class Leave(Message):
        """The learner pressed escape: give the focus back."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, soft_wrap=True, show_line_numbers=False, tab_behavior="focus")
        self.ref: str | None = None
        self.saved_body = ""
        """The note as stored, as far as this editor knows (what typing started from)."""
        self._pictures = False
        self.external_only = False
        """The note holds characters this editor cannot keep: it is shown, edited with e."""
        self._timer: Timer | None = None
        self.border_title = "Note"

    @property
    def note_text(self) -> str:
        """The text as it will be saved (control pictures back to the characters they show)."""
        return from_pictures(self.text) if self._pictures else self.text

    @property
    def dirty(self) -> bool:
        """Whether the text differs from what was last saved or loaded."""
        if self.ref is None or self.external_only:
            return False
        return self.note_text != self.saved_body

    def show_note(self, ref: str | None, body: str) -> None:
        """Load ``body`` as the note of ``ref`` (the caller saved any unsaved text first).

        A note with characters this editor could not give back unchanged is shown with
        them as visible signs, read-only (``e`` edits it in the learner's editor).
        """
        self._cancel_timer()
        self.ref = ref
        self.saved_body = body
        self.external_only = not editable_in_place(body)
        self._pictures = has_controls(body)
        shown = visible(body) if self.external_only else to_pictures(body)
        if self.text != shown:
            self.load_text(shown)
        self.read_only = ref is None or self.external_only
        self._update_title()

    def stored_as(self, body: str) -> None:
        """The note of ``ref`` is now stored as ``body`` (after a save that kept both texts)."""
        self.saved_body = body
        self._update_title()

    def take_unsaved(self) -> PendingNote | None:
        """The unsaved text, if any; it counts as saved from now on."""
        self._cancel_timer()
        if not self.dirty or self.ref is None:
            return None
        pending = PendingNote(self.ref, self.note_text, self.saved_body)
        self.saved_body = pending.body
        self._update_title()
        return pending

    def mark_unsaved(self, pending: PendingNote) -> None:
        """A save of ``pending`` failed: count the text as unsaved again."""
        if pending.ref == self.ref:
            self.saved_body = pending.base
            self._update_title()

    async def _on_paste(self, event: events.Paste) -> None:
        """Pasted control characters become pictures too (and are saved as they were)."""
        if has_controls(event.text):
            self._pictures = True
            event.text = to_pictures(event.text)
        await super()._on_paste(event)

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        """Restart the autosave countdown."""
        self._update_title()
        if self.dirty:
            self._cancel_timer()
            self._timer = self.set_timer(AUTOSAVE_SECONDS, self._autosave)

    def on_blur(self) -> None:
        """Save when the focus leaves."""
        self._autosave()

    def action_leave(self) -> None:
        """Save and hand the focus back to the table."""
        self._autosave()
        self.post_message(self.Leave())

    def _autosave(self) -> None:
        pending = self.take_unsaved()
        if pending is not None:
            self.post_message(self.Save(pending))

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def _update_title(self) -> None:
        state = "editing…" if self.dirty else ("saved" if self.saved_body else "n to write")
        if self.external_only:
            state = "special characters: e edits it in your editor"
        self.border_title = "Note" if self.ref is None else f"Note · {state}"
