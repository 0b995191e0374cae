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


def test_a_key_may_serve_one_binding_per_screen() -> None:
    # enter starts an item on the plan and opens one on the steps; escape goes back from
    # the lab, the plan and the statistics: remapping one of them names no conflict
    check_keymap({"open": "enter"})
    check_keymap({"plan_start": "enter,space"})
    check_keymap({"lab_back": "escape,f10", "stats_back": "escape,b"})


@pytest.mark.parametrize(
    ("keymap", "message"),
    [
        ({"plan": "d"}, "[keys] plan = 'd' takes 'd' from 'done'"),
        ({"plan_back": "q"}, "[keys] plan_back = 'q' takes 'q' from 'quit'"),
        ({"plan_start": "j"}, "[keys] plan_start = 'j' takes 'j' from 'cursor_down'"),
        ({"stats_back": "question_mark"}, "takes 'question_mark' from 'help'"),
    ],
)
def test_keys_of_the_same_screen_still_conflict(keymap: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError) as caught:
        check_keymap(keymap, "settings.toml")
    assert message in caught.value.message
