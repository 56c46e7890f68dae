"""axe-core finds no violation on any page, on the phone and on a large screen, with the
states that add content (ideas on the wall, results revealed, a name form, errors)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.axe import assert_accessible, axe_script
from tests.e2e.conftest import BEAMER, PHONE
from tests.support import moderate

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def _axe_available() -> None:
    axe_script()  # skips with a clear message when axe-core is not installed


@pytest.fixture
def open_page(open_page: Any) -> Any:
    """Pages that let axe in: the server's Content-Security-Policy refuses injected scripts."""
    return lambda url=None, **options: open_page(url, bypass_csp=True, **options)


def _workshop(server: Any, session: dict[str, Any]) -> None:
    moderate(server, session, [
        {"type": "activity.create", "kind": "ideas", "title": "Was bremst Klimaschutz?",
         "prompt": "Eine Idee pro Karte.\nKurz und konkret."},
        {"type": "activity.create", "kind": "poll", "title": "Welches Handlungsfeld zuerst?",
         "config": {"options": ["Mobilität", "Energie", "Ernährung"], "multiple": True}},
        {"type": "activity.activate", "activity": "a1"},
    ])


@pytest.mark.parametrize("options", [PHONE, BEAMER], ids=["phone", "large"])
def test_pages_outside_a_session(live_server: Any, open_page: Any,
                                 options: dict[str, Any]) -> None:
    page = open_page(live_server.url + "/", **options)
    assert_accessible(page, "the start page")
    page.goto(live_server.url + "/join?code=nope00")
    assert_accessible(page, "the start page with an error")
    page.goto(live_server.url + "/console")
    assert_accessible(page, "the console login")
    page.get_by_label("Zugangsschlüssel").fill(live_server.organiser_key)
    page.get_by_role("button", name="Anmelden").click()
    page.get_by_role("heading", name="Sitzungen").wait_for()
    assert_accessible(page, "the console without sessions")
    live_server.create_session(title="Klimalabor", names=True)
    page.reload()
    assert_accessible(page, "the console with a session")


def test_participant_pages(live_session: dict[str, Any], open_page: Any) -> None:
    server, code = live_session["server"], live_session["code"]
    phone = open_page(f"{server.url}/j/{code}", **PHONE)
    assert_accessible(phone, "the join page")
    phone.get_by_role("button", name="Mitmachen").click()
    phone.get_by_role("heading", name="Willkommen!").wait_for()
    assert_accessible(phone, "the lobby")

    _workshop(server, live_session)
    phone.get_by_label("Ihre Idee", exact=True).fill("Tempo 30 vor Schulen")
    phone.get_by_role("button", name="Idee abschicken").click()
    phone.get_by_text("Ihre Idee ist angekommen.").wait_for()
    moderate(server, live_session, [{"type": "activity.reveal", "activity": "a1"}])
    phone.get_by_role("heading", name="Alle Ideen").wait_for()
    assert_accessible(phone, "the ideas activity with own ideas and the wall")

    phone.locator(".own li").get_by_role("button", name="Bearbeiten").click()
    assert_accessible(phone, "editing an own idea")

    moderate(server, live_session, [{"type": "activity.activate", "activity": "a2"},
                                    {"type": "activity.reveal", "activity": "a2"}])
    phone.get_by_label("Energie").check()
    phone.get_by_role("button", name="Abstimmen").click()
    phone.locator(".bars li", has_text="Energie").get_by_text("1 Stimme · 100 %").wait_for()
    assert_accessible(phone, "a revealed poll after voting")

    moderate(server, live_session, [{"type": "session.close"}])
    phone.get_by_role("heading", name="Der Workshop ist beendet").wait_for()
    assert_accessible(phone, "the closed session")


