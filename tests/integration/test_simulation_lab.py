"""The simulation-lab plan from start to close with 40 phones in four groups (issue 4): each
group sees only its own instances, the moderator sees all, the plenary dot vote covers every
group's ideas, and every group's measure sheet ends complete."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from tests.conftest import LiveServer
from tests.integration.test_plans_run import Workshop
from tests.support import Client

PLAN = Path(__file__).resolve().parents[2] / "sessions" / "simulationslabor-klimaschutz" / \
    "plan.toml"


def _activated(client: Client, kind: str) -> dict[str, Any]:
    found = [m["data"]["activity"] for m in client.events("activity.activated")
             if m["data"]["activity"]["kind"] == kind]
    assert found, f"no {kind} activity was activated"
    return found[0]


async def test_simulation_lab_with_40_phones(live_server: LiveServer) -> None:
    workshop = await Workshop.start(live_server, PLAN, phones=40)
    assert [g["name"] for g in workshop.mod.hello["session"]["groups"]] == [
        "Mobilität", "Energieversorgung", "Flächennutzung", "Ernährung"]
    await workshop.run()

    groups = Counter(phone.group for phone in workshop.phones)
    assert sorted(groups.values()) == [10, 10, 10, 10]

    # Each phone saw ideas of its own group only; the moderator saw every group's.
    ideas = _activated(workshop.mod, "ideas")
    assert ideas["per_group"] is True
    for phone in workshop.phones:
        seen = {m["data"]["group"] for m in phone.client.events("idea.added")
                if m["data"]["activity"] == ideas["id"]}
        assert seen <= {phone.group}, (phone.participant, seen)
        # and nothing of another group's instance reached it in any form
        for message in phone.client.messages:
            if message["type"] in {"event", "tally"}:
                group = message.get("group") or message.get("data", {}).get("group")
                assert group in (None, phone.group), message
    by_group = Counter(m["data"]["group"] for m in workshop.mod.events("idea.added")
                       if m["data"]["activity"] == ideas["id"])
    assert set(by_group) == set(groups) and all(n >= 10 for n in by_group.values())

    # The plenary dot vote covers the ideas of all four groups.
    dots = _activated(workshop.mod, "dots")
    assert dots["per_group"] is False
    assert {item["group"] for item in dots["items"]} == set(groups)
    wall = await Client.open(live_server.ws_url, workshop.code, workshop.token)
    session = wall.hello["session"]
    await wall.close()
    walls = next(a for a in session["activities"] if a["id"] == ideas["id"])["groups"]
    visible = {i["id"] for view in walls.values() for i in view["ideas"]
               if not (i["hidden"] or i["withdrawn"] or i["pending"] or i["merged_into"])}
    assert {item["id"] for item in dots["items"]} == visible

    # Every group's measure sheet is complete at the end.
    sheet = next(a for a in session["activities"] if a["kind"] == "measure")
    assert set(sheet["groups"]) == set(groups)
    for group, view in sheet["groups"].items():
        assert view["results"]["complete"] is True, (group, view["results"])
    assert session["status"] == "closed"
    await workshop.mod.close()
    for phone in workshop.phones:
        await phone.client.close()
