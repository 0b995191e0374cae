"""Labs in the interface: under their step, opened, edited, checked, hinted, reset."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import TextArea

from studyplan.db.database import Database
from studyplan.labs.service import get_lab, work_file
from studyplan.tui.app import StudyplanApp
from studyplan.tui.modals.confirm_modal import ConfirmModal
from studyplan.tui.modals.error_modal import ErrorModal
from studyplan.tui.modals.solution_modal import SolutionModal
from studyplan.tui.screens.lab_screen import LabScreen
from studyplan.tui.screens.main_screen import MainScreen
from studyplan.tui.widgets.check_results import CheckResults

from .conftest import AppFactory, settle, wait_until

LABS = Path(__file__).resolve().parents[2] / "data" / "labs"


def processes_running(path: Path) -> list[int]:
    """Processes whose command line names ``path`` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and str(path) in (entry / "cmdline").read_bytes().decode(
                errors="replace"
            ):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


async def open_lab(pilot: Pilot[Any], lab_id: str) -> LabScreen:
    """From the main screen: go to the lab's step, put the cursor on it, press enter."""
    app = pilot.app
    assert isinstance(app, StudyplanApp)
    screen = app.main_screen
    step = get_lab(app.context.db, lab_id).step
    screen.load(step=("main", step))
    await wait_until(pilot, lambda: screen.current_step == ("main", step), "the lab's step")
    await settle(pilot)
    table = screen.table
    table.move_to(next(i for i, item in enumerate(table.rows) if item.id == lab_id))
    await pilot.press("enter")
    await wait_until(pilot, lambda: isinstance(app.screen, LabScreen), "the lab screen")
    lab_screen = app.screen
    assert isinstance(lab_screen, LabScreen)
    await wait_until(pilot, lab_screen.opened.is_set, "the lab to open")
    return lab_screen


def results_text(screen: LabScreen) -> str:
    return str(screen.query_one(CheckResults).render())


async def test_a_steps_labs_are_listed_under_its_resources(
    app_factory: AppFactory, db: Database
) -> None:
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        rows = app.main_screen.table.rows
        kinds = ["lab" if not hasattr(row, "kind") else "resource" for row in rows]
        assert kinds == sorted(kinds, key=lambda k: k == "lab")  # resources, then labs
        assert {row.id for row in rows} >= {"perceptron-nand", "sigmoid-forward"}
        await pilot.press("G")
        await settle(pilot)
        detail = str(app.main_screen.detail.query_one("#detail-info").render())
        assert "o or enter opens the lab" in detail
        await pilot.press("d")  # a lab has no done: it passes by its checks
        await settle(pilot)
        assert "passes by its checks" in str(app.main_screen.header.render())


async def test_open_check_hint_and_pass_from_an_outside_save(
    app_factory: AppFactory, db: Database
) -> None:
    app = app_factory()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = await open_lab(pilot, "stable-sigmoid")
        path = work_file("stable-sigmoid")
        assert path.read_text() == (LABS / "stable-sigmoid/starter.py").read_text()
        assert screen.code.text == path.read_text()
        await pilot.press("f5")
        await wait_until(pilot, lambda: "checks pass" in results_text(screen), "the results")
        assert "not written yet" in results_text(screen)
        await pilot.press("f6")
        await wait_until(pilot, lambda: get_lab(db, "stable-sigmoid").hints_shown == 1, "a hint")
        hints = str(screen.query_one("#lab-hints").render())
        assert "Hint 1 of" in hints
        shutil.copyfile(LABS / "stable-sigmoid/solution.py", path)  # saved in another editor
        await wait_until(
            pilot, lambda: "All " in results_text(screen), "the re-check of the saved file"
        )
        assert get_lab(db, "stable-sigmoid").status == "passed"
        assert screen.code.text == path.read_text()
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen), "the steps again")
        await settle(pilot)
        row = next(r for r in app.main_screen.table.rows if r.id == "stable-sigmoid")
        assert row.status == "passed"


async def test_typing_is_saved_to_the_file(app_factory: AppFactory) -> None:
    app = app_factory()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = await open_lab(pilot, "perceptron-nand")
        path = work_file("perceptron-nand")
        assert screen.code.has_focus
        await pilot.press(*"tried", "enter")
        await wait_until(pilot, lambda: path.read_text().startswith("tried\n"), "the save")
        assert path.read_text() == screen.code.text and not screen.unsaved
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen), "the steps")


async def test_typing_just_before_quitting_is_saved(app_factory: AppFactory) -> None:
    app = app_factory()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await open_lab(pilot, "perceptron-nand")
        await pilot.press(*"# last words", "ctrl+q")  # long before the save after typing
        await wait_until(pilot, lambda: not app.is_running, "the interface to close")
    assert work_file("perceptron-nand").read_text().startswith("# last words")


async def test_quitting_during_a_check_stops_it_and_records_nothing(
    app_factory: AppFactory, db: Database
) -> None:
    path = work_file("sigmoid-forward")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("def layer_forward(A, W, b):\n    while True:\n        pass\n")
    app = app_factory()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await open_lab(pilot, "sigmoid-forward")
        await pilot.press("f5")
        await wait_until(pilot, lambda: bool(processes_running(path)), "the check to start")
        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: not app.is_running, "the interface to close")
    assert processes_running(path) == []  # stopped, not left to its 10 s limit
    assert get_lab(db, "sigmoid-forward").attempts == 0  # a run cut short is no attempt


