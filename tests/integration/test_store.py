"""What every store must do, run against a real SQLite file and a real PostgreSQL database
(the store_url fixture in tests/conftest.py), so that neither store can drift from the other."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facilitator.domain.model import Event
from facilitator.store import make_store
from facilitator.store.base import (
    Answer,
    SessionDump,
    SessionRecord,
    Store,
    StoreConflict,
    encode_data,
)


@pytest.fixture
async def store(store_url: str) -> AsyncIterator[Store]:
    opened = make_store(store_url, remembered_ids=3)
    await opened.open()
    try:
        yield opened
    finally:
        await opened.close()


def _record(n: int, status: str = "live", created: float = 0.0) -> SessionRecord:
    return SessionRecord(f"s{n}", f"CODE{n}", f"Werkstatt {n}", status, created or float(n))


def _created(n: int) -> Event:
    return Event(1, "session.created", {"title": f"Werkstatt {n}"}, 1000.0 + n)


async def test_sessions_are_found_by_code_and_id_and_never_twice(store: Store) -> None:
    await store.create_session(_record(1), _created(1))
    assert await store.find_session(code="CODE1") == _record(1)
    assert await store.find_session(ident="s1") == _record(1)
    assert await store.find_session(code="NOPE") is None
    for taken in (_record(1), SessionRecord("s2", "CODE1", "", "draft", 2.0)):
        with pytest.raises(StoreConflict):
            await store.create_session(taken, _created(2))
    # The refused creations left nothing behind, not even their first event.
    assert await store.find_session(ident="s2") is None
    assert [e.seq for e in await store.load_events("s1")] == [1]


async def test_the_list_is_newest_first_and_leaves_out_deleted_sessions(store: Store) -> None:
    for n in (1, 2, 3):
        await store.create_session(_record(n), _created(n))
    await store.append("s2", [], [], status="deleted")
    await store.append("s3", [], [], title="Neuer Titel")
    listed = await store.list_sessions()
    assert [(r.id, r.title) for r in listed] == [("s3", "Neuer Titel"), ("s1", "Werkstatt 1")]
    assert [r.id for r in await store.list_sessions(deleted=True)] == ["s3", "s2", "s1"]


async def test_events_keep_their_text_and_load_from_a_seq(store: Store) -> None:
    await store.create_session(_record(1), _created(1))
    data = {"z": 1, "a": "Übergänge „fair“ gestalten 🚲", "nested": {"b": [1.5, None, True]}}
    events = [Event(seq, "idea.added", {**data, "n": seq}, 1001.25 + seq) for seq in (2, 3, 4)]
    await store.append("s1", events, [])
    assert await store.load_events("s1", after=2) == events[1:]
    dump = await store.dump_session("s1")
    assert dump is not None
    assert dump.events[1] == (2, "idea.added", encode_data({**data, "n": 2}), 1003.25)


async def test_a_request_that_fails_fails_alone(store: Store) -> None:
    """A seq taken twice (two writers of one session) is refused as a whole; another
    session's request queued beside it commits."""
    for n in (1, 2):
        await store.create_session(_record(n), _created(n))
    clash = [Event(2, "note", {}, 1.0), Event(1, "note", {}, 1.0)]
    fine = [Event(2, "note", {"ok": True}, 1.0)]
    answer = Answer("participant:p", "c1", '{"type":"ack"}')
    results = await asyncio.gather(store.append("s1", clash, [answer]),
                                   store.append("s2", fine, [answer]),
                                   return_exceptions=True)
    assert isinstance(results[0], Exception) and results[1] is None
    assert [e.seq for e in await store.load_events("s1")] == [1]
    assert await store.load_answers("s1") == []
    assert [e.data for e in await store.load_events("s2", after=1)] == [{"ok": True}]
    assert await store.load_answers("s2") == [answer]


