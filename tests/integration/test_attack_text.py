"""Issue 8: text that is no Unicode. JSON can escape half of a UTF-16 surrogate pair on its own
("\\ud800"); Python parses it into a string that can be neither stored nor sent on. Every such
frame or request body is refused with `invalid`, keeps the connection open and changes nothing
— above all it must not take down the session's writer while honest phones are voting."""

from __future__ import annotations

import asyncio
import collections
import json
import random
import sqlite3
import time
from collections.abc import Iterator
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.protocol import State

from facilitator.domain.activities import COMMANDS
from facilitator.live.protocol import COMMAND_MESSAGES, Field
from tests.conftest import LiveServer
from tests.support import Client, ServerLog, fresh_hello, moderate, senders, session_seq

# Lone halves of a pair: high, low, one in the middle of text, two highs in a row, and a low
# one before a high one (reversed pair: still two lone halves).
SURROGATES = ("\ud800", "\udc00abc", "Tempo\udbff30", "\ud83d\ud83d", "\ude00\ud83d")
def _accepts(field: Field, value: Any) -> bool:
    try:
        return bool(field.check(value))
    except Exception:
        return False


class Scene:
    """A live session (names allowed) with a group, a phase and one activity of every kind,
    each activated once (items frozen), an idea and a question of the phone's."""

    def __init__(self, server: LiveServer, session: dict[str, Any]) -> None:
        self.server = server
        self.session = session
        self.code: str = session["code"]
        self.activity: dict[str, str] = {}
        self.phone_token = ""
        self.phone_id = ""
        self.criterion = ""

    def token(self, role: str) -> str:
        return self.phone_token if role == "participant" else self.session["moderator_token"]

    def baseline(self, type_: str) -> dict[str, Any]:
        """Well-formed values for the command's required fields (the rest are left out)."""
        kind = COMMANDS[type_].name if type_ in COMMANDS else "ideas"
        known: dict[str, Any] = {
            "activity": self.activity[kind], "group": "g1", "idea": "i1", "into": "i2",
            "question": "q1", "cluster": "c1", "phase": "h1", "participant": self.phone_id,
            "item": "t1", "criterion": self.criterion, "field": "title", "word": "Radverkehr",
            "where": "room", "kind": "ideas", "vote": "yes", "choices": ["o1"],
            "order": ["t1", "t2"], "words": ["Radverkehr"], "value": "Klimahaus",
            "version": 0, "seconds": 60, "count": 1, "limits": {"ideas": 400},
            "name": "Kim", "text": "Mehr Grün", "title": "Titel", "notes": "Notiz",
            "label": "Los", "prompt": "Frage", "config": {},
        }
        args: dict[str, Any] = {}
        for name, field in COMMAND_MESSAGES[type_].items():
            if not field.required:
                continue
            if name in known and _accepts(field, known[name]):
                args[name] = known[name]
                continue
            for probe in ("x", ["x"], 1, True, {}, None):
                if _accepts(field, probe):
                    args[name] = probe
                    break
        return args


