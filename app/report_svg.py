"""Geometry of the report charts: numbers only. The templates draw the SVG, so every label goes through
Jinja's autoescaping like any other text of the page (templates/reports/_charts.html)."""
from __future__ import annotations

from dataclasses import dataclass

LABEL_W = 230
BAR_H = 18
GAP = 6
WIDTH = 680
COLOURS = ("#2f6f9f", "#d9822b", "#4d9f5a")


@dataclass
class Bar:
    y: float
    width: float
    value: int
    colour: str
    series: str


@dataclass
class Row:
    label: str
    y: float
    bars: list[Bar]


@dataclass
class BarChart:
    title: str
    width: int
    height: int
    label_width: int
    rows: list[Row]
    series: list[tuple[str, str]]  # (name, colour) for the legend

    @property
    def legend_y(self) -> int:
        return self.height - 8


def bar_chart(title: str, labels: list[str], series: list[tuple[str, list[int]]]) -> BarChart:
    """Horizontal bars: one row per label, one bar per series in each row, scaled to the largest value."""
    top = max((max(values, default=0) for _, values in series), default=0) or 1
    span = WIDTH - LABEL_W - 50
    rows, y = [], 10.0
    for i, label in enumerate(labels):
        bars = []
        for k, (name, values) in enumerate(series):
            v = values[i]
            bars.append(Bar(y + k * BAR_H, round(span * v / top, 1), v, COLOURS[k % len(COLOURS)], name))
        rows.append(Row(label, y, bars))
        y += BAR_H * len(series) + GAP
    legend = [(name, COLOURS[k % len(COLOURS)]) for k, (name, _) in enumerate(series)] if len(series) > 1 else []
    return BarChart(title, WIDTH, int(y + (24 if legend else 4)), LABEL_W, rows, legend)


@dataclass
class Cell:
    x: float
    y: float
    value: int
    opacity: float


@dataclass
class Heatmap:
    title: str
    width: int
    height: int
    rows: list[tuple[str, float]]     # (label, y)
    columns: list[tuple[str, float]]  # (label, x)
    cells: list[Cell]
    size: int


def heatmap(title: str, row_labels: list[str], column_labels: list[str], values: dict[tuple[str, str], int],
            size: int = 30) -> Heatmap:
    """A matrix of squares whose darkness grows with the value (zero: not drawn)."""
    left, head = 150, 28
    top = max(values.values(), default=0) or 1
    rows = [(label, head + i * size) for i, label in enumerate(row_labels)]
    columns = [(label, left + j * size) for j, label in enumerate(column_labels)]
    cells = [Cell(x, y, values[(r, c)], round(0.2 + 0.8 * values[(r, c)] / top, 2))
             for r, y in rows for c, x in columns if values.get((r, c))]
    return Heatmap(title, left + len(columns) * size + 10, head + len(rows) * size + 10, rows, columns, cells, size)