async def test_answers_keep_the_newest_per_credential(store: Store) -> None:
    """remembered_ids is 3 here: the newest three of each credential load, oldest first; a
    newer answer to an id moves to the end; forgotten ids go."""
    await store.create_session(_record(1), _created(1))
    for n in range(5):
        await store.append("s1", [], [Answer("participant:a", f"a{n}", f"A{n}"),
                                      Answer("participant:b", f"b{n}", f"B{n}")])
    await store.append("s1", [], [Answer("participant:a", "a2", "A2 again")],
                       forget=[("participant:b", "b4")])
    loaded = [(a.actor, a.id, a.message) for a in await store.load_answers("s1")]
    assert loaded == [("participant:b", "b1", "B1"), ("participant:b", "b2", "B2"),
                      ("participant:a", "a3", "A3"), ("participant:b", "b3", "B3"),
                      ("participant:a", "a4", "A4"), ("participant:a", "a2", "A2 again")]


async def test_a_dump_restores_equal_and_a_purge_removes_everything(
        store: Store, store_url: str) -> None:
    await store.create_session(_record(1, status="closed"), _created(1))
    await store.append("s1", [Event(2, "session.closed", {}, 2000.0)],
                       [Answer("moderator", "m1", '{"type":"ack","id":"m1"}')])
    dump = await store.dump_session("s1")
    assert dump is not None
    with pytest.raises(StoreConflict):
        await store.restore_session(dump)
    await store.purge_session("s1")
    assert await store.dump_session("s1") is None
    assert await store.list_sessions(deleted=True) == []
    await store.restore_session(dump)
    assert await store.dump_session("s1") == dump


async def test_sessions_that_ended_before_a_time(store: Store) -> None:
    for n, status in ((1, "closed"), (2, "deleted"), (3, "live"), (4, "closed")):
        await store.create_session(_record(n, status=status), _created(n))
    await store.append("s4", [Event(2, "session.closed", {}, 5000.0)], [])
    assert [r.id for r in await store.ended_before(2000.0)] == ["s1", "s2"]
    assert [r.id for r in await store.ended_before(6000.0)] == ["s1", "s2", "s4"]


async def test_the_store_migrates_once_and_takes_writes(store_url: str) -> None:
    for _ in range(2):
        opened: Any = make_store(store_url)
        await opened.open()
        try:
            await opened.check_writable()
            names = await opened.applied_migrations()
            assert names == sorted(set(names)) and names
        finally:
            await opened.close()


ops = st.lists(st.one_of(
    st.tuples(st.just("events"), st.integers(1, 3),
              st.lists(st.text(max_size=12), min_size=0, max_size=4)),
    st.tuples(st.just("answer"), st.integers(1, 3), st.sampled_from(["x", "y", "z", "w"])),
    st.tuples(st.just("forget"), st.integers(1, 3), st.sampled_from(["x", "y", "z", "w"])),
), max_size=25)


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops)
def test_both_stores_hold_the_same_after_the_same_writes(
        postgres_server: Any, tmp_path_factory: Any, script: list[tuple[str, int, Any]]) -> None:
    """The same writes, concurrently per session, leave equal dumps in SQLite and
    PostgreSQL."""
    urls = [f"sqlite:///{tmp_path_factory.mktemp('db') / 'db.sqlite3'}",
            postgres_server.new_database()]

    async def play(url: str) -> list[SessionDump | None]:
        store = make_store(url, remembered_ids=3)
        await store.open()
        try:
            seqs = {n: 1 for n in (1, 2, 3)}
            for n in (1, 2, 3):
                await store.create_session(_record(n), _created(n))
            writes = []
            for op, n, arg in script:
                if op == "events":
                    events = []
                    for text in arg:
                        seqs[n] += 1
                        events.append(Event(seqs[n], "idea.added", {"text": text}, 1.5))
                    writes.append(store.append(f"s{n}", events, []))
                elif op == "answer":
                    writes.append(store.append(f"s{n}", [], [Answer("p", arg, json.dumps(n))]))
                else:
                    writes.append(store.append(f"s{n}", [], [], forget=[("p", arg)]))
            for write in writes:  # in order: each awaited before the next starts
                await write
            return [await store.dump_session(f"s{n}") for n in (1, 2, 3)]
        finally:
            await store.close()

    sqlite_dumps, postgres_dumps = (asyncio.run(play(url)) for url in urls)
    assert sqlite_dumps == postgres_dumps
