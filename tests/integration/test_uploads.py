"""Uploads against a real server: a good PDF and a good photo are stored and served with the
right headers; every hostile upload is refused with a clear JSON error and leaves nothing
behind, neither a file nor an event; credentials of another role or session get nowhere."""

from __future__ import annotations

import asyncio
import io
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image

from tests import mediafiles
from tests.conftest import LiveServer
from tests.integration.test_openapi import check
from tests.support import Client, moderate

MB = 1024 * 1024


# -- helpers ------------------------------------------------------------------------------


def blob_files(server: LiveServer) -> list[Path]:
    root = server.settings.data_dir / "blobs"
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def event_count(server: LiveServer, session: dict[str, Any]) -> int:
    with sqlite3.connect(f"file:{server.settings.database}?mode=ro", uri=True) as db:
        (count,) = db.execute("SELECT count(*) FROM events WHERE session = ?",
                              (session["id"],)).fetchone()
    return int(count)


def moderator_path(session: dict[str, Any], what: str) -> str:
    return f"/moderate/{session['code']}/{session['moderator_token']}/{what}"


def upload(server: LiveServer, path: str, name: str, data: bytes, kind: str,
           cookies: dict[str, str] | None = None, **fields: str) -> httpx.Response:
    return httpx.post(server.url + path, files={"file": (name, data, kind)}, data=fields,
                      cookies=cookies, timeout=60)


def refused(answer: httpx.Response, status: int, code: str, start: str) -> None:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/json"
    body = answer.json()
    assert body["error"] == code, body
    assert body["message"].startswith(start), body


@pytest.fixture
def scene(live_server: LiveServer) -> dict[str, Any]:
    """A live session with a phase, a slides activity, a per-group ideas activity (active)
    and a group whose member has joined from a phone."""
    session = live_server.create_session("Simulationslabor", "en")
    moderate(live_server, session, [
        {"type": "session.open"}, {"type": "session.start"},
        {"type": "phase.create", "title": "Input"},
        {"type": "activity.create", "kind": "slides", "title": "Beispiele", "phase": "h1"},
        {"type": "group.create", "name": "Mobilität"},
        {"type": "activity.create", "kind": "ideas", "title": "Ideen", "per_group": True,
         "phase": "h1"},
    ])
    phone = live_server.join(session["code"])
    moderate(live_server, session, [
        {"type": "group.assign", "participant": phone["participant"], "group": "g1"},
        {"type": "activity.activate", "activity": "a2"},
    ])
    return {**session, "phone": phone,
            "cookies": {f"fp_{session['code']}": phone["token"]}}


# -- what works ---------------------------------------------------------------------------


def test_a_pdf_is_rendered_stored_attached_and_served(live_server: LiveServer,
                                                      scene: dict[str, Any]) -> None:
    data = mediafiles.deck(3)
    answer = upload(live_server, moderator_path(scene, "slides"), "Beispiele.pdf", data,
                    "application/pdf", activity="a1")
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"ok": True, "activity": "a1", "pages": 3}
    check("post", "/moderate/{code}/{token}/slides", answer)  # as the OpenAPI document says
    assert answer.headers["cache-control"] == "no-store"
    # The PDF and an image and a thumbnail per page.
    assert len(blob_files(live_server)) == 7

    async def deck() -> dict[str, Any]:
        client = await Client.open(live_server.ws_url, scene["code"], scene["moderator_token"])
        await client.close()
        activity = next(a for a in client.hello["session"]["activities"]
                        if a["id"] == "a1")
        return dict(activity["deck"])

    attached = asyncio.run(deck())
    assert attached["name"] == "Beispiele"
    assert attached["pdf"]["bytes"] == len(data)
    assert [page["text"].split("\n")[0] for page in attached["pages"]] == \
        ["Folie 1", "Folie 2", "Folie 3"]
    with httpx.Client(base_url=live_server.url, timeout=10) as http:
        page = attached["pages"][0]
        served = http.get(f"/media/{scene['code']}/{page['image']}")
        assert served.status_code == 200
        assert served.headers["content-type"] == "image/webp"
        assert served.headers["cache-control"] == "private, max-age=31536000, immutable"
        assert served.headers["x-content-type-options"] == "nosniff"
        assert served.headers["content-security-policy"] == "sandbox; default-src 'none'"
        assert "content-disposition" not in served.headers
        assert Image.open(io.BytesIO(served.content)).size == (page["width"], page["height"])
        part = http.get(f"/media/{scene['code']}/{page['image']}",
                        headers={"Range": "bytes=0-9"})
        assert part.status_code == 206 and part.content == served.content[:10]
        pdf = http.get(f"/media/{scene['code'].lower()}/{attached['pdf']['blob']}")
        assert pdf.status_code == 200 and pdf.content == data
        assert pdf.headers["content-type"] == "application/pdf"
        assert "content-encoding" not in pdf.headers  # sent as stored, never gzipped again
        assert pdf.headers["content-disposition"].startswith("attachment")
        assert pdf.headers["content-security-policy"] == "sandbox; default-src 'none'"
        # A name that is no blob of the session: the error page, not a file.
        for name in ("0" * 64 + ".webp", "../facilitator.sqlite3", "secret"):
            assert http.get(f"/media/{scene['code']}/{name}").status_code == 404


