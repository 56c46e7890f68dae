"""Connections and fan-out for one session (STYLE.md, point 6).

Every connection has a bounded queue drained by its own task, so publishing never awaits a
client: a message is encoded once per audience and put into each queue. A connection whose
queue is full is too slow to keep up; it is closed (4408) and its phone reconnects and
resumes, which costs it one replay instead of costing everyone a stalled broadcast.

The hub is the seam for scaling out: a Redis pub/sub hub would publish the same encoded
texts to other processes, each of which delivers to its own connections.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from facilitator.domain.model import Audience

log = logging.getLogger(__name__)

TOO_SLOW = 4408
REPLACED = 4409  # the credential opened more connections than it may hold; this, the oldest


@dataclass(frozen=True)
class _Close:
    code: int
    reason: str


def channel_of(audience: Audience, group: str | None = None) -> str:
    """The hub channel of a connection: its audience, and for participants their group."""
    return f"participant:{group}" if audience == "participant" and group else audience


@dataclass(eq=False)
class Connection:
    """One client's WebSocket, reduced to what the hub needs: a way to send and to close."""

    audience: Audience
    send: Callable[[str], Awaitable[None]]
    close: Callable[[int, str], Awaitable[None]]
    limit: int = 512
    participant: str | None = None
    queue: asyncio.Queue[object] = field(init=False)
    dropped: bool = False
    channel: str = ""
    # What this participant's hello said about their group (group, spokesperson): a change
    # means a fresh hello.
    standing: tuple[str | None, bool] = (None, False)

    def __post_init__(self) -> None:
        self.queue = asyncio.Queue(self.limit)
        self.channel = self.channel or self.audience

    def offer(self, text: str) -> bool:
        """Queue a message without waiting; False when the connection is too slow."""
        if self.dropped:
            return False
        try:
            self.queue.put_nowait(text)
        except asyncio.QueueFull:
            self.end(TOO_SLOW, "too slow")
            return False
        return True

    def end(self, code: int, reason: str) -> None:
        """Close the connection with this code once the sender gets to it; nothing queued
        before is sent (a slow phone resumes instead; a replaced one is gone)."""
        if self.dropped:
            return
        self.dropped = True
        while not self.queue.empty():
            self.queue.get_nowait()
        self.queue.put_nowait(_Close(code, reason))

    async def pump(self) -> None:
        """Send queued messages in order until told to stop or the socket fails."""
        while True:
            item = await self.queue.get()
            if isinstance(item, _Close):
                await self.close(item.code, item.reason)
                return
            assert isinstance(item, str)
            await self.send(item)


class Hub:
    """Connections by channel: "moderator", "presenter", "participant" (no group) and
    "participant:<group>"; a message is published to a channel, encoded once."""

    def __init__(self) -> None:
        self.channels: dict[str, set[Connection]] = {}
        # A participant's connections (a phone reconnecting, a second tab): what the
        # participant itself changed, or others changed of its own, reaches all of them.
        self.by_participant: dict[str, set[Connection]] = {}

    def add(self, connection: Connection) -> None:
        self.channels.setdefault(connection.channel, set()).add(connection)
        if connection.participant is not None:
            self.by_participant.setdefault(connection.participant, set()).add(connection)

    def remove(self, connection: Connection) -> None:
        self.channels.get(connection.channel, set()).discard(connection)
        who = connection.participant
        if who is not None and who in self.by_participant:
            self.by_participant[who].discard(connection)
            if not self.by_participant[who]:
                del self.by_participant[who]

    def of(self, participant: str) -> set[Connection]:
        return self.by_participant.get(participant, set())

    def move(self, connection: Connection, channel: str) -> None:
        self.channels.get(connection.channel, set()).discard(connection)
        connection.channel = channel
        self.channels.setdefault(channel, set()).add(connection)

    def members(self, channel: str) -> set[Connection]:
        return self.channels.get(channel, set())

    def participants(self) -> list[Connection]:
        return [c for name, group in self.channels.items() if name.startswith("participant")
                for c in group]

    def publish(self, channel: str, text: str) -> None:
        connections = self.channels.get(channel)
        if not connections:
            return
        for connection in list(connections):
            if not connection.offer(text):
                connections.discard(connection)
