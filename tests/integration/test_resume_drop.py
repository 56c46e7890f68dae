"""A phone that drops its connection right after a resumed hello, again and again, while
events and tallies keep coming (issue 9, protocol 1.1): it resumes each time from the last seq
it saw (a client takes its seq from every hello and every event, and from a tally if that is
higher; a resumed hello's seq is the point its replay starts from), and in the end it has every
event of its audience exactly once and in order, the same as a phone of the same audience that
never dropped, and holds what a fresh hello gives it. And a participant that joined late and
resumes from before it existed gets a complete hello, never someone else's past."""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Iterator
from typing import Any

import pytest
from websockets.asyncio.client import connect

from tests.conftest import LiveServer
from tests.model.client import ClientModel
from tests.support import Client, fresh_hello, moderate

DROPS = 30


@pytest.fixture
def quick_session(tmp_path: Any) -> Iterator[dict[str, Any]]:
    """A live session on a server whose tallies reach phones within 50 ms (the default 500 ms
    would make the end of the test wait for the last tally)."""
    server = LiveServer(tmp_path / "data", tally_interval=0.02,
                        phone_tally_interval=0.05).start()
    try:
        session = server.create_session()
        moderate(server, session, [{"type": "session.open"}, {"type": "session.start"}])
        yield {**session, "server": server}
    finally:
        server.stop()


class DroppingPhone:
    """A phone that keeps only what it read: every message it did not read before it dropped
    the connection is, for it, never seen."""

    def __init__(self, ws_url: str, code: str, token: str) -> None:
        self.url = f"{ws_url}/ws/{code}?token={token}"
        self.seq: int | None = None
        self.hellos: list[dict[str, Any]] = []
        self.sent: list[int | None] = []  # the resume of each connection
        self.events: list[dict[str, Any]] = []  # in the order applied
        self.model = ClientModel("dropping phone")

    def _apply(self, message: dict[str, Any]) -> None:
        if message["type"] == "hello":
            self.hellos.append(message)
            self.seq = message["seq"]
        elif message["type"] == "event":
            self.events.append(message)
            self.seq = message["seq"]
        elif message["type"] == "tally" and self.seq is not None:
            self.seq = max(self.seq, message["seq"])  # "and of a tally, if it is higher"
        self.model.receive(message)

    async def visit(self, read_after_hello: int = 0, until_seq: int | None = None,
                    quiet: float = 0.0) -> dict[str, Any]:
        """Connect (resuming from the last seq seen, if any), read the hello and then
        `read_after_hello` more messages (or, with until_seq, until an event of that seq and
        then `quiet` seconds of silence), and drop the connection."""
        url = self.url if self.seq is None else f"{self.url}&resume={self.seq}"
        self.sent.append(self.seq)
        async with connect(url) as ws:
            hello: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), 5))
            assert hello["type"] == "hello", hello
            self._apply(hello)
            for _ in range(read_after_hello):
                try:
                    message = json.loads(await asyncio.wait_for(ws.recv(), 0.05))
                except TimeoutError:
                    break
                self._apply(message)
            if until_seq is not None:
                while self.seq is None or self.seq < until_seq:
                    self._apply(json.loads(await asyncio.wait_for(ws.recv(), 5)))
                while True:
                    try:
                        message = json.loads(await asyncio.wait_for(ws.recv(), quiet))
                    except TimeoutError:
                        break
                    self._apply(message)
            # The network goes away (no closing handshake, which a phone that lost its
            # network does not do either, and which a server still busy with the replay
            # would answer only after this client read everything queued for it).
            ws.transport.abort()
        return hello


