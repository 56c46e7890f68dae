"""Prioritising in real Chromium on phones: dot voting, ranking, rating on criteria and the
impact × effort matrix. Everything is operated with buttons and form controls (no dragging),
the beamer shows results only once revealed, and axe-core checks every new state."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.conftest import BEAMER, no_horizontal_scroll, wait_until
from tests.e2e.scenes import NARROW, accessible, card, console, join, others
from tests.support import moderate

pytestmark = pytest.mark.e2e
expect = pytest.importorskip("playwright.sync_api").expect

ITEMS = ["Carsharing", "Wärmenetz", "Photovoltaik", "Radwege"]


def test_dot_voting(live_session: dict[str, Any], scene_page: Any) -> None:
    server, code = live_session["server"], live_session["code"]
    moderate(server, live_session, [
        {"type": "activity.create", "kind": "dots", "title": "Was packen wir zuerst an?",
         "config": {"items": ITEMS, "dots": 5, "per_item": 3}},
        {"type": "activity.activate", "activity": "a1"},
    ])
    beamer = scene_page(live_session["presenter_url"], **BEAMER)
    beamer.get_by_role("heading", name="Was packen wir zuerst an?").wait_for()
    expect(beamer.locator("#stage .beamer-items li")).to_have_count(4)
    phone = join(scene_page, server, code)
    left = phone.locator(".dots-left")
    expect(left).to_have_text("Noch 5 Punkte von 5 übrig")
    phone.get_by_role("group", name="Punkte vergeben").wait_for()

    more = lambda item: phone.get_by_role("button", name=f"Einen Punkt mehr für {item}")  # noqa: E731
    less = lambda item: phone.get_by_role("button", name=f"Einen Punkt weniger für {item}")  # noqa: E731
    for _ in range(3):
        more("Carsharing").click()
    expect(left).to_have_text("Noch 2 Punkte von 5 übrig")
    expect(more("Carsharing")).to_have_attribute("aria-disabled", "true")
    more("Carsharing").click(force=True)  # a fourth dot on one item: said, not sent
    expect(phone.locator(".activity .feedback")).to_have_text("Höchstens 3 Punkte pro Eintrag.")
    more("Wärmenetz").click()
    more("Wärmenetz").click()
    expect(left).to_have_text("Noch 0 Punkte von 5 übrig")
    more("Radwege").click(force=True)
    expect(phone.locator(".activity .feedback")).to_contain_text("keine Punkte mehr")
    # Moving a dot: one off Carsharing, one onto Radwege.
    less("Carsharing").click()
    expect(left).to_have_text("Noch 1 Punkt von 5 übrig")
    more("Radwege").click()
    expect(left).to_have_text("Noch 0 Punkte von 5 übrig")
    row = phone.locator(".dot-item", has_text="Carsharing")
    expect(row.locator(".dot-count")).to_have_text("2 Punkte")
    wait_until(phone, f"!localStorage.getItem('facilitator:outbox:{code}:participant')")
    accessible(phone, "dot voting on the phone with dots placed")

    others(server, live_session, [{"type": "dots.set", "activity": "a1", "item": "t2", "count": 3}])
    mod = console(scene_page, live_session)
    mod_card = card(mod, "Was packen wir zuerst an?")
    mod_card.get_by_text("2 Personen haben 8 Punkte vergeben").wait_for()
    expect(beamer.locator(".bars")).to_be_hidden()
    expect(beamer.get_by_text("Ergebnisse folgen")).to_be_visible()
    accessible(mod, "the console with dot results")

    mod_card.get_by_role("button", name="Ergebnisse zeigen").click()
    bars = beamer.locator("#stage .bars li")
    expect(bars).to_have_count(4)
    expect(bars.nth(0)).to_contain_text("1. Wärmenetz")
    expect(bars.nth(0)).to_contain_text("5 Punkte · 2 Personen")
    expect(bars.nth(1)).to_contain_text("2. Carsharing")
    expect(bars.nth(2)).to_contain_text("3. Radwege")
    expect(bars.nth(3)).to_contain_text("4. Photovoltaik")
    expect(bars.nth(0).locator(".bar-fill")).to_have_attribute("style", re.compile(r"width: 100%"))
    accessible(beamer, "the beamer with ranked dot results")
    phone.locator(".bars li").first.wait_for()
    assert no_horizontal_scroll(phone) == 0


def test_ranking_with_buttons(live_session: dict[str, Any], scene_page: Any) -> None:
    server, code = live_session["server"], live_session["code"]
    moderate(server, live_session, [
        {"type": "activity.create", "kind": "ranking", "title": "Reihenfolge der Maßnahmen",
         "config": {"items": ITEMS[:3], "top": None}},
        {"type": "activity.activate", "activity": "a1"},
    ])
    phone = join(scene_page, server, code)
    places = phone.locator(".rank-item .rank-label")
    expect(places).to_have_text(ITEMS[:3])
    # Keyboard only: Photovoltaik to the top with its "up" button, twice.
    up = phone.get_by_role("button", name="Photovoltaik nach oben")
    up.focus()
    phone.keyboard.press("Enter")
    phone.keyboard.press("Enter")
    expect(places).to_have_text(["Photovoltaik", "Carsharing", "Wärmenetz"])
    expect(up).to_be_focused()  # focus stays on the moved item's button
    expect(phone.locator(".rank-moved")).to_have_text("Photovoltaik: Platz 1 von 3")
    phone.get_by_role("button", name="Wärmenetz nach oben").click()
    expect(places).to_have_text(["Photovoltaik", "Wärmenetz", "Carsharing"])
    accessible(phone, "ordering items on the phone")
    phone.get_by_role("button", name="Reihenfolge abschicken").click()
    phone.get_by_text("Ihre Reihenfolge: 1. Photovoltaik, 2. Wärmenetz, 3. Carsharing").wait_for()

    others(server, live_session,
           [{"type": "ranking.set", "activity": "a1", "order": ["t2", "t3", "t1"]}])
    moderate(server, live_session, [{"type": "activity.reveal", "activity": "a1"}])
    beamer = scene_page(live_session["presenter_url"], **BEAMER)
    bars = beamer.locator("#stage .bars li")
    expect(bars).to_have_count(3)
    # Borda with 3 places: Photovoltaik 3+2, Wärmenetz 2+3, Carsharing 1+1.
    # Ties share the rank and are listed in item order.
    expect(bars.nth(0)).to_contain_text("1. Wärmenetz")
    expect(bars.nth(0)).to_contain_text("5 Punkte")
    expect(bars.nth(1)).to_contain_text("1. Photovoltaik")
    expect(bars.nth(2)).to_contain_text("3. Carsharing")
    expect(bars.nth(2)).to_contain_text("2 Punkte")
    accessible(beamer, "the beamer with a ranking")
    accessible(phone, "the phone with the revealed ranking")


def test_scale_with_two_criteria(live_session: dict[str, Any], scene_page: Any) -> None:
    server, code = live_session["server"], live_session["code"]
    moderate(server, live_session, [
        {"type": "activity.create", "kind": "scale", "title": "Maßnahmen bewerten",
         "config": {"items": ITEMS[:2], "min": 1, "max": 5,
                    "criteria": [{"id": "wirkung", "label": "Wirkung"},
                                 {"id": "umsetzbarkeit", "label": "Umsetzbarkeit"}],
                    "labels": {"1": "gering", "5": "hoch"}}},
        {"type": "activity.activate", "activity": "a1"},
    ])
    phone = join(scene_page, server, code, **NARROW)
    carsharing = phone.get_by_role("group", name="Carsharing", exact=True)
    carsharing.get_by_role("group", name="Wirkung").get_by_label("4").check()
    carsharing.get_by_role("group", name="Umsetzbarkeit").get_by_label(
        "kann ich nicht beurteilen").check()
    heat = phone.get_by_role("group", name="Wärmenetz", exact=True)
    heat.get_by_role("group", name="Wirkung").get_by_label("5 hoch").check()
    heat.get_by_role("group", name="Umsetzbarkeit").get_by_label("1 gering").check()
    expect(phone.get_by_text("4 von 4 Bewertungen abgegeben")).to_be_visible()
    wait_until(phone, f"!localStorage.getItem('facilitator:outbox:{code}:participant')")
    assert no_horizontal_scroll(phone) == 0
    accessible(phone, "rating on a 320 px phone")

    phone.reload()  # the ratings come back from hello.mine
    expect(phone.get_by_role("group", name="Carsharing", exact=True).get_by_role(
        "group", name="Umsetzbarkeit").get_by_label("kann ich nicht beurteilen")).to_be_checked()

    others(server, live_session, [
        {"type": "scale.rate", "activity": "a1", "item": "t1", "criterion": "wirkung", "value": 2},
        {"type": "scale.rate", "activity": "a1", "item": "t1", "criterion": "umsetzbarkeit",
         "value": 3}])
    mod = console(scene_page, live_session)
    mod_card = card(mod, "Maßnahmen bewerten")
    mod_card.get_by_role("button", name="Ergebnisse zeigen").click()
    beamer = scene_page(live_session["presenter_url"], **BEAMER)
    effect = beamer.locator(".scale-results .bars").first
    expect(effect.locator("li").nth(0)).to_contain_text("1. Wärmenetz")
    expect(effect.locator("li").nth(0)).to_contain_text("Mittelwert 5 · Median 5")
    expect(effect.locator("li").nth(1)).to_contain_text("Mittelwert 3 · Median 3")
    feasible = beamer.locator(".scale-results .bars").nth(1)
    expect(feasible.locator("li", has_text="Carsharing")).to_contain_text(
        "1 Bewertung · 1 × kann ich nicht beurteilen")
    expect(beamer.get_by_role("heading", name="Umsetzbarkeit")).to_be_visible()
    accessible(beamer, "the beamer with rating results")
    accessible(mod, "the console with rating results")


def test_matrix(live_session: dict[str, Any], scene_page: Any) -> None:
    server, code = live_session["server"], live_session["code"]
    moderate(server, live_session, [
        {"type": "activity.create", "kind": "matrix", "title": "Wirkung und Aufwand",
         "config": {"items": ITEMS[:2], "steps": 5}},
        {"type": "activity.activate", "activity": "a1"},
    ])
    phone = join(scene_page, server, code)
    first = phone.get_by_role("group", name="Carsharing")
    # A grid to tap per item: each cell a radio button named by both values.
    expect(first.get_by_text("Noch nicht eingeordnet")).to_be_visible()
    first.get_by_role("radio", name="Aufwand 2, Wirkung 5").check()
    expect(first.get_by_text("Eingeordnet: Aufwand 2, Wirkung 5")).to_be_visible()
    second = phone.get_by_role("group", name="Wärmenetz")
    second.get_by_role("radio", name="Aufwand 5, Wirkung 4").check()
    expect(phone.get_by_text("2 von 2 Einträgen eingeordnet")).to_be_visible()
    accessible(phone, "placing items on the matrix")

    others(server, live_session, [
        {"type": "matrix.place", "activity": "a1", "item": "t1", "x": 5, "y": 5}])
    moderate(server, live_session, [{"type": "activity.reveal", "activity": "a1"}])
    beamer = scene_page(live_session["presenter_url"], **BEAMER)
    chart = beamer.get_by_role("img", name=re.compile("Matrix Wirkung über Aufwand"))
    expect(chart).to_be_visible()
    expect(chart.locator(".matrix-item")).to_have_count(2)
    expect(chart.locator(".dot-number")).to_have_text(["1", "2"])
    expect(chart.locator("text", has_text="Aufwand")).to_have_count(1)
    legend = beamer.locator(".matrix-legend li")
    expect(legend.nth(0)).to_contain_text("Carsharing: Aufwand 3,5 (± 1,5) · Wirkung 5 (± 0)")
    expect(legend.nth(0)).to_contain_text("2 Personen · Wirkung hoch, Aufwand hoch")
    expect(legend.nth(1)).to_contain_text("Wärmenetz: Aufwand 5")
    accessible(beamer, "the beamer with the matrix chart")
    phone.locator(".matrix-chart").wait_for()
    assert no_horizontal_scroll(phone) == 0


def test_items_from_an_earlier_activity(live_session: dict[str, Any], scene_page: Any) -> None:
    """Collect, then prioritise: a dot vote over one cluster of an idea wall, then a ranking
    of the dot vote's top 2 — both set up in the console's forms."""
    server, code = live_session["server"], live_session["code"]
    moderate(server, live_session, [
        {"type": "activity.create", "kind": "ideas", "title": "Ideen sammeln",
         "config": {"clusters": ["Mobilität", "Energie"]}},
        {"type": "activity.activate", "activity": "a1"},
    ])
    others(server, live_session, [
        {"type": "idea.add", "activity": "a1", "text": text}
        for text in ("Mehr Radwege", "Carsharing", "Tempo 30", "Wärmenetz")])
    moderate(server, live_session, [
        {"type": "idea.move", "activity": "a1", "idea": idea, "cluster": "c1"}
        for idea in ("i1", "i2", "i3")])

    mod = console(scene_page, live_session)
    mod.get_by_label("Art der Aktivität").select_option("dots")
    form = mod.locator("form[data-kind=dots]")
    form.get_by_label("Titel", exact=True).fill("Mobilität priorisieren")
    form.get_by_label("Woher die Einträge kommen").select_option(
        label="Aus: Ideen sammeln (Ideen sammeln)")
    expect(form.get_by_label("Einträge, einer pro Zeile")).to_be_hidden()
    form.get_by_label("Welche Einträge").select_option(label="Cluster: Mobilität")
    form.get_by_label("Punkte pro Person").fill("3")
    form.get_by_label("Höchstens so viele Punkte auf einen Eintrag").fill("2")
    accessible(mod, "the form for a dot vote over a cluster")
    form.get_by_role("button", name="Punktabfrage anlegen").click()
    dots = card(mod, "Mobilität priorisieren")
    expect(dots).to_contain_text("Einträge aus Ideen sammeln: Cluster: Mobilität")
    dots.get_by_role("button", name="Aktivieren").click()
    expect(dots.locator(".bars li")).to_have_count(3)

    phone = join(scene_page, server, code)
    expect(phone.locator(".dot-label")).to_have_text(["Mehr Radwege", "Carsharing", "Tempo 30"])
    phone.get_by_role("button", name="Einen Punkt mehr für Tempo 30").click()
    phone.get_by_role("button", name="Einen Punkt mehr für Tempo 30").click()
    phone.get_by_role("button", name="Einen Punkt mehr für Carsharing").click()
    expect(phone.locator(".dots-left")).to_have_text("Noch 0 Punkte von 3 übrig")
    expect(dots.locator(".bars li").first).to_contain_text("1. Tempo 30")

    mod.get_by_label("Art der Aktivität").select_option("ranking")
    form = mod.locator("form[data-kind=ranking]")
    form.get_by_label("Titel", exact=True).fill("Die Favoriten ordnen")
    form.get_by_label("Woher die Einträge kommen").select_option(
        label="Aus: Mobilität priorisieren (Punkte vergeben)")
    form.get_by_label("Welche Einträge").select_option(label="Die besten N")
    form.get_by_label("Wie viele (N)").fill("2")
    form.get_by_role("button", name="Reihenfolge anlegen").click()
    ranking = card(mod, "Die Favoriten ordnen")
    expect(ranking).to_contain_text("die besten 2")
    ranking.get_by_role("button", name="Aktivieren").click()
    expect(phone.locator(".rank-label")).to_have_text(["Tempo 30", "Carsharing"])
