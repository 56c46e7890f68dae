"""Issue 8: frames built to break the parser or what comes after it. Each gets an `error` with a
documented code, the connection stays open and nothing changes; a fuzzer then throws random
frames at one server from a phone and a beamer, and the server never logs an error."""

from __future__ import annotations

import asyncio
import concurrent.futures
import itertools
import json
import threading
import time
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from websockets.exceptions import ConnectionClosed
from websockets.protocol import State

from facilitator.live.protocol import COMMAND_MESSAGES, ERROR_CODES, ID_PATTERN
from tests.conftest import LiveServer
from tests.support import (
    Client,
    ServerLog,
    fresh_hello,
    lone_surrogates,
    moderate,
    raw_request,
    senders,
    session_seq,
)

SHAPE = {"bad_json", "bad_message", "unknown_type", "too_large", "invalid"}
TRANSPORT_LIMIT = 64 * 1024  # docs/protocol.md: larger frames close the connection with 1009


# -- 2) malformed frames --------------------------------------------------------------------

@pytest.fixture
async def stage(tmp_path: Any) -> Any:
    """A live session with a dots activity on every phone, a moderator and a phone."""
    server = LiveServer(tmp_path / "data").start()
    with ServerLog() as log:
        try:
            session = server.create_session()
            moderate(server, session, [{"type": "session.open"}, {"type": "session.start"}])
            code = session["code"]
            mod = await Client.open(server.ws_url, code, session["moderator_token"])
            dots = (await mod.ok("activity.create", kind="dots", title="Punkte",
                                 config={"items": ["A", "B"]}))["result"]["activity"]
            await mod.ok("activity.activate", activity=dots)
            token = server.join(code)["token"]
            phone = await Client.open(server.ws_url, code, token)
            clients = {"moderator": mod, "participant": phone}
            yield server, {**session, "phone_token": token}, clients, dots, log
            for client in clients.values():
                await client.close()
        finally:
            server.stop()


def _obj(fields: str) -> str:
    """A JSON object from its members' text (so that numbers can be written as no encoder
    would write them)."""
    return "{" + fields + "}"