def test_slides_for_a_phase_make_an_activity_at_its_start(live_server: LiveServer,
                                                          scene: dict[str, Any]) -> None:
    answer = upload(live_server, moderator_path(scene, "slides"), "Input Mobilität.pdf",
                    mediafiles.deck(2), "application/pdf", phase="h1")
    assert answer.status_code == 200, answer.text
    created = answer.json()["activity"]

    async def agenda() -> list[dict[str, Any]]:
        client = await Client.open(live_server.ws_url, scene["code"], scene["moderator_token"])
        await client.close()
        return list(client.hello["session"]["activities"])

    activities = asyncio.run(agenda())
    assert activities[0]["id"] == created
    assert activities[0]["title"] == "Input Mobilität"
    assert activities[0]["kind"] == "slides" and activities[0]["phase"] == "h1"


def test_a_phone_photo_is_stored_without_its_location(live_server: LiveServer,
                                                      scene: dict[str, Any]) -> None:
    data = mediafiles.jpeg(4000, 3000, exif=mediafiles.gps_exif())
    answer = upload(live_server, f"/s/{scene['code']}/photos", "IMG_0001.jpg", data,
                    "image/jpeg", cookies=scene["cookies"], activity="a2")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["ok"] is True and body["photo"] == "f1"
    check("post", "/s/{code}/photos", answer)
    assert len(blob_files(live_server)) == 2
    for path in blob_files(live_server):
        stored = path.read_bytes()
        assert b"Exif" not in stored and b"PhoneMaker" not in stored
        assert not Image.open(io.BytesIO(stored)).getexif()
    served = httpx.get(f"{live_server.url}/media/{scene['code']}/{body['image']}", timeout=10)
    assert served.status_code == 200
    assert served.headers["content-type"] == "image/jpeg"
    assert Image.open(io.BytesIO(served.content)).size == (2048, 1536)
    # The moderator adds one to the phase.
    answer = upload(live_server, moderator_path(scene, "photos"), "pinnwand.png",
                    mediafiles.png(), "image/png", phase="h1")
    assert answer.status_code == 200, answer.text
    assert answer.json()["photo"] == "f2"


# -- hostile uploads: a clear error, nothing stored -----------------------------------------


@pytest.mark.parametrize(("route", "name", "data", "kind", "start"), [
    ("slides", "folien.pdf", mediafiles.zip_bomb(200), "application/pdf",
     "This file is not a PDF."),
    ("slides", "folien.pdf", mediafiles.encrypted_pdf(), "application/pdf",
     "The PDF is protected by a password."),
    ("slides", "folien.pdf", mediafiles.broken_pdf(), "application/pdf",
     "The PDF could not be read"),
    ("photos", "bild.svg", mediafiles.SVG_WITH_SCRIPT, "image/svg+xml",
     "SVG drawings are not taken"),
    ("photos", "bild.jpg", mediafiles.huge_jpeg_header(), "image/jpeg",
     "The image says it is larger than any photo"),
    ("photos", "bild.jpg", b"MZ\x90\x00" + bytes(5000), "image/jpeg",
     "This file is not a photo the server can read."),
    ("photos", "bild.jpg", mediafiles.deck(1), "image/jpeg",
     "This file is not a photo the server can read."),
], ids=["zip-bomb-pdf", "encrypted-pdf", "broken-pdf", "svg-script", "huge-jpeg",
        "exe-as-jpeg", "pdf-as-photo"])
