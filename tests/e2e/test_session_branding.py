"""Who hands the documentation over, per session, in real Chromium: in the console's session
details the moderator sets the organisation and uploads a logo (a preview appears, a second
console tab hears of it), a file that is no image is refused next to the control, the logo
can be removed again; the dialog passes axe. The documentation's side is tested in
tests/integration/test_logo_upload.py."""

from __future__ import annotations

import asyncio
import concurrent.futures
import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from tests.e2e.conftest import wait_until
from tests.e2e.scenes import accessible, console
from tests.support import fresh_hello

pytestmark = pytest.mark.e2e

LAPTOP = {"viewport": {"width": 1366, "height": 768}}


def hello_of(server: Any, session: dict[str, Any]) -> dict[str, Any]:
    """A new moderator connection's hello (in a thread: Playwright's loop runs here)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, fresh_hello(server, session["code"],
                                                    session["moderator_token"])).result()


def _png(path: Path) -> Path:
    out = io.BytesIO()
    Image.new("RGB", (900, 300), (30, 110, 70)).save(out, "PNG")
    path.write_bytes(out.getvalue())
    return path


def test_the_moderator_sets_organisation_and_logo(live_server: Any, scene_page: Any,
                                                  tmp_path: Path) -> None:
    session = live_server.create_session("Klimalabor", "de")
    page = console(scene_page, session, **LAPTOP)
    other = console(scene_page, session, **LAPTOP)
    page.click("#details-open")
    dialog = page.locator("#session-details")
    assert dialog.evaluate("d => d.open")
    assert page.locator("#details-logo-preview").is_hidden()
    assert page.locator("#details-logo-remove").is_hidden()

    # Not an image: refused next to the control, in the session's language.
    (tmp_path / "logo.png").write_bytes(b"<svg onload=alert(1)></svg>")
    page.set_input_files("#details-logo-file", str(tmp_path / "logo.png"))
    page.click("#details-logo-upload")
    wait_until(page, "document.querySelector('#details-logo-feedback').dataset.kind === 'error'")
    assert "PNG" in page.locator("#details-logo-feedback").inner_text()

    page.set_input_files("#details-logo-file", str(_png(tmp_path / "wappen.png")))
    page.click("#details-logo-upload")
    wait_until(page, "document.querySelector('#details-logo-preview').complete && "
               "document.querySelector('#details-logo-preview').naturalWidth > 0 && "
               "!document.querySelector('#details-logo-preview').hidden")
    assert page.locator("#details-logo-feedback").inner_text() == \
        "Das Logo ist gespeichert; die Dokumentation zeigt es."
    width = page.evaluate("document.querySelector('#details-logo-preview').naturalWidth")
    assert width == 600  # redrawn by the server: at most 600×200
    accessible(page, "#session-details")

    page.fill("#details-organisation", "Stadt Musterstadt, Klimaschutzmanagement")
    dialog.locator("button[type=submit]").click()
    wait_until(page, "!document.querySelector('#session-details').open")
    hello = hello_of(live_server, session)
    assert hello["session"]["organisation"] == "Stadt Musterstadt, Klimaschutzmanagement"
    assert hello["session"]["logo"].endswith(".png")

    # The other tab heard of both: its dialog shows them.
    other.click("#details-open")
    wait_until(other, "!document.querySelector('#details-logo-preview').hidden")
    assert other.input_value("#details-organisation") == \
        "Stadt Musterstadt, Klimaschutzmanagement"
    other.click("#details-logo-remove")
    wait_until(other, "document.querySelector('#details-logo-preview').hidden")
    assert hello_of(live_server, session)["session"]["logo"] is None
