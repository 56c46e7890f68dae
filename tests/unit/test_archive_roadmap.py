"""The roadmap (Umsetzungsfahrplan): every step of every measure sheet — one sheet per group of
a per-group activity, one of a plenary one — on one timeline in report.html (SVG and table),
as a table in README.md, in roadmap.csv and in results.json; dated steps by date, the last one
of a sheet its milestone, undated and invalid dates apart, every user text escaped and every
label whole."""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from facilitator.archive import build_report, write_archive
from facilitator.archive.phrases import Phrases
from facilitator.archive.report import RoadmapSheet, RoadmapStep
from facilitator.archive.roadmap import (
    LABEL_CHARS,
    MAX_HEIGHT,
    MAX_ROWS,
    entries,
    timelines,
    valid_date,
    wrap,
)
from facilitator.domain.errors import Invalid
from tests.domain_log import Log as DomainLog

SCRIPT = "<script>alert(1)</script>"
TITLE = f'{SCRIPT} Wärmenetz | *Nord* "Ost"'
LEAD = '"Stadtwerke" | Bauamt *' + SCRIPT
GROUP = "Mobilität | *Rad* <b>"
LONG = ("Gesamtfahrplan für die klimaneutrale Verwaltung mit Beteiligung aller Ortsteile "
        "Donaudampfschifffahrtsgesellschaftskapitänswitwenrentenversicherung und mehr")


class Log(DomainLog):
    """The shared log, with the sheet edits of these tests."""

    def edit(self, activity: str, field: str, value: object, group: str | None = None) -> None:
        if group is None:
            self.run("moderator", "sheet.edit", activity=activity, field=field, value=value,
                     version=0)
        else:
            self.run("moderator", "sheet.edit", activity=activity, field=field, value=value,
                     version=0, group=group)


def steps(*rows: tuple[str, str]) -> list[dict[str, str]]:
    return [{"step": step, "date": date} for step, date in rows]


def scene(language: str = "de") -> Log:
    """Two groups fill in a per-group sheet, the plenary a second one; a third stays
    without steps. The second group's steps carry a date no calendar has (a log written by
    hand or before dates were checked: the domain refuses it, see below)."""
    log = Log(language=language)
    one = log.run("moderator", "group.create", name=GROUP)["group"]
    two = log.run("moderator", "group.create", name="Energie")["group"]
    per_group = log.run("moderator", "activity.create", kind="measure", title="Fahrplan",
                        per_group=True)["activity"]
    plenary = log.run("moderator", "activity.create", kind="measure",
                      title="Gemeinsam")["activity"]
    empty = log.run("moderator", "activity.create", kind="measure",
                    title="Leer")["activity"]
    log.run("moderator", "session.open")
    log.run("moderator", "session.start")
    log.run("moderator", "activity.activate", activity=per_group)
    log.edit(per_group, "title", TITLE, one)
    log.edit(per_group, "lead", LEAD, one)
    log.edit(per_group, "steps", steps(("Beschluss | *Rat*", "2027-06-30"),
                                       ("Machbarkeitsstudie", "2027-01-15"),
                                       ("Ausschreibung <b>", ""),
                                       ("Bau", "2028-03-01")), one)
    log.edit(per_group, "steps", steps(("=SUMME(A1)", "2027-03-01"),
                                       ("Start", "2027-03-01")), two)
    instance = log.state.instance(log.state.activities[per_group], two)
    version = instance.data.entries["steps"].version
    log.append("sheet.edited", {
        "activity": per_group, "field": "steps", "version": version + 1, "participant": None,
        "group": two, "value": steps(("=SUMME(A1)", "2027-03-01"), ("Start", "2027-03-01"),
                                     ("Prüfung", "2027-02-30"))})
    log.run("moderator", "activity.activate", activity=plenary)
    log.edit(plenary, "title", LONG)
    log.edit(plenary, "lead", "Bürgermeisterin")
    log.edit(plenary, "steps", steps(("Auftakt", "2026-12-01"), ("Bericht", "")))
    log.run("moderator", "activity.activate", activity=empty)
    log.edit(empty, "title", "Ohne Schritte")
    log.run("moderator", "session.close")
    return log


@pytest.fixture(scope="module")
def log() -> Log:
    return scene()


