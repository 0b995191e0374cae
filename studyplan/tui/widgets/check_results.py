"""The results of a lab's checks, drawn as they arrive."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from studyplan.labs.runner import CheckResult, RunResult
from studyplan.safe_text import visible

OUTPUT_LINES = 12
"""Lines of the learner's printed output shown under the results."""


class CheckResults(Static):
    """``✓ name`` / ``✗ name: what is wrong`` per check, the summary, and the output."""

    DEFAULT_CSS = """
    CheckResults { height: auto; padding: 0 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("Press F5 (or ctrl+r) to check your file.", id=id, markup=False)
        self.results: list[CheckResult] = []
        self.summary = ""

    def clear(self, what: str = "Checking…") -> None:
        """Start a new run."""
        self.results = []
        self.summary = what
        self._draw(None)

    def add(self, result: CheckResult) -> None:
        """One more check came back."""
        self.results.append(result)
        self._draw(None)

    def finish(self, run: RunResult) -> None:
        """The run is over: every check, the summary and what the code printed."""
        self.results = list(run.checks)
        passing = sum(c.passed for c in run.checks)
        if run.passed:
            self.summary = f"All {len(run.checks)} checks pass. Well done!"
        else:
            self.summary = f"{passing} of {len(run.checks)} checks pass"
            if run.problem:
                self.summary += f": {visible(run.problem)}"
        self._draw(run)

    def _draw(self, run: RunResult | None) -> None:
        text = Text()
        for result in self.results:
            if result.passed:
                text.append("✓ ", style="bold green")
                text.append(visible(result.name))
            else:
                text.append("✗ ", style="bold red")
                text.append(visible(result.name), style="bold")
                text.append(f"\n    {visible(result.message)}")
            text.append("\n")
        text.append(self.summary, style="bold")
        if run is not None and run.output.strip():
            lines = run.output.rstrip().splitlines()
            more = len(lines) - OUTPUT_LINES
            text.append("\n\nYour code printed:\n", style="dim")
            text.append(visible("\n".join(lines[:OUTPUT_LINES])))
            if more > 0 or run.output_dropped:
                text.append(f"\n… ({max(more, 0)} more lines)", style="dim")
        self.update(text)
