"""The moderator's console as a cockpit, in real Chromium: it fits a laptop screen without
page scrolling even with a heavy session, a whole plan runs by pressing "Weiter" (a key)
alone, the keys and the beamer switches work, ideas are moderated several at once and moved
into clusters by keyboard, and the documentation links appear when the session closes."""

from __future__ import annotations

import asyncio
import concurrent.futures
import time
from collections.abc import Callable
from typing import Any

import pytest

from tests.e2e import heavy
from tests.e2e.scenes import accessible, console, others
from tests.support import fresh_hello, moderate

pytestmark = pytest.mark.e2e
expect = pytest.importorskip("playwright.sync_api").expect

LAPTOP = {"viewport": {"width": 1366, "height": 768}}


def view(server: Any, session: dict[str, Any]) -> dict[str, Any]:
    """The moderator's session view as the server has it now."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        hello = pool.submit(asyncio.run, fresh_hello(
            server, session["code"], session["moderator_token"])).result()
    return dict(hello["session"])


def until(server: Any, session: dict[str, Any], check: Callable[[dict[str, Any]], bool],
          what: str, timeout: float = 8.0) -> dict[str, Any]:
    """Waits until the server's session view passes check; fails with `what` otherwise."""
    deadline = time.monotonic() + timeout
    while True:
        now = view(server, session)
        if check(now):
            return now
        if time.monotonic() > deadline:
            raise AssertionError(f"not reached: {what}; status {now['status']}, "
                                 f"phase {now['phase']}, current {now['current']}")
        time.sleep(0.15)


def activity(session: dict[str, Any], ident: str) -> dict[str, Any]:
    return dict(next(a for a in session["activities"] if a["id"] == ident))


def fits(page: Any) -> None:
    """No page scrolling, and the Weiter button inside the viewport."""
    height, inner = page.evaluate("[document.documentElement.scrollHeight, innerHeight]")
    assert height <= inner, f"the page scrolls: {height} > {inner}"
    box = page.locator("#next").bounding_box()
    size = page.viewport_size
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= size["height"]
    assert box["x"] >= 0 and box["x"] + box["width"] <= size["width"]


def test_the_cockpit_fits_a_laptop_screen_with_a_heavy_session(live_server: Any,
                                                               scene_page: Any) -> None:
    lab = heavy.build(live_server)
    heavy.show(lab, "ideas", "active")
    for viewport in ({"width": 1366, "height": 768}, {"width": 1280, "height": 720}):
        page = console(scene_page, lab.session, viewport=viewport)
        expect(page.locator("#next")).to_have_text("Weiter: Ideensammlung schließen")
        expect(page.locator("#activities > li")).to_have_count(len(lab.activities))
        fits(page)
        # The current activity's card is in view in the middle column.
        card = page.locator("#activities > li.current")
        expect(card).to_be_in_viewport()
        # The invite and the QR wait in the "Teilen" dialog.
        expect(page.locator("img.qr")).to_be_hidden()
        page.get_by_role("button", name="Teilen", exact=True).click()
        expect(page.get_by_role("dialog", name="Teilen").locator("img.qr")).to_be_visible()
        page.keyboard.press("Escape")
    accessible(page, "the cockpit with a heavy session")


PHASES = [("Ankommen", 5), ("Sammeln", 10), ("Pause", 15), ("Abschluss", 5)]


def plan(server: Any) -> dict[str, Any]:
    """A small plan in a draft session: four phases (one without activities), four activities
    of four kinds; the idea wall has support, so its results come before it is locked."""
    session = server.create_session("Werkstatt Klimaschutz")
    moderate(server, session, [
        *({"type": "phase.create", "title": title, "minutes": minutes}
          for title, minutes in PHASES),
        {"type": "activity.create", "kind": "poll", "title": "Wie sind Sie angereist?",
         "phase": "h1", "config": {"options": ["Rad", "Bus", "Auto"]}},
        {"type": "activity.create", "kind": "ideas", "title": "Was bremst Klimaschutz?",
         "phase": "h2", "config": {"support": True}},
        {"type": "activity.create", "kind": "words", "title": "Ein Wort zum Tag",
         "phase": "h2", "config": {"max_words": 1}},
        {"type": "activity.create", "kind": "consent", "title": "Beschluss: Klimafonds",
         "phase": "h4", "config": {"majority": "simple"}},
    ])
    return session