@pytest.fixture(scope="module")
def files(log: Log, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("roadmap") / "lab"
    paths = write_archive(log.events, folder)
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in paths}


def test_the_domain_refuses_a_date_no_calendar_has() -> None:
    log = Log()
    sheet = log.run("moderator", "activity.create", kind="measure", title="x")["activity"]
    log.run("moderator", "session.open")
    log.run("moderator", "session.start")
    log.run("moderator", "activity.activate", activity=sheet)
    with pytest.raises(Invalid):
        log.edit(sheet, "steps", steps(("Prüfung", "2027-02-30")))
    assert valid_date("2028-02-29") and not valid_date("2027-02-30")
    assert not valid_date("20270101") and not valid_date("") and not valid_date("2027-1-5")


def test_every_sheet_with_steps_in_the_documentations_order(log: Log) -> None:
    roadmap = build_report(log.events).roadmap
    # The per-group activity once per group, then the plenary one; the sheet without steps
    # is not on the roadmap.
    assert [(s.activity, s.group_name) for s in roadmap] == [(1, GROUP), (1, "Energie"),
                                                              (2, None)]
    one, two, plenary = roadmap
    assert (one.title, one.lead) == (TITLE, LEAD)
    assert [(s.step, s.date) for s in one.steps] == [
        ("Machbarkeitsstudie", "2027-01-15"), ("Beschluss | *Rat*", "2027-06-30"),
        ("Bau", "2028-03-01")]
    # The last dated step is the milestone, the first the start; undated ones apart.
    assert [s.milestone for s in one.steps] == [False, False, True]
    assert (one.start, one.milestone) == ("2027-01-15", "2028-03-01")
    assert one.undated == [RoadmapStep("Ausschreibung <b>", "", False)]
    # Without a title field the activity's title; without a lead "". Equal dates keep the
    # sheet's order, and an impossible date counts as undated, kept as typed.
    assert (two.title, two.lead) == ("Fahrplan", "")
    assert [(s.step, s.milestone) for s in two.steps] == [("=SUMME(A1)", False),
                                                         ("Start", True)]
    assert two.undated == [RoadmapStep("Prüfung", "2027-02-30", False)]
    assert (plenary.title, plenary.group, plenary.start, plenary.milestone) == (
        LONG, None, "2026-12-01", "2026-12-01")
    assert [e.step.step for e in entries(roadmap)] == [
        "Auftakt", "Machbarkeitsstudie", "=SUMME(A1)", "Start", "Beschluss | *Rat*", "Bau",
        "Ausschreibung <b>", "Prüfung", "Bericht"]


def test_results_json_has_the_roadmap(files: dict[str, bytes]) -> None:
    data = json.loads(files["results.json"])
    first = data["roadmap"][0]
    assert list(first) == ["activity", "title", "group", "group_name", "lead", "start",
                           "milestone", "steps", "undated"]
    assert first["title"] == TITLE and first["group_name"] == GROUP
    assert first["steps"][-1] == {"step": "Bau", "date": "2028-03-01", "milestone": True}
    assert data["roadmap"][1]["undated"] == [{"step": "Prüfung", "date": "2027-02-30",
                                              "milestone": False}]


def _rows(data: bytes, delimiter: str) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def test_roadmap_csv_by_date(files: dict[str, bytes]) -> None:
    rows = _rows(files["roadmap.csv"], ";")
    assert rows[0][0] == "Datum" and rows[0][1:2] == ["Schritt"] and len(rows[0]) == 5
    assert rows[1:] == [
        ["2026-12-01", "Auftakt", LONG, "", "Bürgermeisterin"],
        ["2027-01-15", "Machbarkeitsstudie", TITLE, GROUP, LEAD],
        ["2027-03-01", "'=SUMME(A1)", "Fahrplan", "Energie", ""],  # no formula
        ["2027-03-01", "Start", "Fahrplan", "Energie", ""],
        ["2027-06-30", "Beschluss | *Rat*", TITLE, GROUP, LEAD],
        ["2028-03-01", "Bau", TITLE, GROUP, LEAD],
        ["", "Ausschreibung <b>", TITLE, GROUP, LEAD],
        ["2027-02-30", "Prüfung", "Fahrplan", "Energie", ""],
        ["", "Bericht", LONG, "", "Bürgermeisterin"]]


