"""A workshop in real Chromium: phones join by code, post ideas and vote; the beamer shows
what it may; the moderator runs it all from the console."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.e2e.conftest import BEAMER, PHONE, no_horizontal_scroll
from tests.support import moderate

pytestmark = pytest.mark.e2e
expect = pytest.importorskip("playwright.sync_api").expect


def join_by_code(open_page: Any, server: Any, code: str, **options: Any) -> Any:
    """A phone types the code on the start page (lower case, as people do) and joins."""
    phone = open_page(server.url + "/", **{**PHONE, **options})
    phone.get_by_label("Teilnahmecode").fill(code.lower())
    phone.get_by_role("button", name="Teilnehmen").click()
    phone.wait_for_url(f"**/j/{code}")
    phone.get_by_role("button", name="Mitmachen").click()
    phone.wait_for_url(f"**/s/{code}")
    phone.wait_for_selector("#status[data-status=connected]")
    return phone


def ideas_activity(server: Any, session: dict[str, Any], live_wall: bool = True) -> None:
    moderate(server, session, [
        {"type": "activity.create", "kind": "ideas", "title": "Was bremst Klimaschutz?",
         "prompt": "Eine Idee pro Karte.", "config": {"live_wall": live_wall}},
        {"type": "activity.activate", "activity": "a1"},
    ])


def test_phone_posts_an_idea_that_appears_on_the_beamer(
        live_session: dict[str, Any], open_page: Any) -> None:
    server, code = live_session["server"], live_session["code"]
    ideas_activity(server, live_session)
    beamer = open_page(live_session["presenter_url"], **BEAMER)
    assert beamer.locator(".joinbox .code").inner_text() == code
    assert beamer.locator(".joinbox img.qr").get_attribute("alt")

    phone = join_by_code(open_page, server, code)
    assert phone.locator("html").get_attribute("lang") == "de"
    phone.get_by_role("heading", name="Was bremst Klimaschutz?").wait_for()
    phone.get_by_label("Ihre Idee", exact=True).fill("Tempo 30 vor allen Schulen")
    phone.get_by_role("button", name="Idee abschicken").click()

    phone.locator(".own .idea-text", has_text="Tempo 30 vor allen Schulen").wait_for()
    phone.get_by_text("Ihre Idee ist angekommen.").wait_for()
    beamer.locator(".wall .card", has_text="Tempo 30 vor allen Schulen").wait_for()
    expect(beamer.locator("#stage .count")).to_have_text("1 Idee")
    expect(beamer.locator("#count")).to_have_text("1 teilnehmende Person")

    # After a reload the phone still lists its idea (hello.mine plus what it remembers).
    phone.reload()
    phone.locator(".own .idea-text", has_text="Tempo 30 vor allen Schulen").wait_for()
    assert no_horizontal_scroll(phone) == 0


def test_participant_edits_and_withdraws_own_idea(
        live_session: dict[str, Any], open_page: Any) -> None:
    server, code = live_session["server"], live_session["code"]
    ideas_activity(server, live_session)
    beamer = open_page(live_session["presenter_url"], **BEAMER)
    phone = join_by_code(open_page, server, code)
    phone.get_by_label("Ihre Idee", exact=True).fill("Mehr Radwege")
    phone.get_by_role("button", name="Idee abschicken").click()
    own = phone.locator(".own li")
    own.get_by_role("button", name="Bearbeiten").click()
    phone.get_by_label("Idee bearbeiten").fill("Mehr sichere Radwege")
    phone.get_by_role("button", name="Speichern").click()
    beamer.locator(".wall .card", has_text="Mehr sichere Radwege").wait_for()

    own.get_by_role("button", name="Zurückziehen").click()
    own.get_by_role("button", name="Zurückziehen").click()  # confirm
    phone.get_by_text("Ihre Idee wurde zurückgezogen.").wait_for()
    expect(own).to_have_count(0)
    beamer.locator(".wall .card").first.wait_for(state="detached")


def test_a_refused_idea_shows_the_reason_and_keeps_the_text(
        live_session: dict[str, Any], open_page: Any) -> None:
    server, code = live_session["server"], live_session["code"]
    moderate(server, live_session, [
        {"type": "activity.create", "kind": "ideas", "title": "Eine Idee",
         "config": {"max_per_participant": 1}},
        {"type": "activity.activate", "activity": "a1"},
    ])
    phone = join_by_code(open_page, server, code)
    field = phone.get_by_label("Ihre Idee", exact=True)
    field.fill("Erste Idee")
    phone.get_by_role("button", name="Idee abschicken").click()
    phone.get_by_text("Ihre Idee ist angekommen.").wait_for()
    field.fill("Zweite Idee")
    phone.get_by_role("button", name="Idee abschicken").click()

    said = phone.locator(".activity .feedback")  # next to the button that was tapped
    expect(said).to_have_attribute("data-kind", "error")
    expect(said).to_contain_text("höchstens 1")
    expect(field).to_have_value("Zweite Idee")
    expect(phone.locator(".own li")).to_have_count(1)


def test_moderator_runs_a_poll_and_reveals_results(
        live_session: dict[str, Any], open_page: Any) -> None:
    server, code = live_session["server"], live_session["code"]
    console = open_page(live_session["moderator_url"])
    console.wait_for_selector("#status[data-status=connected]")
    console.locator("#session-status", has_text="Läuft").wait_for()

    console.get_by_label("Art der Aktivität").select_option("poll")
    form = console.locator("form[data-kind=poll]")
    form.get_by_label("Titel").fill("Welches Handlungsfeld zuerst?")
    form.get_by_label("Antwortmöglichkeiten, eine pro Zeile").fill(
        "Mobilität\nEnergieversorgung\n\nErnährung")
    form.get_by_role("button", name="Abstimmung anlegen").click()
    card = console.locator("#activities > li", has_text="Welches Handlungsfeld zuerst?")
    card.get_by_role("button", name="Aktivieren").click()
    card.get_by_role("button", name="Sperren").wait_for()

    beamer = open_page(live_session["presenter_url"], **BEAMER)
    beamer.get_by_role("heading", name="Welches Handlungsfeld zuerst?").wait_for()
    phone = join_by_code(open_page, server, code)
    phone.get_by_label("Energieversorgung").check()
    phone.get_by_role("button", name="Abstimmen").click()
    phone.get_by_text("Ihre Stimme: Energieversorgung").wait_for()

    # The moderator sees the tally at once; beamer and phone only after the reveal.
    card.get_by_text("1 Person hat abgestimmt").wait_for()
    beamer.get_by_text("Ergebnisse folgen").wait_for()
    expect(beamer.locator(".bars")).to_be_hidden()
    expect(phone.locator(".bars")).to_be_hidden()
    assert "Energieversorgung" in beamer.locator(".poll-options").inner_text()

    card.get_by_role("button", name="Ergebnisse zeigen").click()
    bar = beamer.locator(".bars li", has_text="Energieversorgung")
    bar.get_by_text("1 Stimme · 100 %").wait_for()
    expect(beamer.get_by_text("Ergebnisse folgen")).to_be_hidden()
    phone.locator(".bars li", has_text="Energieversorgung").get_by_text(
        "1 Stimme · 100 %").wait_for()
    expect(bar.locator(".bar-fill")).to_have_attribute("style", re.compile(r"width: 100%"))

    card.get_by_role("button", name="Ergebnisse verbergen").click()
    beamer.get_by_text("Ergebnisse folgen").wait_for()


def test_moderator_closes_the_session_after_confirming(
        live_session: dict[str, Any], open_page: Any) -> None:
    console = open_page(live_session["moderator_url"])
    console.wait_for_selector("#status[data-status=connected]")
    phone = join_by_code(open_page, live_session["server"], live_session["code"])
    phone.get_by_role("heading", name="Willkommen!").wait_for()

    console.locator("#session-status", has_text="Läuft").wait_for()
    console.get_by_role("button", name="Sitzung beenden …").click()
    dialog = console.get_by_role("dialog")
    dialog.get_by_role("button", name="Abbrechen").click()
    assert console.locator("#session-status").inner_text() == "Läuft"

    console.get_by_role("button", name="Sitzung beenden …").click()
    dialog.get_by_role("button", name="Sitzung beenden").click()
    console.locator("#session-status", has_text="Beendet").wait_for()
    phone.get_by_role("heading", name="Der Workshop ist beendet").wait_for()


def test_a_command_whose_answer_was_lost_is_sent_again_and_counted_once(
        live_session: dict[str, Any], open_page: Any) -> None:
    """The connection drops after the server took the idea but before the phone got the ack:
    the phone reconnects, sends the same command id again and gets the first answer."""
    server, code = live_session["server"], live_session["code"]
    ideas_activity(server, live_session)
    phone = join_by_code(open_page, server, code)
    sent: list[dict[str, Any]] = []
    dropped: list[str] = []

    def relay(route: Any) -> None:
        upstream = route.connect_to_server()

        def outgoing(message: str | bytes) -> None:
            if isinstance(message, str) and '"idea.add"' in message:
                sent.append(json.loads(message))
            upstream.send(message)

        def incoming(message: str | bytes) -> None:
            if isinstance(message, str) and '"ack"' in message and not dropped:
                dropped.append(message)
                upstream.close()
                route.close(code=1001, reason="gone")  # as a server restart would
                return
            route.send(message)

        route.on_message(outgoing)
        upstream.on_message(incoming)

    phone.route_web_socket(re.compile(r".*/ws/.*"), relay)
    phone.reload()  # the next connection goes through the relay
    phone.wait_for_selector("#status[data-status=connected]")
    phone.get_by_label("Ihre Idee", exact=True).fill("Fernwärme ausbauen")
    phone.get_by_role("button", name="Idee abschicken").click()

    phone.get_by_text("Ihre Idee ist angekommen.").wait_for()
    assert dropped and len(sent) == 2
    assert sent[0]["id"] == sent[1]["id"]
    beamer = open_page(live_session["presenter_url"], **BEAMER)
    beamer.locator(".wall .card").first.wait_for()
    expect(beamer.locator(".wall .card")).to_have_count(1)
    expect(phone.locator(".own li")).to_have_count(1)


def test_pages_fit_a_320_pixel_wide_phone(live_session: dict[str, Any], open_page: Any) -> None:
    server, code = live_session["server"], live_session["code"]
    narrow = {**PHONE, "viewport": {"width": 320, "height": 640}}
    home = open_page(server.url + "/", **narrow)
    assert no_horizontal_scroll(home) == 0
    moderate(server, live_session, [
        {"type": "activity.create", "kind": "poll",
         "title": "Welche Maßnahme hat für Ihre Kommune die höchste Priorität?",
         "config": {"options": ["Kommunale Wärmeplanung beschleunigen",
                                "Photovoltaik auf allen Dächern öffentlicher Gebäude"]}},
        {"type": "activity.activate", "activity": "a1"},
        {"type": "activity.reveal", "activity": "a1"},
    ])
    phone = join_by_code(open_page, server, code, viewport={"width": 320, "height": 640})
    phone.locator(".bars li").first.wait_for()
    assert no_horizontal_scroll(phone) == 0
    console = open_page(live_session["moderator_url"], **narrow)
    console.locator("#activities > li").first.wait_for()
    assert no_horizontal_scroll(console) == 0
    beamer = open_page(live_session["presenter_url"], **narrow)
    beamer.locator(".bars li").first.wait_for()
    assert no_horizontal_scroll(beamer) == 0


def test_organiser_signs_in_creates_a_session_and_starts_it(
        live_server: Any, open_page: Any) -> None:
    console = open_page(live_server.url + "/console")
    console.get_by_label("Zugangsschlüssel").fill("not the key")
    console.get_by_role("button", name="Anmelden").click()
    console.get_by_role("alert").wait_for()
    console.get_by_label("Zugangsschlüssel").fill(live_server.organiser_key)
    console.get_by_role("button", name="Anmelden").click()
    console.get_by_label("Titel").fill("Klimalabor Musterstadt")
    console.get_by_label("Teilnehmende dürfen ihren Namen angeben").check()
    console.get_by_role("button", name="Sitzung anlegen", exact=True).click()

    console.get_by_role("heading", name="Klimalabor Musterstadt", level=1).wait_for()
    status = console.locator("#session-status")
    expect(status).to_have_text("Entwurf (noch nicht geöffnet)")
    console.get_by_role("button", name="Lobby öffnen").click()
    expect(status).to_have_text("Lobby geöffnet")
    code = console.locator(".code-small").inner_text()
    phone = open_page(f"{live_server.url}/j/{code}", **PHONE)
    phone.get_by_label("Ihr Name (optional)").fill("Ada")
    phone.get_by_role("button", name="Mitmachen").click()
    console.locator("#participant-names", has_text="Ada").wait_for()
    console.get_by_role("button", name="Sitzung starten").click()
    expect(status).to_have_text("Läuft")

    console.get_by_role("link", name="Konsole").click()
    console.get_by_role("link", name="Klimalabor Musterstadt").wait_for()
