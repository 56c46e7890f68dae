"""Scenes acted out by real WebSocket clients against a real uvicorn (issue 2)."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.support import Client


async def _setup_poll(server: Any, session: dict[str, Any]) -> tuple[Client, str]:
    mod = await Client.open(server.ws_url, session["code"], session["moderator_token"])
    created = await mod.ok("activity.create", kind="poll", title="Welches Handlungsfeld zuerst?",
                           config={"options": ["Mobilität", "Energie", "Ernährung"]})
    activity = created["result"]["activity"]
    await mod.ok("activity.activate", activity=activity)
    return mod, activity


async def _phones(server: Any, code: str, n: int) -> list[Client]:
    phones = []
    for _ in range(n):
        joined = server.join(code)
        phones.append(await Client.open(server.ws_url, code, joined["token"]))
    return phones


async def test_poll_tally_reaches_beamer_only_after_reveal(live_session: dict[str, Any]) -> None:
    server = live_session["server"]
    code = live_session["code"]
    mod, activity = await _setup_poll(server, live_session)
    beamer = await Client.open(server.ws_url, code, live_session["presenter_token"])
    phones = await _phones(server, code, 5)
    for phone in phones:
        current = phone.hello["session"]["current"]
        assert current == activity
    votes = ["o1", "o1", "o2", "o3", "o1"]
    for phone, choice in zip(phones, votes, strict=True):
        answer = await phone.ok("vote.cast", activity=activity, choices=[choice])
        assert answer["result"] == {"choices": [choice]}
    # The moderator sees the live tally; the beamer only how many voted, the phones nothing.
    tally = await mod.wait(lambda m: m["type"] == "tally" and m["results"]["voters"] == 5)
    counts = {o["id"]: o["count"] for o in tally["results"]["options"]}
    assert counts == {"o1": 3, "o2": 1, "o3": 1}
    count = await beamer.wait(lambda m: m["type"] == "tally" and m.get("responses") == 5)
    assert count["results"] is None
    assert all(t["results"] is None for t in beamer.tallies())
    await asyncio.sleep(0.2)
    assert all(p.tallies() == [] for p in phones)
    assert all(not p.events("vote.cast") for p in phones + [beamer, mod])
    await mod.ok("activity.reveal", activity=activity)
    revealed = await beamer.wait(lambda m: m.get("event") == "activity.revealed")
    results = revealed["data"]["activity"]["results"]
    assert results["voters"] == 5
    assert {o["id"]: o["count"] for o in results["options"]} == counts
    # After the reveal, new votes reach the beamer as tallies.
    late = (await _phones(server, code, 1))[0]
    await late.ok("vote.cast", activity=activity, choices=["o2"])
    tally = await beamer.wait(lambda m: m["type"] == "tally" and m["results"] is not None
                              and m["results"]["voters"] == 6)
    assert "responses" not in tally
    assert {o["id"]: o["count"] for o in tally["results"]["options"]}["o2"] == 2
    for client in [mod, beamer, late, *phones]:
        await client.close()


async def test_ideas_appear_live_on_beamer_and_console(live_session: dict[str, Any]) -> None:
    server = live_session["server"]
    code = live_session["code"]
    mod = await Client.open(server.ws_url, code, live_session["moderator_token"])
    created = await mod.ok("activity.create", kind="ideas", title="Was bremst den Radverkehr?")
    activity = created["result"]["activity"]
    await mod.ok("activity.activate", activity=activity)
    beamer = await Client.open(server.ws_url, code, live_session["presenter_token"])
    alice, bob = await _phones(server, code, 2)
    added = await alice.ok("idea.add", activity=activity, text="  Sichere Abstellanlagen  ")
    idea = added["result"]["idea"]
    on_beamer = await beamer.wait(lambda m: m.get("event") == "idea.added")
    assert on_beamer["data"]["idea"]["text"] == "Sichere Abstellanlagen"
    assert "author" not in on_beamer["data"]["idea"]
    on_console = await mod.wait(lambda m: m.get("event") == "idea.added")
    assert on_console["data"]["idea"]["author"] == alice.hello["you"]["participant"]
    # Bob's phone sees nothing of Alice's idea before the reveal; he cannot touch it.
    await asyncio.sleep(0.1)
    assert bob.events("idea.added") == []
    refused = await bob.command("idea.withdraw", activity=activity, idea=idea)
    assert refused["code"] == "not_yours"
    await alice.ok("idea.edit", activity=activity, idea=idea, text="Sichere Fahrradbügel")
    edited = await beamer.wait(lambda m: m.get("event") == "idea.edited")
    assert edited["data"]["idea"]["edited"] is True
    await mod.ok("idea.hide", activity=activity, idea=idea)
    hidden = await beamer.wait(lambda m: m.get("event") == "idea.hidden")
    assert hidden["data"]["idea"] == idea
    await mod.ok("activity.reveal", activity=activity)
    revealed = await bob.wait(lambda m: m.get("event") == "activity.revealed")
    assert revealed["data"]["activity"]["ideas"] == []  # hidden stays hidden
    await mod.ok("idea.restore", activity=activity, idea=idea)
    restored = await bob.wait(lambda m: m.get("event") == "idea.restored")
    assert restored["data"]["idea"]["text"] == "Sichere Fahrradbügel"
    for client in (mod, beamer, alice, bob):
        await client.close()


async def test_resume_after_reconnect_misses_nothing(live_session: dict[str, Any]) -> None:
    server = live_session["server"]
    code = live_session["code"]
    mod = await Client.open(server.ws_url, code, live_session["moderator_token"])
    created = await mod.ok("activity.create", kind="ideas", title="Ideen",
                           config={"live_wall": True})
    activity = created["result"]["activity"]
    await mod.ok("activity.activate", activity=activity)
    beamer = await Client.open(server.ws_url, code, live_session["presenter_token"])
    phone = (await _phones(server, code, 1))[0]
    await phone.ok("idea.add", activity=activity, text="erste")
    await beamer.wait(lambda m: m.get("event") == "idea.added")
    last_seq = max(m["seq"] for m in beamer.messages if "seq" in m)
    await beamer.close()
    # While the beamer is away: two ideas, one hidden.
    for text in ("zweite", "dritte"):
        await phone.ok("idea.add", activity=activity, text=text)
    third = [m for m in phone.messages if m["type"] == "ack"][-1]["result"]["idea"]
    await mod.ok("idea.hide", activity=activity, idea=third)
    beamer = await Client.open(server.ws_url, code, live_session["presenter_token"],
                               resume=last_seq)
    assert beamer.hello["resumed"] is True and beamer.hello["session"] is None
    await beamer.wait(lambda m: m.get("event") == "idea.hidden")
    replayed = [m["event"] for m in beamer.events()]
    assert replayed == ["idea.added", "idea.added", "idea.hidden"]
    assert [m["data"]["idea"]["text"] for m in beamer.events("idea.added")] == ["zweite", "dritte"]
    seqs = [m["seq"] for m in beamer.events()]
    assert seqs == sorted(seqs) and seqs[0] > last_seq
    # A seq the server does not know (or no longer holds) gets a complete snapshot instead.
    await beamer.close()
    fresh = await Client.open(server.ws_url, code, live_session["presenter_token"],
                              resume=10**9)
    assert fresh.hello["resumed"] is False
    wall = fresh.hello["session"]["activities"][0]["ideas"]
    assert [i["text"] for i in wall] == ["erste", "zweite"]
    for client in (mod, fresh, phone):
        await client.close()


async def test_resume_is_atomic_under_load(live_session: dict[str, Any]) -> None:
    """Ideas keep coming while the beamer reconnects: it sees each exactly once, in order."""
    server = live_session["server"]
    code = live_session["code"]
    mod = await Client.open(server.ws_url, code, live_session["moderator_token"])
    activity = (await mod.ok("activity.create", kind="ideas", title="Ideen",
                             config={"max_per_participant": 100}))["result"]["activity"]
    await mod.ok("activity.activate", activity=activity)
    phones = await _phones(server, code, 3)
    beamer = await Client.open(server.ws_url, code, live_session["presenter_token"])

    async def post(phone: Client, n: int) -> None:
        for i in range(n):
            await phone.ok("idea.add", activity=activity, text=f"{id(phone)}-{i}")

    posting = asyncio.gather(*(post(p, 30) for p in phones))
    seen: list[dict[str, Any]] = []
    for _ in range(5):
        await asyncio.sleep(0.02)
        seen += beamer.events("idea.added")
        last = max([beamer.hello["seq"], *(m["seq"] for m in beamer.events())])
        await beamer.close()
        beamer = await Client.open(server.ws_url, code, live_session["presenter_token"],
                                   resume=last)
        assert beamer.hello["resumed"] is True
    await posting
    await beamer.wait(lambda m: sum(1 for x in seen + beamer.events("idea.added")) >= 90)
    seen += beamer.events("idea.added")
    seqs = [m["seq"] for m in seen]
    assert len(seqs) == 90 and len(set(seqs)) == 90 and seqs == sorted(seqs)
    for client in (mod, beamer, *phones):
        await client.close()


async def test_retried_command_is_counted_once(live_session: dict[str, Any]) -> None:
    server = live_session["server"]
    code = live_session["code"]
    mod, activity = await _setup_poll(server, live_session)
    joined = server.join(code)
    phone = await Client.open(server.ws_url, code, joined["token"])
    first = await phone.command("vote.cast", ident="retry-1", activity=activity, choices=["o2"])
    await phone.close()
    # The phone lost the connection and sends the same command again after reconnecting.
    phone = await Client.open(server.ws_url, code, joined["token"])
    assert phone.hello["mine"] == {activity: {"choices": ["o2"]}}
    again = await phone.command("vote.cast", ident="retry-1", activity=activity, choices=["o2"])
    assert again == first
    # Even a retry with other content answers as the first time and changes nothing.
    odd = await phone.command("vote.cast", ident="retry-1", activity=activity, choices=["o3"])
    assert odd == first
    tally = await mod.wait(lambda m: m["type"] == "tally" and m["results"]["voters"] == 1)
    await asyncio.sleep(0.15)
    last = mod.tallies(activity)[-1]
    assert last["results"] == tally["results"]
    assert {o["id"]: o["count"] for o in last["results"]["options"]} == {"o1": 0, "o2": 1,
                                                                         "o3": 0}
    # Ideas too: a retried idea.add makes one idea.
    created = await mod.ok("activity.create", kind="ideas", title="Ideen")
    ideas = created["result"]["activity"]
    await mod.ok("activity.activate", activity=ideas)
    a = await phone.command("idea.add", ident="idea-1", activity=ideas, text="Eine Idee")
    b = await phone.command("idea.add", ident="idea-1", activity=ideas, text="Eine Idee")
    assert a == b
    await asyncio.sleep(0.1)
    assert len(mod.events("idea.added")) == 1
    await phone.close()
    await mod.close()