def _malformed(dots: str) -> list[tuple[str, str, str | bytes, set[str]]]:
    """(what, sender, frame, the codes that fit)."""
    meaning = {"bad_json", "bad_message", "invalid"}
    cases: list[tuple[str, str, str | bytes, set[str]]] = [
        ("'[' * 100000", "participant", "[" * 100_000, {"bad_json", "too_large"}),
        ("'{\"a\":' * 50000", "participant", '{"a":' * 50_000, {"bad_json", "too_large"}),
        ("'[' * 16000", "participant", "[" * 16_000, {"bad_json", "invalid"}),
        ("'{\"a\":' * 3200", "participant", '{"a":' * 3_200, {"bad_json", "invalid"}),
        ("well-formed '[' * 5000 + ']' * 5000", "participant", "[" * 5000 + "]" * 5000,
         {"bad_json", "invalid"}),
        ("a command holding a list 4000 deep", "participant",
         _obj(f'"type": "vote.cast", "id": "deep1", "activity": "{dots}", "choices": '
              + "[" * 4000 + "]" * 4000), meaning),
        ("a config 900 deep", "moderator",
         _obj('"type": "activity.create", "id": "deep2", "kind": "ideas", "title": "x", '
              '"config": {"clusters": ' + "[" * 900 + "]" * 900 + "}"), meaning),
        ("a config 60 deep", "moderator",
         _obj('"type": "activity.create", "id": "deep3", "kind": "ideas", "title": "x", '
              '"config": ' + '{"a": ' * 60 + "1" + "}" * 60), meaning),
        ("sheet rows 200 deep", "participant",
         _obj(f'"type": "sheet.edit", "id": "deep4", "activity": "{dots}", "field": "steps", '
              '"version": 0, "value": [{"step": ' + "[" * 200 + "]" * 200 + "}]"), meaning),
    ]
    for i, number in enumerate(("1e999", "-1e999", "NaN", "Infinity", "-Infinity")):
        cases += [
            (f"timer.start seconds {number}", "moderator",
             _obj(f'"type": "timer.start", "id": "n{i}a", "seconds": {number}'), meaning),
            (f"phase.create minutes {number}", "moderator",
             _obj(f'"type": "phase.create", "id": "n{i}b", "title": "x", "minutes": {number}'),
             meaning),
            (f"consent quorum {number} in a config", "moderator",
             _obj(f'"type": "activity.create", "id": "n{i}c", "kind": "consent", "title": "x", '
                  f'"config": {{"quorum": {number}}}'), meaning),
            (f"dots.set count {number}", "participant",
             _obj(f'"type": "dots.set", "id": "n{i}d", "activity": "{dots}", "item": "t1", '
                  f'"count": {number}'), meaning),
            (f"ping id {number}", "participant", _obj(f'"type": "ping", "id": {number}'),
             {"bad_json", "bad_message"}),
            (f"bare {number}", "participant", number, {"bad_json"}),
        ]
    for big, name in (("9" * 5000, "5000 digits"), (str(2**70), "2**70"),
                      (str(-(2**70)), "-2**70"), (str(10**300), "10**300")):
        n = len(big)
        cases += [
            (f"timer.start seconds {name}", "moderator",
             _obj(f'"type": "timer.start", "id": "b{n}a", "seconds": {big}'), meaning),
            (f"timer.extend seconds {name}", "moderator",
             _obj(f'"type": "timer.extend", "id": "b{n}b", "seconds": {big}'), meaning),
            (f"phase.create minutes {name}", "moderator",
             _obj(f'"type": "phase.create", "id": "b{n}c", "title": "x", "minutes": {big}'),
             meaning),
            (f"dots.set count {name}", "participant",
             _obj(f'"type": "dots.set", "id": "b{n}d", "activity": "{dots}", "item": "t1", '
                  f'"count": {big}'), meaning),
        ]
    cases += [
        ("binary garbage", "participant", b"\x00\x01\xff", {"bad_message"}),
        ("binary JSON", "participant", b'{"type": "ping", "id": "b1"}', {"bad_message"}),
        ("empty text", "participant", "", {"bad_json"}),
        ("whitespace", "participant", "  \n ", {"bad_json"}),
        ("null", "participant", "null", {"bad_json"}),
        ("15 KB title", "moderator",
         json.dumps({"type": "activity.create", "id": "l1", "kind": "ideas",
                     "title": "x" * 15_000}), {"invalid", "too_large"}),
        ("15 KB notes", "moderator",
         json.dumps({"type": "session.notes", "id": "l2", "notes": "x" * 15_000}),
         {"invalid", "too_large"}),
        ("15 KB word", "participant",
         json.dumps({"type": "words.submit", "id": "l3", "activity": dots,
                     "words": ["x" * 15_000]}), {"invalid", "too_large"}),
        ("17 KB frame", "participant",
         json.dumps({"type": "idea.add", "id": "o1", "activity": dots, "text": "x" * 17_000}),
         {"too_large"}),
        ("60 KB frame", "moderator",
         json.dumps({"type": "session.notes", "id": "o2", "notes": "x" * 60_000}),
         {"too_large"}),
    ]
    return cases


async def _answer_or_close(client: Client, start: int) -> tuple[dict[str, Any] | None,
                                                                int | None]:
    """The next answer, or the close code if the connection closes first (3 s at most)."""
    answer = asyncio.ensure_future(client.wait(
        lambda m: m["type"] in {"ack", "error", "pong"}, timeout=3, since=start))
    closed = asyncio.ensure_future(client.ws.wait_closed())
    await asyncio.wait({answer, closed}, timeout=3.5, return_when=asyncio.FIRST_COMPLETED)
    closed.cancel()
    if answer.done() and not answer.exception():
        return answer.result(), None
    answer.cancel()
    await asyncio.gather(answer, closed, return_exceptions=True)
    return None, client.ws.close_code if client.ws.state is not State.OPEN else None


