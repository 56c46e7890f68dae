"""Two server processes' worth of servers (two uvicorns, each with its own event loop) on one
PostgreSQL database, one Redis and one data directory: phones of one session on both, every
vote counted once on both beamers, and a writer that stops handing over to the other."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import LiveServer
from tests.services import RedisServer, running
from tests.support import Client


@contextlib.contextmanager
def _serving(tmp_path: Path, database_url: str, redis_url: str) -> Iterator[list[LiveServer]]:
    """Two servers on one database, one Redis and one data directory, stopped at the end."""
    options = {"database_url": database_url, "redis_url": redis_url}
    servers: list[LiveServer] = []
    try:
        for _ in range(2):
            servers.append(LiveServer(tmp_path, **options).start())
        yield servers
    finally:
        for server in servers:
            server.stop()


@pytest.fixture
def pair(tmp_path: Path, postgres_server: Any, redis_server: Any) -> Iterator[list[LiveServer]]:
    with _serving(tmp_path, postgres_server.new_database(), redis_server.url) as servers:
        yield servers


_numbers = itertools.count(1)


async def _acked(client: Client, type_: str, **fields: Any) -> dict[str, Any]:
    """Send a command with one id until it is acknowledged, as a phone does while a process,
    Redis or the database is away: busy answers and silence are sent again."""
    ident = f"r{next(_numbers)}"
    for _ in range(60):
        try:
            answer = await client.command(type_, ident, **fields)
        except TimeoutError:
            continue
        if answer.get("code") not in ("busy", "rate_limited"):
            assert answer["type"] == "ack", answer
            return answer
        await asyncio.sleep(0.3)
    raise AssertionError(f"{type_} was never acknowledged")


async def _poll(pair: list[LiveServer], title: str, options: list[str]
                ) -> tuple[dict[str, Any], str, Client, list[Client]]:
    """A session made through the first server (its writer) with a revealed poll, its
    moderator's connection, and a beamer on each server."""
    session = pair[0].create_session(title)
    code = session["code"]
    mod = await Client.open(pair[0].ws_url, code, session["moderator_token"])
    await mod.ok("session.open")
    await mod.ok("session.start")
    poll = (await mod.ok("activity.create", kind="poll", title="Was zuerst?",
                         config={"options": options}))["result"]["activity"]
    await mod.ok("activity.activate", activity=poll)
    await mod.ok("activity.reveal", activity=poll)
    beamers = [await Client.open(s.ws_url, code, session["presenter_token"]) for s in pair]
    return session, poll, mod, beamers


async def _scene(pair: list[LiveServer]) -> tuple[str, Client, list[Client], list[Client]]:
    """A revealed poll written by the first server; a beamer and two phones on each."""
    session, poll, mod, beamers = await _poll(pair, "Ausfall", ["Rad", "Bus", "Wärme"])
    code = session["code"]
    phones = [await Client.open(s.ws_url, code, s.join(code)["token"])
              for s in (pair[0], pair[0], pair[1], pair[1])]
    await mod.close()
    return poll, beamers[0], beamers, phones


async def test_a_redis_outage_delays_the_replicas_and_loses_nothing(
        tmp_path: Path, postgres_server: Any) -> None:
    with running(RedisServer) as redis, \
            _serving(tmp_path, postgres_server.new_database(), redis.url) as pair:
        poll, _, beamers, phones = await _scene(pair)
        await _acked(phones[0], "vote.cast", activity=poll, choices=["o1"])
        await _acked(phones[2], "vote.cast", activity=poll, choices=["o2"])
        both = {"o1": 1, "o2": 1, "o3": 0}
        for beamer in beamers:
            await _until(lambda b=beamer: _results(b, poll) == both)
        redis.pause()
        # The writer goes on for its own phones; the replica hears nothing meanwhile.
        await _acked(phones[1], "vote.cast", activity=poll, choices=["o3"])
        await _until(lambda: _results(beamers[0], poll) == {"o1": 1, "o2": 1, "o3": 1})
        redis.start()
        # Back: the replica reads what it missed from the log, without any new vote.
        await _until(lambda: _results(beamers[1], poll) == {"o1": 1, "o2": 1, "o3": 1})
        # And its phones' votes reach the writer again.
        await _acked(phones[3], "vote.cast", activity=poll, choices=["o3"])
        final = {"o1": 1, "o2": 1, "o3": 2}
        for beamer in beamers:
            await _until(lambda b=beamer: _results(b, poll) == final)
        for client in [*beamers, *phones]:
            await client.close()


async def test_the_database_dropping_every_connection_loses_nothing(
        tmp_path: Path, postgres_server: Any, redis_server: Any) -> None:
    """PostgreSQL ends every connection (a restart, a failover): the writer's commit fails and
    is answered busy, the leases go and are taken again, and the phones' votes, sent again
    with their ids, are counted once."""
    database = postgres_server.new_database()
    with _serving(tmp_path, database, redis_server.url) as pair:
        poll, _, beamers, phones = await _scene(pair)
        await _acked(phones[0], "vote.cast", activity=poll, choices=["o1"])
        name = database.rsplit("/", 1)[1]
        postgres_server.psql("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                             f"WHERE datname = '{name}'")
        votes = ["o2", "o2", "o3", "o3"]
        await asyncio.gather(*[_acked(phone, "vote.cast", activity=poll, choices=[vote])
                               for phone, vote in zip(phones, votes, strict=True)])
        final = {"o1": 0, "o2": 2, "o3": 2}
        for beamer in beamers:
            await _until(lambda b=beamer: _results(b, poll) == final, timeout=20)
        # Once more, now that the leases are held again: one vote, counted once everywhere.
        await _acked(phones[3], "vote.cast", activity=poll, choices=["o1"])
        final = {"o1": 1, "o2": 2, "o3": 1}
        for beamer in beamers:
            await _until(lambda b=beamer: _results(b, poll) == final)
        for client in [*beamers, *phones]:
            await client.close()


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
    session, poll, mod, beamers = await _poll(pair, "Verkehrswende",
                                              ["Radwege", "Busse", "Parken"])
    code, token = session["code"], session["moderator_token"]
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
