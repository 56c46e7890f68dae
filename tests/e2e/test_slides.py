"""Slides in real Chromium (issue 11, done-when): the moderator uploads a 30-page PDF for a
phase in the console, steps through it with PageDown (and back with PageUp, and with a
clicker's key on the beamer's tab), and the beamer and an online phone show each page: the
page's own image, "3 / 30" on the beamer and "Folie 3 von 30" on the phone, the page's text as
the image's name and description; after the last page "Weiter" goes on with the plan. The
beamer never scrolls at 1280x720 and 1920x1080, a refused upload says why next to the control,
and the phone's first screen shows the page."""

from __future__ import annotations

import asyncio
import concurrent.futures
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.conftest import LiveServer
from tests.e2e.conftest import BEAMER, axe_path, wait_until
from tests.e2e.media_files import deck_pdf
from tests.e2e.scenes import NARROW, accessible, console, join
from tests.e2e.test_beamer import PROBLEMS
from tests.support import fresh_hello, moderate

pytestmark = pytest.mark.e2e

LAPTOP = {"viewport": {"width": 1366, "height": 768}}
PAGES = 30


def run(coro: Any) -> Any:
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def deck_of(server: LiveServer, session: dict[str, Any]) -> dict[str, Any]:
    """The slides activity's deck as a fresh moderator connection sees it."""
    hello = run(fresh_hello(server, session["code"], session["moderator_token"]))
    slides = [a for a in hello["session"]["activities"] if a["kind"] == "slides"]
    assert len(slides) == 1, slides
    return dict(slides[0])


def prepared(server: LiveServer) -> dict[str, Any]:
    """A live session with an input phase and a phase of group work after it."""
    session = server.create_session("Simulationslabor")
    moderate(server, session, [
        {"type": "phase.create", "title": "Input", "minutes": 20},
        {"type": "phase.create", "title": "Kleingruppen", "minutes": 30},
        {"type": "session.open"}, {"type": "session.start"}])
    hello = run(fresh_hello(server, session["code"], session["moderator_token"]))
    second = hello["session"]["phases"][1]["id"]
    moderate(server, session, [{"type": "activity.create", "kind": "ideas",
                                "title": "Ideen sammeln", "phase": second}])
    return session


def upload_for_phase(page: Any, phase: str, data: bytes, name: str = "Beispiele.pdf") -> None:
    """The agenda's "Folien …" button of the phase, then the file, then "Folien hochladen"."""
    page.locator(".phase", has_text=phase).get_by_role("button", name="Folien …").click()
    form = page.locator("form.create[data-kind=slides]")
    expect(form).to_be_visible()
    assert form.locator("select[name=phase] option:checked").text_content() == phase
    form.locator("input[type=file]").set_input_files(
        {"name": name, "mimeType": "application/pdf", "buffer": data})
    form.get_by_role("button", name="Folien hochladen").click()


def shows(beamer: Any, phone: Any, deck: dict[str, Any], page: int) -> None:
    """The beamer and the phone show this page of the deck."""
    image = deck["deck"]["pages"][page - 1]["image"]
    for who, where in ((beamer, ".slides-stage"), (phone, ".slides-phone")):
        wait_until(who, f"document.querySelector('{where} .slide-image')?.dataset.page "
                        f"=== '{page}'")
    for who in (beamer, phone):
        src = who.locator(".slide-image").get_attribute("src")
        assert src.endswith(f"/{image}"), (page, src, image)
    expect(beamer.locator(".slide-number")).to_have_text(f"{page} / {PAGES}")
    expect(phone.locator(".slide-label")).to_have_text(f"Folie {page} von {PAGES}")


