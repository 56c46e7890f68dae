"""A small WebSocket client for tests, written from docs/protocol.md."""

from __future__ import annotations

import asyncio
import concurrent.futures
import itertools
import json
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
        await self.ws.send(json.dumps({"type": type_, "id": ident, **fields}))
        return await self.wait(lambda m: m["type"] in {"ack", "error"} and m.get("id") == ident)

    async def ok(self, type_: str, **fields: Any) -> dict[str, Any]:
        answer = await self.command(type_, **fields)
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