def test_presenter_and_moderator_pages(live_session: dict[str, Any], open_page: Any) -> None:
    server = live_session["server"]
    beamer = open_page(live_session["presenter_url"], **BEAMER)
    beamer.wait_for_selector("#status[data-status=connected]")
    assert_accessible(beamer, "the beamer lobby")
    console = open_page(live_session["moderator_url"])
    console.wait_for_selector("#status[data-status=connected]")
    assert_accessible(console, "the moderator page without activities")

    _workshop(server, live_session)
    participant = server.join(live_session["code"])
    del participant
    beamer.get_by_role("heading", name="Was bremst Klimaschutz?").wait_for()
    assert_accessible(beamer, "the beamer with an empty wall")
    console.locator("#activities > li").nth(1).wait_for()
    assert_accessible(console, "the moderator page with activities")

    console.locator("#activities > li").nth(1).get_by_role(
        "button", name="Aktivieren").click()
    console.locator("#activities > li").nth(1).get_by_role(
        "button", name="Ergebnisse zeigen").click()
    beamer.locator(".bars li").first.wait_for()
    assert_accessible(beamer, "the beamer with poll results")

    console.get_by_role("button", name="Sitzung beenden …").click()
    console.get_by_role("dialog").wait_for()
    assert_accessible(console, "the close confirmation")


def test_slides_and_photos_pages(live_session: dict[str, Any], open_page: Any) -> None:
    """A deck of slides on every screen (the phone with the page's text open), then a group's
    work with photos: the beamer's strip, the phone's thumbnails, the console's list and the
    photo opened full-size with its removal asked."""
    from tests.e2e.media_files import deck_pdf, gps_photo, post_file
    from tests.e2e.test_slides import run
    from tests.support import fresh_hello

    server, code = live_session["server"], live_session["code"]
    token = live_session["moderator_token"]
    moderate(server, live_session, [{"type": "phase.create", "title": "Input", "minutes": 20},
                                    {"type": "group.create", "name": "Mobilität"},
                                    {"type": "group.create", "name": "Energie"}])
    view = run(fresh_hello(server, code, token))["session"]
    phase, groups = view["phases"][0]["id"], [g["id"] for g in view["groups"]]
    status, answer = post_file(server, f"/moderate/{code}/{token}/slides", {"phase": phase},
                               "Input.pdf", "application/pdf", deck_pdf(12))
    assert status == 200, answer
    slides = answer["activity"]
    moderate(server, live_session, [{"type": "activity.activate", "activity": slides},
                                    {"type": "slides.show", "activity": slides, "page": 2}])
    phone = open_page(f"{server.url}/j/{code}", **PHONE)
    phone.get_by_role("button", name="Mitmachen").click()
    phone.locator(".slides-phone .slide-image[data-page='2']").wait_for()
    phone.locator("details.slide-details summary").click()
    assert_accessible(phone, "a phone with a slide and its text")
    beamer = open_page(live_session["presenter_url"], **BEAMER)
    beamer.locator(".slides-stage .slide-image[data-page='2']").wait_for()
    assert_accessible(beamer, "the beamer with a slide")
    console = open_page(live_session["moderator_url"], viewport={"width": 1366, "height": 768})
    console.locator(".slides-strip > li.current").wait_for()
    assert_accessible(console, "the console with a deck of slides")

    person = run(fresh_hello(server, code, token))["session"]["participants"]["list"][0]["id"]
    moderate(server, live_session, [
        {"type": "group.assign", "participant": person, "group": groups[0]},
        {"type": "activity.create", "kind": "ideas", "title": "Ideen", "per_group": True}])
    ideas = [a for a in run(fresh_hello(server, code, token))["session"]["activities"]
             if a["kind"] == "ideas"][0]["id"]
    moderate(server, live_session, [{"type": "activity.activate", "activity": ideas}])
    for group in groups:
        status, answer = post_file(server, f"/moderate/{code}/{token}/photos",
                                   {"activity": ideas, "group": group}, "wand.jpg", "image/jpeg",
                                   gps_photo())
        assert status == 200, answer
    phone.locator(".photo-thumbs img").wait_for()
    assert_accessible(phone, "a phone with its group's photos and the photo button")
    beamer.locator(".column-photos .photo-tile").first.wait_for()
    assert_accessible(beamer, "the beamer with the groups' photos")
    console.locator(".photo-admin-list .photo-open").first.click()
    console.locator("dialog.photo-dialog").get_by_role("button", name="Entfernen …").click()
    console.locator("dialog.photo-dialog").get_by_role("button", name="Foto entfernen").wait_for()
    assert_accessible(console, "a photo opened in the console, its removal asked")