def test_a_30_page_deck_steps_on_beamer_and_phone(live_server: LiveServer, scene_page: Any) -> None:
    session = prepared(live_server)
    mod = console(scene_page, session, **LAPTOP)
    # The beamer's tab in the moderator's browser: a clicker's keys reach the console.
    beamer = mod.context.new_page()
    beamer.set_viewport_size(BEAMER["viewport"])
    if axe_path():
        beamer.add_init_script(path=axe_path())
    beamer.goto(session["presenter_url"])
    beamer.wait_for_selector("#status[data-status=connected]")
    phone = join(scene_page, live_server, session["code"], "online")

    upload_for_phase(mod, "Input", deck_pdf(PAGES))
    expect(mod.locator("form.create[data-kind=slides] .upload-feedback")).to_have_text(
        f"Die Folien sind bereit: {PAGES} Seiten.", timeout=60_000)
    deck = deck_of(live_server, session)
    assert deck["title"] == "Beispiele" and deck["page"] == 1
    assert len(deck["deck"]["pages"]) == PAGES
    assert deck["deck"]["pages"][2]["text"].startswith("Folie 3: Klimaschutz in Kommunen")
    # At the start of its phase, before the ideas.
    card = mod.locator("#activities > li", has_text="Beispiele")
    expect(card.locator(".slides-strip > li")).to_have_count(PAGES)

    # PageDown: the phase starts with its first activity, the slides; then page by page.
    mod.locator("body").click(position={"x": 5, "y": 300})
    expect(mod.locator("#next")).to_contain_text("Phase 1 starten")
    mod.keyboard.press("PageDown")
    shows(beamer, phone, deck, 1)
    expect(mod.locator("#next")).to_contain_text("Nächste Folie")
    for page in range(2, PAGES + 1):
        mod.keyboard.press("PageDown")
        shows(beamer, phone, deck, page)
        if page == 3:
            # The page's text: the image's name and description, and to read along.
            expect(beamer.locator(".slide-image")).to_have_attribute(
                "alt", "Folie 3 von 30: Folie 3: Klimaschutz in Kommunen")
            described = beamer.locator(".slide-image").get_attribute("aria-describedby")
            expect(beamer.locator(f"#{described}")).to_contain_text("Beispiel aus Kommune 3")
            details = phone.locator("details.slide-details")
            details.locator("summary", has_text="Text der Folie").click()
            expect(details).to_contain_text("Beispiel aus Kommune 3")
            expect(card.locator(".slides-strip > li.current")).to_contain_text("3")
            expect(card.locator(".slides-where")).to_have_text("Folie 3 von 30")
            accessible(phone, "a phone with a slide and its text")
            accessible(beamer, "the beamer with a slide")
            accessible(mod, "the console with a deck of slides")
    # Back one with PageUp, on again with a clicker's PageDown on the beamer's tab.
    mod.keyboard.press("PageUp")
    shows(beamer, phone, deck, PAGES - 1)
    # The console has the step back too before the clicker goes on from the beamer's tab (as
    # a person's next click comes after the screen changed): otherwise the console may still
    # hold page 30, and its "next" is the next phase.
    expect(card.locator(".slides-where")).to_have_text(f"Folie {PAGES - 1} von {PAGES}")
    expect(mod.locator("#next")).to_contain_text("Nächste Folie")
    beamer.bring_to_front()
    beamer.keyboard.press("PageDown")
    shows(beamer, phone, deck, PAGES)
    mod.bring_to_front()
    # After the last page, "Weiter" goes on with the plan: the next phase.
    expect(mod.locator("#next")).to_contain_text("Phase 2 starten")
    mod.keyboard.press("PageDown")
    wait_until(beamer, "!document.querySelector('.slides-stage')")
    expect(phone.locator("#activity-title")).to_have_text("Ideen sammeln")


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)], ids=["720p", "1080p"])
def test_the_page_fills_the_beamer_without_scrolling(live_server: LiveServer, scene_page: Any,
                                                      size: tuple[int, int]) -> None:
    session = prepared(live_server)
    mod = console(scene_page, session, **LAPTOP)
    upload_for_phase(mod, "Input", deck_pdf(4))
    expect(mod.locator("form.create[data-kind=slides] .upload-feedback")).to_have_text(
        "Die Folien sind bereit: 4 Seiten.", timeout=60_000)
    mod.locator("#next").click()
    width, height = size
    beamer = scene_page(session["presenter_url"], viewport={"width": width, "height": height})
    wait_until(beamer, "document.querySelector('.slide-image')?.complete "
                       "&& document.querySelector('.slide-image').naturalWidth > 0")
    problems = beamer.evaluate(PROBLEMS)
    assert problems == [], problems
    box = beamer.locator(".slide-image").bounding_box()
    # A 16:9 page on a 16:9 screen: nearly the whole screen.
    assert box["width"] >= 0.95 * width and box["height"] >= 0.95 * height, box
    code = beamer.locator(".joinbox .code")
    expect(code).to_be_visible()
    corner = code.bounding_box()
    assert corner["x"] > width / 2 and corner["y"] > height / 2, corner
    phone = join(scene_page, live_server, session["code"], "online", **NARROW)
    wait_until(phone, "document.querySelector('.slides-phone .slide-image')?.complete")
    image = phone.locator(".slides-phone .slide-image").bounding_box()
    assert image["y"] + image["height"] <= 640, image  # the page in the first screen
    assert phone.evaluate("document.documentElement.scrollWidth") <= 320


