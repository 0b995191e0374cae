"""A training lab's loss per epoch, drawn with textual-plotext (imported only when needed)."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical


class LossChart(Vertical):
    """One line per curve (``loss``, or ``momentum``, ``RMSProp``, ``Adam`` …)."""

    DEFAULT_CSS = """
    LossChart { height: 14; border: round $primary 50%; }
    """

    def __init__(self, curves: dict[str, list[float]], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.curves = curves
        self.border_title = "Loss per epoch"

    def compose(self) -> ComposeResult:
        """The plot."""
        from textual_plotext import PlotextPlot

        yield PlotextPlot()

    def on_mount(self) -> None:
        """Draw the curves."""
        self.show(self.curves)

    def show(self, curves: dict[str, list[float]]) -> None:
        """Draw ``curves`` (replacing what was drawn)."""
        from textual_plotext import PlotextPlot

        self.curves = curves
        plot: Any = self.query_one(PlotextPlot)
        plt = plot.plt
        plt.clear_data()
        plt.clear_figure()
        for label, values in curves.items():
            plt.plot(list(range(1, len(values) + 1)), values, label=label)
        plt.xlabel("epoch")
        plot.refresh()