def test_a_whole_plan_runs_by_the_next_key_alone(live_server: Any, scene_page: Any) -> None:
    session = plan(live_server)
    page = console(scene_page, session, **LAPTOP)
    fits(page)
    active = lambda a: lambda s: s["current"] == a and activity(s, a)["status"] == "active"  # noqa: E731
    locked = lambda a: lambda s: activity(s, a)["status"] == "locked"  # noqa: E731
    revealed = lambda a: lambda s: activity(s, a)["revealed"]  # noqa: E731

    def phase(p: str, then: Callable[[dict[str, Any]], bool] | None = None) -> Any:
        return lambda s: s["phase"] == p and (then is None or then(s))

    # (the button's label before the press, what the press must have done)
    steps: list[tuple[str, Callable[[dict[str, Any]], bool]]] = [
        ("Lobby öffnen", lambda s: s["status"] == "open"),
        ("Sitzung starten", lambda s: s["status"] == "live"),
        ("Phase 1 starten", phase("h1", lambda s: active("a1")(s) and s["timer"] is not None)),
        ("Abstimmung schließen", locked("a1")),
        ("Ergebnisse zeigen", revealed("a1")),
        ("Phase 2 starten", phase("h2", active("a2"))),
        ("Ergebnisse zeigen", revealed("a2")),  # support needs the wall on the phones first
        ("Ideensammlung schließen", locked("a2")),
        ("Wortwolke öffnen", active("a3")),
        ("Wortwolke schließen", locked("a3")),
        ("Ergebnisse zeigen", revealed("a3")),
        ("Phase 3 starten", phase("h3")),  # the pause: no activity
        ("Phase 4 starten", phase("h4", active("a4"))),
        ("Abstimmung schließen", locked("a4")),
        ("Ergebnisse zeigen", revealed("a4")),
    ]
    keys = ["ArrowRight", "PageDown", "Space"]
    for n, (label, done) in enumerate(steps):
        expect(page.locator("#next")).to_have_text(f"Weiter: {label}")
        page.keyboard.press(keys[n % len(keys)])
        until(live_server, session, done, f"step {n + 1}: {label}")
    # The agenda marks the ended phases and the current one.
    expect(page.locator(".phases > li.ended")).to_have_count(3)
    expect(page.locator(".phases > li.current .phase-title")).to_contain_text("Abschluss")
    fits(page)
    # The last step asks first; cancelling keeps the session running.
    expect(page.locator("#next")).to_have_text("Weiter: Sitzung beenden")
    page.keyboard.press("PageDown")
    dialog = page.get_by_role("dialog", name="Sitzung beenden?")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Abbrechen").click()
    assert view(live_server, session)["status"] == "live"
    page.keyboard.press("ArrowRight")
    dialog.get_by_role("button", name="Sitzung beenden").click()
    until(live_server, session, lambda s: s["status"] == "closed", "closed")
    expect(page.locator("#next")).to_have_text("Die Sitzung ist beendet")
    expect(page.locator("#next")).to_be_disabled()


def test_back_goes_one_step_back(live_server: Any, scene_page: Any) -> None:
    session = plan(live_server)
    moderate(live_server, session, [
        {"type": "session.open"}, {"type": "session.start"},
        {"type": "phase.start", "phase": "h2"},
        {"type": "activity.activate", "activity": "a2"},
        {"type": "activity.reveal", "activity": "a2"},
        {"type": "activity.lock", "activity": "a2"},
        {"type": "activity.activate", "activity": "a3"}])
    page = console(scene_page, session, **LAPTOP)
    expect(page.locator("#back")).to_be_enabled()
    page.keyboard.press("ArrowLeft")  # show the idea wall again
    until(live_server, session, lambda s: s["current"] == "a2", "a2 again")
    expect(page.locator("#next")).to_have_text("Weiter: Ideensammlung schließen")
    page.keyboard.press("PageUp")  # hide its results
    until(live_server, session, lambda s: not activity(s, "a2")["revealed"], "a2 concealed")


