"""The phones: clients that record what the figures need, and the worker process running them.

A worker holds a slice of the phones on its own asyncio loop and obeys commands from the
driver over a pipe: connect, burst, settle, collect, close. Each phone decodes only acks,
errors and hello as JSON; tallies are counted and their `seq` read with a regular expression,
so a phone costs a few microseconds per received frame. Phones can be spread over several
sessions at once: phone i joins session i mod the number of sessions.

Every loop is bounded: by the phones of the worker, a deadline from the driver, and a few
retries at most. A join or connection refused at one of the server's protective limits
(bench/limits.py) stops the worker's joining at once, so the driver can say which limit to
raise instead of waiting for thousands of refusals.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import re
import time
from collections import Counter
from multiprocessing.connection import Connection
from typing import Any
from urllib.parse import quote

from bench.limits import close_refusal, error_code, join_refusal
from bench.wsclient import HTTPConnection, WebSocket, open_websocket

_TYPE = re.compile(rb'"type"\s*:\s*"([a-z_.]+)"')
_SEQ = re.compile(rb'"seq"\s*:\s*(\d+)')
TALLY_LOG_LIMIT = 20_000  # per client and phase; a server flooding tallies cannot eat the RAM
JOIN_RETRIES = 4  # a join answered 503 (busy) is sent again after 0.1, 0.2, 0.4, 0.8 s


class ClosedBeforeHello(ConnectionError):
    """The server closed the connection before its hello; `code` is the close code."""

    def __init__(self, code: int | None) -> None:
        super().__init__(f"closed before hello ({code})")
        self.code = code


class Client(WebSocket):
    """A connection that timestamps tallies and answers, and can await a command's answer."""

    def __init__(self, host: str, port: int, path: str, index: int = -1,
                 session: str = "") -> None:
        super().__init__(host, port, path)
        self.index = index
        self.session = session  # the join code of the phone's session
        self.hello: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.counts: Counter[str] = Counter()
        self.tallies: list[tuple[float, int]] = []
        self.answers: dict[str, tuple[float, dict[str, Any]]] = {}
        self.waiters: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self.top_seq = -1  # highest seq of any tally received
        self.sent: dict[str, float] = {}
        self.choice = -1

    def on_text(self, payload: bytes, now: float) -> None:
        match = _TYPE.search(payload, 0, 96)
        kind = match.group(1).decode() if match else "?"
        self.counts[kind] += 1
        if kind == "tally":
            found = _SEQ.search(payload)
            seq = int(found.group(1)) if found else -1
            if len(self.tallies) < TALLY_LOG_LIMIT:
                self.tallies.append((now, seq))
            self.top_seq = max(self.top_seq, seq)
        elif kind in ("ack", "error"):
            message = json.loads(payload)
            ident = message.get("id")
            self.answers[ident] = (now, message)
            waiter = self.waiters.pop(ident, None)
            if waiter is not None and not waiter.done():
                waiter.set_result(message)
        elif kind == "hello" and not self.hello.done():
            self.hello.set_result(json.loads(payload))

    def on_closed(self) -> None:
        if not self.hello.done():
            self.hello.set_exception(ClosedBeforeHello(self.close_code))
        for waiter in self.waiters.values():
            if not waiter.done():
                waiter.set_exception(ConnectionError(f"closed ({self.close_code})"))

    def send_command(self, message: dict[str, Any]) -> asyncio.Future[dict[str, Any]]:
        waiter = asyncio.get_running_loop().create_future()
        self.waiters[message["id"]] = waiter
        self.sent[message["id"]] = time.monotonic()
        self.send_json(message)
        return waiter

    async def command(self, message: dict[str, Any], timeout: float = 10.0) -> dict[str, Any]:
        """Send a command and return its ack; an error answer raises."""
        answer = await asyncio.wait_for(self.send_command(message), timeout)
        if answer.get("type") != "ack":
            raise RuntimeError(f"{message['type']} refused: {answer}")
        return answer


async def connect_client(
    host: str, port: int, path: str, timeout: float, index: int = -1, session: str = ""
) -> Client:
    """Open a connection and wait for its hello."""
    client: Client = await open_websocket(Client, host, port, path, timeout, index=index,
                                          session=session)
    async with asyncio.timeout(timeout):
        await client.hello
    return client


def process_cpu() -> float:
    return time.process_time()


