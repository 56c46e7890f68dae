"""Small groups and hybrid sessions in real Chromium: phones choose their group, a per-group
idea collection seen by each group alone (and by console and beamer all at once), two phones
editing the same field of a measure sheet, and room/online counts on the beamer."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.conftest import BEAMER, PHONE, no_horizontal_scroll, wait_until
from tests.e2e.scenes import NARROW, accessible, card, console, join, others
from tests.support import moderate

pytestmark = pytest.mark.e2e
expect = pytest.importorskip("playwright.sync_api").expect


def _groups_panel(mod: Any) -> Any:
    return mod.locator(".area-groups")


def test_three_phones_choose_their_groups(live_session: dict[str, Any], scene_page: Any) -> None:
    server, code = live_session["server"], live_session["code"]
    mod = console(scene_page, live_session)
    panel = _groups_panel(mod)
    for name in ("Mobilität", "Energie"):
        panel.get_by_label("Neue Gruppe").fill(name)
        panel.get_by_role("button", name="Gruppe anlegen").click()
        panel.locator(".group-item h3", has_text=name).wait_for()
    panel.get_by_role("button", name="Teilnehmende wählen ihre Gruppe selbst").click()
    expect(panel.get_by_role("button", name="Selbstwahl beenden")).to_have_attribute(
        "aria-pressed", "true")
    accessible(mod, "the console with two groups and self-selection open")

    ana = join(scene_page, server, code)
    ben = join(scene_page, server, code)
    cem = join(scene_page, server, code, **NARROW)
    picker = ana.locator(".group-bar")
    expect(picker.get_by_role("radio")).to_have_count(2)
    expect(picker).to_contain_text("Mobilität · 0 Personen")
    accessible(ana, "a phone choosing its group")
    for phone, group in ((ana, "Mobilität"), (ben, "Energie"), (cem, "Energie")):
        phone.locator(".group-bar").get_by_role("radio", name=group).check()
        phone.get_by_role("button", name="Gruppe wählen").click()
        expect(phone.locator(".group-line")).to_have_text(f"Ihre Gruppe: {group}")
    expect(ana.locator("#notice")).to_have_text("Sie sind jetzt in der Gruppe Mobilität.")
    expect(panel.locator(".group-item", has_text="Energie")).to_contain_text("2 Personen")
    expect(panel.locator(".hint").first).to_have_text("2 Gruppen · 3 von 3 in einer Gruppe")

    # The console names a spokesperson (members in the order they joined: Ben first); his
    # phone says so, Cem's does not.
    energy = panel.locator(".group-item", has_text="Energie")
    energy.get_by_label("Sprecher*in").select_option(index=1)
    expect(energy.locator(".tag", has_text="Sprecher*in")).to_have_count(1)
    expect(ben.locator(".group-bar")).to_contain_text("Sie sind Sprecher*in Ihrer Gruppe.")
    expect(cem.get_by_text("Sie sind Sprecher*in Ihrer Gruppe.")).to_be_hidden()

    # A phone changes its group while the choice is open (behind "change group").
    cem.get_by_role("button", name="Menü").click()  # the group lives in the menu now
    cem.get_by_text("Gruppe wechseln").click()
    cem.locator(".group-bar").get_by_role("radio", name="Mobilität").check()
    cem.get_by_role("button", name="Gruppe wählen").click()
    expect(cem.locator(".group-line")).to_have_text("Ihre Gruppe: Mobilität")
    accessible(cem, "a phone (320 px) in a group, with the choice of another")
    assert no_horizontal_scroll(cem) == 0

    # Self-selection closed: the phones keep their group, the choice is gone.
    panel.get_by_role("button", name="Selbstwahl beenden").click()
    expect(ana.locator(".group-bar form")).to_be_hidden()
    expect(ana.locator(".group-line")).to_have_text("Ihre Gruppe: Mobilität")

    # The console moves a person; the phone follows at once (a fresh hello).
    assign = panel.locator(".assign")
    assign.locator("summary").click()
    first = assign.locator("select").first
    first.select_option(label="Energie")
    expect(ana.locator(".group-line")).to_have_text("Ihre Gruppe: Energie")
    expect(ana.locator("#notice")).to_have_text("Sie sind jetzt in der Gruppe Energie.")
    accessible(mod, "the console with groups, members and the assignment list")

    # Renamed on the console, renamed on the phones.
    energy.get_by_role("button", name="Umbenennen").click()
    panel.get_by_label("Neuer Name der Gruppe").fill("Energieversorgung")
    panel.get_by_role("button", name="Speichern").click()
    expect(ben.locator(".group-line")).to_have_text("Ihre Gruppe: Energieversorgung")

    # Shuffled: balanced, every group differs by at most one.
    panel.get_by_role("button", name="Zufällig verteilen").click()
    expect(mod.locator("#notice")).to_have_text(re.compile(r"^[0-3] Person(en)? neu eingeteilt\.$"))
    sizes = panel.locator(".group-item > .hint")
    assert sorted(sizes.all_text_contents()) == ["1 Person", "2 Personen"]

    # A group deleted: its members are in no group any more, and their phones say so.
    mobility = panel.locator(".group-item", has_text="Mobilität")
    members = mobility.locator(".names li").count()
    mobility.get_by_role("button", name="Gruppe Mobilität löschen").click()
    expect(panel.locator(".group-item")).to_have_count(1)
    expect(panel.locator(".hint").first).to_have_text(
        f"1 Gruppe · {3 - members} von 3 in einer Gruppe")
    alone = [p for p in (ana, ben, cem) if p.locator(".group-line").text_content() ==
             "Sie sind noch in keiner Gruppe."]
    assert len(alone) == members


def test_per_group_ideas(live_session: dict[str, Any], scene_page: Any) -> None:
    server, code = live_session["server"], live_session["code"]
    moderate(server, live_session, [
        {"type": "group.create", "name": "Mobilität"},
        {"type": "group.create", "name": "Energie"},
        {"type": "groups.choice", "open": True},
    ])
    ana = join(scene_page, server, code)
    ben = join(scene_page, server, code)
    mod = console(scene_page, live_session)
    assign = _groups_panel(mod).locator(".assign")
    assign.locator("summary").click()
    assign.locator("select").nth(0).select_option(label="Mobilität")
    assign.locator("select").nth(1).select_option(label="Energie")
    expect(ana.locator(".group-line")).to_have_text("Ihre Gruppe: Mobilität")
    expect(ben.locator(".group-line")).to_have_text("Ihre Gruppe: Energie")

    # Created on the console with "per group" ticked.
    mod.get_by_label("Art der Aktivität").select_option(label="Ideen sammeln")
    form = mod.locator("form[data-kind=ideas]")
    form.get_by_label("Titel").fill("Ideen je Handlungsfeld")
    form.get_by_label("In jeder Gruppe").check()
    form.get_by_role("button", name="Ideensammlung anlegen").click()
    wall = card(mod, "Ideen je Handlungsfeld")
    expect(wall.locator(".tag", has_text="je Gruppe")).to_have_count(1)
    wall.get_by_role("button", name="Aktivieren").click()
    wall.get_by_role("button", name="Ergebnisse zeigen").click()

    for phone, text in ((ana, "Radschnellweg"), (ben, "Wärmenetz Altstadt")):
        expect(phone.locator(".group-tag")).to_have_text(
            "Gruppe Mobilität" if phone is ana else "Gruppe Energie")
        phone.get_by_label("Ihre Idee", exact=True).fill(text)
        phone.get_by_role("button", name="Idee abschicken").click()
        phone.get_by_text("Ihre Idee ist angekommen.").wait_for()
    others(server, live_session, [
        {"type": "group.choose", "group": "g2"},
        {"type": "idea.add", "activity": "a1", "text": "Solar auf Schulen"}])

    # Each phone's wall holds its own group's ideas only.
    expect(ben.locator(".wall-groups .card")).to_have_count(2)
    expect(ben.locator(".wall-groups")).to_contain_text("Solar auf Schulen")
    expect(ana.locator(".wall-groups .card")).to_have_count(1)
    expect(ana.locator(".wall-groups")).to_contain_text("Radschnellweg")
    expect(ana.locator(".wall-groups")).not_to_contain_text("Wärmenetz")
    accessible(ana, "a phone's wall in a per-group idea collection")

    # Beamer and console: a column per group, side by side.
    beamer = scene_page(live_session["presenter_url"], **BEAMER)
    columns = beamer.locator(".group-column")
    expect(columns.locator(".group-name")).to_have_text(["Mobilität", "Energie"])
    expect(columns.nth(0).locator(".card")).to_have_text(["Radschnellweg"])
    expect(columns.nth(1).locator(".card .idea-text")).to_have_text(
        ["Wärmenetz Altstadt", "Solar auf Schulen"])
    boxes = [columns.nth(i).bounding_box() for i in range(2)]
    assert boxes[0] and boxes[1] and boxes[0]["y"] == boxes[1]["y"]  # side by side
    accessible(beamer, "the beamer with a per-group wall")
    admin = wall.locator(".group-column")
    expect(admin.nth(1).locator(".idea-admin > li")).to_have_count(2)
    accessible(mod, "the console with a per-group idea collection")

    # The console hides an idea of one group: it goes from that group's phones and the beamer.
    solar = admin.nth(1).locator(".idea-admin > li").filter(
        has=mod.locator("p.idea-text", has_text="Solar auf Schulen"))
    solar.locator(".menu-button").click()  # the idea's menu
    solar.get_by_role("button", name="Ausblenden").click()
    expect(ben.locator(".wall-groups .card")).to_have_count(1)
    expect(columns.nth(1).locator(".card")).to_have_count(1)
    expect(columns.nth(0).locator(".card")).to_have_count(1)

    # On a narrow beamer window the columns wrap under each other.
    beamer.set_viewport_size({"width": 480, "height": 700})
    boxes = [columns.nth(i).bounding_box() for i in range(2)]
    assert boxes[0] and boxes[1] and boxes[1]["y"] > boxes[0]["y"]
    assert no_horizontal_scroll(beamer) == 0


def test_two_phones_edit_the_same_sheet_field(live_session: dict[str, Any],
                                             scene_page: Any) -> None:
    server, code = live_session["server"], live_session["code"]
    moderate(server, live_session, [
        {"type": "group.create", "name": "Mobilität"},
        {"type": "group.create", "name": "Energie"},
        {"type": "groups.choice", "open": True},
    ])
    mod = console(scene_page, live_session)
    mod.get_by_label("Art der Aktivität").select_option(label="Maßnahmensteckbrief")
    form = mod.locator("form[data-kind=measure]")
    form.get_by_label("Titel", exact=True).fill("Steckbrief")
    expect(form.get_by_label("In jeder Gruppe")).to_be_checked()
    form.get_by_role("button", name="Maßnahmensteckbrief anlegen").click()
    sheet_card = card(mod, "Steckbrief")
    sheet_card.get_by_role("button", name="Aktivieren").click()

    ana = join(scene_page, server, code)
    # Ben's frames are watched: his save must really be refused as a conflict.
    ben = scene_page(f"{server.url}/j/{code}", **PHONE)
    frames: list[str] = []
    ben.on("websocket", lambda ws: ws.on("framereceived", lambda f: frames.append(str(f))))
    ben.get_by_role("button", name="Mitmachen").click()
    # Not in a group yet: the phone says why there is nothing to fill in.
    expect(ana.locator("#stage")).to_contain_text("Dieser Schritt läuft in Kleingruppen")
    accessible(ana, "a phone in a per-group activity without a group")
    for phone in (ana, ben):
        phone.locator(".group-bar").get_by_role("radio", name="Mobilität").check()
        phone.get_by_role("button", name="Gruppe wählen").click()
        expect(phone.locator(".group-tag")).to_have_text("Gruppe Mobilität")
    accessible(ana, "a phone with an empty measure sheet")

    title = lambda p: p.get_by_label("Titel der Maßnahme", exact=True)  # noqa: E731
    save = lambda p, label: p.get_by_role("button", name=f"{label} speichern")  # noqa: E731
    field = lambda p, ident: p.locator(f".sheet-field[data-field={ident}]")  # noqa: E731
    title(ana).fill("Radschnellweg Nord")
    title(ben).fill("Pendlerroute Nordstadt")
    save(ana, "Titel der Maßnahme").click()
    expect(field(ana, "title").locator(".sheet-state")).to_have_text(
        "Gespeichert (zuletzt von Ihnen geändert)")
    # Ben is typing: his text stays, a notice shows Ana's.
    notice = field(ben, "title").locator(".sheet-notice")
    expect(notice).to_contain_text("Jemand anderes hat dieses Feld gerade geändert.")
    expect(notice.locator(".sheet-current")).to_have_text("Radschnellweg Nord")
    expect(title(ben)).to_have_value("Pendlerroute Nordstadt")
    # He saves anyway, from the version he started with: the server refuses it as a conflict,
    # and the phone shows the current value, his own text still in the field.
    save(ben, "Titel der Maßnahme").click()
    wait_until(ben, "!document.querySelector('.sheet-field[data-field=title]')"
                    ".textContent.includes('Wird gespeichert')")
    expect(notice.locator(".sheet-current")).to_have_text("Radschnellweg Nord")
    expect(title(ben)).to_have_value("Pendlerroute Nordstadt")
    assert any('"code":"conflict"' in f.replace(" ", "") for f in frames), frames[-3:]
    accessible(ben, "a phone told of a conflicting edit")
    assert no_horizontal_scroll(ben) == 0
    # He keeps his text: saved over the current version; Ana's phone follows without a notice.
    notice.get_by_role("button", name="Stattdessen meinen Text speichern").click()
    expect(notice).to_be_hidden()
    expect(title(ana)).to_have_value("Pendlerroute Nordstadt")
    expect(field(ana, "title").locator(".sheet-notice")).to_be_hidden()

    # Ana is typing the goal when Ben saves his: she takes his version.
    goal = lambda p: p.get_by_label("Ziel und Inhalt", exact=True)  # noqa: E731
    goal(ana).fill("Weniger Autoverkehr")
    goal(ben).fill("Pendelnde aufs Rad bringen")
    save(ben, "Ziel und Inhalt").click()
    theirs = field(ana, "goal").locator(".sheet-notice")
    expect(theirs.locator(".sheet-current")).to_have_text("Pendelnde aufs Rad bringen")
    expect(goal(ana)).to_have_value("Weniger Autoverkehr")
    theirs.get_by_role("button", name="Diesen Stand übernehmen").click()
    expect(goal(ana)).to_have_value("Pendelnde aufs Rad bringen")
    expect(field(ana, "goal").locator(".sheet-state")).to_have_text(
        "Gespeichert (zuletzt geändert von jemand anderem aus Ihrer Gruppe)")

    # Steps with dates: rows added on one phone appear on the other.
    steps = field(ana, "steps")
    steps.get_by_label("Schritt 1", exact=True).fill("Trasse planen")
    steps.get_by_label("Datum von Schritt 1").fill("2026-03-31")
    steps.get_by_role("button", name="Schritt hinzufügen").click()
    steps.get_by_label("Schritt 2", exact=True).fill("Bau beginnen")
    steps.get_by_label("Datum von Schritt 2").fill("2027-05-01")
    save(ana, "Umsetzungsschritte und Meilensteine").click()
    other = field(ben, "steps")
    expect(other.get_by_label("Schritt 2", exact=True)).to_have_value("Bau beginnen")
    expect(other.get_by_label("Datum von Schritt 1")).to_have_value("2026-03-31")
    other.get_by_role("button", name="Schritt 2 entfernen").click()
    save(ben, "Umsetzungsschritte und Meilensteine").click()
    expect(steps.locator(".sheet-row")).to_have_count(1)
    accessible(ana, "a phone with a filled-in sheet and steps")

    # Beamer and console show the group's sheet as it is now.
    beamer = scene_page(live_session["presenter_url"], **BEAMER)
    column = beamer.locator(".group-column", has_text="Mobilität")
    expect(column.locator(".sheet-progress")).to_have_text("3 von 8 Feldern ausgefüllt")
    entry = column.locator(".sheet-entry", has_text="Titel der Maßnahme")
    expect(entry.locator("dd")).to_have_text("Pendlerroute Nordstadt")
    expect(column.locator(".sheet-steps li")).to_have_text(["Trasse planen · 31.03.2026"])
    accessible(beamer, "the beamer with each group's measure sheet")
    expect(sheet_card.locator(".group-column", has_text="Mobilität").locator(".sheet-steps li")
           ).to_have_text(["Trasse planen · 31.03.2026"])
    accessible(mod, "the console with each group's measure sheet")

    # A sheet with fields of its own: the label, and the kind after a bar.
    mod.get_by_label("Art der Aktivität").select_option(label="Maßnahmensteckbrief")
    form.get_by_label("Titel", exact=True).fill("Eigener Steckbrief")
    form.get_by_label("Eigene Felder, eines pro Zeile (optional)").fill(
        "Finanzierung | kurz\nZeitplan | Schritte\nStart | Datum")
    form.get_by_role("button", name="Maßnahmensteckbrief anlegen").click()
    own = card(mod, "Eigener Steckbrief").locator(".group-column").first
    expect(own.locator("dt")).to_have_text(["Finanzierung", "Zeitplan", "Start"])


def test_room_and_online_counts(live_session: dict[str, Any], scene_page: Any) -> None:
    server, code = live_session["server"], live_session["code"]
    beamer = scene_page(live_session["presenter_url"], **BEAMER)
    join_page = scene_page(f"{server.url}/j/{code}", **PHONE)
    expect(join_page.get_by_role("group", name="Ich bin …").get_by_role("radio")).to_have_count(2)
    accessible(join_page, "the join page with the room/online choice")
    join_page.close()

    ana = join(scene_page, server, code, where="im Raum")
    ben = join(scene_page, server, code, where="online", **NARROW)
    expect(beamer.locator("#count")).to_have_text("2 Teilnehmende")
    expect(beamer.locator("#where-count")).to_have_text("1 im Raum · 1 online")
    accessible(beamer, "the beamer with room/online counts")

    # The toggle in the phone's menu: Ana goes online.
    ana.get_by_role("button", name="Menü").click()
    toggle = ana.get_by_role("group", name="Ich bin")
    expect(toggle.get_by_role("button", name="im Raum")).to_have_attribute("aria-pressed", "true")
    toggle.get_by_role("button", name="online").click()
    expect(toggle.get_by_role("button", name="online")).to_have_attribute("aria-pressed", "true")
    expect(beamer.locator("#where-count")).to_have_text("0 im Raum · 2 online")
    accessible(ana, "the phone with the room/online toggle")
    assert no_horizontal_scroll(ben) == 0

    # The console counts the same, and the owner can hand out a co-moderator link.
    mod = scene_page(live_session["moderator_url"])
    mod.context.grant_permissions(["clipboard-read", "clipboard-write"])
    expect(mod.locator(".area-participants [data-count]")).to_have_text(
        "2 Teilnehmende · 0 im Raum · 2 online")
    mod.get_by_role("button", name="Teilen", exact=True).click()  # the invite is in "Teilen"
    invite = mod.get_by_label("Co-Moderation mit diesem Link einladen")
    link = invite.input_value()
    assert f"/moderate/{code}/" in link and link != live_session["moderator_url"]
    mod.get_by_role("button", name="Link kopieren").click()
    expect(mod.locator("#notice")).to_have_text("Link kopiert.")
    assert mod.evaluate("navigator.clipboard.readText()") == link
    accessible(mod, "the console with counts and the co-moderator link")

    # The co-moderator's console: everything but the invite link and deleting.
    co = scene_page(link)
    co.wait_for_selector("#status[data-status=connected]")
    expect(co.locator(".area-participants [data-count]")).to_contain_text("2 online")
    expect(co.get_by_label("Co-Moderation mit diesem Link einladen")).to_have_count(0)
    expect(co.locator("[data-session=delete]")).to_have_count(0)


def test_moved_to_another_group_while_away(live_session: dict[str, Any],
                                           scene_page: Any) -> None:
    """A phone that was offline while the moderation moved it must not lay the new group's
    missed events over the old group's state: it starts over with a complete hello."""
    server, code = live_session["server"], live_session["code"]
    moderate(server, live_session, [
        {"type": "group.create", "name": "Mobilität"},
        {"type": "group.create", "name": "Energie"},
        {"type": "groups.choice", "open": True},
        {"type": "activity.create", "kind": "ideas", "title": "Ideen", "per_group": True},
        {"type": "activity.activate", "activity": "a1"},
        {"type": "activity.reveal", "activity": "a1"},
    ])
    ana = scene_page(f"{server.url}/j/{code}", **PHONE)
    sockets: list[Any] = []
    away = {"now": False}

    def route(ws: Any) -> None:  # the phone's socket, through a switch the test holds
        if away["now"]:
            ws.close(code=1012)
            return
        sockets.append(ws)
        ws.connect_to_server()

    ana.route_web_socket("**/ws/**", route)
    ana.get_by_role("button", name="Mitmachen").click()
    ana.locator(".group-bar").get_by_role("radio", name="Mobilität").check()
    ana.get_by_role("button", name="Gruppe wählen").click()
    expect(ana.locator(".group-tag")).to_have_text("Gruppe Mobilität")
    away["now"] = True
    sockets[-1].close(code=1012)
    moderate(server, live_session, [{"type": "group.assign", "participant": "p1", "group": "g2"}])
    others(server, live_session, [{"type": "group.choose", "group": "g2"},
                                  {"type": "idea.add", "activity": "a1", "text": "Wärmenetz"}])
    away["now"] = False
    expect(ana.locator(".group-tag")).to_have_text("Gruppe Energie", timeout=15_000)
    expect(ana.locator(".wall-groups .idea-text")).to_have_text(["Wärmenetz"])