def test_keys_help_and_the_beamer_switches(live_session: dict[str, Any], scene_page: Any) -> None:
    server = live_session["server"]
    page = console(scene_page, live_session, **LAPTOP)
    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Tastenkürzel")
    expect(dialog).to_be_visible()
    for text in ("Page Down", "Page Up", "Leertaste", "Beamer schwarz schalten",
                 "Beitrittsleiste", "Timer anhalten"):
        expect(dialog).to_contain_text(text)
    accessible(page, "the console's keys dialog")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()

    blank = page.get_by_role("button", name="Schwarz")
    page.keyboard.press("b")
    until(server, live_session, lambda s: s["screen"]["blank"], "the beamer blanked")
    expect(blank).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("b")
    until(server, live_session, lambda s: not s["screen"]["blank"], "the beamer back")
    expect(blank).to_have_attribute("aria-pressed", "false")
    page.keyboard.press("d")
    until(server, live_session, lambda s: s["screen"]["theme"] == "dark", "dark theme")
    page.keyboard.press("j")
    until(server, live_session, lambda s: not s["screen"]["join"], "join strip hidden")

    # Typing in a field is typing, and a modifier makes it the browser's key.
    page.get_by_label("Neue Gruppe").press("b")
    page.locator("body").press("Control+b")
    time.sleep(0.5)
    assert view(server, live_session)["screen"]["blank"] is False

    # A clicker on the beamer's tab: the beamer passes the key on to the console.
    page.evaluate("""code => new BroadcastChannel("facilitator:" + code)
                       .postMessage({type: "key", key: "b"})""", live_session["code"])
    until(server, live_session, lambda s: s["screen"]["blank"], "blanked from the beamer tab")


TITLE = "Was bremst Klimaschutz?"
IDEAS = ["Mehr Radwege", "Tempo 30", "Wärmenetz im Quartier", "Solardächer",
         "Spam spam spam", "Noch mehr Spam", "Werbung für Kaffee", "Bäume pflanzen"]


def wall(server: Any, session: dict[str, Any]) -> None:
    moderate(server, session, [
        {"type": "activity.create", "kind": "ideas", "title": TITLE,
         "config": {"clusters": ["Mobilität", "Energie"]}},
        {"type": "activity.activate", "activity": "a1"}])
    others(server, session, [{"type": "idea.add", "activity": "a1", "text": text}
                             for text in IDEAS])


def idea_row(page: Any, text: str) -> Any:
    return page.locator(".idea-admin > li").filter(
        has=page.locator("p.idea-text", has_text=text))


def test_several_ideas_hidden_at_once(live_session: dict[str, Any], scene_page: Any) -> None:
    server = live_session["server"]
    wall(server, live_session)
    page = console(scene_page, live_session, **LAPTOP)
    idea_row(page, "Bäume pflanzen").wait_for()
    # One click, then a shift-click selects the range between.
    idea_row(page, "Spam spam spam").get_by_role("checkbox").click()
    idea_row(page, "Werbung für Kaffee").get_by_role("checkbox").click(modifiers=["Shift"])
    bar = page.get_by_role("group", name="Ausgewählte Ideen")
    expect(bar).to_contain_text("3 ausgewählt")
    accessible(page, "ideas selected with the bulk bar")
    bar.get_by_role("button", name="Ausblenden").click()
    hidden = until(server, live_session,
                   lambda s: sum(bool(i.get("hidden")) for i in activity(s, "a1")["ideas"]) == 3,
                   "three ideas hidden")
    assert {i["text"] for i in activity(hidden, "a1")["ideas"] if i.get("hidden")} == {
        "Spam spam spam", "Noch mehr Spam", "Werbung für Kaffee"}
    expect(bar).to_be_hidden()
    expect(page.locator(".idea-admin > li.muted")).to_have_count(3)
    # The feed on the right has the newest first, and shows one again with a click.
    feed = page.get_by_role("region", name="Eingang")
    expect(feed).to_contain_text("8 Beiträge")
    expect(feed.locator("li").first).to_contain_text("Bäume pflanzen")
    spam = feed.locator("li", has_text="Noch mehr Spam")
    spam.get_by_role("button", name="Wieder einblenden").click()
    until(server, live_session, lambda s: sum(
        bool(i.get("hidden")) for i in activity(s, "a1")["ideas"]) == 2, "one shown again")


