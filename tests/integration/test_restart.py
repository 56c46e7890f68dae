"""Kill the server with SIGKILL in the middle of a burst: every acknowledged command is there
after the restart, and a retried command is still answered as the first time."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from tests.support import Client

KEY = "restart-test-key"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Process:
    def __init__(self, data_dir: Path, port: int, database_url: str = "") -> None:
        self.port = port
        env = {**os.environ, "FACILITATOR_ORGANISER_KEY": KEY, "FACILITATOR_LOG_LEVEL": "warning",
               "FACILITATOR_DATABASE_URL": database_url}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "facilitator", "serve", "--host", "127.0.0.1",
             "--port", str(port), "--data-dir", str(data_dir)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.url = f"http://127.0.0.1:{port}"
        self.ws_url = f"ws://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise RuntimeError("server did not start: " + self.stderr()) from None
                time.sleep(0.05)

    def stderr(self) -> str:
        if self.proc.poll() is None:
            return ""
        assert self.proc.stderr is not None
        return self.proc.stderr.read().decode(errors="replace")

    def post(self, path: str, body: Any, key: str | None = None) -> Any:
        headers = {"Content-Type": "application/json"}
        if key:
            headers["Authorization"] = f"Bearer {key}"
        req = urllib.request.Request(self.url + path, json.dumps(body).encode(), headers)
        with urllib.request.urlopen(req, timeout=10) as response:
            return json.loads(response.read())

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)
        assert self.proc.stderr is not None
        self.proc.stderr.close()


async def _burst(phone: Client, activity: str, n: int, acked: list[dict[str, Any]]) -> None:
    """Send ideas until the connection dies; remember what was acknowledged."""
    with contextlib.suppress(Exception):
        for i in range(n):
            ident = f"{id(phone)}-{i}"
            answer = await phone.command("idea.add", ident=ident, activity=activity,
                                         text=f"Idee {i}")
            if answer["type"] == "ack":
                acked.append({"id": ident, "idea": answer["result"]["idea"]})


async def test_sigkill_loses_nothing_acknowledged(tmp_path: Path, store_url: str) -> None:
    """On either store: SQLite's synchronous=FULL, PostgreSQL's synchronous_commit."""
    port = _free_port()
    server = Process(tmp_path, port, store_url)
    try:
        session = server.post("/api/sessions", {"title": "Absturz"}, KEY)
        code = session["code"]
        mod = await Client.open(server.ws_url, code, session["moderator_token"])
        await mod.ok("session.open")
        await mod.ok("session.start")
        ideas = (await mod.ok("activity.create", kind="ideas", title="Ideen",
                              config={"max_per_participant": 100}))["result"]["activity"]
        poll = (await mod.ok("activity.create", kind="poll", title="Wahl",
                             config={"options": ["A", "B", "C"]}))["result"]["activity"]
        await mod.ok("activity.activate", activity=poll)
        tokens = [server.post(f"/api/sessions/{code}/join", {})["token"] for _ in range(4)]
        phones = [await Client.open(server.ws_url, code, t) for t in tokens]
        votes = ["o1", "o2", "o2", "o3"]
        for phone, choice in zip(phones, votes, strict=True):
            await phone.ok("vote.cast", activity=poll, choices=[choice])
        await mod.ok("activity.activate", activity=ideas)  # locks the poll
        acked: list[list[dict[str, Any]]] = [[] for _ in phones]
        tasks = [asyncio.create_task(_burst(p, ideas, 400, a))
                 for p, a in zip(phones, acked, strict=True)]
        await asyncio.sleep(0.4)
        server.kill()
        await asyncio.gather(*tasks)
    finally:
        if server.proc.poll() is None:
            server.kill()
    idea_acks = [a for per_phone in acked for a in per_phone]
    assert 10 < len(idea_acks) < 400, f"the kill should land mid-burst: {len(idea_acks)} acks"

    server = Process(tmp_path, port, store_url)
    try:
        mod = await Client.open(server.ws_url, code, session["moderator_token"])
        wall = next(a for a in mod.hello["session"]["activities"] if a["id"] == ideas)["ideas"]
        stored = {i["id"]: i["text"] for i in wall}
        results = next(a for a in mod.hello["session"]["activities"] if a["id"] == poll)[
            "results"]
        assert results["voters"] == 4
        assert {o["id"]: o["count"] for o in results["options"]} == {"o1": 1, "o2": 2, "o3": 1}
        for ack in idea_acks:
            assert ack["idea"] in stored
        # The log has no gaps and each acknowledged id answers as the first time.
        phone = await Client.open(server.ws_url, code, tokens[0])
        first = acked[0][0]
        again = await phone.command("idea.add", ident=first["id"], activity=ideas,
                                    text="anders")
        assert again["seq"] is not None
        assert again["type"] == "ack" and again["result"]["idea"] == first["idea"]
        assert len(stored) == len({i["id"] for i in wall})
        await phone.close()
        await mod.close()
    finally:
        server.kill()
