"""The documentation as people get it: valid HTML, a PDF that prints, and the console's
"Dokumentation" panel in a real browser.

The HTML check is the Nu HTML checker (npm package vnu-jar, run with java); the PDF is printed
by `facilitator archive --pdf` with headless Chromium and its first pages are turned into
pictures by pdftoppm (Debian: poppler-utils). Each check skips, saying what is missing, on a
machine without its tool.
"""

from __future__ import annotations

import asyncio
import io
import json
import shutil
import subprocess
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from facilitator.archive import write_archive
from facilitator.cli import main
from facilitator.live import archiving
from tests.e2e.axe import assert_accessible, axe_script
from tests.fixtures import load_events, seed
from tests.fixtures.screenshots import page_pictures
from tests.support import moderate

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def vnu_command() -> list[str]:
    java = shutil.which("java")
    if java is None:
        pytest.skip("java not found: the Nu HTML checker needs it "
                    "(apt-get install default-jre-headless)")
    if not VNU.is_file():
        pytest.skip(f"the Nu HTML checker is not at {VNU}: run `npm install` in the repository "
                    "(vnu-jar is in package.json)")
    return [java, "-jar", str(VNU), "--errors-only", "--format", "json"]


def test_the_report_is_valid_html_in_both_languages(tmp_path: Path) -> None:
    command = vnu_command()
    events = load_events()
    english = [replace(events[0], data={**events[0].data, "language": "en"}), *events[1:]]
    reports = []
    for name, log in (("de", events), ("en", english)):
        write_archive(log, tmp_path / name)
        reports.append(tmp_path / name / archiving.REPORT)
    done = subprocess.run([*command, *map(str, reports)], capture_output=True, text=True,
                          timeout=120, check=False)
    # vnu writes its JSON to standard error; the exit code is 1 when it found errors.
    messages = json.loads(done.stderr)["messages"]
    assert messages == [], "\n".join(
        f"{Path(m.get('url', '')).parent.name}:{m.get('lastLine')}: {m['type']}: {m['message']}"
        for m in messages)
    assert done.returncode == 0
    assert '<html lang="en">' in reports[1].read_text("utf-8")


def test_the_report_prints_to_pdf(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if archiving.chromium() is None:
        pytest.skip("Chromium not found: `facilitator archive --pdf` needs it "
                    "(apt-get install chromium)")
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm not found: the pages are checked with it "
                    "(apt-get install poppler-utils)")
    ident = asyncio.run(seed(tmp_path / "data" / "facilitator.sqlite3", load_events()))
    assert main(["archive", ident, "--pdf", "--data-dir", str(tmp_path / "data"),
                 "--sessions-dir", str(tmp_path / "out")]) == 0
    folder = tmp_path / "out" / ident
    assert capsys.readouterr().out.split() == [str(folder), str(folder / archiving.PDF)]
    pdf = (folder / archiving.PDF).read_bytes()
    assert pdf.startswith(b"%PDF-") and len(pdf) > 10_000
    assert not list(folder.glob("*.part"))

    from PIL import Image

    pictures = page_pictures(folder / archiving.PDF, 2, tmp_path / "page", dpi=40)
    for picture in pictures:
        with Image.open(picture) as image:
            assert image.format == "PNG"
            width, height = image.size
            assert 1.3 < height / width < 1.5, "an A4 page, upright"
            # Not a blank page: some pixels are dark (text).
            assert image.convert("L").getextrema()[0] < 100, picture


def test_the_moderator_writes_and_downloads_the_documentation(
        live_session: dict[str, Any], open_page: Any) -> None:
    axe_script()
    server = live_session["server"]
    moderate(server, live_session, [
        {"type": "activity.create", "kind": "poll", "title": "Welches Handlungsfeld zuerst?",
         "config": {"options": ["Mobilität", "Energie", "Ernährung"]}},
        {"type": "session.close"}])
    page = open_page(live_session["moderator_url"], bypass_csp=True)
    panel = page.get_by_role("region", name="Dokumentation")
    panel.get_by_role("button", name="Dokumentation jetzt schreiben").click()
    page.wait_for_url(f"{live_session['moderator_url']}#h-archive")
    assert "Zuletzt geschrieben:" in panel.inner_text()
    assert_accessible(page, "the moderator page with its documentation panel")
    with page.expect_download() as info:
        panel.get_by_role("link", name="Als ZIP herunterladen").click()
    download = info.value
    assert download.suggested_filename == f"{live_session['id']}.zip"
    names = zipfile.ZipFile(io.BytesIO(Path(download.path()).read_bytes())).namelist()
    assert any(name.endswith("report.html") for name in names)


def test_the_closing_notes_end_the_documentation(live_session: dict[str, Any],
                                                 open_page: Any) -> None:
    server = live_session["server"]
    page = open_page(live_session["moderator_url"])
    page.locator("#status[data-status=connected]").wait_for()
    notes = page.get_by_label("Abschließende Notizen der Moderation (sie stehen am Ende der "
                              "Dokumentation)")
    notes.fill("Nächstes Treffen am 12. März.\n<b>Protokoll</b> geht an alle.")
    page.get_by_role("button", name="Notizen speichern").click()
    page.get_by_text("Die Notizen sind gespeichert.").wait_for()
    moderate(server, live_session, [{"type": "session.close"}])
    page.reload()
    # The notes arrive with the console's hello, a moment after the page loaded.
    pytest.importorskip("playwright.sync_api").expect(notes).to_have_value(
        "Nächstes Treffen am 12. März.\n<b>Protokoll</b> geht an alle.")
    panel = page.get_by_role("region", name="Dokumentation")
    panel.get_by_role("button", name="Dokumentation jetzt schreiben").click()
    page.wait_for_url(f"{live_session['moderator_url']}#h-archive")
    folder = server.settings.sessions_dir / live_session["id"]
    report = (folder / "report.html").read_text("utf-8")
    assert "Nächstes Treffen am 12. März." in report
    assert "&lt;b&gt;Protokoll&lt;/b&gt;" in report and "<b>Protokoll" not in report