async def _burst(server: Any, code: str, moderator: Client, posters: list[Client],
                 ideas: str) -> None:
    """Three phones post ideas while the moderator creates phases, clusters, activities,
    timers and pins: events for everyone, for the moderator only, and in between."""

    async def post(phone: Client, index: int) -> None:
        for n in range(30):
            await phone.ok("idea.add", activity=ideas, text=f"Idee {index}-{n}")
            if index and n % 4 == 0:  # support counts change: tallies for every phone
                await phone.ok("idea.support", activity=ideas, idea="i1", support=n % 8 == 0)
            await asyncio.sleep(0.004)

    async def moderate() -> None:
        for n in range(30):
            step = n % 6
            if step == 0:
                await moderator.ok("phase.create", title=f"Phase {n}")
            elif step == 1:
                await moderator.ok("cluster.create", activity=ideas, name=f"Cluster {n}")
            elif step == 2:
                await moderator.ok("activity.create", kind="poll", title=f"Umfrage {n}",
                                   config={"options": ["A", "B"]})
            elif step == 3:
                await moderator.ok("timer.start", seconds=300 + n, label=None)
            elif step == 4:
                await moderator.ok("idea.pin", activity=ideas, idea="i1",
                                   pinned=bool(n % 4))
            else:
                await moderator.ok("session.notes", notes=f"Notiz {n}")
            await asyncio.sleep(0.006)

    await asyncio.gather(moderate(), *[post(p, i) for i, p in enumerate(posters)])


def _comparable(events: list[dict[str, Any]]) -> list[tuple[int, str, Any]]:
    return [(e["seq"], e["event"], e["data"]) for e in events]


async def test_a_phone_dropping_after_every_resumed_hello_misses_nothing(
        quick_session: dict[str, Any]) -> None:
    server = quick_session["server"]
    code = quick_session["code"]
    moderator = await Client.open(server.ws_url, code, quick_session["moderator_token"])
    created = await moderator.ok("activity.create", kind="ideas", title="Ideen",
                                 config={"max_per_participant": 40, "support": True})
    ideas = created["result"]["activity"]
    await moderator.ok("activity.activate", activity=ideas)
    await moderator.ok("activity.reveal", activity=ideas)  # the wall reaches the phones
    posters = [await Client.open(server.ws_url, code, server.join(code)["token"])
               for _ in range(3)]
    await posters[0].ok("idea.add", activity=ideas, text="Die erste")  # i1, to pin
    witness_token = server.join(code)["token"]
    dropping_token = server.join(code)["token"]
    # The witness never drops: what it gets is what every phone without a group must get.
    witness = await Client.open(server.ws_url, code, witness_token)
    phone = DroppingPhone(server.ws_url, code, dropping_token)
    first = await phone.visit()
    assert first["resumed"] is False and first["seq"] == witness.hello["seq"]
    start = first["seq"]

    rng = random.Random(9)
    burst = asyncio.create_task(_burst(server, code, moderator, posters, ideas))
    for drop in range(DROPS):
        # Mostly right after the resumed hello; now and then after a few events.
        hello = await phone.visit(read_after_hello=0 if drop % 3 else rng.randint(1, 4))
        assert hello["resumed"] is True and hello["session"] is None, hello
        await asyncio.sleep(rng.uniform(0.0, 0.03))
    await burst
    # A last event for everyone marks the end: both phones read up to it.
    last = (await moderator.ok("phase.create", title="Ende"))["seq"]
    await witness.wait(lambda m: m["type"] == "event" and m["seq"] == last)
    assert last > start + 100, "the burst produced the events"
    final = await phone.visit(until_seq=last, quiet=0.5)
    assert final["resumed"] is True

    got = _comparable(phone.events)
    seqs = [seq for seq, _, _ in got]
    assert len(seqs) == len(set(seqs)), "an event arrived twice"
    assert seqs == sorted(seqs), "events out of order"
    expected = _comparable([e for e in witness.events() if e["seq"] > start])
    missing = sorted({s for s, _, _ in expected} - set(seqs))
    extra = sorted(set(seqs) - {s for s, _, _ in expected})
    assert not missing and not extra, f"missing {missing[:20]}, extra {extra[:20]}"
    assert got == expected
    # Every resumed hello named the point its replay starts from: the seq the phone sent.
    assert [h["seq"] for h in phone.hellos[1:]] == phone.sent[1:]
    # And what it holds is what a fresh hello gives it (participants' count aside: the page
    # says phones get it from the hello only).
    fresh = await fresh_hello(server, code, dropping_token)
    held = phone.model.snapshot()
    assert phone.model.notes == []
    held["session"].pop("participants")
    fresh["session"].pop("participants")
    assert held == {"session": fresh["session"], "you": fresh["you"], "mine": fresh["mine"]}
    for client in (moderator, witness, *posters):
        await client.close()


