"""``studyplan lab verify``: every lab is sound (the way rustlings checks its exercises).

A sound lab has a brief and at least two hints, follows a resource that exists, has a
starter that runs, still holds TODO markers and fails its checks, and a solution that
passes every check within the lab's time limit. Labs are verified in parallel, one check
process per core.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from studyplan.labs.runner import RunResult, run_checks
from studyplan.labs.service import LabView

SLOW_MS = 2000
"""A solution whose checks take longer than this is reported (labs should stay quick)."""


@dataclass
class Verdict:
    """What verifying one lab found."""

    lab: LabView
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Worth knowing, not wrong (a slow solution)."""
    starter: RunResult | None = None
    solution: RunResult | None = None

    @property
    def sound(self) -> bool:
        """No problem found."""
        return not self.problems


def verify_lab(lab: LabView, resources: set[str]) -> Verdict:
    """Check one lab's metadata, starter and solution."""
    verdict = Verdict(lab)
    problems = verdict.problems
    brief = lab.brief_file
    if not brief.is_file() or not brief.read_text(encoding="utf-8").strip():
        problems.append(f"no brief: {brief} is missing or empty")
    if len(lab.hints) < 2:
        problems.append(f"{len(lab.hints)} hint(s): a lab needs at least two")
    if lab.follows not in resources:
        problems.append(f"follows '{lab.follows}', which is not a resource of the catalog")
    starter = lab.folder / "starter.py"
    if starter.is_file():
        if "TODO" not in starter.read_text(encoding="utf-8"):
            problems.append("the starter has no TODO marker")
        verdict.starter = run_checks(starter, lab.checks_file, lab.limits)
        if verdict.starter.problem:
            problems.append(f"the starter does not run: {verdict.starter.problem}")
        elif verdict.starter.passed:
            problems.append("the starter passes every check: it leaves nothing to do")
    else:
        problems.append(f"no starter: {starter}")
    solution = lab.folder / "solution.py"
    if solution.is_file():
        verdict.solution = run_checks(solution, lab.checks_file, lab.limits)
        failing = [c for c in verdict.solution.checks if not c.passed]
        for check in failing:
            problems.append(f"the solution fails '{check.name}': {check.message}")
        if verdict.solution.problem and not failing:
            problems.append(f"the solution does not finish: {verdict.solution.problem}")
        if verdict.solution.duration_ms > SLOW_MS:
            verdict.notes.append(
                f"the solution's checks take {verdict.solution.duration_ms} ms "
                f"(aim under {SLOW_MS} ms)"
            )
    else:
        problems.append(f"no solution: {solution}")
    return verdict


def verify_labs(
    labs: Iterable[LabView],
    resources: set[str],
    workers: int | None = None,
    on_verdict: Callable[[Verdict], None] | None = None,
) -> list[Verdict]:
    """Verify ``labs`` in parallel; verdicts in the labs' order."""
    labs = list(labs)
    workers = workers or max(1, os.cpu_count() or 1)

    def one(lab: LabView) -> Verdict:
        verdict = verify_lab(lab, resources)
        if on_verdict is not None:
            on_verdict(verdict)
        return verdict

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(one, labs))
