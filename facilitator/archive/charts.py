"""Geometry of the SVG charts in report.html, computed from the report's numbers.

Only numbers and plain texts are made here, formatted with fixed decimals so the same report
always gives the same bytes; the templates (templates/archive/_charts.html) draw them, and
Jinja2 escapes every label in them.

A bar chart reads at any length: each label is wrapped over as many lines as it needs (never
cut) in a column as wide as its longest line, and its row grows with it; a long vote shows its
best bars, as many as fit under the section's heading on one A4 page (MAX_HEIGHT), and one
line for the rest. Items from groups get their group's colour and pattern (greyscale print),
with a legend above the bars.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from facilitator.archive.text import wrap

WIDTH = 680  # the printed page's width at 96 px per inch (180 mm)
PAD = 6  # nothing is drawn closer to the edges
LABEL_MAX = 330  # the label column at its widest: a longer label wraps
LABEL_MIN = 40
GAP = 10  # between the labels and the bars
VALUE_WIDTH = 90  # "123 (100 %)" after a full bar
LINE = 15  # px from one line of a label to the next
ROW = 24  # a row of one line
BAR = 16
SWATCH = 14
MAX_HEIGHT = 820  # px, what fits under the section's heading on an A4 page (as roadmap.py)
MAX_BARS = 20  # a longer vote shows its best 20 at most, then one line for the rest

# Text widths at 12 px in DejaVu Sans (what Chromium takes for system-ui where no other sans
# font is installed, one of the widest), rounded up: a label column computed from them holds
# its longest line in any of the fonts of report.css.
_NARROW = frozenset("'ijlIJ,.:;|/\\ ")
_SEMI = frozenset("f-()[]t!r\"")
_MID = frozenset("*_`szc?LFkvxy")
_WIDE = frozenset("ABCDEGHKNOQRSUVXYZ&")
_WIDER = frozenset("mwMW@%#+<=>^~")


def char_width(ch: str) -> float:
    base = unicodedata.normalize("NFKD", ch)[:1] or ch
    if not base.isascii():
        return 12.0  # a dash, a quote mark, a letter of another script: as wide as "W"
    if base in _NARROW:
        return 4.1
    if base in _SEMI:
        return 5.6
    if base in _MID:
        return 7.2
    if base in _WIDER:
        return 12.0
    if base in _WIDE:
        return 9.6
    return 7.7  # other letters, digits


def text_width(text: str) -> float:
    return sum(char_width(ch) for ch in text)


def lines(text: str, width: float = LABEL_MAX) -> list[str]:
    """A label in lines that fit `width` px, every word kept."""
    return wrap(text, width, text_width)


def fixed(value: float) -> str:
    return f"{value:.1f}"


# -- groups: colour and pattern --------------------------------------------------------------

# Each at least 3:1 against white (WCAG 1.4.11, graphics); white marks on them tell groups
# apart where the colours do not (greyscale print, colour blindness).
PALETTE = ("#2d6a4f", "#1f5fa8", "#b0501a", "#7b3f9e", "#a4243b", "#0e7480", "#7a6500",
           "#555555")
# White strokes on the colour, one tile of 8×8 px: none (solid), hatched, dotted,
# cross-hatched, horizontal, vertical, grid, back-hatched.
PATTERNS = ("", "M-2,2 L2,-2 M0,8 L8,0 M6,10 L10,6", "dots",
            "M-2,2 L2,-2 M0,8 L8,0 M6,10 L10,6 M-2,6 L2,10 M0,0 L8,8 M6,-2 L10,2",
            "M0,2 H8 M0,6 H8", "M2,0 V8 M6,0 V8", "M0,4 H8 M4,0 V8",
            "M-2,6 L2,10 M0,0 L8,8 M6,-2 L10,2")


@dataclass(frozen=True)
class Pattern:
    id: str  # unique in the document: the chart's id, then the group's place
    colour: str
    path: str  # white strokes over the colour; "" for none
    dots: bool


def pattern(ident: str, index: int) -> Pattern:
    """The colour and pattern of the index-th group (in the report's order of groups):
    8 colours × 8 patterns, so no two of 64 groups look alike."""
    shape = PATTERNS[(index + index // len(PALETTE)) % len(PATTERNS)]
    return Pattern(f"{ident}-g{index}", PALETTE[index % len(PALETTE)],
                   "" if shape == "dots" else shape, shape == "dots")


@dataclass(frozen=True)
class LegendEntry:
    fill: str  # the pattern's id
    x: str
    y: str  # the swatch's top
    text_x: str
    lines: list[TextLine]


# -- bars ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Row:
    """What a bar shows: its label (wrapped, never cut), its value, the value as shown, the
    whole text for <title>, and the place of its group in the report (None: no group)."""

    label: str
    value: float | None
    shown: str
    title: str
    group: int | None = None


@dataclass(frozen=True)
class TextLine:
    text: str
    y: str


@dataclass(frozen=True)
class Bar:
    title: str
    lines: list[TextLine]
    value: str  # as shown after the bar
    x: str
    y: str
    width: str
    value_x: str
    value_y: str
    fill: str | None  # the group's pattern id; None draws the plain bar


@dataclass(frozen=True)
class Note:
    """A line apart below the bars: the rest of a long vote summed, or the items with
    nothing, which get no bar."""

    lines: list[TextLine]
    rule_y: str  # a dashed line above it


@dataclass(frozen=True)
class BarChart:
    ident: str
    width: int
    height: int
    label_x: int  # the labels end here (right-aligned)
    bar_x: int
    note_x: int
    legend: list[LegendEntry]
    patterns: list[Pattern]
    bars: list[Bar]
    notes: list[Note]
    hidden: int  # rows with a value not drawn (summed up in the first note)


def _height(row_lines: int) -> float:
    return max(ROW, row_lines * LINE + 9)


def _text_block(texts: list[str], top: float, height: float) -> list[TextLine]:
    first = top + (height - len(texts) * LINE) / 2 + 11.5
    return [TextLine(t, fixed(first + n * LINE)) for n, t in enumerate(texts)]


def _legend(ident: str, groups: Mapping[int, str], used: list[int]
            ) -> tuple[list[LegendEntry], float]:
    entries: list[LegendEntry] = []
    x, y, line_height = float(PAD), 4.0, 0.0
    room = WIDTH - 2 * PAD - SWATCH - 6
    for index in used:
        texts = lines(groups[index], room)
        wide = SWATCH + 6 + max(text_width(t) for t in texts) + 18
        if x > PAD and x + wide > WIDTH - PAD:
            x, y, line_height = float(PAD), y + line_height, 0.0
        height = len(texts) * LINE + 5
        entries.append(LegendEntry(pattern(ident, index).id, fixed(x), fixed(y + 1),
                                   fixed(x + SWATCH + 6),
                                   [TextLine(t, fixed(y + 12 + n * LINE))
                                    for n, t in enumerate(texts)]))
        x += wide
        line_height = max(line_height, height)
    return entries, (y + line_height + 8 if entries else 0.0)


def _note_height(texts: list[str]) -> float:
    return len(texts) * LINE + 13


NOTE = 2 * LINE + 13  # room kept for a line apart, of up to two lines


def fits(rows: Sequence[Row], groups: Mapping[int, str] | None = None,
         notes: int = 0, max_height: float = MAX_HEIGHT, max_bars: int = MAX_BARS) -> int:
    """How many of the rows, from the first, the chart draws: all when they fit, else as
    many as leave room for the line of the rest and `notes` lines below (at least one)."""
    height = (_legend("c", groups, sorted(groups))[1] if groups else 0.0) + 4 + 6
    heights = [_height(len(lines(r.label))) for r in rows]
    if len(rows) <= max_bars and height + sum(heights) + notes * NOTE <= max_height:
        return len(rows)
    room = max_height - height - (notes + 1) * NOTE
    count = 0
    for row_height in heights[:max_bars]:
        if row_height > room:
            break
        room -= row_height
        count += 1
    return max(count, 1)


def bar_chart(rows: Sequence[Row], top: float, bottom: float = 0.0, *, ident: str = "c0",
              groups: Mapping[int, str] | None = None,
              rest: Callable[[list[Row]], str] | None = None, notes: Sequence[str] = (),
              max_height: float = MAX_HEIGHT, max_bars: int = MAX_BARS) -> BarChart:
    """Horizontal bars: a bar spans from `bottom` (no bar) to `top` (the full width); a value
    of None draws no bar. With `rest`, a long list is cut where the chart would be higher
    than `max_height` or hold more than `max_bars` bars, and the rows left out become one
    line, `rest(rows left out)`; `notes` are further lines below (the empty items). Without
    `rest` every row is drawn (a time line). `groups`: the names of the groups the rows
    come from, by their place in the report (a legend above the bars)."""
    rows = list(rows)
    shown = rows
    if rest is not None:
        shown = rows[:fits(rows, groups, len(notes), max_height, max_bars)]
    left_out = rows[len(shown):]
    # Every group of the vote, also one none of whose items is among the bars drawn.
    used = sorted(groups or {})
    legend, y = _legend(ident, groups or {}, used) if groups else ([], 0.0)
    wrapped = [lines(r.label) for r in shown]
    column = min(max((text_width(t) for ls in wrapped for t in ls), default=0.0), LABEL_MAX)
    label_x = PAD + int(max(column, LABEL_MIN)) + 1
    bar_x = label_x + GAP
    room = WIDTH - bar_x - VALUE_WIDTH
    span = max(top - bottom, 1e-9)
    y += 4
    bars = []
    for row, texts in zip(shown, wrapped, strict=True):
        height = _height(len(texts))
        share = 0.0 if row.value is None else min(max((row.value - bottom) / span, 0.0), 1.0)
        bar_y = y + (height - BAR) / 2
        fill = None if row.group is None else pattern(ident, row.group).id
        bars.append(Bar(row.title, _text_block(texts, y, height), row.shown, fixed(bar_x),
                        fixed(bar_y), fixed(share * room), fixed(bar_x + share * room + 6),
                        fixed(bar_y + 12), fill))
        y += height
    apart = ([rest(left_out)] if left_out and rest is not None else []) + list(notes)
    out_notes = []
    for text in apart:
        texts = lines(text, WIDTH - bar_x - PAD)
        height = _note_height(texts)
        out_notes.append(Note(_text_block(texts, y + 4, height - 4), fixed(y + 3)))
        y += height
    return BarChart(ident, WIDTH, int(y) + 6, label_x, bar_x, bar_x, legend,
                    [pattern(ident, g) for g in used], bars, out_notes, len(left_out))


# -- the matrix ------------------------------------------------------------------------------

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
