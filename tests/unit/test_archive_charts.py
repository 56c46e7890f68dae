"""Charts that read at any size: the bar charts of report.html wrap their labels (never cut,
never clipped at the left), draw no bar for items that got nothing, show a long vote's best
bars on one A4 page and sum the rest in one line apart, mark the groups the items came from
by colour and pattern with a legend; the tables behind them and README.md show the best rows,
the rest summed and listed compactly and the empty items apart, so nothing is lost. The same
log gives the same bytes; every label is escaped."""

from __future__ import annotations

import random
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from facilitator.archive import build_report, charts, write_archive
from facilitator.archive.charts import (
    LABEL_MAX,
    MAX_BARS,
    MAX_HEIGHT,
    PAD,
    PALETTE,
    BarChart,
    Row,
    bar_chart,
    text_width,
)
from facilitator.archive.html import Charts, render_html
from facilitator.archive.markdown import bar, render_markdown
from facilitator.archive.report import DotsResult, Report
from facilitator.archive.text import wrap
from facilitator.archive.votes import LONG, MIN_ROWS, TABLE_ROWS, cut
from facilitator.i18n import translations
from tests.domain_log import Log

# The texts as the German catalog has them (new messages fall back to English until the
# catalog has them).
de = translations("de").gettext
FURTHER_SUM = de("{n} further items: {value}")
FURTHER = de("{n} further items")
NO_DOTS = de("{n} items with no dots").format(n=13)
RANKS = de("Ranks {first}–{last}:")

SCRIPT = "<script>alert(1)</script>"
GROUPS = ("Mobilität", "Energie & Wärme", "Bürgerenergie-Genossenschaft",
          f'{SCRIPT} "Süd" & \'Ost\'')
WORDS = ("Bürgerenergie-Genossenschaft", "Donaudampfschifffahrtsgesellschaft", "Radweg",
         "Wärmepumpe", "Quartier", "Photovoltaik-Förderprogramm", "Stadtwerke", "und", "für",
         "die", "Beteiligung", "Klimaschutzmanagement", "WWWWWWWWWW", "mmmmmmmmmmmm")


def _idea(group: int, k: int) -> str:
    """Ideas as a plenary vote over 100 ideas has them: long ones (280 characters), ones
    that begin alike, long German words, user text that looks like markup."""
    if k % 5 == 0:
        text = (f"Idee {group}.{k}: Wir schlagen vor, dass die Stadt gemeinsam mit der "
                "Bürgerenergie-Genossenschaft und den Stadtwerken ein Förderprogramm für "
                "Photovoltaik auf allen Dächern der Quartiere auflegt, mit Beratung vor Ort, "
                "einem Mieterstrommodell und einer Beteiligung der Anwohnerinnen und "
                "Anwohner an den Erträgen über zwanzig Jahre hinweg, transparent")
        return text[:280]
    if k % 5 == 1:
        return ("Ausbau der Radwege entlang der Hauptstraße zwischen Nord und Süd, "
                f"Abschnitt {group}.{k}")
    if k % 5 == 2:
        return f"{SCRIPT} & \"Zitat\" 'x' Idee {group}.{k} | **fett**"
    return f"Klimaschutzmanagement Donaudampfschifffahrtsgesellschaft {group}.{k}"


def vote_log(groups: int = 4, ideas: int = 25, voters: int = 24, empty: int = 13) -> Log:
    """A plenary dot vote over the ideas of every group (groups × ideas items, in group
    order); the last `empty` items get no dot."""
    log = Log("Klimalabor", "de")
    ids = [log.run("moderator", "group.create", name=GROUPS[g % len(GROUPS)]
                   + ("" if g < len(GROUPS) else f" {g}"))["group"] for g in range(groups)]
    walls = log.run("moderator", "activity.create", kind="ideas", title="Ideen",
                    per_group=True)["activity"]
    log.run("moderator", "session.open")
    people = []
    for group in ids:
        for _ in range(5):
            person = log.run("system", "participant.join")["participant"]
            log.run("moderator", "group.assign", participant=person, group=group)
            people.append((person, group))
    log.run("moderator", "session.start")
    log.run("moderator", "activity.activate", activity=walls)
    for g, group in enumerate(ids):
        members = [person for person, of in people if of == group]
        for k in range(ideas):
            log.run("participant", "idea.add", members[k % len(members)], activity=walls,
                    text=_idea(g, k))
    log.run("moderator", "activity.lock", activity=walls)
    dots = log.run("moderator", "activity.create", kind="dots", title="Punkte für alle Ideen",
                   config={"items": {"from": walls, "take": "all"}, "dots": 10,
                           "per_item": 3})["activity"]
    log.run("moderator", "activity.activate", activity=dots)
    items = [i["id"] for i in log.state.activities[dots].items or ()]
    chosen = items[:len(items) - empty]
    rng = random.Random(12)
    for person, _ in people[:voters]:
        budget = 10
        for item in rng.sample(chosen, min(len(chosen), 5)):
            count = min(rng.randint(1, 3), budget)
            if count:
                log.run("participant", "dots.set", person, activity=dots, item=item,
                        count=count)
                budget -= count
    # Every chosen item gets at least one dot: the empty ones are exactly the last ones.
    helper = log.run("system", "participant.join")["participant"]
    placed = log.state.activities[dots].data.totals
    spare = 0
    for item in chosen:
        if not placed.get(item):
            if spare == 10:
                helper, spare = log.run("system", "participant.join")["participant"], 0
            log.run("participant", "dots.set", helper, activity=dots, item=item, count=1)
            spare += 1
    log.run("moderator", "activity.lock", activity=dots)
    log.run("moderator", "session.close")
    return log