def variants(type_: str, base: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """The command with a lone surrogate in one place each: every field that takes a string,
    every element of a string list, a sheet's rows, an object's keys and values."""
    samples = iter(SURROGATES * 100)
    for name, field in COMMAND_MESSAGES[type_].items():
        if _accepts(field, "x"):
            yield f"{name}=<surrogate>", {**base, name: next(samples)}
        if _accepts(field, ["x"]):
            good = base.get(name)
            good = good if isinstance(good, list) and good else ["x"]
            for i in range(len(good)):
                bad = [*good]
                bad[i] = next(samples)
                yield f"{name}[{i}]=<surrogate>", {**base, name: bad}
        if _accepts(field, [{"step": "x"}]) and not _accepts(field, ["x"]):
            yield f"{name}=[{{step: <surrogate>}}]", {
                **base, name: [{"step": next(samples), "date": "2026-05-01"}]}
            yield f"{name}=[{{<surrogate>: ...}}]", {**base, name: [{next(samples): "x"}]}
        if _accepts(field, {"x": 1}):
            yield f"{name}={{key: <surrogate>}}", {**base, name: {"ideas": next(samples)}}
            yield f"{name}={{<surrogate>: 1}}", {**base, name: {next(samples): 1}}


@pytest.fixture
async def staged(tmp_path: Any) -> Any:
    server = LiveServer(tmp_path / "data").start()
    with ServerLog() as log:
        try:
            session = server.create_session(names=True)
            moderate(server, session, [{"type": "session.open"}, {"type": "session.start"}])
            scene = Scene(server, session)
            mod = await Client.open(server.ws_url, scene.code, session["moderator_token"])
            await mod.ok("group.create", name="Mobilität")
            await mod.ok("phase.create", title="Einstieg", minutes=10)
            items = {"items": ["Carsharing", "Wärmenetz"]}
            for kind, config in [("ideas", {"support": True, "clusters": ["Verkehr"]}),
                                 ("poll", {"options": ["A", "B", "C"]}),
                                 ("dots", items), ("ranking", items), ("scale", items),
                                 ("matrix", items), ("consent", {}), ("words", {}), ("qa", {}),
                                 ("measure", {}), ("slides", {})]:
                created = await mod.ok("activity.create", kind=kind, title=kind, config=config)
                scene.activity[kind] = created["result"]["activity"]
            for kind in ("dots", "ranking", "scale", "matrix", "words", "qa", "ideas"):
                await mod.ok("activity.activate", activity=scene.activity[kind])
            joined = server.join(scene.code, "Ada")
            scene.phone_token, scene.phone_id = joined["token"], joined["participant"]
            phone = await Client.open(server.ws_url, scene.code, scene.phone_token)
            other = await Client.open(server.ws_url, scene.code,
                                      server.join(scene.code)["token"])
            await phone.ok("idea.add", activity=scene.activity["ideas"], text="Radwege")
            await other.ok("idea.add", activity=scene.activity["ideas"], text="Busspur")
            await mod.ok("activity.activate", activity=scene.activity["qa"])
            await phone.ok("question.ask", activity=scene.activity["qa"], text="Wann?")
            hello = await fresh_hello(server, scene.code, session["moderator_token"])
            view = {a["id"]: a for a in hello["session"]["activities"]}
            scene.criterion = view[scene.activity["scale"]]["config"]["criteria"][0]["id"]
            for client in (phone, other, mod):
                await client.close()
            yield scene, log
        finally:
            server.stop()


async def _exchange(client: Client, frame: dict[str, Any],
                    ident: str | None) -> dict[str, Any]:
    """Send one frame; its answer (the next ack or error with that id)."""
    start = len(client.messages)
    await client.send_raw(json.dumps(frame))
    return await client.wait(lambda m: m["type"] in {"ack", "error"} and m.get("id") == ident,
                             timeout=2, since=start)


async def _still_open(client: Client, tag: str) -> bool:
    try:
        await client.send_raw(json.dumps({"type": "ping", "id": tag}))
        await client.wait(lambda m: m["type"] == "pong" and m.get("id") == tag, timeout=2)
        return True
    except (ConnectionClosed, TimeoutError):
        return False


def _close_code(client: Client) -> Any:
    return client.ws.close_code if client.ws.state is not State.OPEN else "still open"


async def test_lone_surrogate_anywhere_in_any_command_is_invalid(staged: Any) -> None:
    """Every command of the protocol, from every role that may send it: a lone surrogate in
    each string field, list element, sheet row, object key or value, the id or a key of the
    message is answered with `invalid` (with the command's id when that is valid), the
    connection stays open and the session's seq does not move."""
    scene, log = staged
    server = scene.server
    failures: list[str] = []
    seq = await session_seq(server, scene.session)
    counter = 0
    tried = 0
    deadline = time.monotonic() + 45  # a server that stops answering fails, not hangs
    for type_ in COMMAND_MESSAGES:
        roles = senders(type_)
        if not roles:
            failures.append(f"{type_}: no role may send it (the domain does not know it)")
            continue
        base = scene.baseline(type_)
        for role in roles:
            cases = list(variants(type_, base))
            cases.append(("id=<surrogate>", {**base, "id": "\ud800"}))
            cases.append(("key <surrogate>", {**base, "\udfff": 1}))
            client = await Client.open(server.ws_url, scene.code, scene.token(role))
            try:
                for where, args in cases:
                    if time.monotonic() > deadline:
                        failures.append(f"out of time: stopped before {type_} by {role}")
                        break
                    counter += 1
                    tried += 1
                    ident = None if args.get("id") == "\ud800" else f"s{counter}"
                    frame = {"type": type_, **({"id": ident} if ident else {}), **args}
                    label = f"{type_} by {role}, {where}"
                    broken = False
                    try:
                        answer = await _exchange(client, frame, ident)
                        if answer["type"] != "error" or answer["code"] != "invalid":
                            failures.append(f"{label}: answered {_short(answer)}")
                    except TimeoutError:
                        failures.append(f"{label}: no answer within 2 s ({_close_code(client)})")
                        broken = True
                    if not broken and not await _still_open(client, f"k{counter}"):
                        failures.append(f"{label}: no pong afterwards ({_close_code(client)})")
                        broken = True
                    now = await session_seq(server, scene.session)
                    if now != seq:
                        failures.append(f"{label}: seq moved {seq} -> {now}")
                        seq = now
                    if broken:  # go on with a new connection, so one failure is one line
                        await client.close()
                        client = await Client.open(server.ws_url, scene.code,
                                                   scene.token(role))
            finally:
                await client.close()
    assert not failures, (f"{len(failures)} failures in {tried} frames:\n"
                          + "\n".join(failures[:80]))
    assert tried > 150  # the matrix is derived from the schema, not an empty loop
    assert not log.problems(), "\n".join(log.problems()[:20])


def _short(message: dict[str, Any] | None) -> str:
    if message is None:
        return "nothing"
    if message["type"] == "error":
        return f"error {message['code']} ({message['message'][:80]})"
    return json.dumps(message, ensure_ascii=True)[:160]


async def test_surrogate_text_in_the_phone_commands_changes_nothing(staged: Any) -> None:
    """The commands a phone types text into — rename, idea, question, words — each with its
    activity open, so that only the surrogate is wrong: refused with `invalid`, stored nowhere;
    the same command with proper text right after is acknowledged."""
    scene, log = staged
    server = scene.server
    mod = await Client.open(server.ws_url, scene.code, scene.session["moderator_token"])
    phone = await Client.open(server.ws_url, scene.code, scene.phone_token)
    cases = [
        ("participant.rename", None, [{"name": s} for s in SURROGATES], {"name": "Ada L."}),
        ("idea.add", "ideas", [{"text": s} for s in SURROGATES], {"text": "Mehr Bäume"}),
        ("question.ask", "qa", [{"text": s} for s in SURROGATES], {"text": "Wer zahlt?"}),
        ("words.submit", "words", [{"words": [s]} for s in SURROGATES]
         + [{"words": ["Rad", "\ud800"]}], {"words": ["Rad"]}),
    ]
    for type_, kind, bad, good in cases:
        fields: dict[str, Any] = {}
        if kind is not None:
            await mod.ok("activity.activate", activity=scene.activity[kind])
            fields["activity"] = scene.activity[kind]
        seq = await session_seq(server, scene.session)
        for args in bad:
            answer = await phone.command(type_, **fields, **args)
            assert answer["type"] == "error" and answer["code"] == "invalid", (type_, answer)
            assert isinstance(answer["message"], str) and answer["message"]
        assert await session_seq(server, scene.session) == seq, type_
        answer = await phone.ok(type_, **fields, **good)
        assert answer["seq"] == seq + 1, (type_, answer)
    hello = await fresh_hello(server, scene.code, scene.session["moderator_token"])
    assert "\\ud" not in json.dumps(hello).lower()  # no surrogate reached the state
    for client in (phone, mod):
        await client.close()
    assert not log.problems(), "\n".join(log.problems()[:20])


async def test_surrogate_and_control_text_in_the_moderators_records_changes_nothing(
        staged: Any) -> None:
    """The texts the moderator records for the documentation — a question's answer, a next
    step's what and who — with a lone surrogate or a control character: refused with
    `invalid`, stored nowhere; also after the session closed. Markup and formulas are text:
    accepted as typed, and reach nobody but the moderator (next steps) and everyone's
    question record (the answer)."""
    scene, log = staged
    server = scene.server
    mod = await Client.open(server.ws_url, scene.code, scene.session["moderator_token"])
    qa = scene.activity["qa"]
    hostile = '=cmd|"/c calc"!A1 <img src=x onerror=alert(1)> **x** [a](javascript:1)'
    step = {"what": "Antrag", "who": "Kämmerei", "due": "2027-03-31", "activity": qa,
            "group": "g1"}
    bad: list[tuple[str, dict[str, Any]]] = [
        *(("question.answer", {"activity": qa, "question": "q1", "answer": s})
          for s in (*SURROGATES, "a\x00b", "\x1b[31m")),
        *(("nextstep.add", {**step, "what": s}) for s in (*SURROGATES, "a\nb", "\x07")),
        *(("nextstep.add", {**step, "who": s}) for s in (*SURROGATES, "a\x0bb")),
        ("nextstep.add", {**step, "due": "\ud800"}),
    ]
    for closed in (False, True):
        if closed:
            await mod.ok("session.close")
        seq = await session_seq(server, scene.session)
        for type_, args in bad:
            answer = await mod.command(type_, **args)
            assert answer["type"] == "error" and answer["code"] == "invalid", (type_, answer)
            assert isinstance(answer["message"], str) and answer["message"]
        assert await session_seq(server, scene.session) == seq
        await mod.ok("question.answer", activity=qa, question="q1",
                     answer=hostile + f"\nRunde {int(closed) + 1}")
        added = await mod.ok("nextstep.add", **{**step, "what": hostile, "who": hostile})
        assert added["seq"] == seq + 2 and added["result"]["step"].startswith("n")
    hello = await fresh_hello(server, scene.code, scene.session["moderator_token"])
    assert "\\ud" not in json.dumps(hello).lower()  # no surrogate reached the state
    steps = hello["session"]["next_steps"]
    assert [(s["what"], s["who"]) for s in steps] == [(hostile, hostile)] * 2
    (question,) = [q for a in hello["session"]["activities"] if a["id"] == qa
                   for q in a["questions"] if q["id"] == "q1"]
    assert question["answer"] == hostile + "\nRunde 2"
    phone = await fresh_hello(server, scene.code, scene.phone_token)
    assert "next_steps" not in phone["session"]
    await mod.close()
    assert not log.problems(), "\n".join(log.problems()[:20])


async def test_ping_with_a_surrogate_id_is_answered(staged: Any) -> None:
    scene, log = staged
    server = scene.server
    phone = await Client.open(server.ws_url, scene.code, scene.phone_token)
    for i, text in enumerate(SURROGATES):
        start = len(phone.messages)
        await phone.send_raw(json.dumps({"type": "ping", "id": text}))
        answer = await phone.wait(lambda m: m["type"] in {"pong", "error"}, since=start)
        assert answer["type"] == "pong" or answer["code"] in {"invalid", "bad_message"}, answer
        await phone.send_raw(json.dumps({"type": "ping", "id": f"ok{i}"}))
        pong = await phone.wait(lambda m, i=i: m["type"] == "pong" and m["id"] == f"ok{i}")
        assert pong["id"] == f"ok{i}"
    await phone.ok("participant.rename", name="Ada")
    await phone.close()
    assert not log.problems(), "\n".join(log.problems()[:20])


def _count_sessions(server: LiveServer) -> int:
    with sqlite3.connect(f"file:{server.settings.database}?mode=ro", uri=True) as db:
        (count,) = db.execute("SELECT count(*) FROM sessions").fetchone()
    db.close()
    return int(count)


async def test_surrogates_over_http_are_invalid(staged: Any) -> None:
    """Joining with such a name (names allowed) and creating a session with such a title,
    place or moderator: 400 `invalid`, nobody joined, nothing created."""
    scene, log = staged
    server = scene.server
    code = scene.code
    before = await fresh_hello(server, code, scene.session["moderator_token"])
    for body in [{"name": s} for s in SURROGATES] + [{"name": "Ada", "where": "\ud800"}]:
        status, answer = await asyncio.to_thread(
            server.request, "POST", f"/api/sessions/{code}/join", body)
        assert status == 400, (body, status, answer)
        assert answer["error"]["code"] == "invalid", (body, answer)
    after = await fresh_hello(server, code, scene.session["moderator_token"])
    assert after["seq"] == before["seq"]
    assert after["session"]["participants"] == before["session"]["participants"]
    assert (await asyncio.to_thread(server.join, code, "Grace"))["participant"]

    sessions = _count_sessions(server)
    key = {"Authorization": f"Bearer {server.organiser_key}"}
    for body in ([{"title": s} for s in SURROGATES]
                 + [{"title": "Klima", "place": "Rathaus \udc00"},
                    {"title": "Klima", "moderators": ["Kim", "\ud800"]}]):
        status, answer = await asyncio.to_thread(server.request, "POST", "/api/sessions",
                                                 body, key)
        assert status == 400, (body, status, answer)
        assert answer["error"]["code"] == "invalid", (body, answer)
    assert _count_sessions(server) == sessions
    assert (await asyncio.to_thread(server.create_session, "Klima"))["code"]
    assert not log.problems(), "\n".join(log.problems()[:20])


async def test_surrogate_frames_beside_a_vote_storm(tmp_path: Any) -> None:
    """The real attack: while 20 phones vote on a poll, one phone sends frames with lone
    surrogates 20 times a second for two seconds. Every honest vote is acknowledged (never
    `busy`), every attack frame is refused with `invalid`, and the final tally is exactly the
    honest phones' last choices."""
    server = LiveServer(tmp_path / "data").start()
    with ServerLog() as log:
        try:
            await _vote_storm(server, log)
        finally:
            server.stop()


async def _vote_storm(server: LiveServer, log: ServerLog) -> None:
    session = server.create_session(names=True)
    moderate(server, session, [{"type": "session.open"}, {"type": "session.start"}])
    code = session["code"]
    mod = await Client.open(server.ws_url, code, session["moderator_token"])
    ideas = (await mod.ok("activity.create", kind="ideas", title="Ideen"))["result"]["activity"]
    qa = (await mod.ok("activity.create", kind="qa", title="Fragen"))["result"]["activity"]
    words = (await mod.ok("activity.create", kind="words", title="Wörter"))["result"]["activity"]
    for activity in (ideas, qa, words):
        await mod.ok("activity.activate", activity=activity)
    poll = (await mod.ok("activity.create", kind="poll", title="Wahl",
                         config={"options": ["A", "B", "C"]}))["result"]["activity"]
    await mod.ok("activity.activate", activity=poll)
    phones = []
    for _ in range(20):
        token = (await asyncio.to_thread(server.join, code))["token"]
        phones.append(await Client.open(server.ws_url, code, token))
    attacker = await Client.open(server.ws_url, code,
                                 (await asyncio.to_thread(server.join, code, "Mallory"))["token"])
    seq_before = await session_seq(server, session)
    rng = random.Random(8)
    last: dict[int, str] = {}
    answers: list[dict[str, Any]] = []
    options = ["o1", "o2", "o3"]

    async def vote(n: int, phone: Client) -> None:
        deadline = time.monotonic() + 2.0
        for _ in range(40):
            if time.monotonic() > deadline:
                break
            choice = rng.choice([o for o in options if o != last.get(n)])
            answer = await phone.command("vote.cast", activity=poll, choices=[choice])
            answers.append(answer)
            if answer["type"] == "ack":
                last[n] = choice
            await asyncio.sleep(rng.uniform(0.03, 0.08))

    attacks = [
        ("participant.rename", {"name": "\ud800"}),
        ("vote.cast", {"activity": poll, "choices": ["o1\udc00"]}),
        ("idea.add", {"activity": ideas, "text": "Spam \udbff"}),
        ("question.ask", {"activity": qa, "text": "\ude00?"}),
        ("words.submit", {"activity": words, "words": ["\ud800abc"]}),
        ("participant.rename", {"name": "Mallory \udfff"}),
    ]

    async def attack() -> list[str]:
        sent = []
        for i in range(40):  # 20 per second for two seconds
            type_, fields = attacks[i % len(attacks)]
            ident = f"x{i}"
            sent.append(ident)
            await attacker.send_raw(json.dumps({"type": type_, "id": ident, **fields}))
            await asyncio.sleep(0.05)
        return sent

    results = await asyncio.gather(attack(), *(vote(n, p) for n, p in enumerate(phones)))
    sent: list[str] = results[0]
    refused = []
    for ident in sent:
        try:
            refused.append(await attacker.wait(
                lambda m, ident=ident: m["type"] in {"ack", "error"} and m.get("id") == ident,
                timeout=5))
        except TimeoutError:
            refused.append({"type": "none", "id": ident, "closed": _close_code(attacker)})
    wrong = [m for m in answers if m["type"] != "ack"]
    codes = collections.Counter(m.get("code") for m in wrong)
    assert len(answers) >= 20 * 10, len(answers)
    assert not wrong, f"{len(wrong)} of {len(answers)} honest votes refused: {dict(codes)}"
    not_invalid = [m for m in refused if m.get("code") != "invalid"]
    assert not not_invalid, f"{len(not_invalid)} attack frames not refused as invalid: " \
                            f"{[_short(m) for m in not_invalid[:5]]}"
    assert await _still_open(attacker, "still-there"), _close_code(attacker)
    hello = await fresh_hello(server, code, session["moderator_token"])
    results_view = next(a for a in hello["session"]["activities"] if a["id"] == poll)["results"]
    expected = collections.Counter(last.values())
    assert results_view["voters"] == len(last) == 20
    assert {o["id"]: o["count"] for o in results_view["options"]} == \
        {o: expected.get(o, 0) for o in options}
    # Only votes moved the log: nobody renamed, no idea, question or word.
    names = {p["id"]: p["name"] for p in hello["session"]["participants"]["list"]}
    assert names[attacker.hello["you"]["participant"]] == "Mallory"
    assert "\\ud" not in json.dumps(hello).lower()
    assert hello["seq"] - seq_before == len(answers)  # one vote.cast event per vote
    for client in (attacker, mod, *phones):
        await client.close()
    assert not log.problems(), "\n".join(log.problems()[:20])
