"""The [keys] table of the settings: checked before the interface starts."""

from __future__ import annotations

import pytest

from studyplan.errors import SettingsError
from studyplan.tui.bindings import check_keymap, normalize_key


@pytest.mark.parametrize(
    ("key", "name"),
    [("x", "x"), ("/", "slash"), ("?", "question_mark"), ("ctrl+x", "ctrl+x"), ("f5", "f5")],
)
def test_key_names(key: str, name: str) -> None:
    assert normalize_key(key) == name


@pytest.mark.parametrize("key", ["flarp", "ctrl+", "super+flarp", ""])
def test_unknown_key_names(key: str) -> None:
    assert normalize_key(key) is None


def test_a_free_key_and_a_swap_are_fine() -> None:
    check_keymap({"done": "x"})
    check_keymap({"quit": "d", "done": "q"})  # both moved: no conflict


@pytest.mark.parametrize(
    ("keymap", "message"),
    [
        ({"done": "q"}, "[keys] done = 'q' takes 'q' from 'quit'"),
        ({"learning": "x", "done": "x"}, "takes 'x' from"),
        ({"dnoe": "x"}, "[keys] has no binding 'dnoe'; known:"),
        ({"done": "flarp"}, "'flarp' is not a key name"),
    ],
)
def test_conflicts_and_unknown_names_are_one_line(keymap: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError) as caught:
        check_keymap(keymap, "settings.toml")
    assert message in caught.value.message and "\n" not in caught.value.message