@pytest.fixture(scope="module")
def report() -> Report:
    return build_report(vote_log().events)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("charts")
    write_archive(vote_log().events, folder)
    return {name: (folder / name).read_text("utf-8") for name in ("report.html", "README.md")}


def _dots(report: Report) -> DotsResult:
    [result] = [i.result for a in report.activities for i in a.instances
                if isinstance(i.result, DotsResult)]
    return result


def _rows(n: int, groups: int = 0, long: bool = True) -> list[Row]:
    rng = random.Random(n)
    return [Row(" ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 40 if long else 4)))
                [:280], float(n - k), str(n - k), f"title {k}",
                k % groups if groups else None) for k in range(n)]


def _row_tops(chart: BarChart) -> list[float]:
    return [float(b.lines[0].y) for b in chart.bars]


# -- wrapping --------------------------------------------------------------------------------

@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=300),
       st.integers(min_value=20, max_value=LABEL_MAX))
def test_wrapping_keeps_every_word_and_fits(text: str, width: int) -> None:
    lines = wrap(text, width, text_width)
    assert "".join("".join(lines).split()) == "".join(text.split())
    whole = [w for w in text.split() if text_width(w) <= width]
    if len(whole) == len(text.split()):  # no word wider than a line: the very same words
        assert " ".join(lines).split() == text.split()
    for word in whole:  # a word that fits a line is never broken
        assert any(word in line.split() for line in lines)
    for line in lines:
        assert text_width(line) <= width or len(line) == 1


def test_wrapping_by_characters_stays_as_the_roadmap_had_it() -> None:
    assert wrap("eins zwei drei vier", 9) == ["eins zwei", "drei vier"]
    assert wrap("Donaudampfschifffahrt", 8) == ["Donaudam", "pfschiff", "fahrt"]
    assert wrap("   ", 9) == [""]


# -- the geometry ----------------------------------------------------------------------------

@pytest.mark.parametrize("n", [10, 50, 100, 200])
@pytest.mark.parametrize("groups", [0, 4, 9])
def test_a_chart_is_never_higher_than_a_page(n: int, groups: int) -> None:
    names = {g: f"Gruppe {g} " + "Bürgerenergie-Genossenschaft" * (g % 2) for g in range(groups)}
    chart = bar_chart(_rows(n, groups), float(n), ident="c1", groups=names,
                      rest=lambda left: f"{len(left)} weitere", notes=["13 ohne Punkte"])
    assert chart.height <= MAX_HEIGHT
    assert 1 <= len(chart.bars) <= MAX_BARS
    assert chart.hidden == n - len(chart.bars)
    assert len(chart.notes) == (2 if chart.hidden else 1)
    tops = _row_tops(chart)
    assert tops == sorted(tops)  # rows do not overlap: each starts below the last one's
    for bar_, nxt in zip(chart.bars, chart.bars[1:], strict=False):
        assert float(bar_.lines[-1].y) < float(nxt.lines[0].y)
        assert float(bar_.y) + 16 <= float(nxt.y)


def test_labels_wrap_whole_and_fit_their_column() -> None:
    rows = _rows(20, long=True) + [Row("Bürgerenergie-Genossenschaft", 1.0, "1", "t"),
                                    Row("x" * 280, 2.0, "2", "t")]
    chart = bar_chart(rows, 20.0, rest=lambda left: "", max_height=10_000, max_bars=100)
    assert len(chart.bars) == len(rows)
    for row, drawn in zip(rows, chart.bars, strict=True):
        assert "".join("".join(t.text for t in drawn.lines).split()) == "".join(
            row.label.split())
        for line in drawn.lines:  # right-aligned at label_x: never past the left edge
            assert chart.label_x - text_width(line.text) >= PAD
        # No row is taller than its lines need, nor a label longer than a page allows.
        assert len(drawn.lines) <= 14
    german = next(b for b in chart.bars if b.lines[0].text == "Bürgerenergie-Genossenschaft")
    assert len(german.lines) == 1


