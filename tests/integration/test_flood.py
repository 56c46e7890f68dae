"""Issue 8: one machine floods a session — joins, ideas, sockets — and is stopped at the
limits, while real people still get in: the moderator lifts a limit for a room behind one
address, a phone's extra sockets replace its oldest one, and the console and the beamer always
connect, however many phones fill the server."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed
from websockets.protocol import State

from tests.conftest import LiveServer
from tests.support import Client, ServerLog, fresh_hello, moderate, raw_request


def _live(server: LiveServer, names: bool = False) -> dict[str, Any]:
    session = server.create_session(names=names)
    moderate(server, session, [{"type": "session.open"}, {"type": "session.start"}])
    return session


def _join(server: LiveServer, code: str) -> tuple[int, Any]:
    return raw_request(server, "POST", f"/api/sessions/{code}/join", b'{"name": null}')


async def test_join_flood_is_stopped_and_a_real_phone_still_gets_in(tmp_path: Any) -> None:
    """40 joins from one address against a limit of 30 a minute: the first 30 get in, the
    rest are told 429; another session takes joins from the same address; once the moderator
    lifts the session's limit to 1000 a minute, the rest of the room (20 phones from the same
    address) joins at once, and a phone votes."""
    server = LiveServer(tmp_path / "data", joins_per_address=30).start()
    with ServerLog() as log:
        try:
            session = await asyncio.to_thread(_live, server)
            other = await asyncio.to_thread(_live, server)
            code = session["code"]
            mod = await Client.open(server.ws_url, code, session["moderator_token"])
            poll = (await mod.ok("activity.create", kind="poll", title="Wahl",
                                 config={"options": ["Ja", "Nein"]}))["result"]["activity"]
            await mod.ok("activity.activate", activity=poll)

            started = time.monotonic()
            flood = [await asyncio.to_thread(_join, server, code) for _ in range(40)]
            elapsed = time.monotonic() - started
            statuses = [status for status, _ in flood]
            assert statuses[:30] == [201] * 30, statuses
            # The bucket refills at 30 a minute: half a join a second of flooding.
            allowed = 30 + int(elapsed / 2) + 1
            assert statuses.count(201) <= allowed, (statuses, elapsed)
            assert set(statuses[30:]) <= {201, 429}, statuses
            assert statuses[-5:] == [429] * 5, statuses
            refusal = flood[-1][1]
            assert refusal["error"]["code"] == "rate_limited", refusal
            hello = await fresh_hello(server, code, session["moderator_token"])
            assert hello["session"]["participants"]["count"] == statuses.count(201)

            # Another session: the limit is per session and address.
            status, answer = await asyncio.to_thread(_join, server, other["code"])
            assert status == 201, answer

            # The room is behind one router: the moderator lifts the limit for it, and the
            # rest of the room (20 people, far below 1000 a minute) joins at once.
            await mod.ok("session.limits", limits={"joins_per_address": 1000})
            room = [await asyncio.to_thread(_join, server, code) for _ in range(20)]
            assert [status for status, _ in room] == [201] * 20, [s for s, _ in room]
            phone = await Client.open(server.ws_url, code, room[-1][1]["token"])
            await phone.ok("vote.cast", activity=poll, choices=["o1"])
            hello = await fresh_hello(server, code, session["moderator_token"])
            results = next(a for a in hello["session"]["activities"]
                           if a["id"] == poll)["results"]
            assert results["voters"] == 1
            for client in (phone, mod):
                await client.close()
        finally:
            server.stop()
    assert not log.problems(), "\n".join(log.problems()[:20])


async def test_idea_flood_stops_at_the_activity_cap(tmp_path: Any) -> None:
    """One phone re-joins again and again and posts ideas: the activity takes 50
    (max_ideas=50), every further idea is `limit_reached` — also for a new phone — and
    nothing else goes wrong; the moderator lifts the cap and a real phone's idea gets in."""
    server = LiveServer(tmp_path / "data", max_ideas=50).start()
    with ServerLog() as log:
        try:
            session = await asyncio.to_thread(_live, server)
            code = session["code"]
            mod = await Client.open(server.ws_url, code, session["moderator_token"])
            ideas = (await mod.ok("activity.create", kind="ideas", title="Ideen"))[
                "result"]["activity"]
            await mod.ok("activity.activate", activity=ideas)
            accepted: list[int] = []
            refusals: list[dict[str, Any]] = []
            for rejoin in range(6):  # 20 ideas per phone at most (max_per_participant)
                status, answer = await asyncio.to_thread(_join, server, code)
                assert status == 201, answer
                phone = await Client.open(server.ws_url, code, answer["token"])
                accepted.append(0)
                for n in range(21):
                    reply = await phone.command("idea.add", activity=ideas,
                                                text=f"Spam {rejoin}-{n}")
                    if reply["type"] != "ack":
                        refusals.append(reply)
                        break
                    accepted[-1] += 1
                await phone.close()
            assert [r["code"] for r in refusals] == ["limit_reached"] * 6, refusals
            # 20 a phone, then the activity is full: the later phones' first idea is refused.
            assert accepted == [20, 20, 10, 0, 0, 0], accepted
            hello = await fresh_hello(server, code, session["moderator_token"])
            wall = next(a for a in hello["session"]["activities"] if a["id"] == ideas)["ideas"]
            assert len(wall) == 50

            await mod.ok("session.limits", limits={"ideas": 200})
            status, answer = await asyncio.to_thread(_join, server, code)
            assert status == 201, answer
            real = await Client.open(server.ws_url, code, answer["token"])
            await real.ok("idea.add", activity=ideas, text="Eine echte Idee")
            for client in (real, mod):
                await client.close()
        finally:
            server.stop()
    assert not log.problems(), "\n".join(log.problems()[:20])


