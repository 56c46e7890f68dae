"""The roadmap (Umsetzungsfahrplan): every step of every measure sheet on one timeline.

`build_roadmap` collects the steps (the `rows` fields) of each measure sheet — one sheet per
group for a per-group activity — with the sheet's title and lead; `entries` is the same as one
list in date order (README.md and roadmap.csv); `timelines` is the geometry of the SVG
timeline in report.html (templates/archive/_roadmap.html draws it, Jinja2 escapes every label).

A sheet has no milestone flag: its last dated step is taken as its milestone (the goal date)
and its first as its start. Dates are kept as typed; one that is not a valid YYYY-MM-DD date
counts as undated. Like charts.py, only numbers and plain texts are made here, with fixed
decimals, so the same report always gives the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from facilitator.archive.charts import fixed
from facilitator.archive.phrases import MONTHS, N_, Phrases
from facilitator.archive.report import (
    ActivityReport,
    RoadmapSheet,
    RoadmapStep,
    SheetResult,
    Step,
)
from facilitator.archive.text import wrap as _wrap
from facilitator.domain.activities.measure import DATE

# -- the data ------------------------------------------------------------------------------


def valid_date(text: str) -> bool:
    """A date as the measure sheet stores it (YYYY-MM-DD) that exists in the calendar."""
    if not DATE.fullmatch(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _text(result: SheetResult, ident: str) -> str:
    for field in result.fields:
        if field.id == ident and isinstance(field.value, str):
            return field.value.strip()
    return ""


def _sheet(activity: ActivityReport, group: str | None, group_name: str | None,
           result: SheetResult) -> RoadmapSheet | None:
    rows: list[Step] = [step for field in result.fields if isinstance(field.value, list)
                        for step in field.value]
    if not rows:
        return None
    # sorted() is stable: steps on the same day stay in the order the sheet lists them.
    dated = sorted((s for s in rows if valid_date(s.date)), key=lambda s: s.date)
    steps = [RoadmapStep(s.step, s.date, n == len(dated) - 1) for n, s in enumerate(dated)]
    undated = [RoadmapStep(s.step, s.date, False) for s in rows if not valid_date(s.date)]
    return RoadmapSheet(
        activity=activity.number, title=_text(result, "title") or activity.title,
        group=group, group_name=group_name, lead=_text(result, "lead"),
        start=steps[0].date if steps else None, milestone=steps[-1].date if steps else None,
        steps=steps, undated=undated)


def build_roadmap(activities: list[ActivityReport]) -> list[RoadmapSheet]:
    """The sheets with at least one step, in the documentation's order (activity, then its
    groups)."""
    out = []
    for activity in activities:
        if activity.kind != "measure":
            continue
        for instance in activity.instances:
            if isinstance(instance.result, SheetResult):
                sheet = _sheet(activity, instance.group, instance.group_name,
                               instance.result)
                if sheet is not None:
                    out.append(sheet)
    return out


@dataclass(frozen=True)
class Entry:
    """One step in the roadmap's list in date order."""

    sheet: RoadmapSheet
    step: RoadmapStep


def entries(roadmap: list[RoadmapSheet]) -> list[Entry]:
    """Every step: the dated ones by date (equal dates in the roadmap's order of sheets and
    steps), then the undated ones sheet by sheet."""
    dated = sorted(((step.date, n, k, Entry(sheet, step)) for n, sheet in enumerate(roadmap)
                    for k, step in enumerate(sheet.steps)), key=lambda t: t[:3])
    return [t[3] for t in dated] + [Entry(sheet, step) for sheet in roadmap
                                    for step in sheet.undated]


def when(p: Phrases, step: RoadmapStep) -> str:
    """The date of a step as the reader writes dates, with "(milestone)" or "(start)"; for an
    undated one "no date", or what was typed when it is no valid date."""
    if not valid_date(step.date):
        if step.date:
            return p.gettext("no valid date: {text}", text=step.date)
        return p.gettext("no date")
    shown = p.date(step.date)
    if step.milestone:
        return p.gettext("{date} (milestone)", date=shown)
    return shown


def lead(p: Phrases, sheet: RoadmapSheet) -> str:
    return (p.gettext("Lead: {name}", name=sheet.lead) if sheet.lead
            else p.gettext("Lead: not named"))


# -- the SVG timeline ----------------------------------------------------------------------

