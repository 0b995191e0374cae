"""The in-place note editor: a TextArea that saves by itself.

It saves (by posting :class:`NoteEditor.Save`) one second after typing stops, when it loses
focus, and whenever the screen asks for unsaved text (switching resource, quitting).
"""

from __future__ import annotations

from typing import ClassVar

from textual.binding import BindingType
from textual.message import Message
from textual.timer import Timer
from textual.widgets import TextArea

from studyplan.tui.bindings import NOTE_BINDINGS

AUTOSAVE_SECONDS = 1.0
"""How long after the last key press the note is saved."""


class NoteEditor(TextArea):
    """The note of one resource; ``ref`` is the resource it belongs to."""

    BINDINGS: ClassVar[list[BindingType]] = [*NOTE_BINDINGS]

    DEFAULT_CSS = """
    NoteEditor { height: 1fr; min-height: 4; border: round $primary 50%; padding: 0 1; }
    NoteEditor:focus { border: round $primary; }
    """

    class Save(Message):
        """Save ``body`` as the note of ``ref``."""

        def __init__(self, ref: str, body: str) -> None:
            super().__init__()
            self.ref = ref
            self.body = body

    class Leave(Message):
        """The learner pressed escape: give the focus back."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, soft_wrap=True, show_line_numbers=False, tab_behavior="focus")
        self.ref: str | None = None
        self.saved_body = ""
        self._timer: Timer | None = None
        self.border_title = "Note"

    @property
    def dirty(self) -> bool:
        """Whether the text differs from what was last saved or loaded."""
        return self.ref is not None and self.text != self.saved_body

    def show_note(self, ref: str | None, body: str) -> None:
        """Load ``body`` as the note of ``ref`` (the caller saved any unsaved text first)."""
        self._cancel_timer()
        self.ref = ref
        self.saved_body = body
        if self.text != body:
            self.load_text(body)
        self.read_only = ref is None
        self._update_title()

    def take_unsaved(self) -> tuple[str, str] | None:
        """Return (ref, body) if there is unsaved text, and count it as saved from now on."""
        self._cancel_timer()
        if not self.dirty or self.ref is None:
            return None
        self.saved_body = self.text
        self._update_title()
        return self.ref, self.saved_body

    def mark_unsaved(self, ref: str) -> None:
        """A save of ``ref`` failed: keep the text counted as unsaved."""
        if ref == self.ref:
            self.saved_body = "\0"
            self._update_title()

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
            self.post_message(self.Save(*pending))

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def _update_title(self) -> None:
        state = "editing…" if self.dirty else ("saved" if self.saved_body else "n to write")
        self.border_title = "Note" if self.ref is None else f"Note · {state}"
