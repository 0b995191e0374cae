"""Saving the note being typed: autosave, leaving, quitting, the external editor.

Every save says what it started from (``base``); when the command line changed the note
meanwhile, the service keeps both texts and this says so, and shows the merged note when
the learner has not typed on since.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from studyplan.errors import DatabaseBusyError
from studyplan.services.notes import NoteView, get_note, save_note
from studyplan.tui.widgets.note_editor import NoteEditor, PendingNote

if TYPE_CHECKING:
    from textual.screen import Screen

    from studyplan.tui.context import ScreenContext

MERGED_NEWS = "The note changed in another studyplan meanwhile: both texts are kept"

RETRY_SECONDS = 3.0
"""After another studyplan held the database too long, try saving the note again then."""


class NoteKeeper:
    """Saves a screen's :class:`NoteEditor` through the write queue."""

    def __init__(self, screen: Screen[Any], context: ScreenContext) -> None:
        self.screen = screen
        self.context = context

    @property
    def editor(self) -> NoteEditor:
        """The screen's note editor."""
        return self.screen.query_one(NoteEditor)

    def take_pending(self) -> PendingNote | None:
        """The unsaved text, if any, counted as saved from now on (quit saves it)."""
        return self.editor.take_unsaved()

    def save_unsaved(self) -> None:
        """Queue a save of the unsaved text, if there is some."""
        pending = self.take_pending()
        if pending is not None:
            self.submit(pending)

    def submit(
        self, pending: PendingNote, failed: Callable[[BaseException], None] | None = None
    ) -> None:
        """Queue a save of ``pending``; on failure the text counts as unsaved again (and is
        saved again a little later if another studyplan only held the database)."""
        db = self.context.db

        def not_saved(exc: BaseException) -> None:
            self.editor.mark_unsaved(pending)
            if isinstance(exc, DatabaseBusyError):
                self.screen.set_timer(RETRY_SECONDS, self.save_unsaved)
            if failed is not None:
                failed(exc)

        self.context.writes.submit(
            lambda: save_note(db, pending.ref, pending.body, base=pending.base),
            done=lambda view: self._saved(pending, view),
            failed=not_saved,
        )

    def _saved(self, pending: PendingNote, view: NoteView) -> None:
        if not view.merged:
            return
        self.screen.notify(MERGED_NEWS, title="Note saved", timeout=6, markup=False)
        editor = self.editor
        if editor.ref == pending.ref and editor.note_text == pending.body and not editor.dirty:
            editor.show_note(pending.ref, view.body)
        # Typed on since: keep counting from ``pending.body``, so the next save merges again.

    def show_stored(self, resource_id: str, body: str) -> None:
        """The stored note of ``resource_id`` is ``body``: show it unless it is being typed."""
        editor = self.editor
        other = editor.ref != resource_id
        changed_elsewhere = body != editor.saved_body and not editor.dirty and not editor.has_focus
        if other or changed_elsewhere:
            editor.show_note(resource_id, body)

    async def edit_externally(self, resource_id: str) -> bool:
        """Edit the note of ``resource_id`` in the learner's editor; True if it changed."""
        self.save_unsaved()
        await self.context.writes.drain()
        note = await asyncio.to_thread(get_note, self.context.db, resource_id)
        before = note.body if note else ""
        after = self.context.edit_externally(before, resource_id)
        if after == before:
            return False
        self.submit(PendingNote(resource_id, after, before))
        await self.context.writes.drain()
        self.editor.show_note(None, "")
        return True
