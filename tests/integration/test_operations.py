"""Operations (issue 14): /metrics behind its setting and token, /readyz, and the drain that
turns a server's stop into 1012 closes, against a real server in this process."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import socket
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from facilitator.app import create_app
from facilitator.config import load_settings
from facilitator.drain import Server
from tests.conftest import LiveServer
from tests.support import Client, moderate

TOKEN = "scrape-secret"
TITLE = "Geheimer Titel Zwölf"
IDEA = "Geheime Idee Dreizehn"


def scrape(server: LiveServer) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    answer = httpx.get(f"{server.url}/metrics", timeout=10,
                       headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/plain")
    assert answer.headers["cache-control"] == "no-store"
    # No user text in any label or help.
    assert "Geheim" not in answer.text
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(answer.text)
            for sample in family.samples}


@pytest.fixture
def metrics_server(tmp_path: Path) -> Any:
    server = LiveServer(tmp_path / "data", metrics=True, metrics_token=TOKEN).start()
    try:
        yield server
    finally:
        server.stop()


def test_metrics_are_off_by_default(live_server: LiveServer) -> None:
    answer = httpx.get(f"{live_server.url}/metrics", timeout=10)
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("text/html")


def test_metrics_need_the_token_when_one_is_set(metrics_server: LiveServer) -> None:
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
        answer = httpx.get(f"{metrics_server.url}/metrics", headers=headers, timeout=10)
        assert answer.status_code == 401
        assert answer.headers["www-authenticate"] == "Bearer"
        assert "facilitator_" not in answer.text


def test_metrics_without_a_token(tmp_path: Path) -> None:
    server = LiveServer(tmp_path / "data", metrics=True).start()
    try:
        answer = httpx.get(f"{server.url}/metrics", timeout=10)
        assert answer.status_code == 200
        assert "process_open_fds" in answer.text or os.name != "posix"
    finally:
        server.stop()


async def test_metrics_count_a_scene(metrics_server: LiveServer) -> None:
    server = metrics_server
    session = server.create_session(title=TITLE)
    before = scrape(server)
    assert before[("facilitator_sessions_loaded", (("status", "draft"),))] == 1
    mod = await Client.open(server.ws_url, session["code"], session["moderator_token"])
    await mod.ok("session.open")
    await mod.ok("session.start")
    ideas = (await mod.ok("activity.create", kind="ideas", title=TITLE))["result"]["activity"]
    await mod.ok("activity.activate", activity=ideas)
    phones = [await Client.open(server.ws_url, session["code"],
                                server.join(session["code"])["token"]) for _ in range(2)]
    for phone in phones:
        await phone.ok("idea.add", activity=ideas, text=IDEA)
    refused = await phones[0].command("idea.add", activity="a99", text=IDEA)
    assert refused["type"] == "error"
    await phones[1].send_raw("{not json")
    await phones[1].wait(lambda m: m["type"] == "error" and m["code"] == "bad_json")
    await phones[1].send_raw(json.dumps({"type": "ping", "id": "p"}))
    await phones[1].wait(lambda m: m["type"] == "pong")

    found = scrape(server)
    assert found[("facilitator_websocket_connections", (("audience", "participant"),))] == 2
    assert found[("facilitator_websocket_connections", (("audience", "moderator"),))] == 1
    assert found[("facilitator_websocket_connections", (("audience", "presenter"),))] == 0
    acks = found[("facilitator_command_answers_total", (("outcome", "ack"),))]
    assert acks == 6  # open, start, create, activate, two ideas
    assert found[("facilitator_command_answers_total", (("outcome", "refused"),))] == 1
    assert found[("facilitator_command_answers_total", (("outcome", "malformed"),))] == 1
    assert found[("facilitator_commands_received_total", ())] == 8  # the ping not counted
    assert found[("facilitator_ack_latency_seconds_count", ())] == acks
    assert 0 < found[("facilitator_ack_latency_seconds_sum", ())] < acks * 5
    # An event each for the six acknowledged commands and the two joins (the creation is no
    # commit of a writer).
    assert found[("facilitator_committed_events_total", ())] == 8
    assert found[("facilitator_commits_total", ())] >= 1
    assert found[("facilitator_commit_seconds_count", ())] == found[
        ("facilitator_commits_total", ())]
    assert found[("facilitator_sessions_loaded", (("status", "live"),))] == 1
    assert found[("facilitator_send_backlog_max_messages", ())] == 0
    assert found[("facilitator_writer_queue_commands", ())] == 0
    for client in (mod, *phones):
        await client.close()
    await asyncio.sleep(0.2)
    after = scrape(server)
    assert after[("facilitator_websocket_connections", (("audience", "participant"),))] == 0


def test_ready_while_running(live_server: LiveServer) -> None:
    answer = httpx.get(f"{live_server.url}/readyz", timeout=10)
    assert answer.status_code == 200
    assert answer.json() == {"ready": True}
    assert answer.headers["cache-control"] == "no-store"


async def test_not_ready_before_the_lifespan_or_with_a_broken_store(tmp_path: Path) -> None:
    settings = load_settings({"data_dir": str(tmp_path / "data"), "organiser_key": "k"},
                             environ={})
    app = create_app(settings)  # the lifespan has not run: nothing is open
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://test") as http:
        answer = await http.get("/readyz")
        assert (answer.status_code, answer.json()) == (503, {"ready": False,
                                                             "reason": "starting"})

        class Full:
            async def check_writable(self) -> None:
                raise OSError("database or disk is full")

        app.state.started, app.state.store = True, Full()
        answer = await http.get("/readyz")
        assert (answer.status_code, answer.json()) == (
            503, {"ready": False, "reason": "store: database or disk is full"})


async def test_a_draining_server_turns_new_sockets_away(live_session: dict[str, Any]) -> None:
    server = live_session["server"]
    assert server.server is not None
    server.server.config.app.state.draining = True
    async with connect(f"{server.ws_url}/ws/{live_session['code']}"
                       f"?token={live_session['moderator_token']}") as ws:
        with pytest.raises(ConnectionClosed):
            await asyncio.wait_for(ws.recv(), 5)
    assert (ws.close_code, ws.close_reason) == (1012, "server restarting")
    answer = httpx.get(f"{server.url}/readyz", timeout=10)
    assert (answer.status_code, answer.json()) == (503, {"ready": False,
                                                         "reason": "shutting down"})


def _silent_websocket(server: LiveServer, path: str) -> socket.socket:
    """A WebSocket that completes its handshake and then never reads or answers: a phone
    whose network went away. The drain waits for it (up to its timeout)."""
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                 f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                 "Sec-WebSocket-Version: 13\r\n\r\n".encode())
    head = b""
    while b"\r\n\r\n" not in head:
        head += sock.recv(4096)
    assert head.startswith(b"HTTP/1.1 101"), head
    return sock


class DrainingServer(LiveServer):
    server_class = Server


async def test_a_stop_drains_marks_not_ready_and_closes_with_1012(tmp_path: Path) -> None:
    server = DrainingServer(tmp_path / "data").start()
    try:
        session = server.create_session()
        moderate(server, session, [{"type": "session.open"}])
        code = session["code"]
        mod = await Client.open(server.ws_url, code, session["moderator_token"])
        silent = _silent_websocket(server, f"/ws/{code}?token={session['presenter_token']}")
        async with httpx.AsyncClient(base_url=server.url, timeout=10) as http:
            assert (await http.get("/readyz")).status_code == 200  # kept alive for below
            assert server.server is not None
            stopping = threading.Thread(target=server.stop)
            stopping.start()
            assert mod._reader is not None
            await asyncio.wait_for(mod._reader, 5)
            assert (mod.ws.close_code, mod.ws.close_reason) == (1012, "server restarting")
            # The silent socket holds the drain open: not ready, and no longer listening.
            answer = await http.get("/readyz")
            assert (answer.status_code, answer.json()) == (
                503, {"ready": False, "reason": "shutting down"})
            with pytest.raises(OSError):
                socket.create_connection(("127.0.0.1", server.port), timeout=2).close()
        silent.close()
        await asyncio.to_thread(stopping.join, 15)
        assert not stopping.is_alive()
    finally:
        server.stop()
