"""Answers to questions and the next steps, in real Chromium: the moderator records an answer
in the console and the phone and the beamer show it under the question; the moderator adds,
edits and deletes next steps and a second console tab follows every change; a participant's
or moderator's markup stays text everywhere; the steps can still be recorded after the close.

The sessions are English: the new texts are English msgids, so the test does not wait for
their German translations in the catalogues (the German pages show the same elements)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import BEAMER, PHONE, wait_until
from tests.e2e.scenes import accessible, card, console, others
from tests.support import moderate

pytestmark = pytest.mark.e2e
expect = pytest.importorskip("playwright.sync_api").expect

HOSTILE = "<img src=x onerror=alert(1)>"
WIDE = {"viewport": {"width": 1366, "height": 768}}


@pytest.fixture
def english(live_server: Any) -> dict[str, Any]:
    """An English session, opened and started."""
    session = live_server.create_session(title="Mobility lab", language="en")
    moderate(live_server, session, [{"type": "session.open"}, {"type": "session.start"}])
    return {**session, "server": live_server}


def join(scene_page: Any, server: Any, code: str) -> Any:
    phone = scene_page(f"{server.url}/j/{code}", **PHONE)
    phone.get_by_role("button", name="Take part").click()
    phone.wait_for_url(f"**/s/{code}")
    phone.wait_for_selector("#status[data-status=connected]")
    return phone


def no_markup(page: Any, selector: str) -> None:
    """Nothing under selector became an element from the hostile text."""
    assert page.locator(f"{selector} img").count() == 0


def test_an_answer_reaches_the_phone_and_the_beamer(english: dict[str, Any],
                                                    scene_page: Any) -> None:
    server, code = english["server"], english["code"]
    moderate(server, english, [
        {"type": "activity.create", "kind": "qa", "title": "Questions to the mayor"},
        {"type": "activity.activate", "activity": "a1"},
        {"type": "activity.reveal", "activity": "a1"},
    ])
    others(server, english, [{"type": "question.ask", "activity": "a1",
                              "text": "Who pays for the bike lanes?"}])
    phone = join(scene_page, server, code)
    beamer = scene_page(english["presenter_url"], **BEAMER)
    mod = console(scene_page, english, **WIDE)
    row = card(mod, "Questions to the mayor").locator("li", has_text="Who pays")

    # Record: the inline form opens with the focus in it; Escape closes it again.
    row.get_by_role("button", name="Record answer").click()
    field = row.get_by_label("Answer to this question")
    expect(field).to_be_focused()
    expect(field).to_have_attribute("maxlength", "1000")
    mod.keyboard.press("Escape")
    expect(field).to_be_hidden()
    expect(row.get_by_role("button", name="Record answer")).to_be_focused()
    # An empty answer is not sent.
    mod.keyboard.press("Enter")
    field.fill("   ")
    row.get_by_role("button", name="Save answer").click()
    expect(row.get_by_role("alert")).to_have_text("Write the answer first.")
    answer = f"The state funds 80 %. {HOSTILE}"
    field.fill(answer)
    row.get_by_role("button", name="Save answer").click()
    expect(field).to_be_hidden()
    expect(row.locator(".qa-answer-text")).to_have_text(answer)
    expect(row.locator("p.hint").first).to_contain_text("answered")

    shown = phone.locator(".questions li", has_text="Who pays")
    expect(shown.locator(".qa-answer-text")).to_have_text(answer)
    expect(shown.locator(".qa-answer-label")).to_have_text("Answer")
    on_beamer = beamer.locator(".questions-wall li", has_text="Who pays")
    expect(on_beamer.locator(".qa-answer-text")).to_have_text(answer)
    for page, where in ((phone, ".questions"), (beamer, ".questions-wall"), (mod, "#activities")):
        no_markup(page, where)
    accessible(phone, "the phone with an answered question")
    accessible(mod, "the console with an answer")

    # Edit: the form holds the answer; the phone follows.
    row.get_by_role("button", name="Edit answer").click()
    expect(field).to_have_value(answer)
    field.fill("The state funds 80 %, the town the rest.")
    field.press("Tab")
    mod.keyboard.press("Enter")  # the focus is on "Save answer"
    edited = "The state funds 80 %, the town the rest."
    expect(shown.locator(".qa-answer-text")).to_have_text(edited)

    # Remove: gone on every screen, the question stays answered.
    row.get_by_role("button", name="Remove answer").click()
    expect(shown.locator(".qa-answer")).to_have_count(0)
    expect(on_beamer.locator(".qa-answer")).to_be_hidden()
    expect(row.locator(".qa-answer")).to_be_hidden()
    expect(row.get_by_role("button", name="Record answer")).to_be_visible()
    expect(shown).to_contain_text("answered")


def steps_in(page: Any) -> list[str]:
    return list(page.locator("#next-steps .step-what").all_text_contents())


def test_next_steps_are_added_edited_and_deleted_in_two_tabs(english: dict[str, Any],
                                                             scene_page: Any) -> None:
    server = english["server"]
    moderate(server, english, [
        {"type": "activity.create", "kind": "ideas", "title": "Ideas for cycling"},
        {"type": "group.create", "name": "Mobility"},
        {"type": "group.create", "name": "Energy"},
    ])
    mod = console(scene_page, english, **WIDE)
    other = console(scene_page, english, **WIDE)
    panel = mod.locator(".area-nextsteps")
    expect(panel.get_by_role("heading", name="Next steps")).to_be_visible()
    expect(panel).to_contain_text("No next steps yet.")
    expect(panel.get_by_label("What")).to_have_attribute("maxlength", "300")
    expect(panel.get_by_label("Who")).to_have_attribute("maxlength", "120")
    expect(panel.get_by_label("By when")).to_have_attribute("type", "date")

    # Without "What" nothing is sent, and the form says why.
    panel.get_by_role("button", name="Add step").click()
    expect(panel.get_by_role("alert")).to_have_text("Say what is to be done.")

    # Add, with the activity and the group it came from.
    panel.get_by_label("What").fill(f"Apply for funding {HOSTILE}")
    panel.get_by_label("Who").fill("Ms Weber, climate office")
    panel.get_by_label("By when").fill("2027-03-31")
    panel.get_by_label("From activity").select_option(label="Ideas for cycling")
    panel.get_by_label("Group").select_option(label="Mobility")
    panel.get_by_role("button", name="Add step").click()
    expect(mod.locator("#notice")).to_have_text("The next step is recorded.")
    expect(panel.get_by_label("What")).to_have_value("")
    for page in (mod, other):
        step = page.locator("#next-steps .next-step")
        expect(step).to_have_count(1)
        expect(step.locator(".step-what")).to_have_text(f"Apply for funding {HOSTILE}")
        expect(step.locator(".step-meta")).to_contain_text("Who: Ms Weber, climate office")
        expect(step.locator(".step-meta")).to_contain_text("By: Mar 31, 2027")
        expect(step.locator(".step-meta")).to_contain_text("From: Ideas for cycling")
        expect(step.locator(".step-meta")).to_contain_text("Mobility")
        no_markup(page, "#next-steps")
    ident = wait_until(mod, "document.querySelector('#next-steps .next-step')?.dataset.key")
    assert ident == "n1"

    # A second step without who and date; both tabs keep the recorded order.
    panel.get_by_label("What").fill("Count the cyclists on Main Street")
    panel.get_by_label("What").press("Tab")
    panel.get_by_role("button", name="Add step").click()
    for page in (mod, other):
        wait_until(page, "document.querySelectorAll('#next-steps .next-step').length === 2")
        assert steps_in(page) == [f"Apply for funding {HOSTILE}",
                                  "Count the cyclists on Main Street"]
    accessible(mod, "the console with next steps")

    # Edit the first one: the form holds it; saving changes it in the other tab too.
    mod.locator("#next-steps .next-step").first.get_by_role("button", name="Edit").click()
    expect(panel.get_by_label("What")).to_be_focused()
    expect(panel.get_by_label("What")).to_have_value(f"Apply for funding {HOSTILE}")
    expect(panel.get_by_label("Group")).to_have_value("g1")
    panel.get_by_label("What").fill("Apply for federal funding")
    panel.get_by_label("By when").fill("2027-04-30")
    panel.get_by_label("Group").select_option(label="no group")
    panel.get_by_role("button", name="Save changes").click()
    expect(mod.locator("#notice")).to_have_text("The next step is saved.")
    expect(panel.get_by_role("button", name="Add step")).to_be_visible()
    first = other.locator("#next-steps .next-step").first
    expect(first.locator(".step-what")).to_have_text("Apply for federal funding")
    expect(first.locator(".step-meta")).to_contain_text("By: Apr 30, 2027")
    expect(first.locator(".step-meta")).not_to_contain_text("Mobility")

    # A refusal of the server shows next to the form (a date the server does not take).
    mod.locator("#next-steps .next-step").nth(1).get_by_role("button", name="Edit").click()
    mod.evaluate("""() => { const due = document.getElementById('nextstep-due');
                            due.type = 'text'; due.value = '31.03.2027'; }""")
    panel.get_by_role("button", name="Save changes").click()
    refusal = panel.get_by_role("alert")
    expect(refusal).to_be_visible()
    said = refusal.text_content().strip()
    assert said
    # Shown once, next to the form (the top notice may still say the save before it).
    expect(mod.locator("#notice")).not_to_contain_text(said)
    panel.get_by_role("button", name="Cancel").click()
    mod.evaluate("() => { document.getElementById('nextstep-due').type = 'date'; }")

    # Delete asks first; cancelling keeps the step, confirming removes it in both tabs.
    row = mod.locator("#next-steps .next-step", has_text="Count the cyclists")
    row.get_by_role("button", name="Delete").click()
    dialog = mod.get_by_role("dialog", name="Delete this next step?")
    expect(dialog).to_contain_text("Count the cyclists on Main Street")
    dialog.get_by_role("button", name="Cancel").click()
    expect(mod.locator("#next-steps .next-step")).to_have_count(2)
    row.get_by_role("button", name="Delete").click()
    dialog.get_by_role("button", name="Delete").click()
    expect(mod.locator("#notice")).to_have_text("The next step is deleted.")
    for page in (mod, other):
        wait_until(page, "document.querySelectorAll('#next-steps .next-step').length === 1")
        assert steps_in(page) == ["Apply for federal funding"]

    # After the close the steps can still be recorded (the documentation is written again).
    moderate(server, english, [{"type": "session.close"}])
    expect(other.locator("#session-status")).to_have_text("Closed")
    other_panel = other.locator(".area-nextsteps")
    other_panel.get_by_label("What").fill("Report to the council")
    other_panel.get_by_role("button", name="Add step").click()
    for page in (mod, other):
        expect(page.locator("#next-steps .next-step")).to_have_count(2)
    accessible(other, "the console of a closed session with next steps")
