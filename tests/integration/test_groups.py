"""Small groups over the wire: per-group instances seen only by their group, the moderator and
the beamer seeing all, a plenary vote over every group's ideas, reassignment with a fresh
hello, hybrid counts, and co-moderators."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.support import Client


async def _phone(server: Any, code: str, where: str | None = None) -> Client:
    status, joined = server.request("POST", f"/api/sessions/{code}/join", {"where": where})
    assert status == 201, joined
    return await Client.open(server.ws_url, code, joined["token"])


async def test_groups_see_only_their_own_instance(live_session: dict[str, Any]) -> None:
    server, code = live_session["server"], live_session["code"]
    mod = await Client.open(server.ws_url, code, live_session["moderator_token"])
    beamer = await Client.open(server.ws_url, code, live_session["presenter_token"])
    g1 = (await mod.ok("group.create", name="Mobilität"))["result"]["group"]
    g2 = (await mod.ok("group.create", name="Energieversorgung"))["result"]["group"]
    await mod.ok("groups.choice", open=True)
    phones = [await _phone(server, code, where) for where in ("room", "room", "online")]
    for phone, group in zip(phones, (g1, g2, g2), strict=True):
        await phone.ok("group.choose", group=group)
        hello = await phone.wait(lambda m, g=group: m["type"] == "hello"
                                 and m["you"]["group"] == g)
        assert hello["session"]["groups"][0].keys() == {"id", "name", "count"}
    ana, ben, cem = phones

    ideas = (await mod.ok("activity.create", kind="ideas", title="Ideen je Handlungsfeld",
                          per_group=True, config={"live_wall": True}))["result"]["activity"]
    await mod.ok("activity.activate", activity=ideas)
    await mod.ok("activity.reveal", activity=ideas)
    await ana.ok("idea.add", activity=ideas, text="Radschnellweg")
    await ben.ok("idea.add", activity=ideas, text="Wärmenetz Altstadt")
    await cem.ok("idea.add", activity=ideas, text="Solar auf Schulen")
    await cem.wait(lambda m: m.get("event") == "idea.added"
                   and m["data"]["idea"]["text"] == "Wärmenetz Altstadt")
    await asyncio.sleep(0.1)
    seen = {name: {m["data"]["idea"]["text"] for m in phone.events("idea.added")}
            for name, phone in (("ana", ana), ("ben", ben), ("cem", cem))}
    assert seen["ana"] == {"Radschnellweg"}
    assert seen["ben"] == seen["cem"] == {"Wärmenetz Altstadt", "Solar auf Schulen"}
    on_beamer = await beamer.wait(lambda m: m.get("event") == "idea.added"
                                  and m["data"]["idea"]["text"] == "Solar auf Schulen")
    assert on_beamer["data"]["group"] == g2
    console = await Client.open(server.ws_url, code, live_session["moderator_token"])
    view = next(a for a in console.hello["session"]["activities"] if a["id"] == ideas)
    assert {g: [i["text"] for i in v["ideas"]] for g, v in view["groups"].items()} == {
        g1: ["Radschnellweg"], g2: ["Wärmenetz Altstadt", "Solar auf Schulen"]}
    participants = console.hello["session"]["participants"]
    assert (participants["room"], participants["online"]) == (2, 1)

    # A participant moved to another group gets a fresh hello with that group's instance.
    await mod.ok("group.assign", participant=ana.hello["you"]["participant"], group=g2)
    moved = await ana.wait(lambda m: m["type"] == "hello" and m["you"]["group"] == g2)
    mine = next(a for a in moved["session"]["activities"] if a["id"] == ideas)
    assert [i["text"] for i in mine["ideas"]] == ["Wärmenetz Altstadt", "Solar auf Schulen"]

    # A plenary dot vote over every group's ideas.
    dots = (await mod.ok("activity.create", kind="dots", title="Was zuerst?",
                         config={"items": {"from": ideas, "take": "all"}, "dots": 3}))[
        "result"]["activity"]
    await mod.ok("activity.activate", activity=dots)
    activated = await cem.wait(lambda m: m.get("event") == "activity.activated"
                               and m["data"]["activity"]["id"] == dots)
    items = activated["data"]["activity"]["items"]
    assert [(i["label"], i["group"]) for i in items] == [
        ("Radschnellweg", g1), ("Wärmenetz Altstadt", g2), ("Solar auf Schulen", g2)]
    for client in (mod, beamer, console, *phones):
        await client.close()


async def test_shuffle_is_balanced_and_per_group_tallies_stay_in_their_group(
        live_session: dict[str, Any]) -> None:
    server, code = live_session["server"], live_session["code"]
    mod = await Client.open(server.ws_url, code, live_session["moderator_token"])
    groups = [(await mod.ok("group.create", name=n))["result"]["group"]
              for n in ("A", "B", "C")]
    phones = [await _phone(server, code) for _ in range(7)]
    shuffled = await mod.ok("groups.shuffle")
    assert shuffled["result"]["assigned"] == 7
    hellos = [await p.wait(lambda m: m["type"] == "hello" and m["you"]["group"]) for p in phones]
    sizes = sorted(sum(1 for h in hellos if h["you"]["group"] == g) for g in groups)
    assert sizes == [2, 2, 3]
    poll = (await mod.ok("activity.create", kind="poll", title="Wer spricht?", per_group=True,
                         config={"options": ["ich", "jemand anderes"]}))["result"]["activity"]
    await mod.ok("activity.activate", activity=poll)
    await mod.ok("activity.reveal", activity=poll)
    voter = phones[0]
    group = hellos[0]["you"]["group"]
    await voter.ok("vote.cast", activity=poll, choices=["o1"])
    tally = await voter.wait(lambda m: m["type"] == "tally" and m["activity"] == poll)
    assert tally["group"] == group and tally["results"]["voters"] == 1
    await mod.wait(lambda m: m["type"] == "tally" and m.get("group") == group)
    await asyncio.sleep(0.6)  # a phone tally round
    others = [p for p, h in zip(phones, hellos, strict=True) if h["you"]["group"] != group]
    assert not any(p.tallies(poll) for p in others)
    lonely = await _phone(server, code)
    refused = await lonely.command("vote.cast", activity=poll, choices=["o1"])
    assert refused["code"] == "invalid"
    for client in (mod, lonely, *phones):
        await client.close()


async def test_co_moderator_moderates_but_cannot_delete(live_server: Any) -> None:
    session = live_server.create_session()
    co_token = session["comoderator_url"].rsplit("/", 1)[1]
    co = await Client.open(live_server.ws_url, session["code"], co_token)
    assert co.hello["role"] == "moderator"
    await co.ok("session.open")
    await co.ok("group.create", name="Plenum")
    await co.ok("session.close")
    refused = await co.command("session.delete")
    assert refused["code"] == "forbidden"
    owner = await Client.open(live_server.ws_url, session["code"], session["moderator_token"])
    await owner.ok("session.delete")
    await co.close()
    await owner.close()
    status, _ = live_server.request("POST", f"/api/sessions/{session['code']}/join", {})
    assert status == 404


async def test_a_phone_moved_while_offline_gets_a_complete_hello(
        live_session: dict[str, Any]) -> None:
    server, code = live_session["server"], live_session["code"]
    mod = await Client.open(server.ws_url, code, live_session["moderator_token"])
    g1 = (await mod.ok("group.create", name="A"))["result"]["group"]
    g2 = (await mod.ok("group.create", name="B"))["result"]["group"]
    joined = server.join(code)
    phone = await Client.open(server.ws_url, code, joined["token"])
    await mod.ok("group.assign", participant=joined["participant"], group=g1)
    hello = await phone.wait(lambda m: m["type"] == "hello" and m["you"]["group"] == g1)
    seq = hello["seq"]
    await phone.close()
    await mod.ok("group.assign", participant=joined["participant"], group=g2)
    again = await Client.open(server.ws_url, code, joined["token"], resume=seq)
    assert again.hello["resumed"] is False and again.hello["you"]["group"] == g2
    # Without a group change in between, a resume is still a replay.
    await again.close()
    await mod.ok("phase.create", title="Pause")
    last = await Client.open(server.ws_url, code, joined["token"], resume=again.hello["seq"])
    assert last.hello["resumed"] is True
    for client in (mod, last):
        await client.close()