class Worker:
    def __init__(self, conn: Connection, spec: dict[str, Any]) -> None:
        self.conn = conn
        self.spec = spec
        self.host: str = spec["host"]
        self.port: int = spec["port"]
        self.clients: list[Client] = []

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        inbox: asyncio.Queue[tuple[str, dict[str, Any]]] = asyncio.Queue()

        def readable() -> None:
            try:
                inbox.put_nowait(self.conn.recv())
            except (EOFError, OSError):  # the driver is gone: leave
                loop.remove_reader(self.conn.fileno())
                inbox.put_nowait(("close", {}))

        loop.add_reader(self.conn.fileno(), readable)
        while True:
            command, args = await inbox.get()
            handler = getattr(self, "do_" + command)
            cpu = process_cpu()
            try:
                reply = await handler(**args)
            except Exception as exc:  # report, never die silently
                reply = {"failure": f"{type(exc).__name__}: {exc}"}
            reply["cpu_s"] = process_cpu() - cpu
            reply["cpu_total_s"] = process_cpu()
            try:
                self.conn.send(reply)
            except (BrokenPipeError, OSError):
                return
            if command == "close":
                return

    async def do_ping(self) -> dict[str, Any]:
        return {}

    async def do_connect(
        self, codes: list[str], join: bool, lanes: int, timeout: float
    ) -> dict[str, Any]:
        """Join and connect this worker's phones, phone i to session codes[i % len(codes)]."""
        deadline = time.monotonic() + timeout
        phones = iter(self.spec["phones"])
        joins: list[float] = []
        connects: list[float] = []
        errors: Counter[str] = Counter()
        refusals: Counter[str] = Counter()  # refused at a protective limit (bench/limits.py)
        samples: dict[str, str] = {}  # one message of the server per kind of refusal
        retries: Counter[str] = Counter()
        start = time.monotonic()

        def refused(kind: str, message: str) -> None:
            refusals[kind] += 1
            samples.setdefault(kind, message[:160])

        async def join_once(http: HTTPConnection, code: str) -> tuple[int, Any]:
            """POST the join; a 503 (busy) is sent again a few times, a bounded wait."""
            for attempt in range(JOIN_RETRIES + 1):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError("phase time limit")
                async with asyncio.timeout(left):
                    status, body = await http.request("POST", f"/api/sessions/{code}/join", {})
                if status != 503 or error_code(body) != "busy" or attempt == JOIN_RETRIES:
                    return status, body
                retries["join answered 503 (busy), sent again"] += 1
                await asyncio.sleep(min(0.1 * 2**attempt, max(0.0, deadline - time.monotonic())))
            raise AssertionError("unreachable")

        async def lane() -> None:
            http = HTTPConnection(self.host, self.port)
            try:
                for index in phones:
                    if refusals:  # a limit was hit: the rest would be refused too
                        errors["not tried: the server refused at a limit"] += 1
                        continue
                    if deadline - time.monotonic() <= 0:
                        errors["phase time limit"] += 1
                        continue
                    code = codes[index % len(codes)]
                    try:
                        began = time.monotonic()
                        path = f"/ws/{code}"
                        if join:
                            status, body = await join_once(http, code)
                            if status != 201:
                                kind = join_refusal(status, body)
                                if kind is not None:
                                    refused(kind, _message(body))
                                errors[f"join HTTP {status}"] += 1
                                continue
                            path += "?token=" + quote(body["token"], safe="")
                        joined = time.monotonic()
                        client = await connect_client(
                            self.host, self.port, path, deadline - joined, index, code
                        )
                        done = time.monotonic()
                    except ClosedBeforeHello as exc:
                        kind = close_refusal(exc.code)
                        if kind is not None:
                            refused(kind, "")
                        errors[f"closed before hello ({exc.code})"] += 1
                        continue
                    except Exception as exc:
                        errors[f"{type(exc).__name__}: {exc}"[:120]] += 1
                        continue
                    self.clients.append(client)
                    joins.append(joined - began)
                    connects.append(done - joined)
            finally:
                http.close()

        await asyncio.gather(*(lane() for _ in range(lanes)))
        return {
            "connected": len(self.clients),
            "join_s": joins if join else [],
            "connect_s": connects,
            "errors": dict(errors),
            "refusals": dict(refusals),
            "samples": samples,
            "retries": dict(retries),
            "start": start,
            "end": time.monotonic(),
            "messages": self._take_counts(),
        }

    async def do_burst(
        self, number: int, start_at: float, spread: float, activities: dict[str, str],
        options: int, timeout: float, seed: int,
    ) -> dict[str, Any]:
        """Every phone casts one vote at its moment inside [start_at, start_at + spread), in
        the activity of its session (`activities`: join code → activity id)."""
        rng = random.Random(seed * 1000 + number)
        for client in self.clients:
            client.tallies = []
            client.counts.clear()
            client.sent.clear()
            client.answers.clear()
        schedule = sorted(
            ((start_at + rng.random() * spread, i) for i, _ in enumerate(self.clients)),
        )
        waiters = []
        for due, i in schedule:
            delay = due - time.monotonic()
            if delay > 0.0005:
                await asyncio.sleep(delay)
            client = self.clients[i]
            if client.choice < 0:
                client.choice = rng.randrange(options)
            else:  # a changed vote: another option, so the server has a ballot to replace
                client.choice = (client.choice + 1 + rng.randrange(options - 1)) % options
            if client.transport is None or client.transport.is_closing():
                continue
            waiters.append(client.send_command({
                "type": "vote.cast", "id": f"v{number}-{client.index}",
                "activity": activities[client.session], "choices": [f"o{client.choice + 1}"],
            }))
        left = max(0.1, start_at + spread + timeout - time.monotonic())
        if waiters:
            await asyncio.wait(waiters, timeout=left)
        for waiter in waiters:  # retrieve exceptions of closed connections, they are counted
            if waiter.done() and not waiter.cancelled():
                waiter.exception()
        top: dict[str, int] = {}  # per session, the highest seq of an ack
        for c in self.clients:
            for _, message in c.answers.values():
                if message.get("type") == "ack":
                    top[c.session] = max(top.get(c.session, -1), message.get("seq") or -1)
        return {"answered": sum(w.done() for w in waiters), "sent": len(waiters),
                "max_seq": top}

    async def do_settle(self, seqs: dict[str, int], timeout: float) -> dict[str, Any]:
        """Wait until every open phone received a tally including its session's `seqs`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if all(c.top_seq >= seqs.get(c.session, -1) for c in self.clients
                   if not c.closed.done()):
                break
            await asyncio.sleep(0.01)
        behind = sum(1 for c in self.clients if c.top_seq < seqs.get(c.session, -1))
        return {"behind": behind, "at": time.monotonic()}

    async def do_collect(self) -> dict[str, Any]:
        # (phone, sent, answered, ack seq, error code, session): the fields of stats.Vote
        votes: list[tuple[int, float, float | None, int | None, str | None, str]] = []
        for client in self.clients:
            session = client.session
            for ident, sent in client.sent.items():
                answer = client.answers.get(ident)
                if answer is None:
                    votes.append((client.index, sent, None, None, "timeout", session))
                elif answer[1].get("type") == "ack":
                    votes.append((client.index, sent, answer[0], answer[1].get("seq"), None,
                                  session))
                else:
                    votes.append((client.index, sent, answer[0], None,
                                  str(answer[1].get("code")), session))
        return {
            "votes": votes,
            "tallies": [c.tallies for c in self.clients],
            "sessions": [c.session for c in self.clients],
            "messages": self._take_counts(),
            "closed": dict(Counter(str(c.close_code) for c in self.clients if c.closed.done())),
        }

    async def do_close(self) -> dict[str, Any]:
        for client in self.clients:
            client.close()
        if self.clients:
            await asyncio.wait([c.closed for c in self.clients], timeout=3)
        for client in self.clients:
            client.abort()
        return {}

    def _take_counts(self) -> dict[str, int]:
        total: Counter[str] = Counter()
        for client in self.clients:
            total.update(client.counts)
            client.counts.clear()
        return dict(total)


def _message(body: Any) -> str:
    """The server's message in a JSON error answer ({"error": {"code", "message"}})."""
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        return str(error.get("message") or "")
    return str(body or "")[:160]


def worker_main(conn: Connection, spec: dict[str, Any]) -> None:
    """Entry point of a worker process (multiprocessing, spawn)."""
    asyncio.run(Worker(conn, spec).run())


def split(items: list[int], parts: int) -> list[list[int]]:
    """Deal items round-robin into `parts` lists."""
    hands: list[list[int]] = [[] for _ in range(max(parts, 1))]
    for item, hand in zip(items, itertools.cycle(hands), strict=False):
        hand.append(item)
    return hands