def test_an_idea_moves_into_a_cluster_by_keyboard(live_session: dict[str, Any],
                                                  scene_page: Any) -> None:
    server = live_session["server"]
    wall(server, live_session)
    page = console(scene_page, live_session, **LAPTOP)
    row = idea_row(page, "Wärmenetz im Quartier")
    menu = row.get_by_role("button", name="Aktionen für „Wärmenetz im Quartier“")
    menu.focus()
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    # The menu opens with the focus in it; Tab leads to the cluster field.
    for _ in range(6):
        if page.evaluate("document.activeElement.tagName") == "SELECT":
            break
        page.keyboard.press("Tab")
    select = row.get_by_label("Cluster")
    expect(select).to_be_focused()
    accessible(page, "an idea's menu open")
    for cluster, name in (("c1", "Mobilität"),):
        page.keyboard.press("ArrowDown")  # the next cluster: the idea moves at once
        until(server, live_session, lambda s, c=cluster: any(
            i["text"] == "Wärmenetz im Quartier" and i.get("cluster") == c
            for i in activity(s, "a1")["ideas"]), f"moved into {name}")
        expect(select).to_be_focused()
    expect(row.locator(".cluster-tag")).to_have_text("Mobilität")
    # Escape closes a menu and gives the focus back to its button.
    menu.click()
    page.keyboard.press("Escape")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_focused()


def test_the_documentation_follows_the_close(live_session: dict[str, Any],
                                             scene_page: Any) -> None:
    server = live_session["server"]
    moderate(server, live_session, [
        {"type": "activity.create", "kind": "poll", "title": "Welches Handlungsfeld zuerst?",
         "config": {"options": ["Mobilität", "Energie"]}}])
    page = console(scene_page, live_session, **LAPTOP)
    panel = page.get_by_role("region", name="Dokumentation")
    expect(panel).to_contain_text("Noch nicht geschrieben.")
    expect(panel.get_by_role("link", name="Bericht öffnen")).to_be_hidden()
    page.get_by_role("button", name="Sitzung beenden …").click()
    page.get_by_role("dialog").get_by_role("button", name="Sitzung beenden").click()
    expect(panel.get_by_role("link", name="Bericht öffnen")).to_be_visible()
    expect(panel.get_by_role("link", name="Als ZIP herunterladen")).to_be_visible()
    expect(panel).to_contain_text("Beim Beenden der Sitzung geschrieben.")
    # The report opens in the browser, under its own policy, with a print button.
    with page.expect_popup() as popup:
        panel.get_by_role("link", name="Bericht öffnen").click()
    report = popup.value
    report.wait_for_load_state()
    expect(report.get_by_role("heading", level=1)).to_have_text("Test")
    expect(report.get_by_role("button", name="Drucken / als PDF speichern")).to_be_visible()
    report.evaluate("window.print = () => { document.body.dataset.printed = 'yes'; }")
    report.get_by_role("button", name="Drucken / als PDF speichern").click()
    expect(report.locator("body")).to_have_attribute("data-printed", "yes")
    url = live_session["moderator_url"] + "/report.html"
    answer = page.request.get(url)
    assert answer.status == 200 and answer.headers["cache-control"] == "no-store"
    # Under the server's real policy (a violation would fail the test): its styles apply.
    again = scene_page(url)
    assert again.evaluate("getComputedStyle(document.querySelector('.print-bar')).maxWidth") \
        != "none"
    wrong = page.request.get(live_session["moderator_url"].rsplit("/", 1)[0] + "/nope/report.html")
    assert wrong.status == 404