def test_short_labels_give_the_bars_room() -> None:
    chart = bar_chart([Row("Ja", 3.0, "3", "Ja"), Row("Nein", 1.0, "1", "Nein")], 3.0,
                      rest=lambda left: "")
    assert chart.label_x < 60
    assert float(chart.bars[0].width) > 400


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=500), min_size=1, max_size=150),
       st.integers(min_value=1, max_value=30))
def test_shown_and_rest_add_up_to_the_total(values: list[int], max_bars: int) -> None:
    values.sort(reverse=True)
    rows = [Row(f"Idee {k}", float(v), str(v), "t") for k, v in enumerate(values)]
    left: list[Row] = []

    def rest(out: list[Row]) -> str:
        left.extend(out)
        return str(sum(int(r.value or 0) for r in out))

    chart = bar_chart(rows, float(values[0]), rest=rest, max_bars=max_bars)
    shown = sum(int(b.value) for b in chart.bars)
    assert shown + sum(int(r.value or 0) for r in left) == sum(values)
    assert len(chart.bars) + len(left) == len(values)
    if left:
        assert chart.notes[0].lines[0].text == str(sum(int(r.value or 0) for r in left))


def test_group_colours_have_contrast_against_white() -> None:
    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    for colour in PALETTE:
        assert 1.05 / (luminance(colour) + 0.05) >= 3.0, colour
    looks = {(charts.pattern("c", g).colour, charts.pattern("c", g).path,
              charts.pattern("c", g).dots) for g in range(64)}
    assert len(looks) == 64


def test_the_markdown_bar_is_scaled_to_the_maximum() -> None:
    assert bar(10, 10) == "█" * 10
    assert bar(5, 10) == "█" * 5
    assert bar(1, 8) == "█▎"
    assert bar(0, 10) == "" and bar(None, 10) == ""
    assert bar(3, 5, 1) == "█" * 5


# -- the report of a 100-item dot vote --------------------------------------------------------

def test_zero_items_get_no_bar_and_the_rest_is_summed(report: Report) -> None:
    result = _dots(report)
    assert len(result.items) == 100
    zero = [e for e in result.items if e.dots == 0]
    assert len(zero) == 13
    chart = Charts("de", report.groups).bars(result)
    assert chart is not None and chart.height <= MAX_HEIGHT
    drawn = [b.title for b in chart.bars]
    assert all(not b.title.endswith(": 0") for b in chart.bars)
    left = [e for e in result.items if e.dots][len(drawn):]
    assert chart.hidden == len(left) > 0
    assert [" ".join(t.text for t in n.lines) for n in chart.notes] == [
        FURTHER_SUM.format(n=len(left), value=sum(e.dots for e in left)), NO_DOTS]
    assert sum(int(b.value) for b in chart.bars) + sum(e.dots for e in left) == result.dots


