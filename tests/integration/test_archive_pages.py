"""The printed documentation has page numbers ("n / N") on every page and a running header
with the workshop's title and date on every page after the cover (report.css, @page margin
boxes). The title is user text: it goes into the stylesheet as a CSS string of hex escapes, so
a title with quotes, backslashes, braces or `</style>` neither ends the string, the rule nor
the <style> element. The PDF is printed with render_pdf (headless Chromium) and read page by
page with pypdfium2."""

from __future__ import annotations

import os
import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pypdfium2
import pytest

from facilitator.archive import build_report, write_archive
from facilitator.archive.html import css_string, render_html
from facilitator.domain.model import Event
from facilitator.live.archiving import chromium, render_pdf
from tests.domain_log import Log

HOSTILE = 'Zukunft "Mobilität" \\ </style> } { ; @import url(x); <b>fett</b> & Ende'
START = 1_800_000_000.0  # the session runs within the hour after this
DAY = datetime.fromtimestamp(START, ZoneInfo("Europe/Berlin")).strftime("%d.%m.%Y")


def workshop(title: str, polls: int = 4) -> list[Event]:
    """A session whose report prints on several pages: a page per activity."""
    log = Log(title, ident="pages")
    ids = [log.run("moderator", "activity.create", kind="poll", title=f"Frage {n}",
                   config={"options": ["Ja", "Nein", "Vielleicht"]})["activity"]
           for n in range(1, polls + 1)]
    log.run("moderator", "session.open")
    people = [log.run("system", "participant.join")["participant"] for _ in range(3)]
    log.run("moderator", "session.start")
    for poll in ids:
        log.run("moderator", "activity.activate", activity=poll)
        for n, person in enumerate(people):
            log.run("participant", "vote.cast", who=person, activity=poll,
                    choices=[f"o{n % 3 + 1}"])
    log.run("moderator", "session.close")
    return log.events


def unescape_css(literal: str) -> str:
    """A CSS string literal's value (only what css_string writes: hex escapes)."""
    assert literal[0] == literal[-1] == '"'
    return re.sub(r"\\([0-9a-fA-F]{1,6}) ?", lambda m: chr(int(m.group(1), 16)),
                  literal[1:-1])


def test_css_string_keeps_user_text_inside_the_string() -> None:
    for text in (HOSTILE, "Zeile\nzwei\r\tdrei", "🚲 Radverkehr", 'a"b\\"c', "\\0 \\22 ", ""):
        literal = str(css_string(text))
        assert re.fullmatch(r'"[A-Za-z0-9 \\]*"', literal), literal
        assert unescape_css(literal) == text
    # A hex digit or a space after an escape is no part of it.
    assert unescape_css(str(css_string(":a b"))) == ":a b"
    assert unescape_css(str(css_string("  .  f"))) == "  .  f"


def test_hostile_title_stays_inside_its_css_string() -> None:
    html = render_html(build_report(workshop(HOSTILE, polls=1)))
    head, _, rest = html.partition("<style>")
    style, end, _ = rest.partition("</style>")
    assert end and "<" not in style  # nothing of the title ends or opens an element
    rule = re.search(r"@top-left \{ content: (\"[^\"]*\");", style)
    assert rule is not None
    assert unescape_css(rule.group(1)) == HOSTILE
    date = re.search(r"@top-right \{ content: (\"[^\"]*\");", style)
    assert date is not None
    assert unescape_css(date.group(1)) == DAY
    # Every brace of the stylesheet is its own: outside strings and comments they pair up.
    depth = 0
    for char in re.sub(r'/\*.*?\*/|"[^"]*"', "", style, flags=re.S):
        depth += {"{": 1, "}": -1}.get(char, 0)
        assert depth >= 0
    assert depth == 0
    # The title elsewhere in the page is escaped HTML.
    assert "&#34;Mobilität&#34;" in html and "&lt;b&gt;fett&lt;/b&gt;" in html


def _browser() -> str:
    browser = chromium()
    if browser is None:
        message = ("Chromium is missing (/usr/bin/chromium): install it to check the "
                   "printed report's page numbers and running header")
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (.ci/run installs it)")
        pytest.skip(message)
    return browser


def _pages(pdf: Path) -> list[str]:
    document = pypdfium2.PdfDocument(str(pdf))
    try:
        return [" ".join(document[i].get_textpage().get_text_range().split())
                for i in range(len(document))]
    finally:
        document.close()


@pytest.mark.parametrize("title", [HOSTILE, "Simulationslabor Klimaschutz: Vom Praxisbeispiel"
                                   " zum Fahrplan"])
def test_every_printed_page_has_its_number_and_the_title(tmp_path: Path, title: str) -> None:
    browser = _browser()
    folder = tmp_path / "archive"
    write_archive(workshop(title), folder)
    render_pdf(folder / "report.html", folder / "report.pdf", browser)
    pages = _pages(folder / "report.pdf")
    total = len(pages)
    assert total >= 4, pages
    for number, text in enumerate(pages, start=1):
        assert f"{number} / {total}" in text, (number, text)
        assert title in text, (number, text)  # the cover's heading, then the running header
        if number > 1:  # the cover has the date in its facts, with the times
            assert DAY in text, (number, text)