def test_a_hostile_upload_is_refused_and_nothing_is_stored(
        live_server: LiveServer, scene: dict[str, Any], route: str, name: str, data: bytes,
        kind: str, start: str) -> None:
    before = event_count(live_server, scene)
    fields = {"activity": "a1"} if route == "slides" else {"phase": "h1"}
    answer = upload(live_server, moderator_path(scene, route), name, data, kind, **fields)
    refused(answer, 400, "invalid", start)
    check("post", "/moderate/{code}/{token}/" + route, answer)
    assert blob_files(live_server) == []
    assert event_count(live_server, scene) == before
    if route == "photos":  # from a phone, the same
        answer = upload(live_server, f"/s/{scene['code']}/photos", name, data, kind,
                        cookies=scene["cookies"], activity="a2")
        refused(answer, 400, "invalid", start)
        assert blob_files(live_server) == []
        assert event_count(live_server, scene) == before


def _multipart(boundary: str, size: int) -> Iterator[bytes]:
    """A multipart body whose file has `size` bytes of zeros, made as it is sent."""
    yield (f"--{boundary}\r\nContent-Disposition: form-data; name=\"activity\"\r\n\r\na1\r\n"
           f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
           f"filename=\"riesig.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n"
           ).encode()
    block = bytes(MB)
    sent = 0
    while sent < size:
        yield block
        sent += len(block)
    yield f"\r\n--{boundary}--\r\n".encode()


async def _send_streaming(server: LiveServer, path: str, size: int,
                          declare_length: bool) -> tuple[int, dict[str, Any], int]:
    """POST a body of about `size` bytes, reading the answer while sending (as a browser
    does); the status, the JSON answer and how many bytes went out before it came."""
    boundary = "grenze7MA4YWxkTrZu0gW"
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    head = [f"POST {path} HTTP/1.1", f"Host: 127.0.0.1:{server.port}",
            f"Content-Type: multipart/form-data; boundary={boundary}"]
    if declare_length:
        head.append(f"Content-Length: {sum(len(part) for part in _multipart(boundary, size))}")
    else:
        head.append("Transfer-Encoding: chunked")
    writer.write(("\r\n".join(head) + "\r\n\r\n").encode())
    sent = 0

    async def send() -> None:
        nonlocal sent
        try:
            for part in _multipart(boundary, size):
                writer.write(f"{len(part):x}\r\n".encode() + part + b"\r\n"
                             if not declare_length else part)
                sent += len(part)
                await writer.drain()
            if not declare_length:
                writer.write(b"0\r\n\r\n")
                await writer.drain()
        except (ConnectionError, OSError):
            pass  # the server closed the connection after its answer

    sender = asyncio.create_task(send())
    status_line = await asyncio.wait_for(reader.readline(), 30)
    headers: dict[str, str] = {}
    while (line := await reader.readline()) not in (b"\r\n", b""):
        key, _, value = line.decode().partition(":")
        headers[key.strip().lower()] = value.strip()
    body = await reader.readexactly(int(headers["content-length"]))
    sender.cancel()
    writer.close()
    import json

    return int(status_line.split()[1]), json.loads(body), sent


@pytest.mark.parametrize("declare_length", [True, False], ids=["declared", "chunked"])
def test_a_200_mb_body_is_refused_while_it_streams(live_server: LiveServer,
                                                   scene: dict[str, Any],
                                                   declare_length: bool) -> None:
    before = event_count(live_server, scene)
    status, body, sent = asyncio.run(_send_streaming(
        live_server, moderator_path(scene, "slides"), 200 * MB, declare_length))
    assert status == 413
    assert body == {"error": "too_large", "message": "The file is larger than 50 MB."}
    # The rest was read and thrown away, so that a browser, which reads the answer only once
    # it has sent everything, gets it.
    assert sent > 200 * MB
    assert blob_files(live_server) == []
    assert event_count(live_server, scene) == before


# -- who may ------------------------------------------------------------------------------


