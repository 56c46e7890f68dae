"""User text is text in every file: ideas, questions, words, sheet fields, names, titles and
notes holding Markdown, HTML and script payloads come out as exactly what was typed, never as
markup, and never as a spreadsheet formula."""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from facilitator.archive import write_archive
from facilitator.archive.text import MD_SPECIAL, csv_text, md_block, md_escape, slug
from tests.unit.test_archive_scene import workshop

MARKDOWN = "**x** [a](javascript:alert(1)) # h | t"
HTML = "<b>fett</b> <img src=x onerror=alert(1)>"
SCRIPT = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("http://x";"klick")'
ENTITY = "&lt;b&gt; &amp; `code` ~~weg~~ $x$ @alle :smile:"
TEXTS = {
    "title": f"Labor {SCRIPT}", "place": HTML, "moderator": "<i>Kim</i> **B**",
    "phase": "# Ankommen | <u>", "group": "<b>Mobilität</b>", "activity": f"[Ideen]({SCRIPT})",
    "idea": MARKDOWN, "duplicate": HTML, "question": SCRIPT, "word": SCRIPT,
    "sheet": FORMULA, "goal": f"{MARKDOWN}\n{HTML}\n    {SCRIPT}\n1. eins\n===", "step": ENTITY,
    "cluster": "*Verkehr* <hr>", "name": "<img src=y onerror=alert(2)>",
    "option": "-1+2", "prompt": f"> zitat\n{HTML}", "notes": f"{SCRIPT}\n\n# Kopf\n{MARKDOWN}",
}
SINGLE_LINE = ["title", "place", "phase", "group", "activity", "idea", "duplicate",
               "question", "word", "sheet", "step", "cluster", "name", "option"]


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("escaping") / "s"
    paths = write_archive(workshop(texts=TEXTS).log, folder)
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in paths}


# -- Markdown -----------------------------------------------------------------------------


def test_readme_has_no_live_markup(files: dict[str, bytes]) -> None:
    readme = files["README.md"].decode()
    for raw in ("<script", "<img", "<b>", "<i>", "<u>", "<hr", "](javascript", "**x**",
                "[a]", "~~weg~~", "$x$", "`code`", "&lt;", "@alle", ":smile:"):
        # Not even once without the backslash that makes its first character plain text.
        assert not re.search(r"(?<!\\)" + re.escape(raw), readme), raw
    # Our own structure is all that starts a line: headings, tables, lists, quotes.
    for line in readme.splitlines():
        if line.startswith("#"):
            assert re.match(r"#{1,3} [^#]", line), line
    assert "\n# Kopf" not in readme and "\n1. eins" not in readme and "\n===" not in readme


@pytest.mark.parametrize("key", SINGLE_LINE)
def test_readme_shows_each_text_escaped(files: dict[str, bytes], key: str) -> None:
    assert md_escape(TEXTS[key]) in files["README.md"].decode()


def test_readme_keeps_the_lines_of_long_texts(files: dict[str, bytes]) -> None:
    readme = files["README.md"].decode()
    assert md_block(TEXTS["goal"]) in readme
    assert md_block(TEXTS["notes"]) in readme
    # The indented line would be a code block, the "===" a heading underline: both plain.
    assert "  \n" + md_escape(SCRIPT) + "  \n1\\. eins  \n\\=\\=\\=" in readme
    assert "> \\> zitat  \n> " + md_escape(HTML) in readme


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


@given(st.text(alphabet=st.characters(codec="utf-8")))
def test_md_escape_escapes_every_special_character(text: str) -> None:
    escaped = md_escape(text)
    assert _unescape(escaped) == " ".join(text.split())
    # Every special character is preceded by a backslash that is not itself escaped.
    assert not re.search(r"(?<!\\)(?:\\\\)*[" + re.escape("".join(MD_SPECIAL - {"\\"})) + "]",
                         escaped.replace("\\\\", ""))


# -- HTML ---------------------------------------------------------------------------------

OUR_TAGS = {"html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3",
            "h4", "dl", "dt", "dd", "nav", "ol", "ul", "li", "a", "main", "section", "p",
            "table", "thead", "tbody", "tr", "th", "td", "figure", "svg", "g", "text", "rect",
            "line", "ellipse", "circle", "blockquote", "div", "span", "br", "footer",
            "polygon", "tspan", "strong", "defs", "pattern", "path"}


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@pytest.fixture(scope="module")
def page(files: dict[str, bytes]) -> _Collect:
    parser = _Collect()
    parser.feed(files["report.html"].decode())
    parser.close()
    return parser


