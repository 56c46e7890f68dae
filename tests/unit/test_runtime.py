"""The writer with a real SQLite store: gap-free seq, retries answered once, durable state."""

from __future__ import annotations

import asyncio
import contextlib
import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facilitator.domain.model import Actor, Command
from facilitator.domain.session import SessionState
from facilitator.i18n import translate
from facilitator.live.registry import Registry, moderator, system
from facilitator.store import make_store
from facilitator.store.base import Store
from facilitator.store.sqlite import SQLiteStore, migrations


async def _scene(url: str) -> tuple[Store, Registry, Any, str, list[Actor]]:
    store = make_store(url)
    await store.open()
    registry = Registry(store, translate)
    runtime = await registry.create("Test")
    for kind in ("session.open", "session.start"):
        await runtime.submit(moderator(kind))
    created = await runtime.submit(moderator("activity.create", kind="poll", title="P",
                                             config={"options": ["A", "B", "C"]}))
    poll = created["result"]["activity"]
    await runtime.submit(moderator("activity.activate", activity=poll))
    phones = []
    for _ in range(4):
        answer = await runtime.submit(system("participant.join"))
        phones.append(Actor("participant", answer["result"]["participant"]))
    return store, registry, runtime, poll, phones


vote = st.tuples(st.integers(0, 3), st.integers(0, 11), st.sampled_from(["o1", "o2", "o3"]))


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(vote, min_size=1, max_size=40))
def test_retries_count_once_and_the_log_rebuilds(store_url: str,
                                                 votes: list[tuple[int, int, str]]) -> None:

    async def run() -> None:
        store, registry, runtime, poll, phones = await _scene(store_url)
        first: dict[tuple[int, int], dict[str, Any]] = {}
        # Commands arrive concurrently (one batch) and with repeated ids.
        answers = await asyncio.gather(*[
            runtime.submit(Command("vote.cast", {"activity": poll, "choices": [choice]},
                                   phones[who], 1.0, f"v{ident}"))
            for who, ident, choice in votes])
        for (who, ident, _), answer in zip(votes, answers, strict=True):
            first.setdefault((who, ident), answer)
            assert answer == first[(who, ident)], "a repeated id answers as the first time"
        # The ballot of each phone is the choice of its last accepted distinct id.
        expected: dict[int, str] = {}
        seen: set[tuple[int, int]] = set()
        for who, ident, choice in votes:
            if (who, ident) not in seen:
                seen.add((who, ident))
                expected[who] = choice
        results = runtime.state.view("moderator")["activities"][0]["results"]
        counts = {o["id"]: o["count"] for o in results["options"]}
        assert results["voters"] == len(expected)
        for option in ("o1", "o2", "o3"):
            assert counts[option] == sum(1 for c in expected.values() if c == option)
        # Durable and gap-free: the log rebuilds the same state.
        events = await store.load_events(runtime.state.id)
        assert [e.seq for e in events] == list(range(1, len(events) + 1))
        assert SessionState.from_events(events).view("moderator") == runtime.state.view(
            "moderator")
        stored = {(a.actor, a.id): json.loads(a.message)
                  for a in await store.load_answers(runtime.state.id)}
        for (who, ident), answer in first.items():
            assert stored[(phones[who].key, f"v{ident}")] == answer
        await registry.close()
        await store.close()

    asyncio.run(run())


async def test_restart_keeps_answers(store_url: str) -> None:
    store, registry, runtime, poll, phones = await _scene(store_url)
    command = Command("vote.cast", {"activity": poll, "choices": ["o2"]}, phones[0], 1.0, "x")
    answer = await runtime.submit(command)
    code = runtime.code
    await registry.close()
    await store.close()
    store = make_store(store_url)
    await store.open()
    registry = Registry(store, translate)
    again = await registry.get(code)
    assert again is not None
    assert await again.submit(command) == answer
    assert again.state.view("moderator")["activities"][0]["results"]["voters"] == 1
    await registry.close()
    await store.close()


