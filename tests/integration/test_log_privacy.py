"""No credential reaches the server's log: the journal of a server at log level info holds
the requests it served, but not the tokens that open a session's console, its beamer or a
participant's phone (docs/privacy.md)."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

from tests.cluster import KEY, ServerProcess
from tests.support import Client


async def test_tokens_of_links_and_sockets_are_not_logged(tmp_path: Path) -> None:
    server = ServerProcess(tmp_path, {"FACILITATOR_LOG_LEVEL": "info"}).start()
    try:
        request = urllib.request.Request(
            server.url + "/api/sessions", json.dumps({"title": "Protokoll"}).encode(),
            {"Content-Type": "application/json", "Authorization": f"Bearer {KEY}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            session = json.loads(response.read())
        code = session["code"]
        secrets = [session["moderator_token"], session["presenter_token"]]
        for path in (f"/moderate/{code}/{secrets[0]}", f"/present/{code}/{secrets[1]}"):
            with urllib.request.urlopen(server.url + path, timeout=10) as response:
                assert response.status == 200
        ws_url = server.url.replace("http:", "ws:")
        for token in secrets:
            client = await Client.open(ws_url, code, token)
            if token == secrets[0]:
                await client.ok("session.open")
            await client.close()
        join = urllib.request.Request(server.url + f"/api/sessions/{code}/join", b"{}",
                                      {"Content-Type": "application/json"})
        with urllib.request.urlopen(join, timeout=10) as response:
            phone = json.loads(response.read())["token"]
        client = await Client.open(ws_url, code, phone)
        await client.close()
        secrets.append(phone)
    finally:
        server.terminate()
    log = server.output()
    assert f"/moderate/{code}/" in log and "WebSocket" in log  # the requests are there
    for secret in secrets:
        assert secret not in log