def test_a_participant_cannot_use_the_moderators_routes(live_server: LiveServer,
                                                        scene: dict[str, Any]) -> None:
    before = event_count(live_server, scene)
    code = scene["code"]
    for route, data, kind in (("slides", mediafiles.deck(1), "application/pdf"),
                              ("photos", mediafiles.jpeg(), "image/jpeg")):
        for token in (scene["phone"]["token"], scene["presenter_token"], "x" * 32):
            answer = upload(live_server, f"/moderate/{code}/{token}/{route}", "f", data, kind,
                            cookies=scene["cookies"], activity="a1", phase="h1")
            # Not known to be this session's: in the server's language.
            refused(answer, 404, "not_found", "Zu diesem Code gibt es keine Sitzung.")
    # Without the phone's cookie, no photo from a phone either.
    answer = upload(live_server, f"/s/{code}/photos", "f.jpg", mediafiles.jpeg(),
                    "image/jpeg", activity="a2")
    refused(answer, 403, "forbidden", "Only participants of this session can send photos.")
    # A page of another site cannot make a moderator's browser upload.
    answer = httpx.post(live_server.url + moderator_path(scene, "photos"),
                        files={"file": ("f.jpg", mediafiles.jpeg(), "image/jpeg")},
                        data={"phase": "h1"}, headers={"Origin": "https://evil.example"},
                        timeout=30)
    refused(answer, 403, "forbidden", "This upload came from another website")
    assert blob_files(live_server) == []
    assert event_count(live_server, scene) == before


def test_a_phone_sends_photos_only_for_its_own_groups_work(live_server: LiveServer,
                                                            scene: dict[str, Any]) -> None:
    path = f"/s/{scene['code']}/photos"
    photo = mediafiles.jpeg()
    moderate(live_server, scene, [
        {"type": "activity.create", "kind": "words", "title": "Plenum"},
        {"type": "activity.activate", "activity": "a3"}])
    before = event_count(live_server, scene)
    # The plenary's activity is no group's work: refused before the photo is converted.
    answer = upload(live_server, path, "f.jpg", photo, "image/jpeg",
                    cookies=scene["cookies"], activity="a3")
    refused(answer, 400, "invalid", "Photos go with the work of a small group.")
    # Only spokespersons, and this phone is none: refused.
    moderate(live_server, scene, [{"type": "session.update", "photos": "spokespersons"},
                                  {"type": "activity.activate", "activity": "a2"}])
    before = event_count(live_server, scene)
    answer = upload(live_server, path, "f.jpg", photo, "image/jpeg",
                    cookies=scene["cookies"], activity="a2")
    refused(answer, 403, "forbidden", "Only your group's spokesperson can add photos.")
    # Switched off: refused before the body is read.
    moderate(live_server, scene, [{"type": "session.update", "photos": "off"}])
    before = event_count(live_server, scene)
    answer = upload(live_server, path, "f.jpg", photo, "image/jpeg",
                    cookies=scene["cookies"], activity="a2")
    refused(answer, 403, "forbidden", "Photos are switched off in this session.")
    assert blob_files(live_server) == []
    assert event_count(live_server, scene) == before


def test_the_sessions_photo_limit_holds(tmp_path: Path) -> None:
    server = LiveServer(tmp_path / "data", max_photos=1).start()
    try:
        session = server.create_session("Fotos", "en")
        moderate(server, session, [{"type": "phase.create", "title": "Ergebnisse"}])
        path = moderator_path(session, "photos")
        first = upload(server, path, "a.jpg", mediafiles.jpeg(color="#111"), "image/jpeg",
                       phase="h1")
        assert first.status_code == 200, first.text
        before = event_count(server, session)
        second = upload(server, path, "b.jpg", mediafiles.jpeg(color="#222"), "image/jpeg",
                        phase="h1")
        refused(second, 409, "limit_reached", "This session has 1 photos already")
        assert len(blob_files(server)) == 2
        assert event_count(server, session) == before
    finally:
        server.stop()