async def test_migrations_are_applied_once(tmp_path: Path) -> None:
    for _ in range(2):
        store = SQLiteStore(tmp_path / "db.sqlite3")
        await store.open()
        assert await store.applied_migrations() == [name for name, _ in migrations()]
        await store.close()


async def test_phone_tallies_keep_their_interval_however_long_a_round_takes(
        tmp_path: Path) -> None:
    """At most one tally per interval, counted from the start of one round to the start of
    the next: handing a tally to thousands of phones (here 40 that take 2 ms each, 80 ms a
    round) must not stretch the interval to interval + round."""
    store = SQLiteStore(tmp_path / "db.sqlite3")
    await store.open()
    registry = Registry(store, translate, phone_tally_interval=0.2)
    try:
        await _tallies_of_a_slow_round(registry)
    finally:
        await registry.close()
        await store.close()


async def _tallies_of_a_slow_round(registry: Registry) -> None:
    import time

    from facilitator.live.hub import Connection

    runtime = await registry.create("Test")
    for kind in ("session.open", "session.start"):
        await runtime.submit(moderator(kind))
    created = await runtime.submit(moderator("activity.create", kind="poll", title="P",
                                             config={"options": ["A", "B"]}))
    poll = created["result"]["activity"]
    for kind in ("activity.activate", "activity.reveal"):
        await runtime.submit(moderator(kind, activity=poll))
    arrived: list[float] = []

    async def slow(text: str) -> None:
        time.sleep(0.002)  # a round of 40 takes 80 ms of the loop's time
        if json.loads(text)["type"] == "tally":
            arrived.append(time.monotonic())

    async def close(code: int, reason: str) -> None:
        raise AssertionError(f"closed {code}")

    phones = []
    async with contextlib.AsyncExitStack() as stack:
        for _ in range(40):
            joined = await runtime.submit(system("participant.join"))
            who = joined["result"]["participant"]
            phones.append(Actor("participant", who))
            await stack.enter_async_context(runtime.connect(
                Connection("participant", slow, close, 512, who)))
        watched = 0  # the tallies of the phone served first in each round
        arrived.clear()
        began = time.monotonic()
        n = 0
        while time.monotonic() - began < 2.0:  # a vote every 20 ms for 2 s
            await runtime.submit(Command("vote.cast", {"activity": poll, "choices": [
                "o1" if n % 2 else "o2"]}, phones[n % len(phones)], time.time(), f"v{n}"))
            n += 1
            await asyncio.sleep(0.02)
        mine = arrived[watched::len(phones)]
    gaps = [b - a for a, b in zip(mine, mine[1:], strict=False)]
    # Every 0.2 s from round start to round start; stretched by the round it would be 0.28 s
    # or more, and with no interval at all a vote's 20 ms. A round may wait for the writer's
    # lock (a commit under way, slow on a loaded machine), which moves a single tally by
    # that much but not the rounds after it: the mean gap holds the interval.
    assert len(gaps) >= 4 and min(gaps) >= 0.05, gaps
    assert sum(gaps) / len(gaps) < 0.24, gaps


async def test_a_stopping_writer_commits_what_it_was_sent_before(tmp_path: Path) -> None:
    """A shutdown (registry.close in the lifespan's end) answers the commands already queued
    instead of refusing them as busy, and they are in the log; the commit time is counted."""
    store = SQLiteStore(tmp_path / "db.sqlite3")
    await store.open()
    registry = Registry(store, translate, commit_interval=0.05)
    runtime = await registry.create("Test")
    for kind in ("session.open", "session.start"):
        await runtime.submit(moderator(kind))
    commits = runtime.stats.commits
    joins = [asyncio.create_task(runtime.submit(system("participant.join"))) for _ in range(5)]
    await asyncio.sleep(0)  # queued; the writer waits commit_interval for more
    assert runtime.queued == 5
    await registry.close()
    answers = await asyncio.gather(*joins)
    assert [a["type"] for a in answers] == ["ack"] * 5
    assert runtime.stats.commits > commits and runtime.stats.commit_latency.sum > 0
    events = await store.load_events(runtime.state.id)
    assert sum(e.type == "participant.joined" for e in events) == 5
    await store.close()