async def test_malformed_frames_get_an_error_and_change_nothing(stage: Any) -> None:
    server, session, clients, dots, log = stage
    failures: list[str] = []
    seq = await session_seq(server, session)
    cases = _malformed(dots)
    for n, (what, role, frame, fits) in enumerate(cases):
        client = clients[role]
        start = len(client.messages)
        await client.ws.send(frame)
        oversized = len(frame.encode() if isinstance(frame, str) else frame) > TRANSPORT_LIMIT
        answer, closed = await _answer_or_close(client, start)
        if answer is None:
            if not (oversized and closed == 1009):  # the documented transport limit
                failures.append(f"{what}: no answer (close code {closed})")
        else:
            if answer["type"] != "error" or answer["code"] not in fits & set(ERROR_CODES):
                failures.append(f"{what}: answered {json.dumps(answer)[:200]}, "
                                f"expected one of {sorted(fits)}")
            ping = f"alive{n}"
            await client.send_raw(json.dumps({"type": "ping", "id": ping}))
            try:
                await client.wait(lambda m, p=ping: m["type"] == "pong" and m["id"] == p,
                                  timeout=3)
            except (TimeoutError, ConnectionClosed):
                failures.append(f"{what}: no pong afterwards (state {client.ws.state.name}, "
                                f"close code {client.ws.close_code})")
                answer = None
        now = await session_seq(server, session)
        if now != seq:
            failures.append(f"{what}: seq moved {seq} -> {now}")
            seq = now
        if answer is None:  # carry on with a new connection of the same credential
            await client.close()
            token = session["moderator_token" if role == "moderator" else "phone_token"]
            clients[role] = await Client.open(server.ws_url, session["code"], token)
    assert not failures, f"{len(failures)} of {len(cases)} frames:\n" + "\n".join(failures)
    assert not log.problems(), "\n".join(log.problems()[:20])


async def test_frame_limit_counts_bytes(stage: Any) -> None:
    """Under 16 Ki characters but over 16 KiB on the wire (6000 × "€", 3 bytes each, in the
    moderator's notes, whose own limit is 10,000 characters): the frame is too large, as
    docs/protocol.md says ("the frame is over 16 KiB") and the error itself says ("larger
    than 16384 bytes")."""
    server, session, clients, dots, log = stage
    frame = json.dumps({"type": "session.notes", "id": "u1", "notes": "€" * 6000},
                       ensure_ascii=False)
    assert len(frame) < 16 * 1024 < len(frame.encode())
    seq = await session_seq(server, session)
    start = len(clients["moderator"].messages)
    await clients["moderator"].send_raw(frame)
    answer, closed = await _answer_or_close(clients["moderator"], start)
    assert answer is not None and answer["type"] == "error", (answer, closed)
    assert answer["code"] == "too_large", answer
    assert await session_seq(server, session) == seq


async def test_bad_json_over_http_is_400(stage: Any) -> None:
    server, session, clients, dots, log = stage
    code = session["code"]
    key = {"Authorization": f"Bearer {server.organiser_key}"}
    before = await fresh_hello(server, code, session["moderator_token"])
    bodies = [
        ("'[' * 10000", b"[" * 10_000), ("'{\"name\":' * 2000", b'{"name":' * 2000),
        ("well-formed 3000 deep", b"[" * 3000 + b"]" * 3000),
        ("a name 3000 deep", b'{"name": ' + b"[" * 3000 + b"]" * 3000 + b"}"),
        ("name NaN", b'{"name": NaN}'), ("name 1e999", b'{"name": 1e999}'),
        ("name -Infinity", b'{"name": -Infinity}'), ("where 5000 digits",
                                                     b'{"where": ' + b"9" * 5000 + b"}"),
        ("trailing junk", b'{"name": null} x'), ("not UTF-8", b'{"name": "\xff\xfe"}'),
    ]
    failures = []
    for what, body in bodies:
        for path, headers in ((f"/api/sessions/{code}/join", {}), ("/api/sessions", key)):
            status, answer = await asyncio.to_thread(raw_request, server, "POST", path, body,
                                                     headers)
            if status != 400:
                failures.append(f"POST {path.split('/')[-1]} {what}: {status} {answer!r:.200}")
    for what, body in (("'[' * 100000", b"[" * 100_000), ("'{\"a\":' * 50000",
                                                           b'{"a":' * 50_000)):
        # Over the body limit: refused as too large (413) or as bad JSON, never a 5xx.
        for path, headers in ((f"/api/sessions/{code}/join", {}), ("/api/sessions", key)):
            status, answer = await asyncio.to_thread(raw_request, server, "POST", path, body,
                                                     headers)
            if status not in {400, 413}:
                failures.append(f"POST {path.split('/')[-1]} {what}: {status} {answer!r:.200}")
    assert not failures, "\n".join(failures)
    after = await fresh_hello(server, code, session["moderator_token"])
    assert after["seq"] == before["seq"]
    assert after["session"]["participants"] == before["session"]["participants"]
    assert not log.problems(), "\n".join(log.problems()[:20])