def test_an_english_session_writes_commas(tmp_path: Path) -> None:
    paths = write_archive(scene("en").events, tmp_path)
    assert tmp_path / "roadmap.csv" in paths
    rows = _rows((tmp_path / "roadmap.csv").read_bytes(), ",")
    assert rows[0] == ["Date", "Step", "Measure", "Group", "Lead"]
    assert rows[2][1:4] == ["Machbarkeitsstudie", TITLE, GROUP]


def _cells(line: str) -> list[str]:
    """A GFM table row's cells: split at pipes without a backslash before them."""
    assert line.startswith("| ") and line.endswith(" |")
    return [c.strip() for c in re.split(r"(?<!\\)\|", line[2:-2])]


def test_readme_table_by_date_and_escaped(files: dict[str, bytes]) -> None:
    readme = files["README.md"].decode()
    section = readme.split("\n## Umsetzungsfahrplan\n")[-1] if "\n## Umsetzungsfahrplan\n" \
        in readme else readme.split("\n## Roadmap\n")[1]
    lines = [line for line in section.split("\n## ")[0].splitlines() if line.startswith("|")]
    header, rule, *body = lines
    assert len(_cells(header)) == 5 and rule.count("---") == 5
    rows = [_cells(line) for line in body]
    assert all(len(row) == 5 for row in rows)  # no pipe of the user's split a cell
    assert [row[1] for row in rows] == [
        "Auftakt", "Machbarkeitsstudie", r"\=SUMME\(A1\)", "Start",
        r"Beschluss \| \*Rat\*", "Bau", r"Ausschreibung \<b\>", "Prüfung", "Bericht"]
    assert rows[0][0].startswith("01.12.2026") and rows[5][0].startswith("01.03.2028")
    assert rows[5][0] != "01.03.2028"  # the milestone says so beside its date
    assert rows[4][0] == "30.06.2027"
    assert r"2027\-02\-30" in rows[7][0] and rows[6][0] != rows[7][0]
    assert rows[1][2] == r"\<script\>alert\(1\)\</script\> Wärmenetz \| \*Nord\* " + '"Ost"'
    assert rows[1][3] == r"Mobilität \| \*Rad\* \<b\>" and rows[0][3] == "–"
    assert not re.search(r"(?<!\\)<script", readme)


