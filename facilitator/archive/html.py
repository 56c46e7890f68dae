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

from facilitator.archive import charts
from facilitator.archive import sentences as say
from facilitator.archive.phrases import N_, Phrases
from facilitator.archive.report import (
    DotsResult,
    Item,
    KindResult,
    MatrixResult,
    Participation,
    PollResult,
    RankingResult,
    Report,
    RoadmapSheet,
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
    """Chart geometry for the templates; labels in plain text (the template escapes them)."""

    def __init__(self, language: str) -> None:
        self.plain = Phrases(language, "plain")

    def _label(self, item: Item) -> str:
        return str(say.item_label(self.plain, item))

    def bars(self, result: KindResult) -> charts.BarChart | None:
        p = self.plain
        rows: list[tuple[str, float | None, str]]
        if isinstance(result, PollResult):
            rows = [(o.label, float(o.count), f"{o.count} ({p.percent(o.share)})")
                    for o in result.options]
        elif isinstance(result, DotsResult):
            rows = [(self._label(e.item), float(e.dots), str(e.dots)) for e in result.items]
        elif isinstance(result, RankingResult):
            rows = [(self._label(e.item), float(e.points), str(e.points))
                    for e in result.items]
        else:
            return None
        top = max((value or 0.0 for _, value, _ in rows), default=0.0)
        return charts.bar_chart(rows, top or 1.0)

    def scale(self, result: ScaleResult, index: int) -> charts.BarChart:
        """Mean of each item on one criterion, on the scale from min to max."""
        p = self.plain
        rows = [(self._label(e.item), e.criteria[index].mean, str(p.number(e.criteria[index].mean)))
                for e in result.items]
        return charts.bar_chart(rows, float(result.max), float(result.min))

    def matrix(self, result: MatrixResult) -> charts.Scatter:
        return charts.scatter([(str(n), self._label(e.item), e.x, e.y, e.sx, e.sy)
                               for n, e in enumerate(result.items, start=1)], result.steps)

    def roadmap(self, sheets: list[RoadmapSheet]) -> list[Timeline]:
        """The roadmap's timeline: one SVG per at most a dozen sheets."""
        return timelines(sheets, self.plain)

    def joins(self, participation: Participation, day: str | None) -> charts.BarChart:
        p = self.plain
        rows: list[tuple[str, float | None, str]] = [
            (str(p.moment(s.start, day)), float(s.joins), str(s.joins))
            for s in participation.timeline]
        return charts.bar_chart(rows, float(max((s.joins for s in participation.timeline),
                                                default=1)))


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
        "charts": Charts(language),
        "day": report.session.started or report.session.created,
        "embed": embedder(folder),
        "running": running(report),
    }
    return environment().get_template("archive/report.html").render(context)
