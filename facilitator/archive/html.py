"""report.html: one self-contained page (inline CSS, inline SVG charts, no JavaScript) that
prints on A4 with a page break before each section.

Jinja2 escapes every value (autoescape); the sentences come from sentences.py through an
HTML `Phrases`, which escapes user text inside them. Templates: templates/archive/.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from facilitator.archive import charts, votes
from facilitator.archive import sentences as say
from facilitator.archive.phrases import N_, Phrases
from facilitator.archive.report import (
    DotsEntry,
    DotsResult,
    GroupReport,
    Item,
    KindResult,
    MatrixResult,
    Participation,
    PollResult,
    RankingResult,
    Report,
    RoadmapSheet,
    ScaleEntry,
    ScaleResult,
)
from facilitator.archive.roadmap import Timeline, timelines


def _templates() -> Path:
    # Inside the installed package, or at the top of a checkout (as app.asset_dir).
    package = Path(__file__).resolve().parent.parent
    packaged = package / "templates"
    return packaged if packaged.is_dir() else package.parent / "templates"


@cache
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(_templates()), autoescape=True,
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True)


class Charts:
    """Chart geometry for the templates; labels in plain text (the template escapes them).
    One per document: it numbers its bar charts, so that the ids of their patterns are
    unique in the page, and gives each group the same colour in every chart."""

    def __init__(self, language: str, groups: list[GroupReport] | None = None) -> None:
        self.plain = Phrases(language, "plain")
        self._groups = [g.id for g in groups or []]
        self._count = 0

    def _label(self, item: Item) -> str:
        return str(say.item_label(self.plain, item))

    def _ident(self) -> str:
        self._count += 1
        return f"chart{self._count}"

    def _group(self, item: Item) -> int | None:
        if item.group is None:
            return None
        if item.group not in self._groups:  # a group the report does not list
            self._groups.append(item.group)
        return self._groups.index(item.group)

    def _row(self, item: Item, value: float | None, shown: str) -> charts.Row:
        """A bar of an item: its label alone when it came from a group (the bar's colour
        and pattern say which; its title says it in words)."""
        return charts.Row(item.label if item.group is not None else self._label(item), value,
                          shown, f"{self._label(item)}: {shown}", self._group(item))

    def _names(self, items: list[Item]) -> dict[int, str]:
        return {index: item.group_name or "" for item in items
                if (index := self._group(item)) is not None}

    def bars(self, result: KindResult) -> charts.BarChart | None:
        """A poll's, dot vote's or ranking's bars, most first; nothing for the items that got
        nothing (a line below says how many), one line for the rest of a long vote."""
        p = self.plain
        rows: list[charts.Row]
        if isinstance(result, PollResult):
            rows = [charts.Row(o.label, float(o.count), shown, f"{o.label}: {shown}")
                    for o in result.options if o.count
                    for shown in [f"{o.count} ({p.percent(o.share)})"]]
            zero, kind, names = len(result.options) - len(rows), "poll", {}
        elif isinstance(result, DotsResult | RankingResult):
            entries = [(e.item, e.dots if isinstance(e, DotsEntry) else e.points)
                       for e in result.items]
            rows = [self._row(item, float(n), str(n)) for item, n in entries if n]
            zero = len(entries) - len(rows)
            kind = "dots" if isinstance(result, DotsResult) else "ranking"
            names = self._names([item for item, _ in entries])
        else:
            return None
        if not rows:
            return None
        top = max(row.value or 0.0 for row in rows)

        def rest(left: list[charts.Row]) -> str:
            return str(votes.further(p, len(left), str(int(sum(r.value or 0 for r in left)))))

        return charts.bar_chart(rows, top or 1.0, ident=self._ident(), groups=names,
                                rest=rest, notes=[str(votes.empty(p, kind, zero))] if zero
                                else [])

    def scale(self, result: ScaleResult, index: int) -> charts.BarChart | None:
        """Mean of each item on one criterion, on the scale from min to max: every item in
        its order when they fit, else the best by mean."""
        p = self.plain
        entries = [e for e in result.items if e.criteria[index].mean is not None]
        if not entries:
            return None
        names = self._names([e.item for e in result.items])

        def row(e: ScaleEntry) -> charts.Row:
            mean = e.criteria[index].mean
            return self._row(e.item, mean, str(p.number(mean)))

        rows = [row(e) for e in entries]
        zero = len(result.items) - len(entries)
        notes = [str(votes.empty(p, "scale", zero))] if zero else []
        if charts.fits(rows, names, len(notes)) < len(rows):
            entries.sort(key=lambda e: -(e.criteria[index].mean or 0.0))
            rows = [row(e) for e in entries]

        def rest(left: list[charts.Row]) -> str:
            means = [r.value for r in left if r.value is not None]
            return str(votes.further(p, len(left), str(votes.mean_range(
                p, min(means, default=None), max(means, default=None)))))

        return charts.bar_chart(rows, float(result.max), float(result.min),
                                ident=self._ident(), groups=names, rest=rest, notes=notes)

    def matrix(self, result: MatrixResult) -> charts.Scatter:
        return charts.scatter([(str(n), self._label(e.item), e.x, e.y, e.sx, e.sy)
                               for n, e in enumerate(result.items, start=1)], result.steps)

    def roadmap(self, sheets: list[RoadmapSheet]) -> list[Timeline]:
        """The roadmap's timeline: one SVG per at most a dozen sheets."""
        return timelines(sheets, self.plain)

    def joins(self, participation: Participation, day: str | None) -> charts.BarChart:
        p = self.plain
        rows = [charts.Row(str(p.moment(s.start, day)), float(s.joins), str(s.joins),
                           f"{p.moment(s.start, day)}: {s.joins}")
                for s in participation.timeline]
        return charts.bar_chart(rows, float(max((s.joins for s in participation.timeline),
                                                default=1)), ident=self._ident())