async def _closed_with(client: Client, timeout: float = 3) -> int | None:
    try:
        await asyncio.wait_for(client.ws.wait_closed(), timeout)
    except TimeoutError:
        return None
    return client.ws.close_code


async def _alive(client: Client, tag: str) -> bool:
    if client.ws.state is not State.OPEN:
        return False
    try:
        await client.send_raw(json.dumps({"type": "ping", "id": tag}))
        await client.wait(lambda m: m["type"] == "pong" and m["id"] == tag, timeout=3)
    except (ConnectionClosed, TimeoutError):
        return False
    return True


async def test_one_token_holds_at_most_four_sockets(live_session: dict[str, Any]) -> None:
    """One phone's token opens six sockets, one after the other: each one past the fourth
    replaces the oldest still open, which is closed with 4409; the newest four work."""
    server = live_session["server"]
    code = live_session["code"]
    token = server.join(code)["token"]
    sockets: list[Client] = []
    with ServerLog() as log:
        try:
            await _six_sockets(server, code, token, sockets)
        finally:
            for client in sockets:
                await client.close()
    assert not log.problems(), "\n".join(log.problems()[:20])


async def _six_sockets(server: Any, code: str, token: str, sockets: list[Client]) -> None:
    for n in range(6):
        sockets.append(await Client.open(server.ws_url, code, token))
        if n >= 4:
            replaced = sockets[n - 4]
            assert await _closed_with(replaced) == 4409, (n, replaced.ws.close_code)
            # Only the oldest went: the one after it is still there.
            assert await _alive(sockets[n - 3], f"after{n}")
    for n, client in enumerate(sockets):
        if n < 2:
            assert client.ws.state is State.CLOSED and client.ws.close_code == 4409
        else:
            assert await _alive(client, f"s{n}"), (n, client.ws.close_code)


async def _refused_with(server: LiveServer, code: str, token: str) -> int | None:
    """The close code a new connection gets instead of its hello (None: it got a hello)."""
    async with connect(f"{server.ws_url}/ws/{code}?token={token}") as ws:
        try:
            first = json.loads(await asyncio.wait_for(ws.recv(), 5))
        except ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd is not None else -1
    assert first["type"] == "hello", first
    return None


async def test_console_and_beamer_connect_when_phones_fill_the_server(tmp_path: Any) -> None:
    """max_connections=5: five phones fill the server, a sixth is closed with 1013 — and the
    moderator and the beamer still connect and work. When a phone leaves, its place is free."""
    server = LiveServer(tmp_path / "data", max_connections=5).start()
    with ServerLog() as log:
        try:
            await _full_house(server)
        finally:
            server.stop()
    assert not log.problems(), "\n".join(log.problems()[:20])


async def _full_house(server: LiveServer) -> None:
    session = await asyncio.to_thread(_live, server)
    code = session["code"]
    tokens = [(await asyncio.to_thread(server.join, code))["token"] for _ in range(6)]
    phones = [await Client.open(server.ws_url, code, token) for token in tokens[:5]]
    assert await _refused_with(server, code, tokens[5]) == 1013
    for role in ("moderator", "presenter"):  # closed with 1013 would be the bug
        assert await _refused_with(server, code, session[f"{role}_token"]) is None, role
    mod = await Client.open(server.ws_url, code, session["moderator_token"])
    assert mod.hello["role"] == "moderator"
    beamer = await Client.open(server.ws_url, code, session["presenter_token"])
    assert beamer.hello["role"] == "presenter"
    await mod.ok("activity.create", kind="ideas", title="Noch da")
    assert all([await _alive(phone, f"full{n}") for n, phone in enumerate(phones)])
    # One phone goes home: the sixth gets its place (once the server has seen it go).
    await phones.pop().close()
    refused: int | None = 1013
    deadline = time.monotonic() + 3
    while refused == 1013 and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
        refused = await _refused_with(server, code, tokens[5])
    assert refused is None, refused
    for client in (mod, beamer, *phones):
        await client.close()
