"""Photos of the room's work in real Chromium (issue 11, done-when): a phone in a group sends
a photo carrying GPS EXIF data to its group's ideas; the stored image and its thumbnail carry no
EXIF at all; the phone, the console and the beamer show it with its group, and so does the
report once the session is closed. The moderator opens it full-size and removes it (with a
confirmation); what the session's photo setting allows decides whether the phone offers the
button."""

from __future__ import annotations

import io
import urllib.request
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.conftest import LiveServer
from tests.e2e.conftest import BEAMER, wait_until
from tests.e2e.media_files import GPS_IFD, exif_of, gps_photo
from tests.e2e.scenes import accessible, console, join
from tests.e2e.test_beamer import PROBLEMS
from tests.e2e.test_slides import run
from tests.support import fresh_hello, moderate

pytestmark = pytest.mark.e2e

LAPTOP = {"viewport": {"width": 1366, "height": 768}}


def hello_of(server: LiveServer, session: dict[str, Any]) -> dict[str, Any]:
    return dict(run(fresh_hello(server, session["code"], session["moderator_token"]))["session"])


def fetch(server: LiveServer, path: str) -> tuple[int, dict[str, str], bytes]:
    with urllib.request.urlopen(server.url + path, timeout=10) as response:
        headers = {k.lower(): v for k, v in response.headers.items()}
        return response.status, headers, response.read()


def group_work(server: LiveServer, scene_page: Any) -> tuple[dict[str, Any], Any, str]:
    """A live session with the group "Mobilität" and its ideas open; a phone in that group."""
    session = server.create_session("Fotoprotokoll")
    moderate(server, session, [{"type": "session.open"}, {"type": "session.start"},
                               {"type": "group.create", "name": "Mobilität"},
                               {"type": "group.create", "name": "Energie"}])
    phone = join(scene_page, server, session["code"], "im Raum")
    view = hello_of(server, session)
    group = view["groups"][0]["id"]
    person = view["participants"]["list"][0]["id"]
    moderate(server, session, [
        {"type": "group.assign", "participant": person, "group": group},
        {"type": "activity.create", "kind": "ideas", "title": "Ideen der Gruppe",
         "per_group": True}])
    activity = hello_of(server, session)["activities"][0]["id"]
    moderate(server, session, [{"type": "activity.activate", "activity": activity}])
    expect(phone.locator("#activity-title")).to_have_text("Ideen der Gruppe")
    return session, phone, activity


def test_a_photo_with_gps_data_is_stored_without_it(live_server: LiveServer,
                                                    scene_page: Any) -> None:
    session, phone, activity = group_work(live_server, scene_page)
    mod = console(scene_page, session, **LAPTOP)
    beamer = scene_page(session["presenter_url"], **BEAMER)
    photo = gps_photo(label="Pinnwand Mobilität")
    assert exif_of(photo)[GPS_IFD][2] == (52.0, 31.0, 12.0), "the input must carry GPS data"

    add = phone.get_by_role("button", name="Foto hinzufügen")
    expect(add).to_be_visible()
    phone.locator(".phone-photos input[type=file]").set_input_files(
        {"name": "pinnwand.jpg", "mimeType": "image/jpeg", "buffer": photo})
    expect(phone.locator(".phone-photos .feedback")).to_have_text("Das Foto ist angekommen.",
                                                                  timeout=30_000)
    expect(phone.locator(".photo-thumbs img")).to_have_count(1)

    stored = hello_of(live_server, session)["photos"]
    assert len(stored) == 1
    record = stored[0]
    assert record["activity"] == activity and record["group"] is not None
    assert record["by_moderator"] is False
    for name in (record["image"], record["thumb"]):
        status, headers, data = fetch(live_server, f"/media/{session['code']}/{name}")
        assert status == 200 and headers.get("content-type") == "image/jpeg", headers
        assert exif_of(data) == {}, f"{name} still has EXIF data"
        assert b"Exif" not in data and b"Testkamera" not in data
        from PIL import Image

        with Image.open(io.BytesIO(data)) as image:
            assert "exif" not in image.info and max(image.size) <= 2048

    # The console lists it with its group; full size in a dialog.
    item = mod.locator(".photo-admin-list > li")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("Mobilität")
    # The beamer shows it at the foot of the group's column; the other group has none.
    column = beamer.locator(".group-column", has_text="Mobilität")
    tile = column.locator(".column-photos .photo-tile")
    expect(tile).to_have_count(1)
    assert "Mobilität" in tile.locator("img").get_attribute("alt")
    expect(beamer.locator(".photo-tile")).to_have_count(1)
    wait_until(beamer, "document.querySelector('.photo-tile img').complete")
    problems = beamer.evaluate(PROBLEMS)
    assert problems == [], problems
    accessible(beamer, "the beamer with a group's photo")
    accessible(phone, "a phone with its group's photo")
    item.get_by_role("button").click()
    dialog = mod.locator("dialog.photo-dialog")
    expect(dialog).to_be_visible()
    assert dialog.locator("img.photo-big").get_attribute("src").endswith(record["image"])
    accessible(mod, "the console with a photo opened")
    dialog.get_by_role("button", name="Schließen").click()

    # The report, written when the session closes, shows the photo.
    moderate(live_server, session, [{"type": "session.close"}])
    token = session["moderator_token"]
    wait_until(mod, "!document.querySelector('#archive-links').hidden", timeout=20)
    status, _, page = fetch(live_server, f"/moderate/{session['code']}/{token}/report.html")
    html = page.decode()
    assert status == 200 and 'class="thumbs photos"' in html
    assert "Mobilität" in html and "<img" in html.split('class="thumbs photos"', 1)[1]