async def test_resume_points_are_the_seq_sent(live_session: dict[str, Any]) -> None:
    """Protocol 1.1: a resumed hello's seq is the resume the client sent, and the replay
    follows with higher seqs; dropping right after it and resuming from that seq replays the
    same events again."""
    server = live_session["server"]
    code = live_session["code"]
    moderator = await Client.open(server.ws_url, code, live_session["moderator_token"])
    token = server.join(code)["token"]
    phone = await Client.open(server.ws_url, code, token)
    seq = phone.hello["seq"]
    await phone.close()
    for n in range(5):
        await moderator.ok("phase.create", title=f"Phase {n}")
    replays = []
    for _ in range(3):
        again = await Client.open(server.ws_url, code, token, resume=seq)
        assert again.hello["resumed"] is True and again.hello["seq"] == seq
        await again.wait(lambda m: m["type"] == "event" and m["event"] == "phase.created"
                         and m["data"]["phase"]["title"] == "Phase 4")
        replays.append(_comparable(again.events()))
        await again.close()
    assert replays[0] == replays[1] == replays[2]
    assert [e[1] for e in replays[0]] == ["phase.created"] * 5
    assert all(e[0] > seq for e in replays[0])
    await moderator.close()


async def test_a_late_participant_resuming_from_before_it_joined_gets_a_complete_hello(
        live_session: dict[str, Any]) -> None:
    server = live_session["server"]
    code = live_session["code"]
    moderator = await Client.open(server.ws_url, code, live_session["moderator_token"])
    created = await moderator.ok("activity.create", kind="ideas", title="Ideen")
    ideas = created["result"]["activity"]
    await moderator.ok("activity.activate", activity=ideas)
    await moderator.ok("activity.reveal", activity=ideas)
    early = await Client.open(server.ws_url, code, server.join(code)["token"])
    await early.ok("idea.add", activity=ideas, text="Vorher")
    await moderator.ok("phase.create", title="Vorher")
    before = (await fresh_hello(server, code, live_session["moderator_token"]))["seq"]
    late = server.join(code)
    joined_at = (await fresh_hello(server, code, live_session["moderator_token"]))["seq"]
    assert joined_at > before
    for resume in (0, 1, before // 2, before, joined_at - 1):
        phone = await Client.open(server.ws_url, code, late["token"], resume=resume)
        assert phone.hello["resumed"] is False, (resume, phone.hello)
        assert phone.hello["session"] is not None
        assert phone.hello["seq"] >= joined_at
        await asyncio.sleep(0.2)
        old = [e for e in phone.events() if e["seq"] <= joined_at]
        assert old == [], f"resume={resume} replayed events from before the join: {old}"
        # The complete hello holds the past as state: the wall and the phase.
        wall = next(a for a in phone.hello["session"]["activities"] if a["id"] == ideas)
        assert [i["text"] for i in wall["ideas"]] == ["Vorher"]
        await phone.close()
    # From the seq of its own join on, a resume is a replay.
    await moderator.ok("phase.create", title="Nachher")
    phone = await Client.open(server.ws_url, code, late["token"], resume=joined_at)
    assert phone.hello["resumed"] is True
    event = await phone.wait(lambda m: m["type"] == "event")
    assert event["event"] == "phase.created" and event["data"]["phase"]["title"] == "Nachher"
    for client in (phone, early, moderator):
        await client.close()
