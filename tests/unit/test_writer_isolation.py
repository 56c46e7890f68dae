"""The writers of many sessions on one store, and one command that fails for a reason other
than a refusal: it is answered with an error, the rest of its batch is committed, nothing of
it is stored, and no other session notices."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from facilitator.domain.activities import KINDS
from facilitator.domain.model import Actor, Command, Decision, Event
from facilitator.domain.session import SessionState
from facilitator.i18n import translate
from facilitator.live.answers import REFUSALS, Answers
from facilitator.live.registry import Registry, moderator, system
from facilitator.live.runtime import SessionRuntime
from facilitator.store import make_store
from facilitator.store.base import Answer, Store


async def _open(url: str, **options: Any) -> tuple[Store, Registry]:
    store = make_store(url)
    await store.open()
    return store, Registry(store, translate, **options)


async def _live(registry: Registry, phones: int = 4,
                kind: str = "poll") -> tuple[SessionRuntime, str, list[Actor]]:
    runtime = await registry.create("Test")
    for command in ("session.open", "session.start"):
        await runtime.submit(moderator(command))
    config = {"options": ["A", "B", "C"]} if kind == "poll" else {}
    created = await runtime.submit(moderator("activity.create", kind=kind, title="T",
                                             config=config))
    activity = created["result"]["activity"]
    await runtime.submit(moderator("activity.activate", activity=activity))
    actors = []
    for _ in range(phones):
        answer = await runtime.submit(system("participant.join"))
        actors.append(Actor("participant", answer["result"]["participant"]))
    return runtime, activity, actors


def _vote(activity: str, who: Actor, ident: str, choice: str = "o1") -> Command:
    return Command("vote.cast", {"activity": activity, "choices": [choice]}, who, 1.0, ident)


def _idea(activity: str, who: Actor, ident: str, text: str) -> Command:
    return Command("idea.add", {"activity": activity, "text": text}, who, 1.0, ident)


async def _same_as_log(store: Store, runtime: SessionRuntime) -> None:
    events = await store.load_events(runtime.state.id)
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert SessionState.from_events(events).view("moderator") == runtime.state.view("moderator")


async def test_ten_sessions_commit_at_once_without_busy(store_url: str) -> None:
    store, registry = await _open(store_url)
    scenes = [await _live(registry, phones=10) for _ in range(10)]
    commands = [(runtime, _vote(poll, who, f"v{round_}", ("o1", "o2", "o3")[round_ % 3]))
                for runtime, poll, actors in scenes for who in actors for round_ in range(5)]
    answers = await asyncio.gather(*[runtime.submit(c) for runtime, c in commands])
    assert [a["type"] for a in answers] == ["ack"] * len(commands)
    for runtime, _, _ in scenes:
        results = runtime.state.view("moderator")["activities"][0]["results"]
        assert results["voters"] == 10
        await _same_as_log(store, runtime)
    await registry.close()
    await store.close()


async def test_a_command_that_fails_to_decide_fails_alone(
        store_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    store, registry = await _open(store_url)
    runtime, ideas, actors = await _live(registry, kind="ideas")
    kind = KINDS["ideas"]
    decide = kind.decide

    def broken(activity: Any, command: Command, ids: Any) -> Decision:
        if command.args.get("text") == "boom":
            raise KeyError("a defect")
        return decide(activity, command, ids)

    monkeypatch.setattr(kind, "decide", broken)
    before = runtime.state.seq
    answers = await asyncio.gather(
        runtime.submit(_idea(ideas, actors[0], "a", "eins")),
        runtime.submit(_idea(ideas, actors[1], "b", "boom")),
        runtime.submit(_idea(ideas, actors[2], "c", "drei")))
    assert [a["type"] for a in answers] == ["ack", "error", "ack"]
    assert answers[1]["code"] == "invalid" and answers[1]["id"] == "b"
    assert runtime.state.seq == before + 2
    await _same_as_log(store, runtime)
    await registry.close()
    await store.close()


async def test_data_that_cannot_be_stored_is_refused_and_the_batch_commits(
        store_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The mechanism behind the lone surrogate: whatever lets such a text through the edge,
    the writer refuses that one command before anything is applied."""
    store, registry = await _open(store_url)
    runtime, ideas, actors = await _live(registry, kind="ideas")
    kind = KINDS["ideas"]
    decide = kind.decide

    def poisoned(activity: Any, command: Command, ids: Any) -> Decision:
        decision = decide(activity, command, ids)
        if command.args.get("text") == "gift":
            name, data = decision.events[0]
            decision.events[0] = (name, {**data, "text": "\ud800"})
        return decision

    monkeypatch.setattr(kind, "decide", poisoned)
    answers = await asyncio.gather(*[
        runtime.submit(_idea(ideas, actors[i % 4], f"x{i}", "gift" if i == 5 else f"Idee {i}"))
        for i in range(12)])
    assert [a["type"] for a in answers].count("ack") == 11
    assert answers[5]["type"] == "error" and answers[5]["code"] == "invalid"
    texts = [idea["text"] for idea in runtime.state.view("moderator")["activities"][0]["ideas"]]
    assert "gift" not in texts and "\ud800" not in texts and len(texts) == 11
    await _same_as_log(store, runtime)
    # The writer goes on: the same id resent gets the same refusal, a new command its ack.
    assert await runtime.submit(_idea(ideas, actors[0], "x5", "gift")) == answers[5]
    assert (await runtime.submit(_idea(ideas, actors[0], "y", "weiter")))["type"] == "ack"
    await registry.close()
    await store.close()


