"""Every key of the interface in one place: id, default keys, short and long description.

The id is what the settings file's ``[keys]`` table remaps (``done = "x"``); the short
description shows in the footer, the long one in the help screen and the command palette.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from textual.binding import Binding
from textual.keys import Keys, key_to_character

from studyplan.errors import SettingsError

STATUS_GROUP = Binding.Group("Status", compact=True)
"""Done, learn, skip, reset and cycle share one footer label to fit 80 columns."""

MAIN_BINDINGS: list[Binding] = [
    Binding(
        "d",
        "done",
        "Done",
        id="done",
        group=STATUS_GROUP,
        tooltip="Mark the selected resource done",
    ),
    Binding(
        "l", "learning", "Learn", id="learning", group=STATUS_GROUP, tooltip="Mark it in progress"
    ),
    Binding(
        "s",
        "skip",
        "Skip",
        id="skip",
        group=STATUS_GROUP,
        tooltip="Skip it, with an optional reason",
    ),
    Binding("r", "reset", "Reset", id="reset", group=STATUS_GROUP, tooltip="Set it back to todo"),
    Binding(
        "space",
        "cycle",
        "Cycle",
        id="cycle",
        group=STATUS_GROUP,
        tooltip="Cycle todo → in progress → done",
        key_display="␣",
    ),
    Binding(
        "o,enter",
        "open_url",
        "Open",
        id="open",
        tooltip="Open its URL in the browser (on a lab: open the lab)",
    ),
    Binding("n", "edit_note", "Note", id="note", tooltip="Edit its note here"),
    Binding("e", "external_edit", "Editor", id="editor", tooltip="Edit its note in $EDITOR"),
    Binding(
        "slash",
        "search",
        "Search",
        id="search",
        tooltip="Search titles, authors, tags and notes",
        key_display="/",
    ),
    Binding("t", "timer", "Timer", id="timer", tooltip="Start or stop the study timer on it"),
    Binding(
        "c",
        "check_links",
        "Links",
        id="check_links",
        tooltip="Check the links of the selected step",
    ),
    Binding(
        "C",
        "check_all_links",
        "Check all links",
        id="check_all_links",
        show=False,
        tooltip="Check the links of the whole catalog",
    ),
    Binding(
        "p",
        "plan",
        "Plan",
        id="plan",
        tooltip="Show the study plan: the weeks ahead, today's session first",
    ),
    Binding(
        "S",
        "stats",
        "Stats",
        id="stats",
        tooltip="Show the statistics: active days, hours per week, burndown, steps",
    ),
    Binding(
        "m",
        "group",
        "Group",
        id="group",
        tooltip="Show the study group: where each learner stands, refreshed live",
    ),
    Binding(
        "left_square_bracket",
        "previous_step",
        "Previous step",
        id="previous_step",
        show=False,
        key_display="[",
        tooltip="Show the previous step (also when the steps are hidden)",
    ),
    Binding(
        "right_square_bracket",
        "next_step",
        "Next step",
        id="next_step",
        show=False,
        key_display="]",
        tooltip="Show the next step (also when the steps are hidden)",
    ),
    Binding(
        "tab",
        "app.focus_next",
        "Next pane",
        id="focus_next",
        show=False,
        tooltip="Move to the next pane",
    ),
    Binding(
        "shift+tab",
        "app.focus_previous",
        "Previous pane",
        id="focus_previous",
        show=False,
        tooltip="Move to the previous pane",
    ),
]
"""Keys of the main screen: they act on the selected resource."""

APP_BINDINGS: list[Binding] = [
    Binding(
        "question_mark,f1",
        "help",
        "Help",
        id="help",
        key_display="?",
        tooltip="Show every key",
    ),
    Binding("q", "close", "Quit", id="quit", tooltip="Save the note and quit"),
    Binding(
        "ctrl+p",
        "command_palette",
        "Commands",
        id="command_palette",
        show=False,
        tooltip="Open the command palette",
    ),
]
"""Keys that work everywhere outside dialogs."""

MOVE_BINDINGS: list[Binding] = [
    Binding("up,k", "cursor_up", "Up", id="cursor_up", show=False, tooltip="Move up"),
    Binding("down,j", "cursor_down", "Down", id="cursor_down", show=False, tooltip="Move down"),
    Binding("pageup", "page_up", "Page up", id="page_up", show=False, tooltip="Move a page up"),
    Binding(
        "pagedown",
        "page_down",
        "Page down",
        id="page_down",
        show=False,
        tooltip="Move a page down",
    ),
    Binding("home,g", "first", "First", id="first", show=False, tooltip="Move to the first row"),
    Binding("end,G", "last", "Last", id="last", show=False, tooltip="Move to the last row"),
]
"""Keys of the lists (the steps sidebar and the resource table)."""

LAB_BINDINGS: list[Binding] = [
    Binding(
        "f5,ctrl+r",
        "check",
        "Check",
        id="lab_check",
        priority=True,
        tooltip="Run the lab's checks on your file",
    ),
    Binding("f6", "hint", "Hint", id="lab_hint", priority=True, tooltip="Show the next hint"),
    Binding(
        "f7", "external_edit", "Editor", id="lab_editor", priority=True, tooltip="Edit in $EDITOR"
    ),
    Binding(
        "f8",
        "reset",
        "Reset",
        id="lab_reset",
        priority=True,
        tooltip="Put the starter back (your file is kept)",
    ),
    Binding(
        "f9",
        "solution",
        "Solution",
        id="lab_solution",
        priority=True,
        tooltip="Show the reference solution",
    ),
    Binding(
        "escape",
        "back",
        "Back",
        id="lab_back",
        priority=True,
        tooltip="Save your file and go back to the steps",
    ),
]
"""Keys of the lab screen: function keys (every other key types in the editor), taking
precedence over the editor's own F5-F7 (select word, line, all)."""