# -- 3) the fuzzer --------------------------------------------------------------------------

SURROGATE = st.integers(0xD800, 0xDFFF).map(chr)
TEXT = st.one_of(
    st.text(max_size=12),
    st.lists(st.one_of(st.characters(), SURROGATE), max_size=12).map("".join),
    st.sampled_from(["", " ", "\x00", "a\u0000b", "\u202e", "ﷺ" * 50, "😀", "\ud83d"]),
)
# Ids of this session's and the other session's activities, ideas, people, ... (the two
# sessions number theirs alike), and some nobody has.
POOL = ([f"a{i}" for i in range(1, 14)] + ["i1", "i2", "i3", "i4", "q1", "q2", "c1", "c2",
        "g1", "g2", "h1", "p1", "p2", "p3", "p4", "t1", "t2", "o1", "o2", "o3", "rating",
        "title", "steps", "goal", "a999", "i999", "p999", "g0", "a0", "A1", "a01"])
IDS = st.sampled_from(POOL)
NUMBER = st.one_of(st.integers(-3, 12), st.integers(-(2**80), 2**80),
                   st.floats(allow_nan=True, allow_infinity=True),
                   st.sampled_from([2**53, 2**63, -(2**63) - 1, 10**400]))
LEAF = st.one_of(st.none(), st.booleans(), NUMBER, TEXT, IDS)
VALUE = st.recursive(LEAF, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.one_of(TEXT, IDS), inner, max_size=4)),
    max_leaves=10)
# The activities of both sessions, in this order: a1 ... a10; ideas (a10) is the current one.
KINDS = [("poll", {"options": ["A", "B", "C"]}), ("dots", {"items": ["Carsharing", "Wärme"]}),
         ("ranking", {"items": ["Carsharing", "Wärme"]}),
         ("scale", {"items": ["Carsharing", "Wärme"]}),
         ("matrix", {"items": ["Carsharing", "Wärme"]}), ("consent", {}), ("words", {}),
         ("measure", {}), ("qa", {}),
         ("ideas", {"support": True, "clusters": ["Verkehr"], "max_per_participant": 100})]
ACTIVITIES = [f"a{n}" for n in range(1, len(KINDS) + 1)]
CURRENT = ACTIVITIES[-1]
HUGE = st.sampled_from([281, 1001, 4001, 15_000, 17_000]).map(lambda n: "x" * n)


