"""A small WebSocket client for tests, written from docs/protocol.md."""

from __future__ import annotations

import asyncio
import concurrent.futures
import itertools
import json
import logging
import urllib.error
import urllib.request
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

_ids = itertools.count(1)


class Client:
    """One connection: collects every message, answers commands by id."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.messages: list[dict[str, Any]] = []
        self.hello: dict[str, Any] = {}
        self._waiters: list[tuple[Any, asyncio.Future[dict[str, Any]]]] = []
        self._reader: asyncio.Task[None] | None = None

    @classmethod
    async def open(cls, ws_url: str, code: str, token: str | None = None,
                   resume: int | None = None, **kwargs: Any) -> Client:
        query = [f"token={token}"] if token else []
        if resume is not None:
            query.append(f"resume={resume}")
        path = f"{ws_url}/ws/{code}" + ("?" + "&".join(query) if query else "")
        client = cls(await connect(path, **kwargs))
        client._reader = asyncio.create_task(client._read())
        client.hello = await client.wait(lambda m: m["type"] == "hello")
        return client

    async def _read(self) -> None:
        try:
            async for raw in self.ws:
                message = json.loads(raw)
                self.messages.append(message)
                for predicate, future in list(self._waiters):
                    if not future.done() and predicate(message):
                        future.set_result(message)
        except Exception:  # the connection went away; waiters time out
            pass

    async def wait(self, predicate: Any, timeout: float = 5.0,
                   since: int = 0) -> dict[str, Any]:
        """The first message (from index `since` on) that satisfies the predicate."""
        for message in self.messages[since:]:
            if predicate(message):
                return message
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._waiters.append((predicate, future))
        try:
            return await asyncio.wait_for(future, timeout)
        finally:
            self._waiters.remove((predicate, future))

    async def send_raw(self, text: str) -> None:
        await self.ws.send(text)

    async def command(self, type_: str, ident: str | None = None,
                      **fields: Any) -> dict[str, Any]:
        ident = ident or f"t{next(_ids)}"
        since = len(self.messages)  # an id sent again: its earlier answer does not count
        await self.ws.send(json.dumps({"type": type_, "id": ident, **fields}))
        return await self.wait(lambda m: m["type"] in {"ack", "error"} and m.get("id") == ident,
                               since=since)

    async def ok(self, type_: str, **fields: Any) -> dict[str, Any]:
        """Send a command until it is acknowledged. `rate_limited` is sent again with the same
        id a moment later, as docs/protocol.md asks of every client: a script that runs a
        whole plan sends faster than the 20 commands a second a console is allowed."""
        ident = f"t{next(_ids)}"
        for _ in range(100):
            answer = await self.command(type_, ident, **fields)
            if answer.get("code") != "rate_limited":
                break
            await asyncio.sleep(0.1)
        assert answer["type"] == "ack", answer
        return answer

    def events(self, name: str | None = None) -> list[dict[str, Any]]:
        return [m for m in self.messages
                if m["type"] == "event" and (name is None or m["event"] == name)]

    def tallies(self, activity: str | None = None) -> list[dict[str, Any]]:
        return [m for m in self.messages
                if m["type"] == "tally" and (activity is None or m["activity"] == activity)]

    async def close(self) -> None:
        await self.ws.close()
        if self._reader:
            await self._reader


def moderate(server: Any, session: dict[str, Any], commands: list[dict[str, Any]]) -> None:
    """Send moderator commands from sync code (fixtures); each must be acknowledged."""

    async def run() -> None:
        client = await Client.open(server.ws_url, session["code"], session["moderator_token"])
        for command in commands:
            fields = {k: v for k, v in command.items() if k != "type"}
            await client.ok(command["type"], **fields)
        await client.close()

    # In a thread of its own, so it works from sync code even while a loop runs (Playwright).
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, run()).result()


# -- helpers of the hardening tests (issue 8) ----------------------------------------------


def senders(type_: str) -> list[str]:
    """The roles that may send a command, as the domain's rules say (the presenter sends no
    commands at all; "system" is the server itself)."""
    from facilitator.domain.activities import COMMANDS
    from facilitator.domain.session import SESSION_RULES

    if type_ in SESSION_RULES:
        roles = set(SESSION_RULES[type_].roles)
    elif type_ in COMMANDS:
        roles = set(COMMANDS[type_].rules[type_].roles)
    else:
        roles = set()
    return [role for role in ("moderator", "participant") if role in roles]


async def fresh_hello(server: Any, code: str, token: str) -> dict[str, Any]:
    """The hello of a new connection with this credential (then closed again)."""
    async with connect(f"{server.ws_url}/ws/{code}?token={token}") as ws:
        hello: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), 5))
    assert hello["type"] == "hello", hello
    return hello


async def session_seq(server: Any, session: dict[str, Any]) -> int:
    """The session's seq as a fresh moderator connection sees it: the log's last event."""
    seq: int = (await fresh_hello(server, session["code"], session["moderator_token"]))["seq"]
    return seq


def lone_surrogates(value: Any) -> bool:
    """Whether a parsed JSON value holds a string (or key) with half a UTF-16 surrogate pair.
    Iterative: the values come from attack frames and may be deep."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if any(0xD800 <= ord(char) <= 0xDFFF for char in item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def raw_request(server: Any, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, Any]:
    """An HTTP request with a body sent as given; the answer's JSON (or its text if not JSON)."""
    req = urllib.request.Request(server.url + path, data=body, method=method,
                                 headers={"Content-Type": "application/json",
                                          **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=10) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        with error:
            status, raw = error.code, error.read()
    try:
        return status, json.loads(raw or b"null")
    except ValueError:
        return status, raw.decode("utf-8", "replace")


class ServerLog(logging.Handler):
    """Collects the log records of the in-process test server (and of everything else in this
    process but the test's own WebSocket clients) while it is attached.

    uvicorn's own loggers do not propagate to the root logger, so the handler goes on both.
    """

    NAMES = ("", "uvicorn")

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if not record.name.startswith("websockets.client"):
            self.records.append(record)

    def __enter__(self) -> ServerLog:
        for name in self.NAMES:
            logging.getLogger(name).addHandler(self)
        return self

    def __exit__(self, *exc: object) -> None:
        for name in self.NAMES:
            logging.getLogger(name).removeHandler(self)

    def problems(self) -> list[str]:
        """Records at ERROR or above, and any record that carries a traceback."""
        found = []
        for record in self.records:
            text = record.getMessage()
            if record.levelno >= logging.ERROR or record.exc_info or "Traceback" in text:
                found.append(f"{record.levelname} {record.name}: {text[:300]}"
                             + (f" [{record.exc_info[0].__name__}: {record.exc_info[1]}]"
                                if record.exc_info and record.exc_info[0] else ""))
        return found