async def test_going_back_during_a_check_keeps_the_attempt(
    app_factory: AppFactory, db: Database
) -> None:
    app = app_factory()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await open_lab(pilot, "xor-backprop")
        await pilot.press("f5", "escape")
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen), "the steps")
        await wait_until(pilot, lambda: get_lab(db, "xor-backprop").attempts == 1, "the attempt")
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, MainScreen)


async def test_a_file_its_code_deleted_is_written_back(app_factory: AppFactory) -> None:
    path = work_file("stable-sigmoid")
    path.parent.mkdir(parents=True, exist_ok=True)
    text = (LABS / "stable-sigmoid/solution.py").read_text()
    text += "\nimport os\nos.remove(__file__)\n"
    path.write_text(text)
    app = app_factory()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await open_lab(pilot, "stable-sigmoid")
        await pilot.press("f5")
        await wait_until(pilot, lambda: path.exists() and path.read_text() == text, "the file back")


@pytest.mark.parametrize("size", [(40, 12), (100, 14), (80, 16)])
async def test_short_terminals_keep_the_code_and_the_results(
    app_factory: AppFactory, size: tuple[int, int]
) -> None:
    app = app_factory()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = await open_lab(pilot, "perceptron-nand")
        await pilot.press("f5")
        await wait_until(pilot, lambda: "checks pass" in results_text(screen), "the results")
        await settle(pilot)
        assert screen.code.region.height >= 3
        assert screen.query_one("#lab-results").region.height >= 3
        await pilot.press("f6")
        if not screen.query_one("#lab-brief").display:  # the hint comes as a message
            await wait_until(pilot, lambda: bool(app._notifications), "the hint")


async def test_reset_asks_and_keeps_the_learners_file(app_factory: AppFactory) -> None:
    app = app_factory()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = await open_lab(pilot, "conv-pool")
        path = work_file("conv-pool")
        path.write_text("mine\n")
        await wait_until(pilot, lambda: screen.code.text == "mine\n", "the outside save")
        await settle(pilot)
        await pilot.press("f8")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal), "the question")
        await pilot.press("y")
        starter = (LABS / "conv-pool/starter.py").read_text()
        await wait_until(pilot, lambda: path.read_text() == starter, "the reset")
        await wait_until(pilot, lambda: screen.code.text == starter, "the editor to follow")
        backups = list((path.parent / "backups").glob("conv-pool-*.py"))
        assert [b.read_text() for b in backups] == ["mine\n"]


async def test_the_solution_after_a_confirmation(app_factory: AppFactory, db: Database) -> None:
    app = app_factory()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await open_lab(pilot, "edge-filter")
        await pilot.press("f9")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal), "the question")
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, LabScreen), "no solution")
        await pilot.press("f9")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal), "the question")
        await pilot.press("y")
        await wait_until(pilot, lambda: isinstance(app.screen, SolutionModal), "the solution")
        code = app.screen.query_one("#solution-code", TextArea)
        assert code.text == (LABS / "edge-filter/solution.py").read_text()
        assert get_lab(db, "edge-filter").solution_seen


async def test_editor_key_runs_the_editor_then_checks(
    app_factory: AppFactory, db: Database
) -> None:
    solution = LABS / "numerical-gradient/solution.py"
    app = app_factory(editor=f"cp {solution}")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = await open_lab(pilot, "numerical-gradient")
        await pilot.press("f7")
        await wait_until(pilot, lambda: "All " in results_text(screen), "the check after editing")
        assert screen.code.text == solution.read_text()
        assert get_lab(db, "numerical-gradient").status == "passed"


async def test_a_training_lab_draws_its_loss(app_factory: AppFactory) -> None:
    from studyplan.tui.widgets.loss_chart import LossChart

    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = await open_lab(pilot, "softmax-sgd")
        shutil.copyfile(LABS / "softmax-sgd/solution.py", work_file("softmax-sgd"))
        await wait_until(pilot, lambda: "All " in results_text(screen), "the check")
        await wait_until(pilot, lambda: bool(screen.query(LossChart)), "the loss chart")
        chart = screen.query_one(LossChart)
        curve = next(iter(chart.curves.values()))
        assert len(curve) > 3 and curve[-1] < curve[0]


async def test_a_file_that_is_not_text_shows_one_message_and_the_steps_stay(
    app_factory: AppFactory, db: Database
) -> None:
    path = work_file("sigmoid-forward")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"def f():\n    return '\xff\xfe'\n")
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.main_screen
        screen.load(step=("main", 1))
        await wait_until(pilot, lambda: screen.current_step == ("main", 1), "step 1")
        await settle(pilot)
        table = screen.table
        table.move_to(next(i for i, item in enumerate(table.rows) if item.id == "sigmoid-forward"))
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ErrorModal), "the error")
        assert isinstance(app.screen, ErrorModal)
        assert f"{path} is not UTF-8 text" in app.screen.message
        assert "studyplan lab reset sigmoid-forward" in app.screen.message
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen, "the steps again")
    assert path.read_bytes() == b"def f():\n    return '\xff\xfe'\n"  # nothing lost


@pytest.mark.parametrize("size", [(100, 30), (40, 12)])
def test_lab_screen_snapshot(
    snap_compare: Any, app_factory: AppFactory, size: tuple[int, int]
) -> None:
    async def before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        screen = await open_lab(pilot, "perceptron-nand")
        await pilot.press("f5")
        await wait_until(pilot, lambda: "checks pass" in results_text(screen), "the results")
        screen.query_one("#lab-results").focus()  # no blinking cursor in the picture
        await settle(pilot)
        assert not screen.code.has_focus

    assert snap_compare(app_factory(), terminal_size=size, run_before=before)
