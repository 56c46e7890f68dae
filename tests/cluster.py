"""Server processes behind nginx on one PostgreSQL, one Redis and one data directory, and
phones that behave as the real one does (static/js/live.js): an outbox of commands sent again
after a reconnect, resume from the last seq seen, busy answers sent again a moment later."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import random
import signal
import ssl
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

from tests.services import free_port

KEY = "cluster-test-organiser-key"
SECRET = "cluster-test-secret-0123456789abcdef"


class ServerProcess:
    """`facilitator serve` as a subprocess on its own port."""

    def __init__(self, data_dir: Path, env: dict[str, str]) -> None:
        self.port = free_port()
        self.data_dir = data_dir
        self.env = env
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> ServerProcess:
        env = {**os.environ, "FACILITATOR_ORGANISER_KEY": KEY,
               "FACILITATOR_SECRET": SECRET, "FACILITATOR_LOG_LEVEL": "warning",
               "FACILITATOR_DATA_DIR": str(self.data_dir),
               "FACILITATOR_SESSIONS_DIR": str(self.data_dir / "sessions"), **self.env}
        self.log = open(self.data_dir / f"server-{self.port}.log", "ab")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "facilitator", "serve", "--host", "127.0.0.1",
             "--port", str(self.port)], env=env, stdout=self.log, stderr=self.log)
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1):
                    return self
            except OSError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise RuntimeError("the server did not start: " + self.output()) from None
                time.sleep(0.05)

    def output(self) -> str:
        path = self.data_dir / f"server-{self.port}.log"
        return path.read_text("utf-8", "replace")[-4000:] if path.exists() else ""

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)
        self.log.close()

    def terminate(self) -> None:
        """SIGTERM, as a deploy does: sockets close with 1012, writers finish."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)
        self.log.close()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.kill()


class Phone:
    """A participant's phone: commands in an outbox until answered, reconnecting with resume
    whenever its socket closes, as static/js/live.js does."""

    def __init__(self, ws_url: str, code: str, token: str, tls: ssl.SSLContext | None) -> None:
        self.url = f"{ws_url}/ws/{code}?token={token}"
        self.tls = tls
        self.seq = 0
        self.outbox: dict[str, dict[str, Any]] = {}
        self.answers: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self.ws: ClientConnection | None = None
        self.connected = asyncio.Event()
        self.hellos: list[float] = []  # when each hello came (time.monotonic)
        self.closes: list[tuple[float, int | None]] = []
        self.results: dict[str, Any] = {}  # activity -> results, from hellos and tallies
        self._task: asyncio.Task[None] | None = None
        self._ids = itertools.count()
        self._stopping = False
        self.last: list[Any] = []
        self.errors: list[str] = []

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run())
        await asyncio.wait_for(self.connected.wait(), 30)

    async def _run(self) -> None:
        attempt = 0
        while not self._stopping:
            url = self.url + (f"&resume={self.seq}" if self.seq else "")
            try:
                async with connect(url, ssl=self.tls, open_timeout=10,
                                   ping_interval=None) as ws:
                    self.ws = ws
                    attempt = 0
                    async for raw in ws:
                        self._receive(json.loads(raw))
                    self.closes.append((time.monotonic(), ws.close_code))
            except Exception as error:  # refused, reset, timed out: try again
                received = getattr(error, "rcvd", None)
                self.closes.append((time.monotonic(), received.code if received else None))
                self.errors.append(repr(error)[:120])
            self.ws = None
            self.connected.clear()
            if self._stopping:
                return
            attempt += 1
            # live.js: 0.5 s, doubling, with jitter, at most a few seconds.
            await asyncio.sleep(min(4.0, 0.25 * 2 ** attempt) * (0.5 + random.random()))

    def _receive(self, message: dict[str, Any]) -> None:
        kind = message["type"]
        self.last.append((round(time.monotonic(), 2), kind, message.get("id"),
                          message.get("code"), message.get("seq")))
        if kind == "hello":
            if not message.get("resumed"):
                self.seq = message["seq"]
                for activity in (message.get("session") or {}).get("activities", []):
                    if activity.get("results") is not None:
                        self.results[activity["id"]] = activity["results"]
            self.hellos.append(time.monotonic())
            self.connected.set()
            for command in list(self.outbox.values()):  # sent again; the ids make it safe
                self._spawn_send(command)
        elif kind == "event":
            self.seq = max(self.seq, message["seq"])
        elif kind == "tally":
            self.results[message["activity"]] = message["results"]
        elif kind in ("ack", "error"):
            ident = message.get("id")
            if kind == "error" and message.get("code") in ("busy", "rate_limited") \
                    and ident in self.outbox:
                command = self.outbox[ident]
                asyncio.get_running_loop().call_later(0.2 + random.random() * 0.3,
                                                      self._spawn_send, command)
                return
            self.outbox.pop(ident, None)
            future = self.answers.get(ident)
            if future is not None and not future.done():
                future.set_result(message)

    def _spawn_send(self, command: dict[str, Any]) -> None:
        ws = self.ws
        if ws is not None:
            asyncio.ensure_future(self._send(ws, command))

    @staticmethod
    async def _send(ws: ClientConnection, command: dict[str, Any]) -> None:
        with contextlib.suppress(Exception):
            await ws.send(json.dumps(command))

    async def command(self, type_: str, timeout: float = 60.0,
                      **args: Any) -> dict[str, Any]:
        """Put a command in the outbox and wait for its answer, whatever reconnects it takes."""
        ident = f"c{next(self._ids)}"
        command = {"type": type_, "id": ident, **args}
        self.outbox[ident] = command
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.answers[ident] = future
        self._spawn_send(command)
        try:
            return await asyncio.wait_for(asyncio.shield(future), timeout)
        except TimeoutError:
            raise AssertionError(
                f"no answer to {command} in {timeout} s: connected {self.ws is not None}, "
                f"closes {self.closes}, errors {self.errors[-3:]}, last {self.last[-8:]}") from None

    async def stop(self) -> None:
        self._stopping = True
        if self.ws is not None:
            with contextlib.suppress(Exception):
                await self.ws.close()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task


def post(url: str, path: str, body: Any, tls: ssl.SSLContext | None,
         key: str | None = None) -> Any:
    headers = {"Content-Type": "application/json"}
    if key:
        headers["Authorization"] = f"Bearer {key}"
    request = urllib.request.Request(url + path, json.dumps(body).encode(), headers)
    for attempt in range(20):
        try:
            with urllib.request.urlopen(request, timeout=10, context=tls) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            if error.code not in (502, 503, 504) or attempt == 19:
                raise
            time.sleep(0.2)
    raise AssertionError("unreachable")
