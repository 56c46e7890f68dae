"""A session's own logo and organisation for its documentation, against a real server: the
moderator uploads a logo (checked, redrawn as a small PNG without metadata, stored), the
moderators' consoles hear of it, the documentation written at the close carries it instead
of the server's, a later change after the close writes the documentation again, and removing
it deletes the file. Whatever is not such an image, or comes with another credential or from
another site, is refused and leaves neither a file nor an event."""

from __future__ import annotations

import asyncio
import base64
import io
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image, PngImagePlugin

from tests import mediafiles
from tests.conftest import LiveServer
from tests.integration.test_openapi import check
from tests.integration.test_uploads import (
    _wait_until,
    blob_files,
    event_count,
    moderator_path,
    refused,
    upload,
)
from tests.support import Client, moderate

ORGANISATION = 'Stadt <b>Muster</b> & "Söhne"'


def _logo(width: int = 1500, height: int = 900) -> bytes:
    """A PNG logo with a text chunk (metadata that must not reach the documentation)."""
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Geheime Person")
    out = io.BytesIO()
    Image.new("RGB", (width, height), (20, 90, 160)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


@pytest.fixture
def session(live_server: LiveServer) -> dict[str, Any]:
    made = live_server.create_session("Klimalabor", "en")
    moderate(live_server, made, [{"type": "session.open"},
                                 {"type": "session.update", "organisation": ORGANISATION}])
    return made


def _folder(server: LiveServer, session: dict[str, Any]) -> Path:
    return Path(server.settings.sessions_dir) / session["id"]


def test_a_logo_is_redrawn_stored_announced_and_documented(live_server: LiveServer,
                                                           session: dict[str, Any]) -> None:
    async def scene() -> None:
        mod = await Client.open(live_server.ws_url, session["code"], session["moderator_token"])
        assert mod.hello["session"]["logo"] is None
        assert mod.hello["session"]["organisation"] == ORGANISATION
        answer = await asyncio.to_thread(upload, live_server, moderator_path(session, "logo"),
                                         "wappen.png", _logo(), "image/png")
        assert answer.status_code == 200, answer.text
        check("post", "/moderate/{code}/{token}/logo", answer)
        name = answer.json()["logo"]
        event = await mod.wait(lambda m: m.get("event") == "session.logo_set")
        assert event["data"] == {"logo": name}
        await mod.close()

    asyncio.run(scene())
    [stored] = blob_files(live_server)
    with Image.open(stored) as picture:
        assert picture.format == "PNG" and picture.width <= 600 and picture.height <= 200
        assert "Author" not in picture.info  # drawn anew: no metadata
    served = httpx.get(f"{live_server.url}/media/{session['code']}/{stored.name}", timeout=10)
    assert served.status_code == 200 and served.headers["content-type"] == "image/png"

    moderate(live_server, session, [{"type": "session.close"}])
    folder = _folder(live_server, session)
    assert asyncio.run(_wait_until(lambda: (folder / "report.html").is_file(), 20))
    assert (folder / "logo.png").read_bytes() == stored.read_bytes()
    html = (folder / "report.html").read_text("utf-8")
    encoded = base64.b64encode(stored.read_bytes()).decode("ascii")
    assert f'src="data:image/png;base64,{encoded}"' in html
    assert "Stadt &lt;b&gt;Muster&lt;/b&gt; &amp; &#34;Söhne&#34;" in html
    assert "<b>Muster</b>" not in html

    # After the close a new logo writes the documentation again; the old file goes.
    second = upload(live_server, moderator_path(session, "logo"), "neu.jpg",
                    mediafiles.jpeg(400, 400), "image/jpeg")
    assert second.status_code == 200, second.text
    new = second.json()["logo"]
    assert new != stored.name
    assert asyncio.run(_wait_until(
        lambda: [p.name for p in blob_files(live_server)] == [new], 20)), blob_files(live_server)
    assert asyncio.run(_wait_until(
        lambda: (folder / "logo.png").read_bytes() == blob_files(live_server)[0].read_bytes(),
        20))

    removed = httpx.post(live_server.url + moderator_path(session, "logo/remove"), timeout=30)
    assert removed.status_code == 200 and removed.json() == {"ok": True, "logo": None}
    check("post", "/moderate/{code}/{token}/logo/remove", removed)
    assert asyncio.run(_wait_until(lambda: not blob_files(live_server), 20))
    assert asyncio.run(_wait_until(lambda: not (folder / "logo.png").exists(), 20))


def test_what_is_no_logo_is_refused_and_changes_nothing(live_server: LiveServer,
                                                        session: dict[str, Any]) -> None:
    before = event_count(live_server, session)
    path = moderator_path(session, "logo")
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    for name, data, kind in (("logo.svg", svg, "image/svg+xml"),
                             ("logo.png", mediafiles.zip_bomb(1), "image/png"),
                             ("logo.png", mediafiles.huge_jpeg_header(), "image/png"),
                             ("logo.webp", _webp(), "image/webp"),
                             ("logo.png", _logo()[:200], "image/png")):
        answer = upload(live_server, path, name, data, kind)
        refused(answer, 400, "invalid", "The logo must be a PNG or JPEG image of at most 2 MB.")
        check("post", "/moderate/{code}/{token}/logo", answer)
    answer = upload(live_server, path, "big.png", b"\x89PNG" + b"0" * (3 * 1024 * 1024),
                    "image/png")
    refused(answer, 413, "too_large", "The file is larger than 2 MB.")
    phone = live_server.join(session["code"])
    for token in (phone["token"], session["presenter_token"], "x" * 32):
        answer = upload(live_server, f"/moderate/{session['code']}/{token}/logo", "logo.png",
                        _logo(), "image/png")
        refused(answer, 404, "not_found", "Zu diesem Code gibt es keine Sitzung.")
    answer = httpx.post(live_server.url + path, files={"file": ("l.png", _logo(), "image/png")},
                        headers={"Origin": "https://evil.example"}, timeout=30)
    refused(answer, 403, "forbidden", "This upload came from another website")
    assert blob_files(live_server) == []
    assert event_count(live_server, session) == before + 1  # the phone's join alone


def _webp() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (50, 50)).save(out, "WEBP")
    return out.getvalue()