def _good(name: str) -> st.SearchStrategy[Any]:
    """Values that are well-formed for a field of this name (valid or not in meaning)."""
    if name == "activity":
        return st.one_of(st.just(CURRENT), st.sampled_from(ACTIVITIES), IDS)
    if name == "group":
        return st.one_of(st.none(), st.sampled_from(["g1", "g2"]), IDS, TEXT)
    if name in {"idea", "into"}:
        return st.one_of(st.sampled_from(["i1", "i2", "i3"]), IDS)
    if name == "text":
        return st.one_of(st.sampled_from(["Mehr Radwege", "Tempo 30"]), TEXT)
    if name in {"choices", "order", "words"}:
        return st.lists(st.one_of(IDS, TEXT), max_size=4)
    if name == "value":
        return st.one_of(TEXT, st.lists(st.fixed_dictionaries(
            {"step": TEXT, "date": st.sampled_from(["2026-05-01", "morgen", ""])}),
            max_size=3))
    if name in {"config", "limits"}:
        return st.dictionaries(st.sampled_from(
            ["options", "items", "clusters", "support", "max_per_participant", "quorum",
             "ideas", "participants", "joins_per_address", "dots", "steps"]), VALUE,
            max_size=3)
    if name in {"seconds", "minutes", "timer", "count", "x", "y", "version"}:
        return NUMBER
    if name in {"support", "pinned", "answered", "up", "clear", "open", "only_unassigned",
                "per_group"}:
        return st.booleans()
    if name in {"kind"}:
        return st.sampled_from(["ideas", "poll", "dots", "qa", "words", "nope"])
    if name in {"vote"}:
        return st.sampled_from(["yes", "no", "abstain", None, "vielleicht"])
    if name in {"where"}:
        return st.sampled_from(["room", "online", "home"])
    return st.one_of(IDS, TEXT, st.none())


GOOD_TEXT = st.one_of(st.sampled_from(["Mehr Radwege", "Tempo 30", "  Bäume  ", "ok"]), TEXT)
ID = st.from_regex(r"[A-Za-z0-9_-]{1,40}", fullmatch=True)
# What a phone would send on the ideas activity that is current, give or take a value.
PLAUSIBLE = st.one_of(
    st.fixed_dictionaries({"type": st.just("idea.add"), "id": ID, "activity": st.just(CURRENT),
                           "text": GOOD_TEXT}),
    st.fixed_dictionaries({"type": st.just("idea.edit"), "id": ID, "activity": st.just(CURRENT),
                           "idea": st.sampled_from(["i1", "i2", "i3", "i4"]),
                           "text": GOOD_TEXT}),
    st.fixed_dictionaries({"type": st.just("idea.support"), "id": ID,
                           "activity": st.just(CURRENT),
                           "idea": st.sampled_from(["i1", "i2", "i3", "i4"]),
                           "support": st.booleans()}),
    st.fixed_dictionaries({"type": st.just("idea.withdraw"), "id": ID,
                           "activity": st.just(CURRENT),
                           "idea": st.sampled_from(["i1", "i2", "i3", "i4"])}),
    st.fixed_dictionaries({"type": st.just("participant.rename"), "id": ID,
                           "name": st.one_of(st.none(), GOOD_TEXT)}),
    st.fixed_dictionaries({"type": st.just("participant.where"), "id": ID,
                           "where": st.sampled_from(["room", "online", "Room", ""])}),
    st.fixed_dictionaries({"type": st.just("group.choose"), "id": ID,
                           "group": st.sampled_from(["g1", "g2", None, "G1"])}),
    st.fixed_dictionaries({"type": st.just("vote.cast"), "id": ID, "activity": st.just("a1"),
                           "choices": st.lists(st.sampled_from(["o1", "o2", "o9"]),
                                               max_size=2)}),
)
PARTICIPANT_TYPES = sorted(t for t in COMMAND_MESSAGES if "participant" in senders(t))


