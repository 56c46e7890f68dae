"""Shared fixtures: a real uvicorn on a free 127.0.0.1 port with a temporary data dir."""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from facilitator.app import server_config
from facilitator.config import load_settings
from tests.services import PostgresServer, RedisServer, running


class LiveServer:
    """A uvicorn server in a thread, listening on a socket bound before it starts."""

    # facilitator.drain.Server to stop as `facilitator serve` does on SIGTERM; uvicorn's own
    # by default, which does not wait for the clients a test left open to answer the close.
    server_class: type[uvicorn.Server] = uvicorn.Server

    def __init__(self, data_dir: Path, **options: Any) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.organiser_key = "test-organiser-key"
        self.settings = load_settings(
            {"host": "127.0.0.1", "port": self.port, "data_dir": str(data_dir),
             "sessions_dir": str(data_dir / "sessions"), "organiser_key": self.organiser_key,
             "log_level": "warning", **options},
            environ={})
        self.url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}"
        self.server: uvicorn.Server | None = None
        self.thread: threading.Thread | None = None

    def start(self) -> LiveServer:
        config = server_config(self.settings, log_level="warning")
        self.server = self.server_class(config)
        self.thread = threading.Thread(target=self.server.run,
                                       kwargs={"sockets": [self.sock]}, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        if self.server is not None and self.thread is not None:
            self.server.should_exit = True
            self.thread.join(10)
        self.sock.close()

    def request(self, method: str, path: str, body: Any = None,
                headers: dict[str, str] | None = None) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json",
                                              **(headers or {})})
        try:
            with urllib.request.urlopen(req, timeout=10) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            with error:
                return error.code, json.loads(error.read() or b"null")

    def create_session(self, title: str = "Test", language: str = "de",
                       names: bool = False) -> dict[str, Any]:
        status, answer = self.request(
            "POST", "/api/sessions", {"title": title, "language": language, "names": names},
            {"Authorization": f"Bearer {self.organiser_key}"})
        assert status == 201, answer
        return dict(answer)

    def join(self, code: str, name: str | None = None) -> dict[str, Any]:
        status, answer = self.request("POST", f"/api/sessions/{code}/join", {"name": name})
        assert status == 201, answer
        return dict(answer)


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    server = LiveServer(tmp_path / "data").start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def live_session(live_server: LiveServer) -> dict[str, Any]:
    """A session on live_server, opened and started: phones can join and activities run."""
    from tests.support import moderate

    session = live_server.create_session()
    moderate(live_server, session, [{"type": "session.open"}, {"type": "session.start"}])
    return {**session, "server": live_server}


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One PostgreSQL cluster for the whole run (tests/services.py); a database per test."""
    with running(PostgresServer) as server:
        yield server


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    with running(RedisServer) as server:
        yield server


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new empty database of each kind: the store tests run against both."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'db.sqlite3'}"
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return server.new_database()