async def test_a_command_that_fails_half_applied_leaves_no_trace(
        store_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    store, registry = await _open(store_url)
    runtime, ideas, actors = await _live(registry, kind="ideas")
    kind = KINDS["ideas"]
    apply = kind.apply

    def broken(activity: Any, event: Event) -> None:
        apply(activity, event)  # changes the state first, then fails
        if event.data.get("text") == "boom":
            raise RuntimeError("a defect after the change")

    monkeypatch.setattr(kind, "apply", broken)
    answers = await asyncio.gather(
        runtime.submit(_idea(ideas, actors[0], "a", "eins")),
        runtime.submit(_idea(ideas, actors[1], "b", "boom")),
        runtime.submit(_idea(ideas, actors[2], "c", "drei")))
    assert [a["type"] for a in answers] == ["ack", "error", "ack"]
    texts = [idea["text"] for idea in runtime.state.view("moderator")["activities"][0]["ideas"]]
    assert texts == ["eins", "drei"]
    await _same_as_log(store, runtime)
    await registry.close()
    await store.close()


async def test_one_failing_store_request_fails_alone(store_url: str) -> None:
    store, registry = await _open(store_url)
    one, _, _ = await _live(registry, phones=0)
    two, _, _ = await _live(registry, phones=0)
    duplicate = Event(one.state.seq, "session.noted", {"notes": "x"}, 1.0)  # seq is taken
    fine = Event(two.state.seq + 1, "session.noted", {"notes": "y"}, 1.0)
    results = await asyncio.gather(store.append(one.state.id, [duplicate], []),
                                   store.append(two.state.id, [fine], []),
                                   return_exceptions=True)
    assert isinstance(results[0], Exception)
    assert [e.data for e in await store.load_events(one.state.id)][-1] != {"notes": "x"}
    assert results[1] is None
    assert (await store.load_events(two.state.id))[-1].data == {"notes": "y"}
    await registry.close()
    await store.close()


async def test_refusals_are_not_stored_and_answers_are_bounded(store_url: str) -> None:
    store, registry = await _open(store_url, remembered_ids=5)
    runtime, poll, actors = await _live(registry)
    refused = await runtime.submit(_vote(poll, actors[0], "bad", "o9"))
    assert refused["type"] == "error"
    assert await runtime.submit(_vote(poll, actors[0], "bad", "o9")) == refused
    for i in range(8):
        assert (await runtime.submit(_vote(poll, actors[1], f"v{i}")))["type"] == "ack"
    stored = await store.load_answers(runtime.state.id)
    assert all(json.loads(a.message)["type"] == "ack" for a in stored)
    assert [a.id for a in stored if a.actor == actors[1].key] == [f"v{i}" for i in range(3, 8)]
    await registry.close()
    await store.close()


def test_answers_memory_is_per_credential_and_refusals_expire() -> None:
    now = [0.0]
    memory = Answers(remembered=3, window=10.0, clock=lambda: now[0])
    assert memory.acked("p1", "a", "A") == []
    for ident in "bcd":
        memory.acked("p1", ident, ident.upper())
    assert memory.get("p1", "a") is None and memory.get("p1", "d") == "D"
    # Another credential's ids are its own, and a busy phone does not push them out.
    memory.acked("p2", "a", "other")
    assert memory.get("p2", "a") == "other" and memory.get("p1", "b") == "B"
    memory.refused("p1", "r", "no")
    now[0] = 9.0
    assert memory.get("p1", "r") == "no"
    now[0] = 11.0
    assert memory.get("p1", "r") is None
    for i in range(REFUSALS + 10):
        memory.refused("p3", f"r{i}", "no")
    assert memory.size() <= 3 + 1 + REFUSALS


async def test_answers_are_loaded_newest_per_credential(store_url: str) -> None:
    store = make_store(store_url, remembered_ids=2)
    await store.open()
    registry = Registry(store, translate)
    runtime = await registry.create("Test")
    answers = [Answer(actor, f"{actor}{i}", "{}") for i in range(4) for actor in ("a", "b")]
    await store.append(runtime.state.id, [], answers)
    loaded = await store.load_answers(runtime.state.id)
    assert sorted(a.id for a in loaded) == ["a2", "a3", "b2", "b3"]
    await registry.close()
    await store.close()


async def test_limits_cap_participants_and_entries(store_url: str) -> None:
    from facilitator.domain.limits import Limits

    store, registry = await _open(store_url,
                                  limits=Limits(participants=3, ideas=4))
    runtime, ideas, actors = await _live(registry, phones=3, kind="ideas")
    full = await runtime.submit(system("participant.join"))
    assert full["type"] == "error" and full["code"] == "limit_reached"
    answers = [await runtime.submit(_idea(ideas, actors[i % 3], f"i{i}", f"Idee {i}"))
               for i in range(6)]
    assert [a["type"] for a in answers] == ["ack"] * 4 + ["error"] * 2
    assert answers[4]["code"] == "limit_reached"
    # The moderator sees the limits and lifts them; the lift is an event in the log.
    assert runtime.state.view("moderator")["limits"]["participants"] == 3
    assert "limits" not in runtime.state.view("participant")
    lifted = await runtime.submit(moderator("session.limits",
                                            limits={"participants": 10, "ideas": 10}))
    assert lifted["type"] == "ack"
    assert (await runtime.submit(system("participant.join")))["type"] == "ack"
    assert (await runtime.submit(_idea(ideas, actors[0], "i9", "Noch eine")))["type"] == "ack"
    for bad in ({"participants": 0}, {"participants": 10**9}, {"what": 3},
                {"ideas": True}, {}):
        answer = await runtime.submit(moderator("session.limits", limits=bad))
        assert answer["type"] == "error" and answer["code"] == "invalid", bad
    await _same_as_log(store, runtime)
    await registry.close()
    await store.close()


async def test_the_writer_outlives_a_store_that_cannot_be_read_for_a_while(
        store_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A commit fails and the log cannot be read back at once (the database restarting): the
    writer tries again until it can, instead of ending and leaving every later command of
    the session unanswered."""
    from facilitator.live import runtime as runtime_module
    from facilitator.live.runtime import Busy

    monkeypatch.setattr(runtime_module, "RELOAD_RETRY", 0.01)
    store, registry = await _open(store_url)
    runtime, poll, actors = await _live(registry)
    append, load = store.append, store.load_events
    failures = {"append": 1, "load": 3}

    async def failing_append(*args: Any, **kwargs: Any) -> None:
        if failures["append"]:
            failures["append"] -= 1
            raise ConnectionError("the database went away")
        await append(*args, **kwargs)

    async def failing_load(*args: Any, **kwargs: Any) -> list[Event]:
        if failures["load"]:
            failures["load"] -= 1
            raise ConnectionError("the database is still away")
        return await load(*args, **kwargs)

    monkeypatch.setattr(store, "append", failing_append)
    monkeypatch.setattr(store, "load_events", failing_load)
    with pytest.raises(Busy):
        await runtime.submit(_vote(poll, actors[0], "v1"))
    answer = await asyncio.wait_for(runtime.submit(_vote(poll, actors[0], "v1")), 5)
    assert answer["type"] == "ack" and failures == {"append": 0, "load": 0}
    assert runtime.state.view("moderator")["activities"][0]["results"]["voters"] == 1
    await _same_as_log(store, runtime)
    await registry.close()
    await store.close()