PLAN_BINDINGS: list[Binding] = [
    Binding(
        "enter",
        "start",
        "Start",
        id="plan_start",
        tooltip="Start the selected item: a resource goes in progress, a lab opens",
    ),
    Binding("escape", "back", "Back", id="plan_back", tooltip="Go back to the steps"),
]
"""Keys of the plan screen (with the keys of the lists to move)."""

STATS_BINDINGS: list[Binding] = [
    Binding("escape", "back", "Back", id="stats_back", tooltip="Go back to the steps"),
]
"""Keys of the statistics screen (the arrows and page keys scroll it)."""

GROUP_BINDINGS: list[Binding] = [
    Binding("escape", "back", "Back", id="group_back", tooltip="Go back to the steps"),
]
"""Keys of the group screen (the arrows and page keys scroll the table)."""

NOTE_BINDINGS: list[Binding] = [
    Binding("escape", "leave", "Leave note", id="leave_note", tooltip="Save and leave the note"),
]
"""Keys of the note editor (everything else types text)."""


def all_bindings() -> Iterable[tuple[str, Binding]]:
    """Every binding with the name of the group it belongs to, in help-screen order."""
    for group, bindings in (
        ("Resource", MAIN_BINDINGS),
        ("Move", MOVE_BINDINGS),
        ("Note", NOTE_BINDINGS),
        ("Lab", LAB_BINDINGS),
        ("Plan", PLAN_BINDINGS),
        ("Statistics", STATS_BINDINGS),
        ("Group", GROUP_BINDINGS),
        ("App", APP_BINDINGS),
    ):
        for binding in bindings:
            yield group, binding


SCOPES: tuple[frozenset[str], ...] = (
    frozenset({"Resource", "Move", "Note", "App"}),
    frozenset({"Lab", "App"}),
    frozenset({"Plan", "Move", "App"}),
    frozenset({"Statistics", "App"}),
    frozenset({"Group", "App"}),
)
"""Groups of bindings that can be active together (one screen and the app's keys): a key
may serve one binding per screen, as ``escape`` goes back from the lab, the plan, the
statistics and the group."""


def effective_keys(binding: Binding, keymap: dict[str, str]) -> str:
    """The keys of ``binding`` after the user's remapping, as shown to the user."""
    keys = keymap.get(binding.id or "", binding.key)
    return ", ".join(_NAMES.get(k.strip(), k.strip()) for k in keys.split(","))


_NAMES = {
    "question_mark": "?",
    "slash": "/",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
}

_MODIFIERS = {"ctrl", "shift", "alt", "meta", "super", "hyper"}
_KEY_NAMES = {key.value for key in Keys} | {
    "slash",
    "backslash",
    "at",
    "minus",
    "plus",
    "underscore",
}


def normalize_key(key: str) -> str | None:
    """The key name Textual uses for ``key`` (``/`` is ``slash``), or None if it is none."""
    key = key.strip()
    if len(key) == 1:
        if key.isalnum():
            return key
        name = unicodedata.name(key, "").lower().replace("-", "_").replace(" ", "_")
        return {"solidus": "slash", "hyphen_minus": "minus"}.get(name, name) or None
    *modifiers, base = key.split("+")
    if any(m not in _MODIFIERS for m in modifiers) or not base:
        return None
    if len(base) == 1 or base in _KEY_NAMES or key in _KEY_NAMES:
        return key
    return key if key_to_character(base) is not None else None


def check_keymap(keymap: dict[str, str], where: str = "settings.toml") -> None:
    """Refuse unknown binding ids, unknown key names and keys that another binding keeps.

    Raises :class:`SettingsError` with one line saying what to change.
    """
    bindings = {b.id: b for _group, b in all_bindings() if b.id}
    for binding_id, keys in keymap.items():
        if binding_id not in bindings:
            known = ", ".join(sorted(bindings))
            raise SettingsError(f"{where}: [keys] has no binding '{binding_id}'; known: {known}")
        for key in keys.split(","):
            if normalize_key(key) is None:
                raise SettingsError(
                    f"{where}: [keys] {binding_id} = {keys!r}: {key.strip()!r} is not a key "
                    "name (use e.g. x, ctrl+x, f5, space, slash)"
                )
    for scope in SCOPES:
        _check_scope([b for group, b in all_bindings() if group in scope and b.id], keymap, where)


def _check_scope(bindings: list[Binding], keymap: dict[str, str], where: str) -> None:
    """Refuse a remapped key that another binding of the same screen keeps."""
    owners: dict[str, str] = {}
    for binding in bindings:
        binding_id = binding.id or ""
        for key in keymap.get(binding_id, binding.key).split(","):
            name = normalize_key(key) or key.strip()
            other = owners.setdefault(name, binding_id)
            if other != binding_id and (binding_id in keymap or other in keymap):
                mine, theirs = (binding_id, other) if binding_id in keymap else (other, binding_id)
                raise SettingsError(
                    f"{where}: [keys] {mine} = {keymap[mine]!r} takes {key.strip()!r} from "
                    f"'{theirs}'; choose another key or remap '{theirs}' too"
                )