def test_another_sessions_credentials_and_names_reach_nothing(live_server: LiveServer,
                                                              scene: dict[str, Any]) -> None:
    answer = upload(live_server, moderator_path(scene, "photos"), "p.jpg", mediafiles.jpeg(),
                    "image/jpeg", phase="h1")
    assert answer.status_code == 200, answer.text
    name = answer.json()["image"]
    other = live_server.create_session("Anderer Workshop", "de")
    with httpx.Client(base_url=live_server.url, timeout=10) as http:
        # The other session's moderator token with this session's code: no moderator here.
        forged = f"/moderate/{scene['code']}/{other['moderator_token']}/photos"
        answer = http.post(forged, files={"file": ("p.jpg", mediafiles.jpeg(), "image/jpeg")},
                           data={"phase": "h1"})
        refused(answer, 404, "not_found", "Zu diesem Code gibt es keine Sitzung.")
        # This session's file under the other session's code: not there.
        assert http.get(f"/media/{other['code']}/{name}").status_code == 404
        assert http.get(f"/media/{scene['code']}/{name}").status_code == 200
    assert len(blob_files(live_server)) == 2


def test_files_of_an_upload_refused_after_rendering_are_deleted(
        live_server: LiveServer, scene: dict[str, Any]) -> None:
    """The activity goes while its deck renders: slides.attach is refused, and the files
    written for it, which no event names, are deleted."""
    import concurrent.futures
    import time

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pending = pool.submit(upload, live_server, moderator_path(scene, "slides"), "f.pdf",
                              mediafiles.deck(40), "application/pdf", activity="a1")
        time.sleep(0.5)  # sent and checked; rendering 40 pages takes seconds
        assert not pending.done()
        moderate(live_server, scene, [{"type": "activity.delete", "activity": "a1"}])
        answer = pending.result()
    refused(answer, 404, "not_found", "This activity does not exist.")
    assert blob_files(live_server) == []


def test_a_closed_session_takes_no_files(live_server: LiveServer,
                                         scene: dict[str, Any]) -> None:
    moderate(live_server, scene, [{"type": "session.close"}])
    before = event_count(live_server, scene)
    answer = upload(live_server, moderator_path(scene, "slides"), "f.pdf", mediafiles.deck(1),
                    "application/pdf", activity="a1")
    refused(answer, 409, "session_state", "The session is closed.")
    answer = upload(live_server, moderator_path(scene, "photos"), "f.jpg", mediafiles.jpeg(),
                    "image/jpeg", phase="h1")
    refused(answer, 409, "session_state", "The session is closed.")
    assert blob_files(live_server) == []
    assert event_count(live_server, scene) == before


def test_deleting_the_session_deletes_its_files(live_server: LiveServer) -> None:
    session = live_server.create_session("Kurz", "de")
    moderate(live_server, session, [
        {"type": "activity.create", "kind": "slides", "title": "Folien"}])
    answer = upload(live_server, moderator_path(session, "slides"), "f.pdf",
                    mediafiles.deck(1), "application/pdf", activity="a1")
    assert answer.status_code == 200, answer.text
    assert len(blob_files(live_server)) == 3
    moderate(live_server, session, [{"type": "session.delete"}])
    deadline = asyncio.run(_wait_until(lambda: not blob_files(live_server)))
    assert deadline, blob_files(live_server)


async def _wait_until(condition: Any, timeout: float = 5.0) -> bool:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while loop.time() < end:
        if condition():
            return True
        await asyncio.sleep(0.05)
    return bool(condition())


def test_a_removed_photo_leaves_the_server(live_server: LiveServer,
                                           scene: dict[str, Any]) -> None:
    """Taking a photo down deletes its files (a flipchart with a name on it is gone from the
    server, not only from the screens); the other photo's files and the slides stay."""
    first = upload(live_server, f"/s/{scene['code']}/photos", "a.jpg",
                   mediafiles.jpeg(800, 600), "image/jpeg", cookies=scene["cookies"],
                   activity="a2")
    second = upload(live_server, moderator_path(scene, "photos"), "b.png", mediafiles.png(),
                    "image/png", phase="h1")
    assert first.status_code == second.status_code == 200, (first.text, second.text)
    assert len(blob_files(live_server)) == 4
    moderate(live_server, scene, [{"type": "photo.remove", "photo": first.json()["photo"]}])
    kept = {second.json()["image"], second.json()["thumb"]}
    assert asyncio.run(_wait_until(
        lambda: {p.name for p in blob_files(live_server)} == kept)), blob_files(live_server)
    gone = httpx.get(f"{live_server.url}/media/{scene['code']}/{first.json()['image']}",
                     timeout=10)
    assert gone.status_code == 404
