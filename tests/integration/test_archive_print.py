"""The printed documentation of both recorded workshops (40 phones, and 200 phones with a
plenary dot vote over 100 of the 197 ideas on the walls) reads as a town files it: every page
has its number, the first page after the cover holds every decision and each prioritisation's
top item (per group where it ran per group) and each measure sheet, no chart and no table row
is split across two pages, and every label of a bar chart is whole.

The report is printed by Chromium (render_pdf, as `facilitator archive --pdf` does) and read
back page by page with pypdfium2. What the PDF must hold is taken from report.html (each
chart's texts, each table row's cells) and from the report's data, and is compared without
white space, so that a label wrapped over several lines still counts as whole: a text broken
by a page break is found on neither page."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pypdfium2
import pytest

from facilitator.archive import build_report, write_archive
from facilitator.archive.report import DotsResult
from facilitator.domain.model import Event
from facilitator.live.archiving import render_pdf
from tests.fixtures import SIMULATIONSLABOR, SIMULATIONSLABOR_200, load_events
from tests.integration.test_archive_pages import _browser

SPACE = re.compile(r"\s+")


def squash(text: str) -> str:
    # PDFium gives a hyphen that ends a line as U+FFFE ("Kita-" before "und").
    return SPACE.sub("", text).replace("\xad", "").replace("\ufffe", "-")


class _Parts(HTMLParser):
    """Each SVG chart's texts (a <text> with its <tspan>s is one text; <title>s are no
    print) and each table body row's cells, in document order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.charts: list[tuple[str, list[str], list[tuple[str, str]]]] = []
        self.rows: list[list[str]] = []
        self._chart: list[str] | None = None
        self._titled: list[tuple[str, str]] = []  # (the bar's <title>, its label text)
        self._text: list[str] | None = None
        self._title: list[str] | None = None
        self._last_title = ""
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._body = 0
        self._kind = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "figure" and "chart" in (found.get("class") or ""):
            self._chart, self._titled, self._kind = [], [], found.get("class") or ""
        elif tag == "text" and self._chart is not None:
            self._text = []
        elif tag == "tspan" and self._text is not None:
            self._text.append(" ")
        elif tag == "title" and self._chart is not None:
            self._title = []
        elif tag == "tbody":
            self._body += 1
        elif tag == "tr" and self._body:
            self._row = []
        elif tag in {"td", "th"} and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "figure" and self._chart is not None:
            self.charts.append((self._kind, self._chart, self._titled))
            self._chart = None
        elif tag == "text" and self._text is not None and self._chart is not None:
            text = " ".join("".join(self._text).split())
            if text:
                self._chart.append(text)
                if self._last_title and "bars" in self._kind.split():
                    self._titled.append((self._last_title, text))
                self._last_title = ""
            self._text = None
        elif tag == "title" and self._title is not None:
            self._last_title = "".join(self._title)
            self._title = None
        elif tag == "tbody":
            self._body -= 1
        elif tag in {"td", "th"} and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        for part in (self._text, self._title, self._cell):
            if part is not None:
                part.append(data)


class Printed:
    """The PDF's pages as text without white space, and a cursor that walks them in order."""

    def __init__(self, pdf: Path) -> None:
        document = pypdfium2.PdfDocument(str(pdf))
        try:
            self.raw = [document[i].get_textpage().get_text_range() for i in range(len(document))]
        finally:
            document.close()
        self.pages = [squash(text) for text in self.raw]

    def find(self, text: str, page: int, at: int = 0) -> tuple[int, int] | None:
        """The first page from `page` (from position `at` on it) that holds `text` whole."""
        needle = squash(text)
        for number in range(page, len(self.pages)):
            found = self.pages[number].find(needle, at if number == page else 0)
            if found >= 0:
                return number, found + len(needle)
        return None


def _long_vote() -> list[Event]:
    """No recording: a plenary dot vote over 100 long ideas of four groups, whose table rows
    run to six lines (the rows most likely to meet a page break)."""
    from tests.unit.test_archive_charts import vote_log

    return vote_log().events


DOCUMENTS = {"40-phones": lambda: load_events(SIMULATIONSLABOR),
             "200-phones": lambda: load_events(SIMULATIONSLABOR_200),
             "long-vote": _long_vote}