MEDIA_TYPES = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp"}


def embedder(folder: Path | None) -> Callable[[str], str | None]:
    """Pictures go into report.html as data: URIs, so that the page stays one file that
    loads nothing (its CSP allows images from data: only) and prints with its pictures."""
    def embed(path: str) -> str | None:
        suffix = path.rsplit(".", 1)[-1]
        if folder is None or suffix not in MEDIA_TYPES:
            return None
        try:
            data = (folder / path).read_bytes()
        except OSError:
            return None
        return f"data:{MEDIA_TYPES[suffix]};base64,{base64.b64encode(data).decode('ascii')}"
    return embed


def css_string(text: str) -> Markup:
    """User text as a CSS string for the stylesheet inside report.html: every character but
    ASCII letters, digits and the space as a hex escape (ended by a space), so that no quote,
    backslash, line break, brace or `</style>` can end the string, the rule or the element."""
    return Markup('"{}"'.format("".join(
        ch if ch.isascii() and (ch.isalnum() or ch == " ") else f"\\{ord(ch):x} "
        for ch in text)))


def running(report: Report) -> dict[str, Markup]:
    """The printed pages' running header (report.css, @page): the title, and the day of the
    workshop (first and last day when it went past midnight), as CSS strings."""
    plain = Phrases(report.session.language, "plain")
    s = report.session
    start = s.started or s.opened or s.created
    day = str(plain.day(start))
    if s.closed is not None and s.closed[:10] != start[:10]:
        day = f"{day}\u2013{plain.day(s.closed)}"
    return {"title": css_string(s.title), "date": css_string(day)}


def render_html(report: Report, folder: Path | None = None) -> str:
    """The page; pictures of slides and photos are read from `folder` (the archive folder,
    where write_archive copied them under media/)."""
    language = report.session.language
    p = Phrases(language, "html")
    context: dict[str, Any] = {
        "r": report, "p": p, "_": p.gettext, "N_": N_, "plural": p.plural,
        "say": say,
        "charts": Charts(language, report.groups), "votes": votes,
        "day": report.session.started or report.session.created,
        "embed": embedder(folder),
        "running": running(report),
    }
    return environment().get_template("archive/report.html").render(context)