class _Svg(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.refs: list[str] = []
        self.patterns: dict[str, tuple[str, ...]] = {}
        self._pattern: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.append(a["id"] or "")
        if tag == "pattern":
            self._pattern = a["id"]
            self.patterns[a["id"] or ""] = ()
        elif self._pattern is not None:
            self.patterns[self._pattern] += (tag, a.get("fill") or "", a.get("d") or "")
        for value in a.values():
            self.refs += re.findall(r"url\(#([^)]+)\)", value or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "pattern":
            self._pattern = None


def test_groups_are_marked_by_distinct_patterns_and_a_legend(files: dict[str, str]) -> None:
    html = files["report.html"]
    svg = _Svg()
    svg.feed(html)
    assert len(svg.ids) == len(set(svg.ids))  # unique in the page
    assert set(svg.refs) <= set(svg.ids) and svg.refs
    figures = re.findall(r'<figure class="chart bars">.*?</figure>', html, re.S)
    [grouped] = [f for f in figures if "<pattern" in f]
    looks = [v for k, v in svg.patterns.items() if f'id="{k}"' in grouped]
    assert len(looks) == 4 == len(set(looks))
    legend = re.findall(r'<g class="legend">.*?</g>', grouped, re.S)
    assert len(legend) == 4
    assert "Energie &amp; Wärme" in legend[1] and "&lt;script&gt;" in legend[3]
    for title in re.findall(r"<title>(.*?)</title>", grouped):
        assert "(Gruppe " in title


def test_several_charts_have_ids_of_their_own() -> None:
    report = build_report(vote_log().events)
    # The same vote twice in one document: the second chart's patterns get other ids.
    report.activities.append(report.activities[-1])
    svg = _Svg()
    svg.feed(render_html(report))
    patterns = [i for i in svg.ids if i in svg.patterns]
    assert len(patterns) == 8 == len(set(patterns))  # (the sections' ids repeat here)
    assert set(svg.refs) <= set(patterns)
    assert len({ref.split("-")[0] for ref in svg.refs}) == 2


def test_the_table_shows_the_best_rows_then_the_rest_compactly(
        report: Report, files: dict[str, str]) -> None:
    html, readme = files["report.html"], files["README.md"]
    result = _dots(report)
    section = html[html.index('class="page activity kind-dots"'):]
    table = section[section.index("<table>"):section.index("</table>")]
    rows = re.findall(r"<tr[ >]", table)
    shown = len(rows) - 2  # the head, the best, the rest summed
    assert MIN_ROWS <= shown <= TABLE_ROWS
    assert "<th scope=\"col\">Gruppe</th>" in table
    rest = [e for e in result.items if e.dots][shown:]
    assert FURTHER.format(n=len(rest)) in table
    assert f'<td class="n">{sum(e.dots for e in rest)}</td>' in table
    listing = section[section.index('<p class="rest">'):]
    assert RANKS.format(first=rest[0].rank, last=rest[-1].rank) in listing
    assert NO_DOTS + ":" in listing
    # Nothing is lost: every idea is in the table or the lists, in both files.
    from markupsafe import escape
    for entry in result.items:
        assert str(escape(entry.item.label)) in section
    plain = readme.replace("\\", "")
    for entry in result.items:
        assert entry.item.label in plain, entry.item.label
    md = readme[readme.index("## 2. Punkte für alle Ideen"):]
    assert f"| *{FURTHER.format(n=len(rest))}* |" in md
    assert "| Rang | Eintrag | Gruppe | Punkte |  | Personen |" in md
    assert "█" * 10 in md
    assert f"**{RANKS.format(first=rest[0].rank, last=rest[-1].rank)}**" in md
    assert f"**{NO_DOTS}:**" in md


def test_labels_are_escaped_in_svg_and_markdown(files: dict[str, str]) -> None:
    html, readme = files["report.html"], files["README.md"]
    assert SCRIPT not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&#34;Süd&#34; &amp; &#39;Ost&#39;" in html
    assert SCRIPT not in readme and "\\<script\\>alert\\(1\\)\\</script\\>" in readme
    assert "\\*\\*fett\\*\\*" in readme and "**fett**" not in readme


def test_the_same_log_gives_the_same_bytes(tmp_path: Path) -> None:
    events = vote_log(groups=3, ideas=30).events
    write_archive(events, tmp_path / "one")
    write_archive(events, tmp_path / "two")
    for name in ("report.html", "README.md"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()


def test_a_short_vote_keeps_every_row(tmp_path: Path) -> None:
    log = vote_log(groups=2, ideas=10, empty=2)
    report = build_report(log.events)
    result = _dots(report)
    assert len(result.items) == 20 <= LONG
    chart = Charts("de", report.groups).bars(result)
    # The chart still ends where a page does (long ideas); the tables keep every row.
    assert chart is not None and chart.hidden + len(chart.bars) == 18
    assert chart.height <= MAX_HEIGHT
    readme = render_markdown(report)
    assert FURTHER.format(n=2) not in readme and NO_DOTS not in readme
    assert de("{n} items with no dots").format(n=2) not in readme


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(min_value=0, max_value=50),
                          st.text(max_size=280)), max_size=200))
def test_a_cut_table_loses_nothing(entries: list[tuple[int, str]]) -> None:
    entries.sort(key=lambda e: -e[0])
    parts = cut(entries, lambda e: e[0] == 0, lambda e: e[1])
    assert parts.top + parts.rest + parts.empty == (
        entries if len(entries) <= LONG or not parts.empty
        else [e for e in entries if e[0]] + [e for e in entries if not e[0]])
    assert sorted(parts.top + parts.rest + parts.empty) == sorted(entries)
    if parts.rest:
        assert MIN_ROWS <= len(parts.top) <= TABLE_ROWS
        assert sum(v for v, _ in parts.top) + sum(v for v, _ in parts.rest) == sum(
            v for v, _ in entries)
    assert all(v == 0 for v, _ in parts.empty)


def test_long_labels_take_fewer_rows_of_a_table() -> None:
    short = [(100 - k, f"Idee {k}") for k in range(100)]
    long = [(100 - k, "x " * 140) for k in range(100)]
    assert len(cut(short, lambda e: e[0] == 0, lambda e: e[1]).top) == TABLE_ROWS
    assert len(cut(long, lambda e: e[0] == 0, lambda e: e[1]).top) == MIN_ROWS
