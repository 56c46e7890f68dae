"""The organiser console's new sessions from plans, in real Chromium on a small phone: the
ready plans and templates are listed without sideways scrolling, a broken plan file is
answered next to the upload field (focused, with line and field) and axe finds nothing, and a
good file, a template and a copy of a session each open the new session's console."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from facilitator import library
from tests.e2e.axe import assert_accessible, axe_script
from tests.e2e.conftest import no_horizontal_scroll, wait_until

pytestmark = pytest.mark.e2e
expect = pytest.importorskip("playwright.sync_api").expect

SMALL_PHONE = {"viewport": {"width": 320, "height": 568}, "is_mobile": True,
               "has_touch": True}
PLAN = """title = "Quartiersrunde"

[[phases]]
title = "Ankommen"
minutes = 10

[[phases.activities]]
kind = "words"
title = "Ein Wort"
"""
BROKEN = ('title = "Test"\n\n[[phases]]\ntitle = "Eins"\n\n[[phases.activities]]\n'
          'kind = "poll"\ntitle = "Frage"\noptions = ["nur eine"]\n')


def test_new_sessions_from_plans_on_a_small_phone(live_server: Any, open_page: Any,
                                                  tmp_path: Path) -> None:
    axe_script()
    library.save_template(live_server.settings.data_dir, "Quartiersrunde", PLAN)
    page = open_page(live_server.url + "/console", bypass_csp=True, **SMALL_PHONE)
    page.get_by_label("Zugangsschlüssel").fill(live_server.organiser_key)
    page.get_by_role("button", name="Anmelden").click()
    page.locator("#h-create").wait_for()
    expect(page.locator(".plan-list li")).to_have_count(len(library.ready_plans()) + 1)
    assert no_horizontal_scroll(page) == 0
    assert_accessible(page, "the console with its plans")

    broken = tmp_path / "kaputt.toml"
    broken.write_text(BROKEN, "utf-8")
    page.locator("#plan-file").set_input_files(broken)
    page.locator("form[action$='/console/upload'] button").click()
    error = page.locator("#upload-error")
    expect(error).to_contain_text("kaputt.toml, Zeile 9")
    expect(error).to_contain_text("phases[1].activities[1].options")
    wait_until(page, "document.activeElement && document.activeElement.id === 'plan-file'")
    expect(page.locator("#plan-file")).to_have_attribute("aria-invalid", "true")
    assert no_horizontal_scroll(page) == 0
    assert_accessible(page, "the console with an upload error")
    expect(page.locator(".session-list li")).to_have_count(0)

    good = tmp_path / "runde.toml"
    good.write_text(PLAN, "utf-8")
    page.locator("#plan-file").set_input_files(good)
    page.locator("form[action$='/console/upload'] button").click()
    page.wait_for_url("**/moderate/**")
    expect(page.locator("#status[data-status=connected]")).to_be_attached()

    page.goto(live_server.url + "/console")
    page.locator("form[action$='/console/plans']:has(input[value=template]) button").click()
    page.wait_for_url("**/moderate/**")
    page.goto(live_server.url + "/console")
    page.locator(".session-list li").first.locator("button").click()
    page.wait_for_url("**/moderate/**")
    page.goto(live_server.url + "/console")
    expect(page.locator(".session-list li")).to_have_count(3)
    expect(page.locator(".session-list li a").first).to_have_text("Quartiersrunde")
