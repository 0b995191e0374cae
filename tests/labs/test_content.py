"""The labs as content: every lab sound, every usual mistake caught, Mazur to the digit."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from studyplan.db.database import Database
from studyplan.labs.runner import run_checks
from studyplan.labs.service import list_labs
from studyplan.labs.verify import verify_labs
from studyplan.services.catalog_query import list_resources

from .conftest import LABS
from .mutants import MUTANTS, Mutant

LAB_MUTANTS = [(lab, mutant) for lab, mutants in sorted(MUTANTS.items()) for mutant in mutants]


def test_lab_verify_finds_every_lab_sound(lab_db: Database) -> None:
    """`studyplan lab verify`: starters fail, solutions pass, briefs, hints, follows."""
    labs = list_labs(lab_db)
    assert len(labs) >= 14
    assert {lab.step for lab in labs} == set(range(1, 8))
    assert all(sum(lab.step == n for lab in labs) >= 2 for n in range(1, 8))
    verdicts = verify_labs(labs, {v.id for v in list_resources(lab_db)})
    problems = {v.lab.id: v.problems for v in verdicts if not v.sound}
    assert problems == {}
    for verdict in verdicts:  # the starter runs and fails every check, saying it is not done
        assert verdict.starter is not None and not verdict.starter.problem
        assert not any(check.passed for check in verdict.starter.checks), verdict.lab.id


def test_every_lab_has_mutants() -> None:
    labs = {p.name for p in LABS.iterdir() if p.is_dir()}
    assert set(MUTANTS) == labs
    for lab, mutants in MUTANTS.items():
        names = [mutant.name for mutant in mutants]
        assert len(names) >= 3, f"{lab} has fewer than 3 mutants"
        assert len(set(names)) == len(names), f"{lab} names a mutant twice"
        for mutant in mutants:  # the mistake becomes the mutant's one-line docstring
            assert mutant.mistake.strip(), f"{lab}/{mutant.name} does not say its mistake"
            assert "\n" not in mutant.mistake and '"""' not in mutant.mistake, mutant.name


def _mutant_text(lab: str, mutant: Mutant) -> str:
    """The lab's solution with the mutant's replacements made, its docstring naming the mistake.

    Every ``old`` is found exactly once in the solution as it is now; the replacements are
    made at those places (they must not overlap), so their order does not matter.
    """
    solution = (LABS / lab / "solution.py").read_text(encoding="utf-8")
    where = f"{lab}/{mutant.name}"
    assert solution.startswith('"""'), f"{lab}/solution.py does not open with a docstring"
    docstring_end = solution.index('"""', 3) + 3
    places = []
    for old, new in mutant.replacements:
        found = solution.count(old)
        assert found == 1, f"{where}: {old!r} occurs {found} times in {lab}/solution.py, not once"
        start = solution.index(old)
        assert start >= docstring_end, f"{where}: {old!r} is in the solution's docstring"
        places.append((start, start + len(old), new))
    places.sort()
    body, end = "", docstring_end
    for start, stop, new in places:
        assert start >= end, f"{where}: two replacements overlap"
        body += solution[end:start] + new
        end = stop
    body += solution[end:]
    assert body != solution[docstring_end:], f"{where} changes nothing in {lab}/solution.py"
    return f'"""Mutant: {mutant.mistake}"""' + body


@pytest.mark.parametrize(
    ("lab", "mutant"), LAB_MUTANTS, ids=[f"{lab}/{mutant.name}" for lab, mutant in LAB_MUTANTS]
)
def test_a_usual_mistake_is_caught(lab: str, mutant: Mutant, tmp_path: Path) -> None:
    """A solution with one deliberate mistake fails a check that says what is wrong."""
    path = tmp_path / lab / f"{mutant.name}.py"
    path.parent.mkdir()
    path.write_text(_mutant_text(lab, mutant), encoding="utf-8")
    result = run_checks(path, LABS / lab / "checks.py")
    failing = [c for c in result.checks if not c.passed]
    assert failing, f"{lab}/{mutant.name} passes every check: {mutant.mistake}"
    assert all(c.message for c in failing)
    assert not result.problem, result.problem  # caught by a check, not by a crash


def _load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("mazur_solution", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _same_digits(value: float, published: str) -> bool:
    """``value`` rounds to ``published`` at the number of decimals Mazur printed."""
    decimals = len(published.split(".")[1])
    return abs(value - float(published)) <= 0.5 * 10**-decimals


def test_the_mazur_solution_reproduces_the_published_figures() -> None:
    """Forward pass, total error, gradients and one-step weights to Mazur's printed digits
    (the figures in CATALOG_FACTS.md); the later figures within the lab's tolerance."""
    lab = _load(LABS / "mazur-example" / "solution.py")
    x, t, w1, w2 = lab.INPUTS, lab.TARGETS, lab.START_W1, lab.START_W2
    out_h, out_o = lab.forward(x, w1, lab.B1, w2, lab.B2)
    for value, published in zip(
        [*out_h, *out_o], ["0.593269992", "0.596884378", "0.75136507", "0.772928465"], strict=True
    ):
        assert _same_digits(float(value), published), (value, published)
    assert _same_digits(lab.total_error(t, out_o), "0.298371109")
    d_w1, d_w2 = lab.gradients(x, t, w1, lab.B1, w2, lab.B2)
    assert _same_digits(float(d_w2[0, 0]), "0.082167041")
    assert _same_digits(float(d_w1[0, 0]), "0.000438568")
    new_w1, new_w2 = lab.update(x, t, w1, lab.B1, w2, lab.B2)
    for value, published in zip(
        new_w2.ravel(), ["0.35891648", "0.408666186", "0.511301270", "0.561370121"], strict=True
    ):
        assert _same_digits(float(value), published), (value, published)
    for value, published in zip(
        new_w1.ravel(), ["0.149780716", "0.19956143", "0.24975114", "0.29950229"], strict=True
    ):
        assert _same_digits(float(value), published), (value, published)
    errors = lab.train(10_000)
    # the post mixes two update orders (CATALOG_FACTS): after one update 0.291027924 there,
    # 0.2910277737 with the original w5..w8 as its text says; 0.0000351085 at the end
    assert abs(errors[1] - 0.2910277737) < 1e-9
    assert abs(errors[-1] - 0.0000351085) / 0.0000351085 < 1e-4


def test_another_curriculum_cannot_take_a_lab_id(lab_db: Database, tmp_path: Path) -> None:
    """An imported catalog whose lab ids the main catalog already uses is refused, by place."""
    import yaml

    from studyplan.catalog.loader import CatalogInvalid
    from studyplan.services.catalog_admin import import_catalog

    data = yaml.safe_load((LABS.parent / "resources.yaml").read_text(encoding="utf-8"))
    data["source"]["title"] = "Another course"
    for step in data["steps"]:
        for resource in step["resources"]:
            resource["id"] = f"other-{resource['id']}"
        for lab in step.get("labs", []):
            lab["follows"] = f"other-{lab['follows']}"
    other = tmp_path / "other.yaml"
    other.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    (tmp_path / "labs").symlink_to(LABS)
    with pytest.raises(CatalogInvalid) as refused:
        import_catalog(lab_db, other)
    first = refused.value.issues[0]
    assert first.where == "steps[0].labs[0].id"
    assert first.message == "'perceptron-nand' already belongs to curriculum 'main'; rename it"
    assert len(refused.value.issues) == len(list_labs(lab_db))
