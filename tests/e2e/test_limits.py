"""The session's limits in the console: a room behind one router hits the joins-per-address
limit, the moderator sees the refused joins, lifts the limit in the form, and the next phone
gets in."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import LiveServer
from tests.e2e.scenes import accessible, console, join
from tests.support import moderate

pytestmark = pytest.mark.e2e
expect = pytest.importorskip("playwright.sync_api").expect


@pytest.fixture
def tight_server(tmp_path: Path) -> Iterator[LiveServer]:
    server = LiveServer(tmp_path / "data", joins_per_address=2).start()
    try:
        yield server
    finally:
        server.stop()


def test_the_moderator_sees_refused_joins_and_lifts_the_limit(
        tight_server: LiveServer, scene_page: Any) -> None:
    session = tight_server.create_session("Werkstatt")
    moderate(tight_server, session, [{"type": "session.open"}])
    mod = console(scene_page, session)
    code = session["code"]
    answers = [tight_server.request("POST", f"/api/sessions/{code}/join", {})[0]
               for _ in range(3)]
    assert answers == [201, 201, 429]
    refused = mod.locator("#refused")
    expect(refused).to_have_text(
        "1 Beitritt wurde durch eine Grenze dieser Sitzung abgewiesen. Heben Sie sie unten an, "
        "wenn Menschen warten.")
    mod.get_by_text("Grenzen dieser Sitzung").click()
    field = mod.get_by_label("Höchstens so viele Beitritte je Minute von einer Netzwerkadresse")
    expect(field).to_have_value("2")
    field.fill("200")
    mod.get_by_role("button", name="Grenzen übernehmen").click()
    expect(mod.get_by_text("Die Grenzen gelten jetzt.")).to_be_attached()
    accessible(mod, "console with the limits open and refused joins")
    # The same address now gets in, by the join page as a person would.
    phone = join(scene_page, tight_server, code)
    expect(phone.locator("#status")).to_have_attribute("data-status", "connected")
    status, _ = tight_server.request("POST", f"/api/sessions/{code}/join", {})
    assert status == 201
