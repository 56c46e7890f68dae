"""Phases and the timer over the wire: every screen gets the same end time from the server."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tests.support import Client


def _time(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


async def test_timer_and_phases_reach_every_screen(live_session: dict[str, Any]) -> None:
    server, code = live_session["server"], live_session["code"]
    mod = await Client.open(server.ws_url, code, live_session["moderator_token"])
    beamer = await Client.open(server.ws_url, code, live_session["presenter_token"])
    phone = await Client.open(server.ws_url, code, server.join(code)["token"])
    assert abs(_time(phone.hello["now"]) - _time(beamer.hello["now"])) < 5

    first = (await mod.ok("phase.create", title="Input", minutes=20,
                          notes="Nur für die Moderation"))["result"]["phase"]
    second = (await mod.ok("phase.create", title="Kleingruppen", minutes=45))["result"]["phase"]
    created = await phone.wait(lambda m: m.get("event") == "phase.created")
    assert "notes" not in created["data"]["phase"]
    assert (await mod.wait(lambda m: m.get("event") == "phase.created"))["data"]["phase"][
        "notes"] == "Nur für die Moderation"
    await mod.ok("phase.start", phase=first)
    await mod.ok("phase.start", phase=second)
    started = await beamer.wait(lambda m: m.get("event") == "phase.started"
                                and m["data"]["phase"]["id"] == second)
    assert started["data"]["previous"]["ended"] == started["data"]["phase"]["started"]

    await mod.ok("timer.start", seconds=600, label="Kleingruppen")
    timers = [await c.wait(lambda m: m.get("event") == "timer.started")
              for c in (mod, beamer, phone)]
    ends = {t["data"]["timer"]["ends_at"] for t in timers}
    assert len(ends) == 1, "one end time for every screen"
    assert 595 < _time(ends.pop()) - _time(timers[0]["at"]) <= 600
    await mod.ok("timer.pause")
    paused = await phone.wait(lambda m: m.get("event") == "timer.paused")
    assert paused["data"]["timer"]["running"] is False
    assert 590 < paused["data"]["timer"]["remaining"] <= 600
    await mod.ok("timer.extend", seconds=300)
    extended = await phone.wait(lambda m: m.get("event") == "timer.extended")
    assert extended["data"]["timer"]["total"] == 900
    refused = await phone.command("timer.stop")
    assert refused["code"] == "forbidden"
    # A phone that connects now gets the timer in its hello.
    late = await Client.open(server.ws_url, code, server.join(code)["token"])
    assert late.hello["session"]["timer"]["remaining"] == extended["data"]["timer"]["remaining"]
    assert [p["id"] for p in late.hello["session"]["phases"]] == [first, second]
    assert late.hello["session"]["phase"] == second
    for client in (mod, beamer, phone, late):
        await client.close()
