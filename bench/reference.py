"""The reference: the least a vote server must do, on websockets' own server and broadcast().

It shows what this machine and Python can do at all, so facilitator's figures can be read as
a ratio. Every client gets a small hello; a `vote.cast` replaces the client's ballot, bumps a
sequence number and is answered with an ack at once; a tally of the same shape and size as
facilitator's goes to the presenter (`?role=presenter`) at most every `--interval` seconds and
to the phones at most every `--phone-interval` seconds (leading edge: the first vote after a
quiet spell is broadcast at once), the same two intervals as facilitator's defaults, so that
both servers deliver the same messages. There is deliberately nothing else: no validation
beyond the vote's fields, no authentication, no event log, no disk.

Each path is a room with its own poll, sequence and broadcast (`/ws/REF1`, `/ws/REF2`, …; the
query string is ignored), so several sessions at once can be compared too; at most
`MAX_ROOMS` rooms, further paths are closed with 1013.

Run as `python -m bench.reference --port 8765`; GET /healthz answers 200 for the driver.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
from http import HTTPStatus
from typing import Any

from websockets.asyncio.server import ServerConnection, broadcast, serve
from websockets.http11 import Request, Response

MAX_ROOMS = 1000


def dumps(message: dict[str, Any]) -> str:
    return json.dumps(message, separators=(",", ":"))


class Lane:
    """The clients that get tallies at one interval, and when they last got one."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self.clients: set[ServerConnection] = set()
        self.sent_at = -interval
        self.scheduled = False


class Poll:
    def __init__(self, options: int, interval: float, phone_interval: float) -> None:
        self.counts = {f"o{n}": 0 for n in range(1, options + 1)}
        self.ballots: dict[ServerConnection, str] = {}
        self.seq = 0
        self.presenters, self.phones = Lane(interval), Lane(phone_interval)

    @property
    def clients(self) -> set[ServerConnection]:
        return self.presenters.clients | self.phones.clients

    def lane(self, presenter: bool) -> Lane:
        return self.presenters if presenter else self.phones

    def vote(self, client: ServerConnection, choice: str) -> int | None:
        old = self.ballots.get(client)
        if old == choice:
            return None
        if old is not None:
            self.counts[old] -= 1
        self.ballots[client] = choice
        self.counts[choice] += 1
        self.seq += 1
        self.schedule_tally(self.presenters)
        self.schedule_tally(self.phones)
        return self.seq

    def schedule_tally(self, lane: Lane) -> None:
        if lane.scheduled:
            return
        lane.scheduled = True
        loop = asyncio.get_running_loop()
        delay = max(0.0, lane.sent_at + lane.interval - loop.time())
        loop.call_later(delay, self.send_tally, lane)

    def send_tally(self, lane: Lane) -> None:
        lane.scheduled = False
        lane.sent_at = asyncio.get_running_loop().time()
        message = dumps({
            "type": "tally", "seq": self.seq, "activity": "a1",
            "results": {"voters": len(self.ballots),
                        "options": [{"id": k, "count": v} for k, v in self.counts.items()]},
        })
        broadcast(lane.clients, message)  # frames it per client, never waits for one


class Rooms:
    """One poll per path, made on first use."""

    def __init__(self, options: int, interval: float, phone_interval: float | None = None) -> None:
        self.options, self.interval = options, interval
        self.phone_interval = interval if phone_interval is None else phone_interval
        self.polls: dict[str, Poll] = {}

    def get(self, path: str) -> Poll | None:
        room = path.split("?", 1)[0]
        poll = self.polls.get(room)
        if poll is None and len(self.polls) < MAX_ROOMS:
            poll = self.polls[room] = Poll(self.options, self.interval, self.phone_interval)
        return poll

    def clients(self) -> int:
        return sum(len(poll.clients) for poll in self.polls.values())


async def handle(rooms: Rooms, client: ServerConnection) -> None:
    path = client.request.path if client.request else "/"
    poll = rooms.get(path)
    if poll is None:
        await client.close(1013, "too many rooms")
        return
    lane = poll.lane("role=presenter" in path.partition("?")[2])
    lane.clients.add(client)
    try:
        await client.send(dumps({"type": "hello", "protocol": 1, "role": "participant",
                                 "seq": poll.seq}))
        async for raw in client:
            try:
                message = json.loads(raw)
                ident = message["id"]
                choices = message["choices"]
                if message["type"] != "vote.cast" or len(choices) != 1:
                    raise ValueError
                if choices[0] not in poll.counts:
                    raise KeyError
            except (ValueError, KeyError, TypeError):
                await client.send(dumps({"type": "error", "id": None, "code": "bad_message",
                                         "message": "bad message"}))
                continue
            seq = poll.vote(client, choices[0])
            await client.send(dumps({"type": "ack", "id": ident, "seq": seq,
                                     "result": {"choices": choices}}))
    finally:
        lane.clients.discard(client)
        poll.ballots.pop(client, None)


def health(connection: ServerConnection, request: Request) -> Response | None:
    if request.path == "/healthz":
        return connection.respond(HTTPStatus.OK, '{"ok": true}\n')
    return None


async def main(host: str, port: int, options: int, interval: float,
               phone_interval: float) -> None:
    rooms = Rooms(options, interval, phone_interval)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    # backlog as uvicorn's default: thousands of phones connect within seconds
    async with serve(lambda c: handle(rooms, c), host, port, process_request=health,
                     backlog=2048, max_size=65536):
        await stop.wait()
        print(f"stopping with {rooms.clients()} clients connected in {len(rooms.polls)} "
              "rooms", flush=True)


def cli() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.reference", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--options", type=int, default=4)
    parser.add_argument("--interval", type=float, default=0.05,
                        help="seconds between two tallies to the presenter (facilitator's "
                        "FACILITATOR_TALLY_INTERVAL)")
    parser.add_argument("--phone-interval", type=float, default=0.5,
                        help="seconds between two tallies to the phones (facilitator's "
                        "FACILITATOR_PHONE_TALLY_INTERVAL)")
    args = parser.parse_args()
    asyncio.run(main(args.host, args.port, args.options, args.interval, args.phone_interval))


if __name__ == "__main__":
    cli()
