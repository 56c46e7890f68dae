"""The core workshop move, acted out over the wire: collect ideas, clean them up (merge and
cluster), prioritise the clustered ideas with dots, and decide on the winner by consent.
Checks what each audience saw, not only the end state."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.support import Client

IDEAS = ["Carsharing ausbauen", "Car-Sharing ausbauen", "Sichere Radwege",
         "Solar auf Schulen"]


def _leaks(client: Client) -> list[dict[str, Any]]:
    """Messages a participant must never see: individual inputs, authors, unrevealed results."""
    out = []
    for m in client.messages:
        if m["type"] == "event" and m["event"] in {"dots.placed", "consent.voted",
                                                     "vote.cast", "idea.supported"}:
            out.append(m)
        if m["type"] == "event" and "author" in str(m["data"]):
            out.append(m)
    return out


async def test_collect_merge_cluster_dots_consent(live_session: dict[str, Any]) -> None:
    server, code = live_session["server"], live_session["code"]
    mod = await Client.open(server.ws_url, code, live_session["moderator_token"])
    beamer = await Client.open(server.ws_url, code, live_session["presenter_token"])
    phones = [await Client.open(server.ws_url, code, server.join(code)["token"])
              for _ in range(4)]

    # 1. Collect.
    ideas = (await mod.ok("activity.create", kind="ideas", title="Was bringt uns voran?",
                          config={"clusters": ["Mobilität", "Energie"]}))["result"]["activity"]
    await mod.ok("activity.activate", activity=ideas)
    posted = [(await phone.ok("idea.add", activity=ideas, text=text))["result"]["idea"]
              for phone, text in zip(phones, IDEAS, strict=True)]
    carsharing, duplicate, radwege, solar = posted
    await beamer.wait(lambda m: m.get("event") == "idea.added"
                      and m["data"]["idea"]["id"] == solar)

    # 2. Clean up: merge the duplicate, cluster the rest.
    await mod.ok("idea.merge", activity=ideas, idea=duplicate, into=carsharing)
    merged = await beamer.wait(lambda m: m.get("event") == "idea.merged")
    assert merged["data"]["idea"] == duplicate
    assert merged["data"]["into"]["merged"] == [{"id": duplicate, "text": IDEAS[1]}]
    for idea, cluster in ((carsharing, "c1"), (radwege, "c1"), (solar, "c2")):
        await mod.ok("idea.move", activity=ideas, idea=idea, cluster=cluster)
    moved = await beamer.wait(lambda m: m.get("event") == "idea.moved"
                              and m["data"]["idea"]["id"] == solar)
    assert moved["data"]["idea"]["cluster"] == "c2"

    # 3. Prioritise the Mobilität cluster with dots.
    dots = (await mod.ok("activity.create", kind="dots", title="Was zuerst?",
                         config={"items": {"from": ideas, "take": "cluster:c1"},
                                 "dots": 3, "per_item": 2}))["result"]["activity"]
    await mod.ok("activity.activate", activity=dots)
    activated = await phones[0].wait(lambda m: m.get("event") == "activity.activated"
                                     and m["data"]["activity"]["id"] == dots)
    items = activated["data"]["activity"]["items"]
    assert [i["id"] for i in items] == [carsharing, radwege]
    plan = [{carsharing: 2, radwege: 1}, {carsharing: 2}, {radwege: 2, carsharing: 1},
            {carsharing: 1}]
    for phone, placement in zip(phones, plan, strict=True):
        for item, count in placement.items():
            await phone.ok("dots.set", activity=dots, item=item, count=count)
    over = await phones[3].command("dots.set", activity=dots, item=radwege, count=3)
    assert over["type"] == "error" and over["code"] in {"invalid", "limit_reached"}
    tally = await mod.wait(lambda m: m["type"] == "tally" and m["activity"] == dots
                           and m["results"]["dots"] == 9)
    totals = {i["id"]: i["dots"] for i in tally["results"]["items"]}
    assert totals == {carsharing: 6, radwege: 3}
    await asyncio.sleep(0.15)
    # Before the reveal the beamer learns only how many took part; the phones nothing.
    assert all(t["results"] is None for t in beamer.tallies(dots))
    assert beamer.tallies(dots)[-1]["responses"] == 4
    assert not any(p.tallies(dots) for p in phones)
    await mod.ok("activity.reveal", activity=dots)
    revealed = await beamer.wait(lambda m: m.get("event") == "activity.revealed"
                                 and m["data"]["activity"]["id"] == dots)
    shown = {i["id"]: i["dots"] for i in revealed["data"]["activity"]["results"]["items"]}
    assert shown == totals
    winner = max(shown, key=lambda i: shown[i])
    label = next(i["label"] for i in items if i["id"] == winner)
    assert label == "Carsharing ausbauen"

    # 4. Decide on the winner.
    consent = (await mod.ok("activity.create", kind="consent", title=label,
                            prompt="Die Stadt baut Carsharing an allen S-Bahn-Halten aus.",
                            config={"secret": True, "majority": "simple", "quorum": 3}))[
        "result"]["activity"]
    await mod.ok("activity.activate", activity=consent)
    for phone, vote in zip(phones, ["yes", "yes", "no", "abstain"], strict=True):
        answer = await phone.ok("consent.cast", activity=consent, vote=vote)
        assert answer["result"] == {"vote": vote}
    await mod.ok("activity.lock", activity=consent)
    await mod.ok("activity.reveal", activity=consent)
    result = await phones[2].wait(lambda m: m.get("event") == "activity.revealed"
                                  and m["data"]["activity"]["id"] == consent)
    results = result["data"]["activity"]["results"]
    assert (results["yes"], results["no"], results["abstain"]) == (2, 1, 1)
    assert results["outcome"] == "accepted" and results["quorate"] is True

    # What each audience saw: participants and the beamer never any individual input.
    for client in [beamer, *phones]:
        assert _leaks(client) == [], _leaks(client)[:3]
    assert not any(m.get("event") == "consent.voted" for m in mod.messages), "secret vote"
    for client in [mod, beamer, *phones]:
        await client.close()
