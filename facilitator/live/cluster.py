"""Several server processes serving the same sessions (PostgreSQL store, Redis bus).

Each session has one writer at a time, the process that holds its lease (store/leases.py):
its runtime decides, commits and publishes every committed batch on the session's events
channel. Every other process that has connections to the session keeps a replica: it
applies the batches it receives in seq order (reading any it missed from the store), fans
them out to its own connections, encoded once per channel, and computes its own tallies.

A command that reaches a replica is forwarded to the writer on the session's command channel
and its answer comes back on this process's reply channel; the replica passes the answer on
only once it has applied the events up to the answer's seq, so a phone sees the same order
as on the writer's process. Nobody listening on the command channel (the writer died, or
stopped), or no answer in time: the replica tries to take the lease, and with it becomes
the writer, after reading the log from the store. A replica also tries every `watch`
seconds, so a session whose writer died is taken over within a second or so even while no
command arrives.

Wire format (JSON, one message per publish):
- events channel `<prefix>:events:<session id>`:
  {"events": [[seq, type, data text, at], ...], "mine": [[participant, activity], ...],
   "own": [[participant, activity or null], ...]}
- command channel `<prefix>:commands:<session id>`:
  {"n": int, "reply": channel, "type", "args", "actor": [role, participant, owner], "at", "id"}
- reply channel `<prefix>:reply:<process>`: {"n": int, "text": the encoded answer}, or
  {"n": int, "busy": true} when the writer could not take the command now
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import secrets
from typing import TYPE_CHECKING, Any

from redis.exceptions import RedisError

from facilitator.domain.model import Actor, Command
from facilitator.live.bus import Bus
from facilitator.live.replica import NoWriter
from facilitator.store.leases import Leases
from facilitator.tasks import stop_task

if TYPE_CHECKING:
    from facilitator.live.runtime import SessionRuntime

log = logging.getLogger(__name__)

FORWARD_TIMEOUT = 3.0  # seconds a forwarded command waits for its answer
WATCH = 0.5  # seconds between two attempts of replicas to take a lease no one holds


class Cluster:
    def __init__(self, bus: Bus, leases: Leases, *, timeout: float = FORWARD_TIMEOUT,
                 watch: float = WATCH) -> None:
        self.bus = bus
        self.leases = leases
        self.timeout = timeout
        self.watch = watch
        self.name = secrets.token_hex(6)
        self.reply_channel = bus.channel("reply", self.name)
        self.runtimes: dict[str, SessionRuntime] = {}  # by session id
        self._pending: dict[int, asyncio.Future[str]] = {}
        self._numbers = itertools.count(1)
        self._tasks: set[asyncio.Task[Any]] = set()
        self._watcher: asyncio.Task[None] | None = None
        self._claims: dict[str, asyncio.Lock] = {}

    async def open(self) -> None:
        self.bus.recovered.append(self._recovered)
        await self.bus.subscribe(self.reply_channel, self._on_reply)
        self._watcher = asyncio.create_task(self._watch(), name="lease watch")

    async def close(self) -> None:
        await stop_task(self._watcher)
        for future in self._pending.values():
            if not future.done():
                future.set_exception(NoWriter())
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    # -- sessions ----------------------------------------------------------------------------

    async def join(self, runtime: SessionRuntime) -> None:
        """A runtime of this process: follow its session's events, and write it if no one
        else does."""
        session = runtime.state.id
        self.runtimes[session] = runtime
        await self.bus.subscribe(self.bus.channel("events", session), runtime.received)
        if not await self.claim(runtime):
            await runtime.follow_log()  # what was committed between loading and subscribing

    async def leave(self, runtime: SessionRuntime) -> None:
        session = runtime.state.id
        if self.runtimes.get(session) is runtime:
            del self.runtimes[session]
            self._claims.pop(session, None)
        await self.bus.unsubscribe(self.bus.channel("events", session))
        await self.bus.unsubscribe(self.bus.channel("commands", session))
        await self.leases.release(session)

    async def claim(self, runtime: SessionRuntime) -> bool:
        """Become the session's writer if no process is; whether this process is. One claim
        of a session at a time: a hundred phones finding the writer gone at once make one
        writer, not a hundred."""
        lock = self._claims.setdefault(runtime.state.id, asyncio.Lock())
        async with lock:
            return await self._claim(runtime)

    async def _claim(self, runtime: SessionRuntime) -> bool:
        if runtime.writing:
            return True
        if not await self.leases.acquire(runtime.state.id):
            return False
        try:
            await runtime.promote()
            await self.bus.subscribe(self.bus.channel("commands", runtime.state.id),
                                     lambda data: self._spawn(self._serve(runtime, data)))
        except Exception:
            log.exception("session %s could not be taken over", runtime.code)
            await self.leases.release(runtime.state.id)
            await runtime.demote()
            return False
        log.info("this process (%s) writes session %s now", self.name, runtime.code)
        return True

    def _recovered(self) -> None:
        """Redis is back after a break: the batches published meanwhile never came, so every
        replica reads what it missed from the log."""
        for runtime in list(self.runtimes.values()):
            if not runtime.writing:
                self._spawn(runtime.follow_log())

    def lost(self, sessions: set[str]) -> None:
        """The leases of these sessions are gone (the lease connection broke): stop writing
        them at once."""
        for session in sessions:
            runtime = self.runtimes.get(session)
            if runtime is not None:
                self._spawn(self._demote(runtime))

    async def _demote(self, runtime: SessionRuntime) -> None:
        await self.bus.unsubscribe(self.bus.channel("commands", runtime.state.id))
        await runtime.demote()

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(self.watch)
            for runtime in list(self.runtimes.values()):
                if not runtime.writing:
                    try:
                        await self.claim(runtime)
                    except Exception:
                        log.exception("taking over session %s failed", runtime.code)

    # -- the writer's side ---------------------------------------------------------------------

    def publish(self, session: str, payload: bytes) -> None:
        """A committed batch, to the replicas; the writer does not wait for Redis."""
        self.bus.send(self.bus.channel("events", session), payload)

    async def _serve(self, runtime: SessionRuntime, data: bytes) -> None:
        message = json.loads(data)
        role, participant, owner = message["actor"]
        command = Command(message["type"], message["args"], Actor(role, participant, owner),
                          message["at"], message["id"])
        try:
            reply: dict[str, Any] = {"n": message["n"],
                                     "text": await runtime.submit_text(command)}
        except Exception:  # busy, or no longer the writer: the replica answers busy
            reply = {"n": message["n"], "busy": True}
        with contextlib.suppress(RedisError):
            await self.bus.publish(message["reply"], json.dumps(reply))

    # -- a replica's side --------------------------------------------------------------------

    async def forward(self, runtime: SessionRuntime, command: Command) -> str | None:
        """The answer of the session's writer to the command, as its text; None when this
        process has just become the writer (the caller then decides it itself). Raises
        NoWriter when neither worked."""
        number = next(self._numbers)
        future: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._pending[number] = future
        actor = command.actor
        message = json.dumps({
            "n": number, "reply": self.reply_channel, "type": command.type,
            "args": command.args, "actor": [actor.role, actor.participant, actor.owner],
            "at": command.at, "id": command.id}, ensure_ascii=False)
        try:
            try:
                listeners = await asyncio.wait_for(self.bus.publish(
                    self.bus.channel("commands", runtime.state.id), message), self.timeout)
            except (RedisError, TimeoutError):
                log.warning("session %s: Redis is unreachable; a command waits", runtime.code)
                raise NoWriter() from None
            if listeners:
                try:
                    return await asyncio.wait_for(asyncio.shield(future), self.timeout)
                except TimeoutError:
                    pass
                except NoWriter:  # the writer is busy or stopping: the client sends again
                    raise
        finally:
            self._pending.pop(number, None)
        if await self.claim(runtime):
            return None
        raise NoWriter()

    def _on_reply(self, data: bytes) -> None:
        message = json.loads(data)
        future = self._pending.get(message["n"])
        if future is not None and not future.done():
            if "text" in message:
                future.set_result(message["text"])
            else:
                future.set_exception(NoWriter())

    def _spawn(self, coroutine: Any) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
