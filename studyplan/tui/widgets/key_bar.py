"""The key line at the bottom: the keys that work where the focus is, drawn as one line.

Textual's :class:`~textual.widgets.Footer` mounts one widget per key and rebuilds them all
whenever the screen says its bindings *may* have changed (focus moves, the app gets the
focus, a mount). At start-up that costs about a tenth of a second. This bar draws the same
compact line as one piece of text, and only when the keys shown really change. (Keys are
not clickable here: the interface is driven by keyboard; the command palette has them all.)
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import groupby
from typing import Any, ClassVar

from rich.text import Text
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static


class KeyBar(Static):
    """``d l s r ␣ Status o Open n Note … ? Help q Quit``."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"key-bar--key", "key-bar--disabled"}

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        padding: 0 1;
        background: $footer-background;
        color: $footer-description-foreground;
        text-wrap: nowrap;
        text-overflow: clip;
        & > .key-bar--key { color: $footer-key-foreground; text-style: bold; }
        & > .key-bar--disabled { text-style: dim; }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self._shown: tuple[Any, ...] | None = None
        self._pending = False

    def on_mount(self) -> None:
        """Follow the screen's bindings."""
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._redraw()

    def on_unmount(self) -> None:
        """Stop following them."""
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[Any]) -> None:
        """Coalesce the signals into one check after the next refresh."""
        if screen is self.screen and not self._pending:
            self._pending = True
            self.call_after_refresh(self._redraw)

    def _visible(self) -> list[tuple[Binding, bool]]:
        """The first binding of each action shown, with whether it is enabled."""
        seen: dict[str, tuple[Binding, bool]] = {}
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if binding.show and binding.action not in seen:
                seen[binding.action] = (binding, enabled)
        return list(seen.values())

    def _redraw(self) -> None:
        self._pending = False
        visible = self._visible()
        shown = tuple((b.key, b.description, b.action, enabled) for b, enabled in visible)
        if shown != self._shown:
            self._shown = shown
            self.update(Text(" ").join(self._parts(visible)))

    def _parts(self, visible: list[tuple[Binding, bool]]) -> Iterator[Text]:
        key_style = self.get_component_rich_style("key-bar--key", partial=True)
        dim = self.get_component_rich_style("key-bar--disabled", partial=True)
        for group, members in groupby(visible, key=lambda item: item[0].group):
            items = list(members)
            grouped = group is not None and len(items) > 1
            for binding, enabled in items:
                part = Text()
                part.append(self.app.get_key_display(binding), style=key_style)
                if not grouped:
                    part.append(f" {binding.description}")
                if not enabled:
                    part.stylize(dim)
                yield part
            if grouped and group is not None:
                yield Text(group.description)