WIDTH = 640
LABEL_X = 6  # the row's label, left-aligned in a column of LABEL_WIDTH
LABEL_WIDTH = 206
LABEL_CHARS = 28  # what fits in LABEL_WIDTH at the chart's font size, wide letters included
LINE = 15  # px from one line of a label to the next
PLOT_LEFT = 232
PLOT_RIGHT = 620
PLOT = PLOT_RIGHT - PLOT_LEFT
MIN_ROW = 44  # room for a number above and below the track
LEGEND_Y = 14
AXIS_TOP = 26  # the axis's labels: month (or quarter, or year), and the year below
ROWS_TOP = 62
MAX_ROWS = 12  # per SVG; more sheets give several SVGs, each printed whole on its page
MAX_HEIGHT = 820  # px, what fits under the section's heading on an A4 page
STEPS = (1, 2, 3, 6, 12, 24, 60, 120)  # months between ticks of the axis
# px a band's label needs: "Mär", "Q3", "2027" or "2030–2031" at the chart's font size
MIN_BAND = {1: 32, 2: 32, 3: 28, 6: 32, 12: 32}
MIN_BANDS = 66  # several years
NUMBER_GAP = 16  # px between the numbers of two markers on the same side of the track
# Written out, so that message extraction finds them (a loop over MONTHS it would not).
MONTH_NAMES = (N_("Jan"), N_("Feb"), N_("Mar"), N_("Apr"), N_("May"), N_("Jun"), N_("Jul"),
               N_("Aug"), N_("Sep"), N_("Oct"), N_("Nov"), N_("Dec"))
assert MONTH_NAMES == MONTHS


def wrap(text: str, width: int = LABEL_CHARS) -> list[str]:
    """A label in lines of at most `width` characters (text.wrap), every word kept."""
    return _wrap(text, width)


@dataclass(frozen=True)
class TextLine:
    text: str
    y: str
    cls: str  # "title" for the sheet's title, else ""


@dataclass(frozen=True)
class Mark:
    """The steps of one sheet on one day: a circle, or a diamond when the milestone is among
    them; their numbers in the table below the chart beside it."""

    x: str
    y: str
    milestone: bool
    diamond: str  # the polygon's points (milestone)
    number: str  # "3" or "3, 4"
    number_x: str
    number_y: str
    title: str  # date and steps, whole


@dataclass(frozen=True)
class Row:
    top: str
    height: str
    stripe: bool
    title: str  # the whole label, for <title>
    lines: list[TextLine]
    track_y: str
    span_x1: str  # from the start to the milestone
    span_x2: str
    marks: list[Mark]


@dataclass(frozen=True)
class Band:
    """One interval of the axis (a month, a quarter, a year) and its label."""

    x: str  # where it starts: a grid line
    label_x: str  # its middle
    label: str
    year: str  # the year under the label where it starts or changes; "" elsewhere


@dataclass(frozen=True)
class Timeline:
    width: int
    height: int
    label_x: int
    plot_left: int
    plot_right: int
    legend_y: int
    axis_y: int  # the labels' first line
    year_y: int
    rows_top: int
    rows_bottom: int
    grid: list[str]  # x of every band's start and of the axis's end
    bands: list[Band]
    rows: list[Row]


def _month(d: date) -> int:
    return d.year * 12 + d.month - 1