def test_the_moderator_removes_a_photo_after_confirming(live_server: LiveServer,
                                                        scene_page: Any) -> None:
    session, phone, _ = group_work(live_server, scene_page)
    mod = console(scene_page, session, **LAPTOP)
    phone.locator(".phone-photos input[type=file]").set_input_files(
        {"name": "flipchart.png", "mimeType": "image/png", "buffer": _png()})
    expect(phone.locator(".photo-thumbs img")).to_have_count(1, timeout=30_000)
    mod.locator(".photo-admin-list > li").get_by_role("button").click()
    dialog = mod.locator("dialog.photo-dialog")
    dialog.get_by_role("button", name="Entfernen …").click()
    expect(dialog).to_contain_text("Dieses Foto entfernen?")
    dialog.get_by_role("button", name="Foto entfernen").click()
    expect(mod.locator(".photo-admin-list > li")).to_have_count(0)
    expect(phone.locator(".photo-thumbs img")).to_have_count(0)
    assert hello_of(live_server, session)["photos"] == []


def test_the_photo_setting_decides_who_gets_the_button(live_server: LiveServer,
                                                       scene_page: Any) -> None:
    session, phone, _ = group_work(live_server, scene_page)
    mod = console(scene_page, session, **LAPTOP)
    add = phone.get_by_role("button", name="Foto hinzufügen")
    expect(add).to_be_visible()
    policy = mod.get_by_label("Wer Fotos vom Handy senden darf")
    policy.select_option("spokespersons")
    expect(add).to_be_hidden()
    expect(phone.locator(".phone-photos .hint")).to_be_visible()
    view = hello_of(live_server, session)
    person = view["participants"]["list"][0]["id"]
    moderate(live_server, session, [{"type": "group.spokesperson", "group": view["groups"][0]["id"],
                                     "participant": person}])
    expect(add).to_be_visible()
    policy.select_option("off")
    expect(add).to_be_hidden()
    expect(phone.locator(".phone-photos")).to_be_hidden()


def test_a_moderator_adds_a_photo_to_a_phase(live_server: LiveServer, scene_page: Any) -> None:
    session = live_server.create_session("Fotoprotokoll")
    moderate(live_server, session, [{"type": "phase.create", "title": "Ergebnisse", "minutes": 10}])
    mod = console(scene_page, session, **LAPTOP)
    mod.locator(".photo-adding summary").click()
    mod.get_by_label("Das Foto gehört zu").select_option(label="Phase: Ergebnisse")
    mod.get_by_label("Foto (JPEG, PNG, WebP)").set_input_files(
        {"name": "wand.jpg", "mimeType": "image/jpeg", "buffer": gps_photo()})
    mod.get_by_role("button", name="Foto hochladen").click()
    expect(mod.locator(".photo-upload .upload-feedback")).to_have_text("Das Foto ist angekommen.",
                                                                      timeout=30_000)
    item = mod.locator(".photo-admin > li")
    expect(item).to_contain_text("Ergebnisse")
    expect(item).to_contain_text("von der Moderation")
    # A file that is no photo is refused next to the control, and nothing is stored.
    mod.get_by_label("Foto (JPEG, PNG, WebP)").set_input_files(
        {"name": "bild.jpg", "mimeType": "image/jpeg", "buffer": b"<svg onload='x()'/>"})
    mod.get_by_role("button", name="Foto hochladen").click()
    feedback = mod.locator(".photo-upload .upload-feedback")
    expect(feedback).to_have_attribute("data-kind", "error", timeout=30_000)
    expect(item).to_have_count(1)


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (800, 600), (200, 80, 40)).save(out, "PNG")
    return out.getvalue()
