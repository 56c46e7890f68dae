"""Geometry of the SVG charts in report.html, computed from the report's numbers.

Only numbers are made here, formatted with fixed decimals so the same report always gives
the same bytes; the templates (templates/archive/_charts.html) draw them, and Jinja2 escapes
every label in them.
"""

from __future__ import annotations

from dataclasses import dataclass

WIDTH = 640
LABEL_WIDTH = 230  # the item's label, right-aligned before its bar
VALUE_WIDTH = 60
ROW = 24
BAR = 16
LABEL_CHARS = 34  # what fits in LABEL_WIDTH at the chart's font size


def fixed(value: float) -> str:
    return f"{value:.1f}"


def short(label: str, limit: int = LABEL_CHARS) -> str:
    """A label cut to fit beside a bar; the whole label is in the bar's <title> and in the
    table below the chart."""
    flat = " ".join(label.split())
    return flat if len(flat) <= limit else flat[:limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class Bar:
    label: str  # shortened
    title: str  # the whole label
    value: str  # as shown after the bar
    y: str
    text_y: str
    width: str
    value_x: str


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    label_x: int
    bar_x: int
    bars: list[Bar]


def bar_chart(rows: list[tuple[str, float | None, str]], top: float,
              bottom: float = 0.0) -> BarChart:
    """Horizontal bars: (label, value, value as shown) per row; a bar spans from `bottom`
    (no bar) to `top` (the full width). A value of None draws no bar."""
    span = max(top - bottom, 1e-9)
    bar_x = LABEL_WIDTH + 8
    room = WIDTH - bar_x - VALUE_WIDTH
    bars = []
    for index, (label, value, shown) in enumerate(rows):
        share = 0.0 if value is None else min(max((value - bottom) / span, 0.0), 1.0)
        y = 4 + index * ROW
        bars.append(Bar(short(label), label, shown, fixed(y), fixed(y + BAR - 4),
                        fixed(share * room), fixed(bar_x + share * room + 6)))
    return BarChart(WIDTH, 8 + len(rows) * ROW, LABEL_WIDTH, bar_x, bars)


@dataclass(frozen=True)
class Point:
    number: str  # the item's number in the table below the chart
    title: str
    cx: str
    cy: str
    rx: str  # spread (standard deviation) along x
    ry: str
    label_x: str
    label_y: str


@dataclass(frozen=True)
class Scatter:
    size: int  # of the square plot
    left: int  # room for the y axis's labels
    top: int
    cross_x: str  # where the quadrant lines cross: the middle of the scale
    cross_y: str
    points: list[Point]

    @property
    def width(self) -> int:
        return self.left + self.size + 28

    @property
    def height(self) -> int:
        return self.top + self.size + 48

    @property
    def right(self) -> int:
        return self.left + self.size

    @property
    def bottom(self) -> int:
        return self.top + self.size


def scatter(items: list[tuple[str, str, float | None, float | None, float | None,
                              float | None]], steps: int, size: int = 360) -> Scatter:
    """A 2×2 matrix: (number, label, x, y, sx, sy) per item, positions 1…steps; items
    nobody placed are left out. y grows upwards."""
    left, top = 100, 20
    unit = size / (steps - 1) if steps > 1 else float(size)

    def px(x: float) -> float:
        return left + (x - 1) * unit

    def py(y: float) -> float:
        return top + size - (y - 1) * unit

    points = []
    for number, label, x, y, sx, sy in items:
        if x is None or y is None:
            continue
        cx, cy = px(x), py(y)
        points.append(Point(number, label, fixed(cx), fixed(cy), fixed((sx or 0) * unit),
                            fixed((sy or 0) * unit), fixed(cx + 6), fixed(cy - 6)))
    middle = (1 + steps) / 2
    return Scatter(size, left, top, fixed(px(middle)), fixed(py(middle)), points)
