"""Issue 8: four workshops on one server vote at the same moment, while new sessions are
created and late phones join. Nobody is told `busy`, no request fails, and every acknowledged
vote is in the results: each session's tally equals a recount of each phone's last choice."""

from __future__ import annotations

import asyncio
import collections
import json
import random
import time
from typing import Any

from tests.conftest import LiveServer
from tests.support import Client, ServerLog, fresh_hello, moderate, raw_request

SESSIONS = 4
PHONES = 15
LATE = 3  # phones per session that join during the storm
VOTES = 6
OPTIONS = ["o1", "o2", "o3", "o4"]


async def test_four_sessions_vote_at_once(tmp_path: Any) -> None:
    server = LiveServer(tmp_path / "data").start()
    with ServerLog() as log:
        try:
            await _storm(server, log)
        finally:
            server.stop()


class Room:
    def __init__(self, session: dict[str, Any], mod: Client, poll: str) -> None:
        self.session = session
        self.code: str = session["code"]
        self.mod = mod
        self.poll = poll
        self.phones: list[Client] = []
        self.last: dict[str, str] = {}  # participant id: last acknowledged choice


async def _storm(server: LiveServer, log: ServerLog) -> None:
    rooms = []
    for n in range(SESSIONS):
        session = await asyncio.to_thread(server.create_session, f"Workshop {n}")
        await asyncio.to_thread(moderate, server, session, [{"type": "session.open"},
                                                            {"type": "session.start"}])
        mod = await Client.open(server.ws_url, session["code"], session["moderator_token"])
        poll = (await mod.ok("activity.create", kind="poll", title="Was zuerst?",
                             config={"options": ["Wärme", "Verkehr", "Strom", "Wald"]})
                )["result"]["activity"]
        await mod.ok("activity.activate", activity=poll)
        rooms.append(Room(session, mod, poll))
    for room in rooms:
        for _ in range(PHONES):
            token = (await asyncio.to_thread(server.join, room.code))["token"]
            room.phones.append(await Client.open(server.ws_url, room.code, token))

    answers: list[dict[str, Any]] = []
    statuses: list[tuple[str, int, Any]] = []
    rng = random.Random(4)

    async def vote(room: Room, phone: Client, times: int) -> None:
        who = phone.hello["you"]["participant"]
        for _ in range(times):
            choice = rng.choice([o for o in OPTIONS if o != room.last.get(who)])
            answer = await phone.command("vote.cast", activity=room.poll, choices=[choice])
            answers.append(answer)
            if answer["type"] == "ack":
                room.last[who] = choice
            await asyncio.sleep(rng.uniform(0, 0.03))

    async def create(n: int) -> None:
        status, answer = await asyncio.to_thread(
            raw_request, server, "POST", "/api/sessions", json.dumps({"title": f"Neu {n}"})
            .encode(), {"Authorization": f"Bearer {server.organiser_key}"})
        statuses.append(("create", status, answer))

    async def late(room: Room) -> None:
        await asyncio.sleep(rng.uniform(0, 0.2))
        status, answer = await asyncio.to_thread(
            raw_request, server, "POST", f"/api/sessions/{room.code}/join", b'{"name": null}')
        statuses.append(("join", status, answer))
        if status == 201:
            phone = await Client.open(server.ws_url, room.code, answer["token"])
            room.phones.append(phone)
            await vote(room, phone, 3)

    started = time.monotonic()
    await asyncio.wait_for(asyncio.gather(
        *(vote(room, phone, VOTES) for room in rooms for phone in list(room.phones)),
        *(create(n) for n in range(SESSIONS)),
        *(late(room) for room in rooms for _ in range(LATE))), timeout=30)
    elapsed = time.monotonic() - started

    refused = collections.Counter(m.get("code") for m in answers if m["type"] != "ack")
    failed = [(what, status, str(answer)[:100]) for what, status, answer in statuses
              if status != 201]
    assert not refused and not failed, (
        f"{sum(refused.values())} of {len(answers)} votes refused: {dict(refused)}; "
        f"{len(failed)} of {len(statuses)} requests failed: {failed}")
    assert len(answers) == SESSIONS * (PHONES * VOTES + LATE * 3)
    assert len(statuses) == SESSIONS + SESSIONS * LATE

    for room in rooms:
        expected = collections.Counter(room.last.values())
        counts = {o: expected.get(o, 0) for o in OPTIONS}
        hello = await fresh_hello(server, room.code, room.session["moderator_token"])
        results = next(a for a in hello["session"]["activities"]
                       if a["id"] == room.poll)["results"]
        assert results["voters"] == len(room.last) == PHONES + LATE, room.code
        assert {o["id"]: o["count"] for o in results["options"]} == counts, room.code
        # The console's live tally of the last vote comes to the same numbers.
        tally = await room.mod.wait(lambda m, room=room, seq=hello["seq"]: (
            m["type"] == "tally" and m["activity"] == room.poll and m["seq"] >= seq),
            timeout=5)
        assert {o["id"]: o["count"] for o in tally["results"]["options"]} == counts
    for room in rooms:
        for client in (room.mod, *room.phones):
            await client.close()
    assert elapsed < 20, elapsed
    assert not log.problems(), "\n".join(log.problems()[:20])