@st.composite
def command_frames(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    """Mostly commands a phone may send with well-formed fields (so that many reach the
    domain), then any command, pings, and messages of no type at all; each field is now and
    then missing, of a wrong type or huge, and now and then there is an unknown field."""
    category = draw(st.sampled_from(["plausible"] * 3 + ["participant"] * 3 + ["any"] * 3
                                    + ["ping", "junk"]))
    if category == "plausible":
        return "object", draw(PLAUSIBLE)
    if category == "participant":
        type_ = draw(st.sampled_from(PARTICIPANT_TYPES))
    elif category == "any":
        type_ = draw(st.sampled_from(sorted(COMMAND_MESSAGES)))
    elif category == "ping":
        type_ = "ping"
    else:
        type_ = draw(TEXT)
    message: dict[str, Any] = {"type": draw(VALUE) if draw(st.integers(0, 29)) == 29
                               else type_}
    id_kind = draw(st.sampled_from(["valid"] * 12 + ["missing", "bad", "value"]))
    if id_kind == "valid":
        message["id"] = draw(ID)
    elif id_kind == "bad":
        message["id"] = draw(st.sampled_from(["", "has space", "x" * 65, "ü", "\ud800", "a/b"]))
    elif id_kind == "value":
        message["id"] = draw(VALUE)
    for name, spec in COMMAND_MESSAGES.get(type_, {}).items():
        # Optional fields are often left out, as real clients do.
        how = draw(st.sampled_from(["good"] * 12 + ["missing"] * (1 if spec.required else 10)
                                   + ["wrong", "huge"]))
        if how == "good":
            message[name] = draw(_good(name))
        elif how == "wrong":
            message[name] = draw(VALUE)
        elif how == "huge":
            message[name] = draw(HUGE)
    if draw(st.integers(0, 7)) == 7:
        message[draw(st.one_of(TEXT, st.sampled_from(["extra", "role", "actor", "seq"])))] = \
            draw(VALUE)
    return "object", message


@dataclass(frozen=True)
class Raw:
    """A frame sent as it is; shown short when hypothesis reports it."""

    frame: str | bytes

    def __repr__(self) -> str:
        text = repr(self.frame)
        return f"Raw({text[:60]}...{text[-20:]} ({len(self.frame)}))" if len(text) > 100 \
            else f"Raw({text})"


RAW_FRAMES = st.one_of(
    st.integers(1, 20_000).map(lambda n: "[" * n),
    st.integers(1, 4_000).map(lambda n: '{"a":' * n),
    st.integers(1, 3_000).map(lambda n: "[" * n + "]" * n),
    st.integers(1, 3_000).map(lambda n: '{"type": "ping", "id": ' + "[" * n + "]" * n + "}"),
    st.text(max_size=60),
    st.binary(max_size=60),
    st.sampled_from(["1e999", "NaN", "-Infinity", "9" * 5000, "{}", "[]", '"x"', "true",
                     '{"type": null}', '{"type": "ping", "id": NaN}', "{'type': 'ping'}",
                     '{"type": "ping"} {"type": "ping"}', '{"type": "ping", "type": "x"}']),
    st.integers(16_385, 40_000).map(lambda n: json.dumps(
        {"type": "idea.add", "id": "big", "activity": "a1", "text": "x" * n})),
)


@dataclass
class Sender:
    role: str
    token: str
    client: Client | None = None
    last: float = 0.0


@dataclass
class Fuzz:
    """One server, two sessions, the senders' connections: made once for all examples. The
    asyncio side runs in a thread of its own, as hypothesis drives examples synchronously."""

    server: LiveServer
    log: ServerLog
    loop: asyncio.AbstractEventLoop = field(default_factory=asyncio.new_event_loop)
    session: dict[str, Any] = field(default_factory=dict)
    senders: dict[str, Sender] = field(default_factory=dict)
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    frames: int = 0
    answers: dict[str, int] = field(default_factory=dict)

    def run(self, coro: Coroutine[Any, Any, Any], timeout: float = 60) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    async def setup(self) -> None:
        server = self.server
        for n in range(2):
            session = await asyncio.to_thread(server.create_session, f"S{n}", "de", True)
            await asyncio.to_thread(moderate, server, session, [{"type": "session.open"},
                                                                {"type": "session.start"}])
            code = session["code"]
            mod = await Client.open(server.ws_url, code, session["moderator_token"])
            await mod.ok("group.create", name="Mobilität")
            await mod.ok("groups.choice", open=True)
            await mod.ok("phase.create", title="Einstieg", minutes=5)
            made = {}
            for kind, config in KINDS:
                made[kind] = (await mod.ok("activity.create", kind=kind, title=kind,
                                           config=config))["result"]["activity"]
                await mod.ok("activity.activate", activity=made[kind])
            assert list(made.values()) == ACTIVITIES
            tokens = [(await asyncio.to_thread(server.join, code, name))["token"]
                      for name in ("Ada", "Grace")]
            for token in tokens:
                phone = await Client.open(server.ws_url, code, token)
                await phone.ok("idea.add", activity=made["ideas"], text="Radwege")
                await phone.close()
            await mod.close()
            if n == 0:  # the session under attack; the other one only lends its ids
                self.session = session
                self.senders = {
                    "phone": Sender("participant", tokens[0]),
                    "phone-2nd-socket": Sender("participant", tokens[0]),
                    "other phone": Sender("participant", tokens[1]),
                    "beamer": Sender("presenter", session["presenter_token"]),
                    "beamer-2nd-socket": Sender("presenter", session["presenter_token"]),
                }
        for sender in self.senders.values():
            sender.client = await Client.open(server.ws_url, self.session["code"],
                                              sender.token)

    async def teardown(self) -> None:
        for sender in self.senders.values():
            if sender.client is not None:
                await sender.client.close()

    async def _client(self, sender: Sender) -> Client:
        if sender.client is None or sender.client.ws.state is not State.OPEN:
            if sender.client is not None:
                await sender.client.close()
            sender.client = await Client.open(self.server.ws_url, self.session["code"],
                                              sender.token)
        return sender.client

    async def check(self, name: str, frame: str | bytes, parsed: Any) -> None:
        sender = self.senders[name]
        client = await self._client(sender)
        seq = await session_seq(self.server, self.session)
        # At most 12 frames a second per connection: the rate limit is not what is fuzzed.
        await asyncio.sleep(max(0.0, sender.last + 1 / 12 - time.monotonic()))
        sender.last = time.monotonic()
        start = len(client.messages)
        self.frames += 1
        try:
            await client.ws.send(frame)
            answer = await client.wait(lambda m: m["type"] in {"ack", "error", "pong"},
                                       timeout=3, since=start)
        except (TimeoutError, ConnectionClosed):
            state, code = client.ws.state.name, client.ws.close_code
            await client.close()
            sender.client = None  # the next example starts on a new connection
            raise AssertionError(f"no answer; connection {state}, close code {code}") from None
        kind = answer["type"] if answer["type"] != "error" else answer["code"]
        self.answers[kind] = self.answers.get(kind, 0) + 1
        tag = f"fz{next(self.ids)}"
        try:
            await client.send_raw(json.dumps({"type": "ping", "id": tag}))
            await client.wait(lambda m: m["type"] == "pong" and m["id"] == tag, timeout=3)
        except (TimeoutError, ConnectionClosed):
            await client.close()
            sender.client = None
            raise AssertionError(f"connection gone after answering {answer}") from None
        if isinstance(frame, bytes):  # binary frames are refused, whatever they hold
            assert answer["type"] == "error" and answer["code"] == "bad_message", answer
        surrogate = lone_surrogates(parsed)
        type_ = parsed.get("type") if isinstance(parsed, dict) else None
        command = isinstance(type_, str) and type_ in COMMAND_MESSAGES
        if answer["type"] == "error":
            assert answer["code"] in ERROR_CODES, answer
            assert isinstance(answer["message"], str) and answer["message"], answer
            after = await session_seq(self.server, self.session)
            assert after == seq, f"refused with {answer['code']}, yet seq {seq} -> {after}"
            if surrogate:
                assert answer["code"] in {"invalid", "too_large", "bad_json"}, answer
        elif answer["type"] == "pong":
            assert type_ == "ping", answer
        else:
            assert not surrogate, f"a frame with a lone surrogate was acknowledged: {answer}"
            assert command and sender.role in senders(type_), \
                f"{sender.role} got {type_} acknowledged: {answer}"
        if command and sender.role not in senders(type_):
            # Moderator-only (or, for the beamer, any) command: forbidden, unless its shape
            # was refused first.
            fits = (SHAPE - {"invalid"}) | {"forbidden", "rate_limited"}
            if surrogate:
                fits.add("invalid")
            assert answer["type"] == "error" and answer["code"] in fits, (sender.role, answer)
        ident = parsed.get("id") if isinstance(parsed, dict) else None
        if command and answer["type"] != "pong" and isinstance(ident, str) \
                and ID_PATTERN.fullmatch(ident) \
                and answer.get("code") not in {"too_large", "bad_json"}:
            # A frame too large to read or not JSON (NaN) has no usable id; other answers
            # carry it.
            assert answer["id"] == ident, answer


def _frame(drawn: tuple[str, Any], fuzz: Fuzz) -> tuple[str | bytes, Any]:
    """The frame on the wire and what it parses to (None when it does not)."""
    kind, content = drawn
    if kind == "object":
        message = dict(content)
        ident = message.get("id")
        if isinstance(ident, str) and ID_PATTERN.fullmatch(ident):
            # Unique per frame: a repeated id would get its first answer back, by design.
            message["id"] = f"{ident}_{next(fuzz.ids)}"
        frame: str | bytes = json.dumps(message, allow_nan=True)
    else:
        frame = content.frame
    if isinstance(frame, bytes):
        return frame, None  # the server does not read binary frames
    try:
        parsed = json.loads(frame)
    except (ValueError, RecursionError):
        parsed = None
    return frame, parsed


@pytest.fixture
def fuzz(tmp_path: Any) -> Any:
    server = LiveServer(tmp_path / "data").start()
    with ServerLog() as log:
        harness = Fuzz(server, log)
        thread = threading.Thread(target=harness.loop.run_forever, daemon=True)
        thread.start()
        try:
            harness.run(harness.setup())
            yield harness
        finally:
            try:
                harness.run(harness.teardown())
            except (concurrent.futures.TimeoutError, Exception):
                pass
            harness.loop.call_soon_threadsafe(harness.loop.stop)
            thread.join(10)
            harness.loop.close()
            server.stop()


SENDERS = ["phone", "phone-2nd-socket", "other phone", "beamer", "beamer-2nd-socket"]


def test_fuzzed_frames_are_answered_and_never_break_the_server(fuzz: Fuzz) -> None:
    """Random frames — commands with right and wrong field types, unknown fields, huge and
    deep values, all of Unicode including lone surrogates, other sessions' and other people's
    ids — from a phone and from the beamer, one server for all examples. After every frame an
    answer arrives and the connection still answers a ping; an error changes nothing; no
    moderator-only command gets through; and the server logs no error."""

    @settings(max_examples=220, deadline=None, database=None,
              phases=[Phase.explicit, Phase.generate],  # no shrinking: one server for all
              suppress_health_check=list(HealthCheck))
    @given(sender=st.sampled_from(SENDERS),
           drawn=st.one_of(command_frames(), command_frames(),
                           RAW_FRAMES.map(lambda raw: ("raw", Raw(raw)))))
    @example(sender="phone", drawn=("object", {"type": "idea.add", "id": "e1",
                                               "activity": CURRENT, "text": "Sitzbänke"}))
    @example(sender="beamer", drawn=("object", {"type": "session.close", "id": "e2"}))
    @example(sender="phone", drawn=("object", {"type": "idea.hide", "id": "e3",
                                               "activity": CURRENT, "idea": "i2"}))
    @example(sender="phone", drawn=("raw", Raw("[" * 15_000)))
    @example(sender="beamer", drawn=("raw", Raw('{"type": "ping", "id": "\\udc00"}')))
    @example(sender="phone", drawn=("object", {"type": "participant.rename", "id": "r",
                                               "name": "\ud800"}))
    @example(sender="beamer", drawn=("object", {"type": "session.close", "id": "c",
                                                "\ud800": 1}))
    @example(sender="phone", drawn=("object", {"type": "timer.start", "id": "t",
                                               "seconds": 2**70}))
    @example(sender="phone", drawn=("object", {"type": "idea.add", "id": "n", "activity": "a10",
                                               "text": float("nan")}))
    def one(sender: str, drawn: tuple[str, Any]) -> None:
        frame, parsed = _frame(drawn, fuzz)
        fuzz.run(fuzz.check(sender, frame, parsed), timeout=30)

    one()
    assert fuzz.frames >= 200
    # The harness reached past the parser: some commands were carried out, some refused for
    # the sender's role (the explicit examples make sure of both).
    assert fuzz.answers.get("ack", 0) > 0 and fuzz.answers.get("forbidden", 0) > 0, fuzz.answers
    assert not fuzz.log.problems(), "\n".join(fuzz.log.problems()[:20])