def test_report_html_has_only_its_own_elements(page: _Collect, files: dict[str, bytes]) -> None:
    assert {tag for tag, _ in page.tags} <= OUR_TAGS
    for tag, attrs in page.tags:
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name)
            if name == "href":
                assert value is not None and value.startswith("#"), value
    html = files["report.html"].decode().lower()
    for raw in ("<script", "<img", "<b>", "<i>", "<u>", "<hr", "javascript:alert(1)\""):
        assert raw not in html, raw


@pytest.mark.parametrize("key", [*SINGLE_LINE, "goal", "notes", "prompt"])
def test_report_html_shows_each_text_as_text(page: _Collect, key: str) -> None:
    text = "".join(page.text)
    expected = TEXTS[key]
    if key in {"goal", "notes", "prompt"}:  # shown with its line breaks (pre-line)
        assert all(line.strip() in text for line in expected.splitlines())
    else:
        assert expected in text


def test_chart_labels_are_escaped(files: dict[str, bytes]) -> None:
    html = files["report.html"].decode()
    svg = "".join(re.findall(r"<svg.*?</svg>", html, re.S))
    # The dots chart's items are the groups' ideas, payloads included.
    assert "**x** [a](javascript:alert(1)) # h | t (Gruppe &lt;b&gt;Mobilität&lt;/b&gt;)" in svg
    assert "<b>" not in svg


# -- JSON and CSV -------------------------------------------------------------------------


def _find(data: Any, text: str) -> bool:
    if isinstance(data, str):
        return data == text
    if isinstance(data, dict):
        return any(_find(v, text) for v in data.values())
    if isinstance(data, list):
        return any(_find(v, text) for v in data)
    return False


@pytest.mark.parametrize("key", [*SINGLE_LINE, "goal", "notes", "prompt"])
def test_results_json_holds_the_exact_text(files: dict[str, bytes], key: str) -> None:
    data = json.loads(files["results.json"])
    assert _find(data, TEXTS[key]), key


def _cells(blob: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(blob.decode("utf-8-sig")), delimiter=";"))


def test_csv_cells_hold_the_exact_text(files: dict[str, bytes]) -> None:
    ideas = _cells(files["csv/03-ideen-script-alert-1-script.csv"])
    assert ["<b>Mobilität</b>", "*Verkehr* <hr>", MARKDOWN, "1", HTML] in ideas
    questions = _cells(files["csv/02-fragen-zum-input.csv"])
    assert [SCRIPT, "2", "offen", ""] in questions
    words = _cells(files["csv/01-klimaschutz-ist-fuer-mich.csv"])
    assert [SCRIPT, "1"] in words
    sheet = _cells(files["csv/04-umsetzungsfahrplan.csv"])
    assert ["<b>Mobilität</b>", "Umsetzungsschritte und Meilensteine", ENTITY,
            "2027-03-31"] in sheet


def test_csv_formulas_are_defused(files: dict[str, bytes]) -> None:
    sheet = _cells(files["csv/04-umsetzungsfahrplan.csv"])
    assert ["<b>Mobilität</b>", "Titel der Maßnahme", "'" + FORMULA, ""] in sheet
    poll = _cells(files["csv/05-welches-handlungsfeld-zuerst.csv"])
    assert poll[1][0] == "'-1+2"
    assert all(not row[0].startswith(("=", "+", "-", "@")) for row in poll)


@pytest.mark.parametrize(("text", "cell"), [
    ("=1+1", "'=1+1"), ("+49 561", "'+49 561"), ("-", "'-"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("a=b", "a=b"), ("", ""), ("Tempo 30", "Tempo 30")])
def test_csv_text(text: str, cell: str) -> None:
    assert csv_text(text) == cell


@pytest.mark.parametrize(("title", "expected"), [
    ("Maßnahmen sammeln", "massnahmen-sammeln"), ("Klimaschutz ist für mich …",
                                                  "klimaschutz-ist-fuer-mich"),
    ("<script>alert(1)</script>", "script-alert-1-script"), ("???", "poll"),
    ("Ein sehr langer Titel, der nicht in einen Dateinamen passt, weil er lang ist",
     "ein-sehr-langer-titel-der-nicht-in-einen"), ("../../etc/passwd", "etc-passwd"),
    ("Énergie Øresund", "energie-resund")])
def test_slug(title: str, expected: str) -> None:
    assert slug(title, "poll") == expected
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug(title, "poll"))
    assert len(slug(title, "poll")) <= 40


def test_csv_file_names_stay_in_the_folder(tmp_path: Path, files: dict[str, bytes]) -> None:
    for name in files:
        assert re.fullmatch(
            r"(README\.md|report\.html|results\.json|roadmap\.csv|csv/\d\d-[a-z0-9-]+\.csv)",
            name), name