class _Svg(HTMLParser):
    """The roadmap section of report.html: its SVGs, the lines of each <text>, the shapes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0  # inside <section id="roadmap">
        self.svgs = 0
        self.texts: list[list[str]] = []
        self.in_tspan = False
        self.shapes: list[str] = []
        self.order: list[str] = []  # ids of the sections, in order

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "section":
            self.order.append(a.get("id") or "")
            if a.get("id") == "roadmap":
                self.depth = 1
                return
        if not self.depth:
            return
        if tag == "section":
            self.depth += 1
        elif tag == "svg":
            self.svgs += 1
        elif tag == "text":
            self.texts.append([])
        elif tag == "tspan":
            self.in_tspan = True
            self.texts[-1].append("")
        elif tag in ("polygon", "circle"):
            self.shapes.append(a.get("class") or "legend")

    def handle_endtag(self, tag: str) -> None:
        if tag == "section" and self.depth:
            self.depth -= 1
        if tag == "tspan":
            self.in_tspan = False

    def handle_data(self, data: str) -> None:
        if self.depth and self.in_tspan:
            self.texts[-1][-1] += data


def _squash(text: str) -> str:
    return "".join(text.split())


def test_report_html_draws_the_timeline_whole(files: dict[str, bytes]) -> None:
    html = files["report.html"].decode()
    page = _Svg()
    page.feed(html)
    assert page.svgs == 1
    # After the overview (the groups), before the first activity; in the contents too.
    assert page.order.index("roadmap") == page.order.index("groups") + 1
    assert page.order[page.order.index("roadmap") + 1] == "activity-1"
    assert 'href="#roadmap"' in html
    labels = [lines for lines in page.texts if len(lines) > 1]
    whole = [_squash("".join(lines)) for lines in labels]
    # One label per sheet with dated steps: title, group, lead; every word of each, in
    # lines that fit, nothing cut.
    assert len(labels) == 3
    assert whole[0] == _squash(TITLE + "Gruppe " + GROUP + "Federführung: " + LEAD) or \
        whole[0] == _squash(TITLE + "Gruppe " + GROUP + "Lead: " + LEAD)
    assert whole[2].startswith(_squash(LONG))
    assert "Bürgermeisterin" in whole[2]
    for lines in labels:
        assert all(len(line) <= LABEL_CHARS for line in lines)
        assert not any("…" in line for line in lines)
    # A diamond per sheet for its milestone, circles for the other days with steps (the
    # two steps of "Energie" on one day are one diamond).
    assert page.shapes.count("milestone") == 3
    assert page.shapes.count("step") == 2
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<b>" not in html.split('id="roadmap"')[1].split("</section>")[0]


def test_the_same_log_gives_the_same_bytes(log: Log, tmp_path: Path,
                                           files: dict[str, bytes]) -> None:
    again = write_archive(log.events, tmp_path / "lab")
    assert {p.relative_to(tmp_path / "lab").as_posix(): p.read_bytes() for p in again} == files


def test_no_steps_no_roadmap(log: Log, tmp_path: Path) -> None:
    write_archive(log.events, tmp_path)
    assert (tmp_path / "roadmap.csv").is_file()
    # The log up to before the first step: the file of the earlier run goes.
    first = next(n for n, e in enumerate(log.events)
                 if e.type == "sheet.edited" and e.data["field"] == "steps")
    paths = write_archive(log.events[:first], tmp_path)
    assert not (tmp_path / "roadmap.csv").exists()
    assert all(p.name != "roadmap.csv" for p in paths)
    assert build_report(log.events[:first]).roadmap == []
    assert 'id="roadmap"' not in (tmp_path / "report.html").read_text("utf-8")


# -- the geometry --------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "", "kurz", LONG, "a " * 40, "x" * 95, f"{SCRIPT} | {LONG}", "  zwei   Leerzeichen  "])
def test_wrap_keeps_every_word(text: str) -> None:
    lines = wrap(text)
    assert all(len(line) <= LABEL_CHARS for line in lines)
    assert _squash("".join(lines)) == _squash(text)
    assert " ".join(lines).split() == text.split() or any(len(w) > LABEL_CHARS
                                                         for w in text.split())


def _sheet(n: int, first: str, last: str, title: str = "Maßnahme") -> RoadmapSheet:
    return RoadmapSheet(1, f"{title} {n}", f"g{n}", f"Gruppe {n}", "", first, last,
                        [RoadmapStep("a", first, False), RoadmapStep("b", last, True)], [])


def test_many_sheets_give_several_whole_svgs_on_one_axis() -> None:
    sheets = [_sheet(n, "2027-01-10", f"2027-{n % 12 + 1:02d}-20", LONG if n % 5 == 0
                     else "Maßnahme") for n in range(30)]
    charts = timelines(sheets, Phrases("en", "plain"))
    assert len(charts) >= 3
    assert sum(len(c.rows) for c in charts) == 30
    for chart in charts:
        assert 1 <= len(chart.rows) <= MAX_ROWS and chart.height <= MAX_HEIGHT + 8
        assert chart.bands == charts[0].bands and chart.grid == charts[0].grid
    # The rows follow the roadmap's order across the SVGs.
    titles = [row.title.split(" — ")[0] for chart in charts for row in chart.rows]
    assert titles == [s.title for s in sheets]


@pytest.mark.parametrize(("first", "last", "labels"), [
    ("2027-01-15", "2027-05-02", ["Jan", "Feb", "Mar", "Apr", "May"]),
    ("2027-02-01", "2029-11-30", ["Q1", "Q2", "Q3", "Q4"] * 3),
    ("2027-02-01", "2038-01-01", [str(y) for y in range(2027, 2039)]),
])
def test_the_axis_has_room_for_its_labels(first: str, last: str, labels: list[str]) -> None:
    chart = timelines([_sheet(1, first, last)], Phrases("en", "plain"))[0]
    assert [b.label for b in chart.bands] == labels
    xs = [float(b.label_x) for b in chart.bands]
    assert all(b - a >= 30 for a, b in zip(xs, xs[1:], strict=False))
    mark_xs = [float(m.x) for m in chart.rows[0].marks]
    assert chart.plot_left <= mark_xs[0] < mark_xs[-1] <= chart.plot_right
    # The year is named under the first band and where it changes.
    if len(labels[0]) <= 3:
        assert chart.bands[0].year == first[:4]
