"""Moderating an idea wall in real Chromium: clusters, merged duplicates, pinning, support
from the phones, and premoderation — as the console does it and the beamer shows it."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.conftest import BEAMER, no_horizontal_scroll
from tests.e2e.scenes import NARROW, accessible, card, console, join, others
from tests.support import moderate

pytestmark = pytest.mark.e2e
expect = pytest.importorskip("playwright.sync_api").expect

TITLE = "Was bremst Klimaschutz?"


def test_clusters_merge_pin_and_support(live_session: dict[str, Any], scene_page: Any) -> None:
    server, code = live_session["server"], live_session["code"]
    moderate(server, live_session, [
        {"type": "activity.create", "kind": "ideas", "title": TITLE,
         "config": {"support": True, "clusters": ["Mobilität"]}},
        {"type": "activity.activate", "activity": "a1"},
    ])
    phone = join(scene_page, server, code)
    phone.get_by_label("Ihre Idee", exact=True).fill("Mehr Radwege")
    phone.get_by_role("button", name="Idee abschicken").click()
    phone.get_by_text("Ihre Idee ist angekommen.").wait_for()
    others(server, live_session,
           [{"type": "idea.add", "activity": "a1", "text": "Radwege ausbauen"},
            {"type": "idea.add", "activity": "a1", "text": "Wärmenetz im Quartier"}],
           [{"type": "idea.add", "activity": "a1", "text": "Tempo 30"}])

    mod = console(scene_page, live_session)
    wall = card(mod, TITLE)
    # A row by its own text (the merge selects of every row list all the other texts too).
    row = lambda text: wall.locator(".idea-admin > li").filter(  # noqa: E731
        has=mod.locator("p.idea-text", has_text=re.compile(f"^{text}$")))
    row("Tempo 30").wait_for()
    wall.locator("summary", has_text="1 Cluster").click()
    wall.get_by_label("Neuer Cluster").fill("Energie")
    wall.get_by_role("button", name="Cluster anlegen").click()
    wall.locator("summary", has_text="2 Cluster").wait_for()
    # What is done to one idea is in its menu (the "⋯" button of its line).
    menu = lambda text: row(text).locator(".menu-button").click()  # noqa: E731
    menu("Wärmenetz im Quartier")
    row("Wärmenetz im Quartier").get_by_label("Cluster").select_option(label="Energie")
    menu("Mehr Radwege")
    row("Mehr Radwege").get_by_label("Cluster").select_option(label="Mobilität")
    merge = row("Radwege ausbauen")
    menu("Radwege ausbauen")
    merge.get_by_label("Als Dublette zusammenführen mit").select_option(label="Mehr Radwege")
    merge.get_by_role("button", name="Zusammenführen").click()
    target = row("Mehr Radwege")
    expect(target.locator(".duplicates")).to_contain_text("Radwege ausbauen")
    menu("Tempo 30")
    row("Tempo 30").get_by_role("button", name="Anheften").click()
    menu("Tempo 30")
    row("Tempo 30").get_by_role("button", name="Lösen").wait_for()
    accessible(mod, "the console moderating ideas with clusters and a merge")

    beamer = scene_page(live_session["presenter_url"], **BEAMER)
    groups = beamer.locator(".wall-group")
    expect(groups.locator(".cluster-name")).to_have_text(
        ["Mobilität (1)", "Energie (1)", "Ohne Cluster (1)"])
    mobility = groups.nth(0).locator(".card")
    expect(mobility).to_have_count(1)
    expect(mobility).to_contain_text("Mehr Radwege")
    expect(mobility.locator(".also")).to_have_text("auch genannt: Radwege ausbauen")
    expect(groups.nth(1)).to_contain_text("Wärmenetz im Quartier")
    expect(groups.nth(2).locator(".card")).to_contain_text("angeheftet")
    expect(beamer.locator("#stage .count")).to_have_text("3 Ideen")
    accessible(beamer, "the beamer with a clustered wall")

    # Revealed, the phones see the same wall and can support others' ideas.
    wall.get_by_role("button", name="Ergebnisse zeigen").click()
    phone_wall = phone.locator(".wall-groups")
    phone_wall.locator(".cluster-name", has_text="Energie (1)").wait_for()
    tempo = phone_wall.locator(".card", has_text="Tempo 30")
    tempo.get_by_role("button", name="Unterstützen").click()
    supported = tempo.get_by_role("button", name="Unterstützt")
    expect(supported).to_have_attribute("aria-pressed", "true")
    mine = phone_wall.locator(".card", has_text="Mehr Radwege")
    expect(mine).to_contain_text("Ihre Idee")
    expect(mine.get_by_role("button")).to_be_hidden()  # one's own idea cannot be supported
    expect(groups.nth(2).locator(".card")).to_contain_text("angeheftet · 1 Unterstützung")
    expect(row("Tempo 30")).to_contain_text("1 Unterstützung")
    accessible(phone, "the phone with the revealed wall and support buttons")
    assert no_horizontal_scroll(phone) == 0

    # Unmerge puts the duplicate back on the wall, outside any cluster.
    target.get_by_role("button", name="Wieder trennen").click()
    expect(beamer.locator(".card", has_text="Radwege ausbauen")).to_have_count(1)
    expect(mobility.locator(".also")).to_be_hidden()
    expect(beamer.locator("#stage .count")).to_have_text("4 Ideen")

    # Deleting a cluster leaves its ideas unclustered.
    wall.get_by_role("button", name="Cluster Energie löschen").click()
    expect(groups.locator(".cluster-name")).to_have_text(["Mobilität (1)", "Ohne Cluster (3)"])

    # All the moderation tools fit a 320 pixel wide screen too.
    narrow = console(scene_page, live_session, **NARROW)
    card(narrow, TITLE).locator(".idea-admin > li").nth(3).wait_for()
    assert no_horizontal_scroll(narrow) == 0


def test_premoderation(live_session: dict[str, Any], scene_page: Any) -> None:
    server, code = live_session["server"], live_session["code"]
    moderate(server, live_session, [
        {"type": "activity.create", "kind": "ideas", "title": TITLE,
         "config": {"premoderation": True}},
        {"type": "activity.activate", "activity": "a1"},
    ])
    beamer = scene_page(live_session["presenter_url"], **BEAMER)
    phone = join(scene_page, server, code)
    phone.get_by_label("Ihre Idee", exact=True).fill("Fernwärme ausbauen")
    phone.get_by_role("button", name="Idee abschicken").click()
    phone.get_by_text("Sie wird gezeigt, sobald die Moderation sie freigegeben hat.").wait_for()
    expect(phone.locator(".own li")).to_contain_text("Wartet auf Freigabe durch die Moderation")
    accessible(phone, "an idea waiting for approval on the phone")

    mod = console(scene_page, live_session)
    wall = card(mod, TITLE)
    pending = wall.locator(".idea-admin > li").filter(
        has=mod.locator("p.idea-text", has_text="Fernwärme ausbauen"))
    expect(pending).to_contain_text("wartet auf Freigabe")
    expect(wall.locator(".hint").first).to_contain_text("1 warten auf Freigabe")
    expect(beamer.locator(".wall .card")).to_have_count(0)
    accessible(mod, "the console with an idea waiting for approval")
    pending.get_by_role("button", name="Freigeben").click()
    beamer.locator(".wall .card", has_text="Fernwärme ausbauen").wait_for()
    expect(pending.get_by_role("button", name="Freigeben")).to_have_count(0)
