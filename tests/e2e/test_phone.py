"""The phone as a participant holds it (issue 10): at 320 x 568 and on a Pixel 7 the current
task's first input is on the first screen for every kind, plenary and per group, with heavy
content (tests/e2e/heavy.py); what a tap did is said next to it, on the screen, in a live
region; the language is the person's; nothing moves when the page connects."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.conftest import LiveServer
from tests.e2e import heavy
from tests.e2e.conftest import axe_path, wait_until
from tests.e2e.scenes import accessible

pytestmark = pytest.mark.e2e
expect = pytest.importorskip("playwright.sync_api").expect

SMALL = {"viewport": {"width": 320, "height": 568}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2}
PIXEL_7 = {"viewport": {"width": 412, "height": 915}, "is_mobile": True, "has_touch": True,
           "device_scale_factor": 2.625}
DEVICES = {"320x568": SMALL, "pixel7": PIXEL_7}

# The first control a person can use in the current activity, and where it is.
FIRST_INPUT = """() => {
  const task = document.querySelector("#stage .activity");
  const usable = (el) => !el.disabled && el.type !== "hidden" && el.getClientRects().length
    && el.getAttribute("aria-disabled") !== "true" && !el.closest(".task-head");
  const el = task && [...task.querySelectorAll("input, textarea, select, button")].find(usable);
  if (!el) return null;
  const box = el.getBoundingClientRect();
  // What a tap at its top, middle and bottom would hit: the control itself (or its label),
  // not a bar over it.
  const mine = (hit) => Boolean(hit
    && (el.contains(hit) || hit.contains(el) || hit === el.labels?.[0]));
  const x = box.left + box.width / 2;
  const free = [box.top + 2, box.top + box.height / 2, box.bottom - 2]
    .every((y) => mine(document.elementFromPoint(x, y)));
  return {what: el.outerHTML.slice(0, 120), top: box.top, bottom: box.bottom, left: box.left,
          right: box.right, width: innerWidth, height: innerHeight, free};
}"""

# Sums the layout shifts that no input caused, from the first paint on (buffered).
CLS = """window.__cls = 0; new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__cls += entry.value;
}).observe({type: "layout-shift", buffered: true});"""


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[heavy.Lab]:
    """One server and one heavy session for the module: four groups of ten, every kind."""
    server = LiveServer(tmp_path_factory.mktemp("phone") / "data").start()
    try:
        yield heavy.build(server)
    finally:
        server.stop()


def phone(open_page: Callable[..., Any], lab: heavy.Lab, device: dict[str, Any],
          group: int | None = 0, locale: str = "de-DE", init: str | None = None) -> Any:
    """A new participant (in the lab's group `group`) on its phone page, connected."""
    joined = lab.server.join(lab.code)
    if group is not None:
        heavy.moderate(lab, {"type": "group.assign", "participant": joined["participant"],
                             "group": lab.groups[group]})
    page = open_page(None, **{**device, "locale": locale})
    page.context.add_cookies([{"name": f"fp_{lab.code}", "value": joined["token"],
                               "url": lab.server.url}])
    if init:
        page.add_init_script(init)
    if axe_path():  # for accessible(): an init script, which the CSP does not govern
        page.add_init_script(path=axe_path())
    page.goto(f"{lab.server.url}/s/{lab.code}")
    page.wait_for_selector("#status[data-status=connected]")
    return page


@pytest.mark.parametrize("device", DEVICES.values(), ids=DEVICES.keys())
@pytest.mark.parametrize("per_group", [False, True], ids=["plenary", "per-group"])
@pytest.mark.parametrize("kind", heavy.KINDS)
def test_the_first_input_is_on_the_first_screen(lab: heavy.Lab, open_page: Any, kind: str,
                                                per_group: bool, device: dict[str, Any]) -> None:
    heavy.show(lab, kind, "active", per_group)
    page = phone(open_page, lab, device)
    title = page.locator("#activity-title")
    expect(title).not_to_be_empty()
    wait_until(page, "document.querySelector('#stage .activity input, #stage .activity "
                     "textarea, #stage .activity button')")
    if per_group:
        expect(page.locator(".group-tag")).to_have_text(f"Gruppe {heavy.GROUPS[0]}")
    first = page.evaluate(FIRST_INPUT)
    assert first, f"{kind}: no usable input in the activity"
    where = f"{kind}: {first['what']} at {first['top']:.0f}-{first['bottom']:.0f} px"
    assert first["top"] >= 0 and first["bottom"] <= first["height"], \
        f"{where}, below the first screen of {first['height']} px"
    assert first["left"] >= 0 and first["right"] <= first["width"], f"{where}: off to a side"
    assert first["free"], f"{where}: covered by something else"
    assert _width(page) == device["viewport"]["width"], f"{kind}: the page is too wide"


def _width(page: Any) -> int:
    """The page's width: a phone zooms out (innerWidth grows) when anything is wider."""
    return int(page.evaluate("Math.max(innerWidth, document.documentElement.scrollWidth)"))


def _on_screen(page: Any, locator: Any) -> None:
    assert _width(page) == page.viewport_size["width"], "the page is too wide"
    box = locator.bounding_box()
    height = page.viewport_size["height"]
    assert box and box["y"] >= 0 and box["y"] + box["height"] <= height, \
        f"{locator.text_content()!r} at {box}, the screen is {height} px high"
    assert locator.evaluate("el => Boolean(el.closest('[aria-live]'))"), "not in a live region"


def test_an_error_after_a_tap_is_said_next_to_it(lab: heavy.Lab, open_page: Any) -> None:
    heavy.show(lab, "words", "active")
    page = phone(open_page, lab, SMALL)
    page.get_by_label("Wort 1").fill("Wärme pumpe")
    page.get_by_role("button", name="Abschicken").click()
    error = page.locator(".feedback", has_text="Bitte ein Wort pro Feld, ohne Leerzeichen.")
    expect(error).to_be_visible()
    _on_screen(page, error)
    expect(page.locator("#notice")).to_be_empty()
    accessible(page, "a phone with an error next to the send button")
    page.get_by_label("Wort 1").fill("Wärmepumpe")
    page.get_by_role("button", name="Abschicken").click()
    sent = page.locator(".feedback", has_text="Ihre Wörter sind angekommen.")
    expect(sent).to_be_visible()
    _on_screen(page, sent)


def test_dots_say_what_is_left_and_when_none_are(lab: heavy.Lab, open_page: Any) -> None:
    heavy.show(lab, "dots", "active")
    page = phone(open_page, lab, SMALL)
    more = page.get_by_role("button", name="Einen Punkt mehr für ")
    for n in (0, 0, 1, 1, 2):
        more.nth(n).click()
    left = page.locator(".dots-left")
    expect(left).to_have_text("Noch 0 Punkte von 5 übrig")
    _on_screen(page, left)
    # The sixth dot, on an item far down the list: said at the bottom of the screen.
    more.nth(20).click(force=True)
    error = page.locator(".feedback", has_text="keine Punkte mehr")
    expect(error).to_be_visible()
    _on_screen(page, error)
    # Items of the per-group idea collections carry their group.
    expect(page.locator(".dot-item").first.locator(".item-group")).to_have_text(
        f" ({heavy.GROUPS[0]})")


def test_the_matrix_is_a_grid_to_tap(lab: heavy.Lab, open_page: Any) -> None:
    heavy.show(lab, "matrix", "active")
    page = phone(open_page, lab, SMALL)
    first = page.locator(".matrix-item").first
    cell = first.get_by_role("radio", name="Aufwand 2, Klimawirkung 5")
    box = cell.bounding_box()
    assert box and box["width"] >= 40 and box["height"] >= 40, box
    cell.check()
    expect(first.get_by_text("Eingeordnet: Aufwand 2, Klimawirkung 5")).to_be_visible()
    # The keyboard: arrows move the choice within the item's grid.
    cell.press("ArrowRight")
    expect(first.get_by_text("Eingeordnet: Aufwand 3, Klimawirkung 5")).to_be_visible()
    expect(first.locator(".item-group")).to_have_text(f" ({heavy.GROUPS[0]})")
    accessible(page, "the matrix as a grid on a small phone")


def test_the_menu_holds_group_place_and_language(lab: heavy.Lab, open_page: Any) -> None:
    heavy.show(lab, "ideas", "active")
    page = phone(open_page, lab, SMALL)
    menu = page.get_by_role("button", name="Menü")
    expect(page.get_by_role("group", name="Ich bin")).to_be_hidden()
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(page.locator(".group-line")).to_have_text(f"Ihre Gruppe: {heavy.GROUPS[0]}")
    page.get_by_role("group", name="Ich bin").get_by_role("button", name="online").click()
    expect(page.get_by_role("button", name="online")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("button", name="Deutsch")).to_have_attribute("aria-pressed", "true")
    accessible(page, "the phone's menu open")
    page.keyboard.press("Escape")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_focused()

    # English for this person, whatever the session's language; and back.
    menu.click()
    page.get_by_role("button", name="English").click()
    page.wait_for_selector("#status[data-status=connected]")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Add idea")).to_be_visible()
    expect(page.get_by_role("button", name="Menu")).to_be_visible()
    page.get_by_role("button", name="Menu").click()
    expect(page.get_by_role("button", name="English")).to_have_attribute("aria-pressed", "true")
    page.get_by_role("button", name="Deutsch").click()
    page.wait_for_selector("#status[data-status=connected]")
    expect(page.get_by_role("button", name="Idee abschicken")).to_be_visible()


def test_the_join_page_speaks_english_on_request(lab: heavy.Lab, scene_page: Any) -> None:
    page = scene_page(f"{lab.server.url}/j/{lab.code}", **SMALL)
    expect(page.get_by_role("button", name="Mitmachen")).to_be_visible()
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("button", name="Take part")).to_be_visible()
    expect(page.get_by_role("button", name="English")).to_have_attribute("aria-pressed", "true")
    accessible(page, "the join page in English")
    page.get_by_role("button", name="Deutsch").click()
    expect(page.get_by_role("button", name="Mitmachen")).to_be_visible()


@pytest.mark.parametrize("kind,per_group", [("ideas", False), ("dots", True), ("matrix", False),
                                            ("measure", True)])
def test_nothing_moves_when_the_page_connects(lab: heavy.Lab, open_page: Any, kind: str,
                                              per_group: bool) -> None:
    heavy.show(lab, kind, "active", per_group)
    page = phone(open_page, lab, SMALL, init=CLS)
    expect(page.locator("#activity-title")).not_to_be_empty()
    page.wait_for_timeout(600)
    shift = page.evaluate("window.__cls")
    assert shift < 0.05, f"{kind}: cumulative layout shift {shift:.3f} while connecting"
