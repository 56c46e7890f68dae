"""Deciding and asking in real Chromium: a consent vote with its result line, a word cloud,
and questions to the panel with upvotes, answered and pinned questions."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.conftest import BEAMER, no_horizontal_scroll
from tests.e2e.scenes import accessible, card, console, join, others
from tests.support import moderate

pytestmark = pytest.mark.e2e
expect = pytest.importorskip("playwright.sync_api").expect


def test_consent_vote(live_session: dict[str, Any], scene_page: Any) -> None:
    server, code = live_session["server"], live_session["code"]
    mod = console(scene_page, live_session)
    mod.get_by_label("Art der Aktivität").select_option("consent")
    form = mod.locator("form[data-kind=consent]")
    form.get_by_label("Titel").fill("Wir beschließen den Maßnahmenplan Mobilität")
    form.get_by_label("Geheime Abstimmung").uncheck()
    form.get_by_label("Quorum").fill("3")
    accessible(mod, "the console with the form for a decision")
    form.get_by_role("button", name="Beschluss anlegen").click()
    decision = card(mod, "Wir beschließen den Maßnahmenplan Mobilität")
    decision.get_by_role("button", name="Aktivieren").click()

    phone = join(scene_page, server, code)
    phone.get_by_role("group", name="Ihre Stimme").get_by_label("Zustimmung").check()
    phone.get_by_role("button", name="Stimme abgeben").click()
    phone.get_by_text("Ihre Stimme: Zustimmung").wait_for()
    accessible(phone, "the phone after voting on a proposal")

    others(server, live_session,
           [{"type": "consent.cast", "activity": "a1", "vote": "yes"}],
           [{"type": "consent.cast", "activity": "a1", "vote": "abstain"}])
    line = "Zustimmung 2 · Ablehnung 0 · Enthaltung 1 — angenommen"
    expect(decision.locator(".consent-line")).to_have_text(line)
    # An open vote: the moderator (only) sees who voted how.
    expect(decision.locator(".names li")).to_have_count(3)
    expect(decision.locator(".names")).to_contain_text("Enthaltung")
    accessible(mod, "the console with the result of an open vote")

    beamer = scene_page(live_session["presenter_url"], **BEAMER)
    beamer.get_by_text("Ergebnisse folgen").wait_for()
    expect(beamer.locator(".consent-line")).to_be_hidden()
    decision.get_by_role("button", name="Ergebnisse zeigen").click()
    expect(beamer.locator(".consent-line")).to_have_text(line)
    expect(beamer.locator(".bars li", has_text="Zustimmung")).to_contain_text("2 Stimmen · 67 %")
    accessible(beamer, "the beamer with the decision")
    expect(phone.locator(".consent-line")).to_have_text(line)
    expect(phone.locator(".names")).to_have_count(0)


def test_word_cloud(live_session: dict[str, Any], scene_page: Any) -> None:
    server, code = live_session["server"], live_session["code"]
    moderate(server, live_session, [
        {"type": "activity.create", "kind": "words", "title": "Klimaschutz in einem Wort?",
         "config": {"max_words": 3}},
        {"type": "activity.activate", "activity": "a1"},
    ])
    phone = join(scene_page, server, code)
    phone.get_by_label("Wort 1").fill("Radverkehr")
    phone.get_by_label("Wort 2").fill("Wärme pumpe")
    phone.get_by_role("button", name="Abschicken").click()
    expect(phone.locator(".activity .feedback")).to_have_text(
        "Bitte ein Wort pro Feld, ohne Leerzeichen.")
    phone.get_by_label("Wort 2").fill("Wärmepumpe")
    phone.get_by_role("button", name="Abschicken").click()
    phone.get_by_text("Ihre Wörter: Radverkehr, Wärmepumpe").wait_for()
    accessible(phone, "the phone after sending words")

    others(server, live_session,
           [{"type": "words.submit", "activity": "a1", "words": ["radverkehr", "Solar"]}],
           [{"type": "words.submit", "activity": "a1", "words": ["Radverkehr "]}])
    mod = console(scene_page, live_session)
    words = card(mod, "Klimaschutz in einem Wort?")
    words.get_by_role("button", name="Wort Solar ausblenden").wait_for()
    words.get_by_role("button", name="Ergebnisse zeigen").click()

    beamer = scene_page(live_session["presenter_url"], **BEAMER)
    cloud = beamer.locator(".cloud li")
    expect(cloud).to_have_count(3)
    expect(cloud.first).to_have_text("Radverkehr 3")
    sizes = [float(re.sub("[^0-9.]", "", s)) for s in cloud.evaluate_all(
        "items => items.map(li => li.style.fontSize)")]
    assert sizes[0] > sizes[1] == sizes[2]  # three times said, written largest
    accessible(beamer, "the beamer with a word cloud")

    words.get_by_role("button", name="Wort Solar ausblenden").click()
    expect(beamer.locator(".cloud li", has_text="Solar")).to_have_count(0)
    expect(words.get_by_role("button", name="Wort Solar wieder einblenden")).to_be_visible()
    accessible(mod, "the console with a hidden word")
    expect(phone.locator(".cloud li")).to_have_count(2)
    assert no_horizontal_scroll(phone) == 0


def test_questions_to_the_panel(live_session: dict[str, Any], scene_page: Any) -> None:
    server, code = live_session["server"], live_session["code"]
    moderate(server, live_session, [
        {"type": "activity.create", "kind": "qa", "title": "Fragen an das Podium"},
        {"type": "activity.activate", "activity": "a1"},
        {"type": "activity.reveal", "activity": "a1"},  # vote counts live on every screen
    ])
    phone = join(scene_page, server, code)
    phone.get_by_label("Ihre Frage").fill("Wie wird das finanziert?")
    phone.get_by_role("button", name="Frage stellen").click()
    phone.get_by_text("Ihre Frage ist angekommen.").wait_for()
    own = phone.locator(".questions li", has_text="Wie wird das finanziert?")
    expect(own).to_contain_text("Ihre Frage")
    expect(own.get_by_role("button", name="Interessiert mich auch")).to_have_count(0)

    others(server, live_session,
           [{"type": "question.ask", "activity": "a1", "text": "Wer koordiniert das?"}])
    other = phone.locator(".questions li", has_text="Wer koordiniert das?")
    upvote = other.get_by_role("button", name="Interessiert mich auch")
    expect(upvote).to_have_attribute("aria-pressed", "false")
    upvote.click()
    expect(upvote).to_have_attribute("aria-pressed", "true")
    expect(other).to_contain_text("1 Stimme")
    # The most voted open question comes first.
    expect(phone.locator(".questions li").first).to_contain_text("Wer koordiniert das?")
    accessible(phone, "questions with an upvote on the phone")

    beamer = scene_page(live_session["presenter_url"], **BEAMER)
    rows = beamer.locator(".questions-wall li")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("1 Stimme")

    mod = console(scene_page, live_session)
    qa = card(mod, "Fragen an das Podium")
    qa.locator("li", has_text="Wer koordiniert das?").get_by_role(
        "button", name="Als beantwortet markieren").click()
    qa.locator("li", has_text="Wie wird das finanziert?").get_by_role(
        "button", name="Anheften").click()
    expect(rows.first).to_contain_text("Wie wird das finanziert?")
    expect(rows.first).to_contain_text("angeheftet")
    expect(rows.nth(1)).to_contain_text("Wer koordiniert das?")
    expect(rows.nth(1)).to_contain_text("beantwortet")
    expect(phone.locator(".questions li").nth(1)).to_contain_text("beantwortet")
    accessible(beamer, "the beamer with answered and pinned questions")
    accessible(mod, "the console with questions")
