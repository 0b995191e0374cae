"""Textual's footer, each key marked with its action, so a stylesheet can drop a key that
there is no room for (the help screen and the command palette still list it)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class KeysFooter(Footer):
    """A footer whose keys carry the class ``-action-NAME`` (``-action-plan``)."""

    def compose(self) -> ComposeResult:
        """Textual's keys, each with its action's class."""
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                widget.add_class(f"-action-{widget.action.replace('.', '-')}")
            yield widget
