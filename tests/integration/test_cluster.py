"""Two server processes' worth of servers (two uvicorns, each with its own event loop) on one
PostgreSQL database, one Redis and one data directory: phones of one session on both, every
vote counted once on both beamers, and a writer that stops handing over to the other."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import LiveServer
from tests.support import Client


@pytest.fixture
def pair(tmp_path: Path, postgres_server: Any, redis_server: Any) -> Iterator[list[LiveServer]]:
    options = {"database_url": postgres_server.new_database(), "redis_url": redis_server.url}
    servers = [LiveServer(tmp_path, **options).start() for _ in range(2)]
    try:
        yield servers
    finally:
        for server in servers:
            server.stop()


def _results(client: Client, activity: str) -> dict[str, int]:
    tallies = [m for m in client.messages if m["type"] == "tally" and m["activity"] == activity]
    if not tallies:
        return {}
    return {o["id"]: o["count"] for o in tallies[-1]["results"]["options"]}


async def _until(check: Any, timeout: float = 10.0) -> None:
    for _ in range(int(timeout / 0.05)):
        if check():
            return
        await asyncio.sleep(0.05)
    assert check()


async def test_phones_on_both_processes_vote_once_and_both_beamers_count(
        pair: list[LiveServer], caplog: pytest.LogCaptureFixture) -> None:
    one, two = pair
    session = one.create_session("Verkehrswende")
    code, token = session["code"], session["moderator_token"]
    mod = await Client.open(one.ws_url, code, token)
    await mod.ok("session.open")
    await mod.ok("session.start")
    poll = (await mod.ok("activity.create", kind="poll", title="Was zuerst?",
                         config={"options": ["Radwege", "Busse", "Parken"]}))["result"]["activity"]
    await mod.ok("activity.activate", activity=poll)
    await mod.ok("activity.reveal", activity=poll)
    beamers = [await Client.open(s.ws_url, code, session["presenter_token"]) for s in pair]
    phones = []
    for n in range(20):
        server = pair[n % 2]
        joined = server.join(code)
        phones.append(await Client.open(pair[(n + 1) % 2].ws_url, code, joined["token"]))
    votes = [f"o{n % 3 + 1}" for n in range(20)]
    answers = await asyncio.gather(*[p.ok("vote.cast", activity=poll, choices=[v])
                                     for p, v in zip(phones, votes, strict=True)])
    # Each phone's ack has a seq, and its own process shows that seq already.
    assert len({a["seq"] for a in answers}) == 20
    expected = {f"o{k}": votes.count(f"o{k}") for k in (1, 2, 3)}
    for beamer in beamers:
        await _until(lambda b=beamer: _results(b, poll) == expected)
    # The writer's process stops (a deploy): the other takes the session over, once however
    # many phones find the writer gone at the same moment; they go on voting, and a command
    # resent with the same id counts once.
    first = phones[0]  # on the second process
    resent = await first.command("vote.cast", ident="same-id", activity=poll,
                                 choices=["o3"])
    assert resent["type"] == "ack"
    one.stop()
    survivors = [p for n, p in enumerate(phones) if (n + 1) % 2 == 1]
    assert first in survivors
    with caplog.at_level(logging.INFO, logger="facilitator.live.cluster"):
        changed = await asyncio.gather(*[p.ok("vote.cast", activity=poll, choices=["o2"])
                                         for p in survivors])
    taken = [r for r in caplog.records if "writes session" in r.getMessage()]
    assert len(taken) == 1, [r.getMessage() for r in taken]
    assert all(a["type"] == "ack" for a in changed)
    again = await first.command("vote.cast", ident="same-id", activity=poll, choices=["o3"])
    assert again == resent
    expected = {"o1": 0, "o2": 0, "o3": 0}
    for n, vote in enumerate(votes):
        expected["o2" if (n + 1) % 2 == 1 else vote] += 1
    await _until(lambda: _results(beamers[1], poll) == expected)
    mod = await Client.open(two.ws_url, code, token)
    results = next(a for a in mod.hello["session"]["activities"] if a["id"] == poll)["results"]
    assert {o["id"]: o["count"] for o in results["options"]} == expected
    for client in [mod, beamers[1], *survivors]:
        await client.close()