def _first(month: int) -> date:
    return date(month // 12, month % 12 + 1, 1)


class _Axis:
    """Whole months from the first dated step's to the last's, widened to the band size that
    gives each band's label room: months, two months, quarters, half years, years…"""

    def __init__(self, first: date, last: date) -> None:
        low, high = _month(first), _month(last) + 1
        for step in STEPS:
            start, end = low - low % step, -(-high // step) * step
            if PLOT / ((end - start) // step) >= MIN_BAND.get(step, MIN_BANDS):
                break
        self.step, self.start, self.end = step, start, end
        self.day0 = _first(start)
        self.days = (_first(end) - self.day0).days

    def x(self, day: date) -> float:
        return PLOT_LEFT + (day - self.day0).days / self.days * PLOT

    def bands(self, p: Phrases) -> list[Band]:
        out = []
        for month in range(self.start, self.end, self.step):
            day = _first(month)
            x1, x2 = self.x(day), self.x(_first(month + self.step))
            if self.step >= 12:
                years = self.step // 12
                label = str(day.year) if years == 1 else f"{day.year}–{day.year + years - 1}"
                year = ""
            else:
                label = (p.gettext("Q{n}", n=day.month // 3 + 1) if self.step == 3
                         else p.gettext(MONTH_NAMES[day.month - 1]))
                year = str(day.year) if month == self.start or day.month <= self.step else ""
            out.append(Band(fixed(x1), fixed((x1 + x2) / 2), str(label), year))
        return out


def _marks(p: Phrases, axis: _Axis, sheet: RoadmapSheet, track: float) -> list[Mark]:
    days: dict[str, list[tuple[int, RoadmapStep]]] = {}
    for number, step in enumerate(sheet.steps, start=1):
        days.setdefault(step.date, []).append((number, step))
    out = []
    last = {"above": -1e9, "below": -1e9}
    for day, steps in days.items():
        x = axis.x(date.fromisoformat(day))
        side = "above" if x - last["above"] >= NUMBER_GAP or x - last["below"] < NUMBER_GAP \
            else "below"
        last[side] = x
        milestone = any(s.milestone for _, s in steps)
        size = 7.0
        diamond = " ".join(f"{fixed(px)},{fixed(py)}" for px, py in (
            (x, track - size), (x + size, track), (x, track + size), (x - size, track)))
        title = "; ".join(f"{n}. {when(p, s)}: {s.step}" for n, s in steps)
        out.append(Mark(fixed(x), fixed(track), milestone, diamond,
                        ", ".join(str(n) for n, _ in steps), fixed(x),
                        fixed(track - 11 if side == "above" else track + 20), title))
    return out


def _label(p: Phrases, sheet: RoadmapSheet) -> list[tuple[str, str]]:
    """The row's label as (line, class): the title, the group, the lead, each wrapped."""
    lines = [(text, "title") for text in wrap(sheet.title)]
    if sheet.group_name is not None:
        lines += [(text, "") for text in wrap(str(p.gettext("Group {name}",
                                                            name=sheet.group_name)))]
    return lines + [(text, "") for text in wrap(str(lead(p, sheet)))]


def _row(p: Phrases, axis: _Axis, sheet: RoadmapSheet, top: float, stripe: bool) -> Row:
    label = _label(p, sheet)
    height = max(MIN_ROW, len(label) * LINE + 12)
    track = top + height / 2
    first = top + (height - len(label) * LINE) / 2 + 11
    lines = [TextLine(text, fixed(first + n * LINE), cls) for n, (text, cls) in enumerate(label)]
    marks = _marks(p, axis, sheet, track)
    parts = [sheet.title, str(lead(p, sheet))]
    if sheet.group_name is not None:
        parts.insert(1, str(p.gettext("Group {name}", name=sheet.group_name)))
    title = " — ".join(parts)
    return Row(fixed(top), fixed(height), stripe, title, lines, fixed(track),
               marks[0].x, marks[-1].x, marks)


def timelines(roadmap: list[RoadmapSheet], p: Phrases) -> list[Timeline]:
    """The SVGs of the sheets with dated steps, one row each, at most MAX_ROWS rows and
    MAX_HEIGHT px per SVG; all on the same axis, so they read as one timeline."""
    sheets = [s for s in roadmap if s.steps]
    if not sheets:
        return []
    axis = _Axis(date.fromisoformat(min(s.steps[0].date for s in sheets)),
                 date.fromisoformat(max(s.steps[-1].date for s in sheets)))
    bands = axis.bands(p)
    grid = [b.x for b in bands] + [fixed(PLOT_RIGHT)]
    out: list[Timeline] = []
    rows: list[Row] = []
    top = float(ROWS_TOP)

    def finish() -> None:
        out.append(Timeline(WIDTH, int(top) + 8, LABEL_X, PLOT_LEFT, PLOT_RIGHT, LEGEND_Y,
                            AXIS_TOP + 12, AXIS_TOP + 27, ROWS_TOP, int(top), grid, bands,
                            list(rows)))

    for n, sheet in enumerate(sheets):
        row = _row(p, axis, sheet, top, n % 2 == 1)
        if rows and (len(rows) == MAX_ROWS or top + float(row.height) > MAX_HEIGHT):
            finish()
            rows, top = [], float(ROWS_TOP)
            row = _row(p, axis, sheet, top, n % 2 == 1)
        rows.append(row)
        top += float(row.height)
    finish()
    return out