@pytest.fixture(scope="module", params=sorted(DOCUMENTS))
def printed(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
            ) -> tuple[Path, Printed, _Parts, list[Event]]:
    browser = _browser()
    events = DOCUMENTS[request.param]()
    folder = tmp_path_factory.mktemp("print") / "archive"
    write_archive(events, folder)
    render_pdf(folder / "report.html", folder / "report.pdf", browser)
    parts = _Parts()
    parts.feed((folder / "report.html").read_text("utf-8"))
    return folder, Printed(folder / "report.pdf"), parts, events


def test_every_page_has_its_number(printed: tuple[Path, Printed, _Parts, list[Event]]) -> None:
    _, pdf, _, _ = printed
    total = len(pdf.pages)
    assert total >= 4
    for number, text in enumerate(pdf.pages, start=1):
        assert f"{number}/{total}" in text, (number, pdf.raw[number - 1][-200:])


def test_the_first_page_holds_every_decision_and_each_groups_top_item(
        printed: tuple[Path, Printed, _Parts, list[Event]]) -> None:
    _, pdf, _, events = printed
    report = build_report(events)
    summary = report.summary
    if not summary.decisions:
        pytest.skip("a document of one vote: no first page of decisions and measures")
    assert summary.priorities and summary.sheets
    # The page of the summary's first block (the cover's contents name the heading too).
    page = next(n for n, text in enumerate(pdf.pages) if n > 0 and "Beschlüsse" in text)
    assert page == 1, "the results come first, right after the cover"
    text = pdf.pages[page]
    for decision in summary.decisions:
        assert squash(decision.title) in text and squash(decision.line) in text
    for priority in summary.priorities:
        assert priority.top, priority.title
        assert squash(priority.top[0].label) in text, (priority.title, priority.top[0].label)
    # The plenary vote over the groups' ideas names each group's best (the measure the group
    # takes forward), and each of the four groups' measure sheets is there.
    [vote] = [p for p in summary.priorities if p.kind == "dots"]
    [dots] = [a for a in report.activities if a.number == vote.activity]
    [result] = [i.result for i in dots.instances]
    assert isinstance(result, DotsResult)
    chosen = {e.item.group_name for e in result.items if e.dots}  # groups with a dotted idea
    best: dict[str, str] = {}
    for entry in vote.top:
        if entry.group_name is not None:
            best.setdefault(entry.group_name, entry.label)
    assert set(best) == chosen and len(chosen) >= 3, vote.top
    for label in best.values():
        assert squash(label) in text, label
    assert len({s.group_name for s in summary.sheets}) == 4
    for sheet in summary.sheets:
        assert squash(sheet.measure) in text, sheet.measure
        if sheet.first_step is not None:
            assert squash(sheet.first_step.step) in text


def test_no_chart_is_split_and_every_label_is_whole(
        printed: tuple[Path, Printed, _Parts, list[Event]]) -> None:
    _, pdf, parts, _ = printed
    assert len(parts.charts) >= 2
    page = 0
    for kind, texts, titled in parts.charts:
        # Every bar's label, wrapped over lines, is its item's whole label (its <title>).
        for title, label in titled:
            whole = squash(title.rsplit(": ", 1)[0])
            shown = squash(label)
            # The title adds the group an item came from: "… (Gruppe Mobilität)".
            assert whole == shown or (whole.startswith(shown + "(Gruppe")
                                      and whole.endswith(")")), (kind, label, whole)
        # The whole chart on one page (a split one would continue on the next): the first
        # page from the previous chart's on that holds all its texts.
        wanted = {squash(t) for t in texts}
        found = next((n for n in range(page, len(pdf.pages))
                      if all(w in pdf.pages[n] for w in wanted)), None)
        assert found is not None, ("split across pages, or a text missing", kind, texts,
                                   [w for w in wanted if w not in pdf.pages[page]])
        page = found


def test_no_table_row_is_split(printed: tuple[Path, Printed, _Parts, list[Event]]) -> None:
    _, pdf, parts, _ = printed
    rows = [row for row in parts.rows if row]
    assert len(rows) >= 20
    page, at = 0, 0
    checked = 0
    for row in rows:
        longest = max(row, key=lambda cell: len(squash(cell)))
        if len(squash(longest)) < 30:  # one line: a row of one line is never split
            continue
        found = pdf.find(longest, page, at)
        assert found is not None, ("split across pages, or missing", longest)
        page, at = found
        checked += 1
    assert checked >= 10
