"""Messages between the server processes that share sessions, over Redis pub/sub.

Each process publishes what it must tell the others (the events its sessions committed, the
commands it forwards to a session's writer, the answers it sends back) once per channel, and
delivers what it receives to its own connections. Pub/sub delivers at most once and only to
those listening: nothing here is the truth. The event log in the database is; a process that
sees a gap in the seqs it receives reads the missing events from the store.

One connection publishes, one subscribes for the whole process; a handler per channel is
called in the order messages arrive. Publishing goes through a queue: whatever is queued when
the connection is free goes in one pipeline, one round trip for a whole burst of commands and
batches (and never more connections than two, however many phones send at once).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import redis.asyncio as redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from facilitator.tasks import stop_task

log = logging.getLogger(__name__)

Handler = Callable[[bytes], None]
PIPELINE = 1000  # messages in one round trip at most
CONNECT_TIMEOUT = 2.0  # seconds


class Bus:
    def __init__(self, url: str, prefix: str = "facilitator") -> None:
        self.url = url
        self.prefix = prefix
        self._client: redis.Redis | None = None
        self._pubsub: redis.client.PubSub | None = None
        self._handlers: dict[str, Handler] = {}
        self._reader: asyncio.Task[None] | None = None
        self._outbox: asyncio.Queue[tuple[str, bytes | str, asyncio.Future[int] | None]] = (
            asyncio.Queue())
        self._sender: asyncio.Task[None] | None = None
        # Called when the subscriber is connected again after a break: what was published
        # meanwhile is lost to this process, and its sessions must read it from the log.
        self.recovered: list[Callable[[], None]] = []

    def channel(self, *parts: str) -> str:
        return ":".join((self.prefix, *parts))

    async def open(self) -> None:
        # Fail fast when Redis is away: the callers have their own way on (busy answers,
        # reading the log), and a writer must never wait for Redis.
        self._client = redis.Redis.from_url(
            self.url, max_connections=4, socket_connect_timeout=CONNECT_TIMEOUT,
            retry=Retry(NoBackoff(), 1))
        await self._client.ping()
        self._sender = asyncio.create_task(self._send(), name="bus sender")
        self._pubsub = self._client.pubsub(ignore_subscribe_messages=True)
        # A reader needs a subscription to start with: one no one publishes on.
        await self._pubsub.subscribe(self.channel("hello"))
        self._reader = asyncio.create_task(self._read(), name="bus reader")

    async def publish(self, channel: str, payload: bytes | str) -> int:
        """Send payload to everyone subscribed to channel now; how many received it."""
        if self._sender is None or self._sender.done():
            raise RedisError("the bus is not open")
        future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._outbox.put_nowait((channel, payload, future))
        return await future

    def send(self, channel: str, payload: bytes | str) -> None:
        """Publish without waiting: in order with every other message of this process, and
        lost (logged) if Redis is away. The writer's batches go this way; replicas that miss
        one read it from the log."""
        if self._sender is not None and not self._sender.done():
            self._outbox.put_nowait((channel, payload, None))

    async def _send(self) -> None:
        assert self._client is not None
        while True:
            batch = [await self._outbox.get()]
            while len(batch) < PIPELINE and not self._outbox.empty():
                batch.append(self._outbox.get_nowait())
            try:
                async with self._client.pipeline(transaction=False) as pipe:
                    for channel, payload, _ in batch:
                        pipe.publish(channel, payload)
                    counts = await pipe.execute()
            except asyncio.CancelledError:
                _fail(batch, RedisError("the bus closed"))
                raise
            except Exception as error:  # Redis is gone: these fail, the next try again
                if any(future is None for _, _, future in batch):
                    log.warning("%d messages could not be published: %s", len(batch), error)
                _fail(batch, error if isinstance(error, RedisError) else RedisError(error))
                continue
            for (_, _, future), count in zip(batch, counts, strict=True):
                if future is not None and not future.done():
                    future.set_result(int(count))

    async def subscribe(self, channel: str, handler: Handler) -> None:
        if self._pubsub is None:
            raise RuntimeError("the bus is not open")
        self._handlers[channel] = handler
        await self._pubsub.subscribe(channel)

    async def unsubscribe(self, channel: str) -> None:
        self._handlers.pop(channel, None)
        if self._pubsub is not None:
            await self._pubsub.unsubscribe(channel)

    async def _read(self) -> None:
        assert self._pubsub is not None
        broken = False
        while True:
            try:
                message = await self._pubsub.get_message(timeout=1.0)
            except RedisError:
                log.exception("the connection to Redis broke; reconnecting")
                broken = True
                await asyncio.sleep(0.5)
                continue
            if broken:  # back, and subscribed again (redis-py does that on reconnecting)
                broken = False
                log.warning("the connection to Redis is back")
                for callback in list(self.recovered):
                    callback()
            if message is None or message["type"] != "message":
                continue
            channel = message["channel"].decode()
            handler = self._handlers.get(channel)
            if handler is None:
                continue
            try:
                handler(message["data"])
            except Exception:
                log.exception("a message on %s could not be handled", channel)

    async def close(self) -> None:
        if self._sender is not None:
            await stop_task(self._sender)
            self._sender = None
            while not self._outbox.empty():
                _fail([self._outbox.get_nowait()], RedisError("the bus closed"))
        await stop_task(self._reader)
        self._reader = None
        if self._pubsub is not None:
            await self._pubsub.aclose()  # type: ignore[no-untyped-call]
            self._pubsub = None
        if self._client is not None:
            await self._client.aclose()
            self._client = None


def _fail(batch: list[tuple[str, bytes | str, asyncio.Future[int] | None]],
          error: Exception) -> None:
    for _, _, future in batch:
        if future is not None and not future.done():
            future.set_exception(error)