def test_a_refused_upload_says_why_next_to_the_control(live_server: LiveServer,
                                                        scene_page: Any) -> None:
    session = prepared(live_server)
    mod = console(scene_page, session, **LAPTOP)
    upload_for_phase(mod, "Input", b"PK\x03\x04 not a pdf at all", name="Folien.pdf")
    feedback = mod.locator("form.create[data-kind=slides] .upload-feedback")
    expect(feedback).to_contain_text("PDF", timeout=20_000)
    expect(feedback).to_have_attribute("data-kind", "error")
    hello = run(fresh_hello(live_server, session["code"], session["moderator_token"]))
    assert not [a for a in hello["session"]["activities"] if a["kind"] == "slides"]


def test_a_qa_runs_beside_the_slides(live_server: LiveServer, scene_page: Any) -> None:
    """Questions to the panel stay open while the slides are shown: the phone asks under the
    slide, and the question box stays while the pages change."""
    session = prepared(live_server)
    hello = run(fresh_hello(live_server, session["code"], session["moderator_token"]))
    first = hello["session"]["phases"][0]["id"]
    moderate(live_server, session, [{"type": "activity.create", "kind": "qa",
                                     "title": "Fragen zum Input", "phase": first}])
    mod = console(scene_page, session, **LAPTOP)
    upload_for_phase(mod, "Input", deck_pdf(3))
    expect(mod.locator("form.create[data-kind=slides] .upload-feedback")).to_have_text(
        "Die Folien sind bereit: 3 Seiten.", timeout=60_000)
    activities = {a["kind"]: a["id"] for a in deck_of_session(live_server, session)}
    moderate(live_server, session, [
        {"type": "activity.activate", "activity": activities["qa"]},
        {"type": "activity.activate", "activity": activities["slides"]}])
    phone = join(scene_page, live_server, session["code"], "online", **NARROW)
    beside = phone.locator("section.beside")
    expect(beside.get_by_role("heading", name="Fragen zum Input")).to_be_visible()
    beside.get_by_label("Ihre Frage").fill("Welche Kommune hat das zuerst gemacht?")
    beside.get_by_role("button", name="Frage stellen").click()
    expect(beside.locator(".questions li")).to_contain_text("Welche Kommune")
    moderate(live_server, session, [{"type": "slides.show", "activity": activities["slides"],
                                     "page": 2}])
    wait_until(phone, "document.querySelector('.slides-phone .slide-image')?.dataset.page === '2'")
    expect(beside.get_by_label("Ihre Frage")).to_be_visible()
    accessible(phone, "a phone with a slide and the question box beside it")
    # Anything else made current closes both.
    moderate(live_server, session, [{"type": "activity.activate",
                                     "activity": activities["ideas"]}])
    expect(phone.locator("#activity-title")).to_have_text("Ideen sammeln")
    expect(phone.locator("section.beside")).to_have_count(0)


def deck_of_session(server: LiveServer, session: dict[str, Any]) -> list[dict[str, Any]]:
    hello = run(fresh_hello(server, session["code"], session["moderator_token"]))
    return list(hello["session"]["activities"])
