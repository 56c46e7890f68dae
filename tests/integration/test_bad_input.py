"""Bad input gets a clear error, changes nothing, and never closes the connection."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.support import Client


@pytest.fixture
async def scene(live_session: dict[str, Any]) -> Any:
    server = live_session["server"]
    mod = await Client.open(server.ws_url, live_session["code"], live_session["moderator_token"])
    ideas = (await mod.ok("activity.create", kind="ideas", title="Ideen"))["result"]["activity"]
    await mod.ok("activity.activate", activity=ideas)
    phone = await Client.open(server.ws_url, live_session["code"],
                              server.join(live_session["code"])["token"])
    yield server, live_session, mod, phone, ideas
    await phone.close()
    await mod.close()


@pytest.mark.parametrize(("frame", "code"), [
    ("not json", "bad_json"),
    ("[1, 2]", "bad_json"),
    ('{"id": "x"}', "bad_message"),
    ('{"type": "idea.add", "activity": "a1", "text": "no id"}', "bad_message"),
    ('{"type": "idea.add", "id": "has space", "activity": "a1", "text": "x"}', "bad_message"),
    ('{"type": "idea.add", "id": "c1", "activity": 5, "text": "x"}', "bad_message"),
    ('{"type": "idea.add", "id": "c1", "activity": "a1", "text": "x", "extra": 1}',
     "bad_message"),
    ('{"type": "vote.cast", "id": "c1", "activity": "a1", "choices": "o1"}', "bad_message"),
    ('{"type": "resume", "seq": 3}', "unknown_type"),
    ('{"type": "session.explode", "id": "c1"}', "unknown_type"),
    ('{"type": "idea.add", "id": "c1", "activity": "a1", "text": "' + "x" * 17000 + '"}',
     "too_large"),
    ('{"type": "idea.add", "id": "c1", "activity": "a1", "text": "' + "x" * 281 + '"}',
     "invalid"),
    ('{"type": "idea.add", "id": "c1", "activity": "a1", "text": "   "}', "invalid"),
    ('{"type": "idea.add", "id": "c1", "activity": "a1", "text": "a\\u0000b"}', "invalid"),
    ('{"type": "idea.add", "id": "c1", "activity": "a9", "text": "x"}', "not_found"),
    ('{"type": "session.close", "id": "c1"}', "forbidden"),
    ('{"type": "activity.reveal", "id": "c1", "activity": "a1"}', "forbidden"),
    ('{"type": "idea.hide", "id": "c1", "activity": "a1", "idea": "i1"}', "forbidden"),
])
async def test_bad_frame_is_refused_and_changes_nothing(scene: Any, frame: str,
                                                        code: str) -> None:
    server, session, mod, phone, ideas = scene
    seq_before = phone.hello["seq"]
    await asyncio.sleep(0.05)
    seen = len(mod.messages)
    await phone.send_raw(frame)
    error = await phone.wait(lambda m: m["type"] == "error")
    assert error["code"] == code, error
    assert isinstance(error["message"], str) and error["message"]
    # Still connected and nothing changed: a normal command works and gets the next seq.
    answer = await phone.ok("idea.add", activity=ideas, text="danach")
    assert answer["seq"] == seq_before + 1
    await mod.wait(lambda m: m.get("event") == "idea.added")
    assert [m["event"] for m in mod.messages[seen:] if m["type"] == "event"] == ["idea.added"]


async def test_binary_frame_is_refused(scene: Any) -> None:
    server, session, mod, phone, ideas = scene
    await phone.ws.send(b"\x00\x01")
    error = await phone.wait(lambda m: m["type"] == "error")
    assert error["code"] == "bad_message"
    await phone.ok("idea.add", activity=ideas, text="noch da")


async def test_presenter_cannot_send_commands(scene: Any) -> None:
    server, session, mod, phone, ideas = scene
    beamer = await Client.open(server.ws_url, session["code"], session["presenter_token"])
    for type_, fields in [("idea.add", {"activity": ideas, "text": "x"}),
                          ("session.close", {}), ("activity.lock", {"activity": ideas})]:
        answer = await beamer.command(type_, **fields)
        assert answer["code"] == "forbidden", answer
    await beamer.close()


async def test_moderator_error_is_in_session_language(live_server: Any) -> None:
    session = live_server.create_session(language="en")
    mod = await Client.open(live_server.ws_url, session["code"], session["moderator_token"])
    answer = await mod.command("activity.activate", activity="a1")
    assert answer["code"] == "session_state"
    assert answer["message"] == "The session has not been opened yet."
    await mod.close()


async def test_rate_limit_answers_each_command(scene: Any) -> None:
    server, session, mod, phone, ideas = scene
    frames = [json.dumps({"type": "ping", "id": f"p{i}"}) for i in range(5)]
    for frame in frames:
        await phone.send_raw(frame)
    await phone.wait(lambda m: m["type"] == "pong" and m["id"] == "p4")
    for i in range(60):
        await phone.send_raw(json.dumps({"type": "participant.rename", "id": f"r{i}",
                                         "name": None}))
    await phone.wait(lambda m: m.get("id") == "r59")
    answers = [m for m in phone.messages if str(m.get("id", "")).startswith("r")]
    assert len(answers) == 60
    assert any(m["type"] == "error" and m["code"] == "rate_limited" for m in answers)


@pytest.mark.parametrize("query", ["", "?token=wrong", "?token=p1.forged"])
async def test_bad_credentials_close_4401(live_session: dict[str, Any], query: str) -> None:
    server = live_session["server"]
    async with connect(f"{server.ws_url}/ws/{live_session['code']}{query}") as ws:
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), 5)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401


async def test_unknown_code_closes_4404(live_server: Any) -> None:
    async with connect(f"{live_server.ws_url}/ws/AAAAAA") as ws:
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), 5)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4404


async def test_cookie_from_foreign_origin_is_refused(live_session: dict[str, Any]) -> None:
    server = live_session["server"]
    token = server.join(live_session["code"])["token"]
    cookie = f"fp_{live_session['code']}={token}"
    url = f"{server.ws_url}/ws/{live_session['code']}"
    async with connect(url, additional_headers={"Cookie": cookie},
                       origin="http://evil.example") as ws:  # type: ignore[arg-type]
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), 5)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4403
    async with connect(url, additional_headers={"Cookie": cookie},
                       origin=server.url) as ws:  # type: ignore[arg-type]
        hello = json.loads(await asyncio.wait_for(ws.recv(), 5))
    assert hello["type"] == "hello" and hello["role"] == "participant"
