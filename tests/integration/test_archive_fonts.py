"""The printed documentation has the glyphs people type: umlauts and emoji come out as
themselves, not as empty boxes. Chromium prints with the fonts of the machine: the test prints
the same report with and without emoji and counts the coloured pixels of the pages (colour
emoji add some; boxes from a text font add none), and reads the umlauts back from the PDF's
text. On CI the fonts come from .ci/run (fonts-dejavu-core, fonts-noto-color-emoji); on a
machine without them the test says what to install."""

from __future__ import annotations

import os
from pathlib import Path

import pypdfium2
import pytest
from PIL import Image, ImageChops

from facilitator.archive import write_archive
from facilitator.live.archiving import chromium, render_pdf
from tests.unit.test_archive_media import Log

EMOJI = " 🌍 🚲 💡 ✅"


def _missing(what: str) -> None:
    message = f"{what} is missing: install it to check the printed report's glyphs"
    if os.environ.get("CI") == "true":
        pytest.fail(message + " (.ci/run installs it)")
    pytest.skip(message)


def _print(folder: Path, emoji: str, browser: str) -> Path:
    log = Log()
    walls = log.run("moderator", "activity.create", kind="ideas",
                    title="Ideen für Groß-Umstadt" + emoji)["activity"]
    log.run("moderator", "session.open")
    log.run("moderator", "session.start")
    log.run("moderator", "activity.activate", activity=walls)
    person = log.run("system", "participant.join")["participant"]
    log.run("participant", "idea.add", who=person, activity=walls,
            text="Lastenräder für alle Quartiere, Tempo 30 überall" + emoji)
    log.run("moderator", "session.close")
    write_archive(log.events, folder)
    render_pdf(folder / "report.html", folder / "report.pdf", browser)
    return folder / "report.pdf"


def _coloured_pixels(pdf: Path) -> int:
    document = pypdfium2.PdfDocument(str(pdf))
    try:
        count = 0
        for index in range(len(document)):
            hue, saturation, value = document[index].render(scale=1).to_pil() \
                .convert("RGB").convert("HSV").split()
            strong: Image.Image = ImageChops.multiply(
                saturation.point(lambda x: 255 if x > 120 else 0),
                value.point(lambda x: 255 if x > 80 else 0))
            count += strong.histogram()[255]
        return count
    finally:
        document.close()


def _text(pdf: Path) -> str:
    document = pypdfium2.PdfDocument(str(pdf))
    try:
        return " ".join("".join(document[i].get_textpage().get_text_range()
                                for i in range(len(document))).split())
    finally:
        document.close()


def test_umlauts_and_emoji_print_as_themselves(tmp_path: Path) -> None:
    browser = chromium()
    if browser is None:
        _missing("Chromium")
    assert browser is not None
    plain = _print(tmp_path / "plain", "", browser)
    with_emoji = _print(tmp_path / "emoji", EMOJI, browser)
    if _coloured_pixels(with_emoji) <= _coloured_pixels(plain) + 100:
        _missing("a colour emoji font (Debian: fonts-noto-color-emoji)")
    text = _text(with_emoji)
    for expected in ("Groß-Umstadt", "Lastenräder", "für alle Quartiere", "überall"):
        assert expected in text, (expected, text[:500])
