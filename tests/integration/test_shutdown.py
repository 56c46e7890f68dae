"""SIGTERM a real `facilitator serve` while phones send ideas: every client is closed with
1012 ("server restarting", so it reconnects, to another process or to the restarted one), the
process exits, and everything acknowledged, before the signal or during the drain, is there
after the restart."""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
from pathlib import Path

from tests.integration.test_restart import KEY, Process, _free_port
from tests.support import Client


async def _send_until_closed(phone: Client, activity: str, acked: list[str]) -> None:
    """Ideas one after another until the socket closes; remember the acknowledged ones."""
    for i in range(400):
        if phone.ws.close_code is not None:
            return
        since = len(phone.messages)
        ident = f"{id(phone)}-{i}"
        with contextlib.suppress(Exception):
            await phone.ws.send(json.dumps({"type": "idea.add", "id": ident,
                                            "activity": activity, "text": f"Idee {i}"}))
        try:
            answer = await phone.wait(lambda m, ident=ident: m.get("id") == ident, timeout=2,
                                      since=since)
        except TimeoutError:
            return  # closed while the command was on its way: the outbox would resend it
        if answer["type"] == "ack":
            acked.append(answer["result"]["idea"])


async def test_sigterm_closes_every_socket_with_1012_and_loses_nothing(tmp_path: Path) -> None:
    port = _free_port()
    server = Process(tmp_path, port)
    try:
        session = server.post("/api/sessions", {"title": "Neustart"}, KEY)
        code = session["code"]
        mod = await Client.open(server.ws_url, code, session["moderator_token"])
        beamer = await Client.open(server.ws_url, code, session["presenter_token"])
        await mod.ok("session.open")
        await mod.ok("session.start")
        ideas = (await mod.ok("activity.create", kind="ideas", title="Ideen",
                              config={"max_per_participant": 100}))["result"]["activity"]
        await mod.ok("activity.activate", activity=ideas)
        phones = [await Client.open(server.ws_url, code,
                                    server.post(f"/api/sessions/{code}/join", {})["token"])
                  for _ in range(3)]
        before = [(await phone.ok("idea.add", activity=ideas, text="Vorher"))["result"]["idea"]
                  for phone in phones]
        acked: list[list[str]] = [[] for _ in phones]
        sending = [asyncio.create_task(_send_until_closed(phone, ideas, mine))
                   for phone, mine in zip(phones, acked, strict=True)]
        await asyncio.sleep(0.3)
        server.proc.send_signal(signal.SIGTERM)
        await asyncio.wait_for(asyncio.gather(*sending), 15)
        clients = [mod, beamer, *phones]
        for client in clients:
            assert client._reader is not None
            await asyncio.wait_for(client._reader, 10)
        closes = [(c.ws.close_code, c.ws.close_reason) for c in clients]
        assert closes == [(1012, "server restarting")] * len(clients)
        assert await asyncio.to_thread(server.proc.wait, 15) in (0, -signal.SIGTERM)
        assert server.proc.stderr is not None
        log = server.proc.stderr.read().decode(errors="replace")
        assert "Traceback" not in log, log
        server.proc.stderr.close()
    finally:
        if server.proc.poll() is None:
            server.kill()
    during = [idea for mine in acked for idea in mine]
    assert during, "the signal should come while the phones send"

    server = Process(tmp_path, port)
    try:
        mod = await Client.open(server.ws_url, code, session["moderator_token"])
        wall = next(a for a in mod.hello["session"]["activities"] if a["id"] == ideas)["ideas"]
        stored = {idea["id"] for idea in wall}
        assert set(before) | set(during) <= stored
        assert len(stored) == len(wall)
        await mod.close()
    finally:
        server.kill()
