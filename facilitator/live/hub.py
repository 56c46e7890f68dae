"""Connections and fan-out for one session (STYLE.md, point 6).

Publishing never awaits a client. A message for a connection that is idle is written at once,
in the publisher's own step, as websockets' broadcast() does: the socket takes it into its
buffer and no task wakes up for it. Only when a send has to wait (the socket's buffer is full
because the client reads slowly) does the connection start a task that finishes that send and
drains what queued behind it, in order; the queue is bounded. A connection whose queue is full
is too slow to keep up; it is closed (4408) and its phone reconnects and resumes, which costs
it one replay instead of costing everyone a stalled broadcast. A message is encoded once per
audience before it is offered to any connection.

The hub is the seam for scaling out: a Redis pub/sub hub would publish the same encoded
texts to other processes, each of which delivers to its own connections.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine, Generator
from dataclasses import dataclass, field
from typing import Any

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


class _Resumed:
    """An awaitable that finishes a send coroutine which was started outside any task and
    stopped at a future (its socket could not take more): awaited in a task, it waits for that
    future and then runs the coroutine on, as `await` would have done from the start."""

    def __init__(self, coroutine: Coroutine[Any, Any, None], waiting: Any) -> None:
        self.coroutine, self.waiting = coroutine, waiting

    def __await__(self) -> Generator[Any, None, None]:
        waiting = self.waiting
        while True:
            try:
                yield waiting
            except BaseException as exc:  # cancelled: into the send, which ends with it
                try:
                    waiting = self.coroutine.throw(exc)
                except StopIteration:
                    return
            else:
                try:
                    waiting = self.coroutine.send(None)
                except StopIteration:
                    return


@dataclass(eq=False)
class Connection:
    """One client's WebSocket, reduced to what the hub needs: a way to send and to close.

    `send` must write without suspending whenever the socket can take the message (as
    Starlette's send_text on uvicorn does); it may suspend while the socket's buffer is full.
    """

    audience: Audience
    send: Callable[[str], Coroutine[Any, Any, None]]
    close: Callable[[int, str], Awaitable[None]]
    limit: int = 512
    participant: str | None = None
    dropped: bool = False
    channel: str = ""
    # What this participant's hello said about their group (group, spokesperson): a change
    # means a fresh hello.
    standing: tuple[str | None, bool] = (None, False)
    # Messages waiting behind a send that could not finish at once (made when first needed:
    # an empty deque is most of a kilobyte, times thousands of idle phones); the task
    # draining them.
    backlog: deque[str | _Close] | None = field(init=False, default=None)
    _drain: asyncio.Task[None] | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self.channel = self.channel or self.audience

    def offer(self, text: str) -> bool:
        """Send a message or queue it, without waiting; False when the connection is too
        slow (or its socket failed)."""
        if self.dropped:
            return False
        if self._drain is not None:
            if self.backlog is None:
                self.backlog = deque()
            if len(self.backlog) >= self.limit:
                self.end(TOO_SLOW, "too slow")
                return False
            self.backlog.append(text)
            return True
        coroutine = self.send(text)
        try:
            waiting = coroutine.send(None)
        except StopIteration:
            return True  # written
        except Exception as exc:
            self._failed(exc)
            return False
        self._drain = asyncio.ensure_future(self._pump(_Resumed(coroutine, waiting)))
        return True

    def end(self, code: int, reason: str) -> None:
        """Close the connection with this code once the sends before are done; nothing queued
        is sent (a slow phone resumes instead; a replaced one is gone)."""
        if self.dropped:
            return
        self.dropped = True
        self.backlog = deque([_Close(code, reason)])
        if self._drain is None:
            self._drain = asyncio.ensure_future(self._pump(None))

    def stop(self) -> None:
        """The socket is gone: stop whatever is still being sent."""
        self.dropped = True
        self.backlog = None
        if self._drain is not None:
            self._drain.cancel()

    async def _pump(self, first: _Resumed | None) -> None:
        """Finish the send that had to wait, then send what queued behind it, in order."""
        try:
            if first is not None:
                await first
            while self.backlog:
                item = self.backlog.popleft()
                if isinstance(item, _Close):
                    await self.close(item.code, item.reason)
                    return
                await self.send(item)
        except Exception as exc:
            self._failed(exc)
        finally:
            self._drain = None
            if not self.backlog:
                self.backlog = None

    def _failed(self, exc: Exception) -> None:
        # The client went away while we wrote: its receive loop ends the connection.
        log.debug("send failed: %r", exc)
        self.dropped = True
        self.backlog = None


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
