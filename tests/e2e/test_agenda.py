"""The agenda and the session timer in real Chromium: phases planned and started from the
console (planned against actual minutes), and one countdown on phone, beamer and console
that the moderator starts, pauses and extends."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest

from tests.e2e.conftest import BEAMER
from tests.e2e.scenes import NARROW, accessible, console, join

pytestmark = pytest.mark.e2e
expect = pytest.importorskip("playwright.sync_api").expect


def add_phase(page: Any, title: str, minutes: int) -> None:
    adding = page.locator("details.new-phase")
    if adding.get_attribute("open") is None:
        adding.locator("summary").click()  # "Neue Phase" is folded in the agenda
    page.get_by_label("Titel der Phase").fill(title)
    page.get_by_label("Geplante Minuten (optional)").fill(str(minutes))
    page.get_by_role("button", name="Phase hinzufügen").click()
    page.locator(".phase-title", has_text=title).wait_for()


def test_phases_and_timer(live_session: dict[str, Any], scene_page: Any) -> None:
    server, code = live_session["server"], live_session["code"]
    mod = console(scene_page, live_session, clock=True)
    add_phase(mod, "Ankommen", 10)
    add_phase(mod, "Ideen sammeln", 20)
    expect(mod.get_by_text("Insgesamt geplant: 30 Min.")).to_be_visible()
    phases = mod.locator(".phases > li")
    phases.nth(0).get_by_role("button", name="Phase starten").click()
    expect(phases.nth(0).locator(".tag")).to_have_text("läuft")
    expect(phases.nth(0).locator(".phase-times")).to_have_text(
        "geplant 10 Min. · tatsächlich 0 Min.")
    expect(phases.nth(1).locator(".phase-times")).to_have_text("geplant 20 Min. · tatsächlich –")
    # One click started the phase's countdown too: its planned ten minutes.
    expect(mod.locator(".timer-time")).to_have_text(re.compile(r"^(10:00|9:5\d)$"))
    expect(mod.locator(".timer-label")).to_have_text("· Ankommen")

    # With phases, a new activity sits under the current phase unless another is chosen.
    mod.get_by_label("Art der Aktivität").select_option("words")
    form = mod.locator("form[data-kind=words]")
    expect(form.get_by_label("Phase")).to_have_value("h1")
    form.get_by_label("Titel", exact=True).fill("Ein Wort zum Ankommen")
    form.get_by_role("button", name="Wortwolke anlegen").click()
    expect(mod.locator("#activities > li .tag", has_text="Phase: Ankommen")).to_be_visible()

    phone = join(scene_page, server, code, **NARROW)
    beamer = scene_page(live_session["presenter_url"], **BEAMER)
    for page in (phone, beamer):
        expect(page.locator("#phase")).to_have_text("Phase 1 von 2: Ankommen")

    mod.get_by_text("Timer stellen").click()  # a countdown of one's own is folded away
    mod.get_by_label("Minuten", exact=True).fill("2")
    mod.get_by_label("Wofür? (optional)").fill("Kleingruppen")
    mod.get_by_role("button", name="Timer starten").click()
    clocks = [page.locator(".timer-time") for page in (phone, beamer, mod)]
    for clock in clocks:
        expect(clock).to_have_text(re.compile(r"^(2:00|1:5\d)$"))
    expect(phone.locator(".timer-label")).to_have_text("· Kleingruppen")
    expect(phone.get_by_role("timer", name="Zeit")).to_be_visible()
    expect(phone.locator(".timer [aria-live]")).to_have_text("noch 2 Minuten")
    first = phone.locator(".timer-time").inner_text()
    expect(phone.locator(".timer-time")).not_to_have_text(first, timeout=3000)  # it counts
    accessible(phone, "the phone with a running timer")
    accessible(beamer, "the beamer with a running timer and a phase")

    mod.get_by_role("button", name="Anhalten").click()
    for page in (phone, beamer, mod):
        expect(page.locator(".timer-state")).to_have_text("angehalten")
    expect(phone.locator(".timer [aria-live]")).to_have_text(
        re.compile(r"^Timer angehalten bei 1:5\d$"))
    paused = phone.locator(".timer-time").inner_text()
    time.sleep(1.2)
    assert phone.locator(".timer-time").inner_text() == paused

    mod.get_by_role("button", name="+1 Min.").click()
    for clock in clocks:
        expect(clock).to_have_text(re.compile(r"^2:5\d$"))
    mod.get_by_role("button", name="Fortsetzen").click()
    expect(phone.locator(".timer-state")).to_have_text("")
    expect(phone.locator(".timer [aria-live]")).to_have_text("noch 3 Minuten")
    accessible(mod, "the console with phases and a running timer")

    # The next phase ends the first; the console compares planned and actual minutes.
    phases.nth(1).get_by_role("button", name="Phase starten").click()
    expect(phases.nth(0).locator(".tag")).to_have_text("beendet")
    expect(phases.nth(1).locator(".tag")).to_have_text("läuft")
    expect(phone.locator("#phase")).to_have_text("Phase 2 von 2: Ideen sammeln")
    expect(phone.locator(".timer-label")).to_have_text("· Ideen sammeln")
    mod.clock.fast_forward("12:00")  # twelve minutes later on the console's clock
    expect(phases.nth(1).locator(".phase-times")).to_have_text(
        "geplant 20 Min. · tatsächlich 12 Min.")
    expect(phases.nth(0).locator(".phase-times")).to_have_text(
        "geplant 10 Min. · tatsächlich 0 Min.")
    expect(mod.locator(".timer-time")).to_have_text(re.compile(r"^(8:00|7:5\d)$"))
    mod.clock.fast_forward("08:00")
    expect(mod.locator(".timer-time")).to_have_text("0:00")
    expect(mod.locator(".timer-state")).to_have_text("Die Zeit ist um")
    expect(mod.locator(".timer [aria-live]")).to_have_text("Die Zeit ist um")

    mod.get_by_role("button", name="Timer beenden").click()
    for page in (phone, beamer):
        expect(page.locator(".timer")).to_be_hidden()
