"""The side of a session's runtime for several processes (live/cluster.py): a replica that
follows the writer's committed batches, forwards commands to it, and can become the writer.
A mixin of SessionRuntime, whose writer shares the state, the hub, the lock and the buffer
of recent messages with it."""

from __future__ import annotations

import asyncio
import json
import logging
from collections import deque
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from facilitator.domain.model import Command, Event
from facilitator.domain.session import SessionState
from facilitator.live.answers import Answers
from facilitator.live.fanout import Messages, encode_event
from facilitator.live.hub import Hub
from facilitator.store.base import Store
from facilitator.tasks import stop_task

if TYPE_CHECKING:
    from facilitator.live.cluster import Cluster

log = logging.getLogger(__name__)

CATCH_UP = 2.0  # seconds a replica waits for a batch before it reads the store instead
INBOX = 10_000  # batches received and not yet applied, at most


class NoWriter(Exception):
    """No process answered for the session's writer, and this one could not become it."""


class Replica:
    state: SessionState
    store: Store
    hub: Hub
    cluster: Cluster | None
    writing: bool
    _lock: asyncio.Lock
    _recent: deque[tuple[int, Messages]]
    _answers: Answers
    _memory: tuple[int, float]
    _mark_dirty: Callable[[Event], None]
    _fan_out: Callable[[Sequence[tuple[int, Messages]]], None]
    _regroup_after: Callable[[Sequence[Event]], None]
    _tell_mine: Callable[[set[tuple[str, str]], set[tuple[str, str | None]]], None]
    _after_close: Callable[[list[Event]], None]
    _write_loop: Callable[[], Any]
    _fail_queued: Callable[[], None]
    _writer: asyncio.Task[None] | None

    def _init_replica(self) -> None:
        self._inbox: asyncio.Queue[bytes] = asyncio.Queue(INBOX)
        self._advanced = asyncio.Event()
        self._follower: asyncio.Task[None] | None = None

    # -- following the writer ----------------------------------------------------------------

    def received(self, data: bytes) -> None:
        """A batch on the session's events channel (called by the bus, in order)."""
        try:
            self._inbox.put_nowait(data)
        except asyncio.QueueFull:  # far behind: the store has it all
            log.warning("session %s: the replica fell behind; reading the log", self.state.id)

    async def _follow(self) -> None:
        while True:
            data = await self._inbox.get()
            if self.writing:
                continue  # its own batch, or one from before it became the writer
            try:
                batch = json.loads(data)
                events = [Event(seq, kind, json.loads(text), at)
                          for seq, kind, text, at in batch["events"]]
                async with self._lock:
                    if events and events[0].seq > self.state.seq + 1:  # some went missing
                        await self._catch_up()
                    fresh = [e for e in events if e.seq > self.state.seq]
                    if fresh:
                        self._apply_committed(fresh)
                        self._tell_mine({(p, a) for p, a in batch["mine"]},
                                        {(p, a) for p, a in batch["own"]})
            except Exception:
                log.exception("session %s: a batch could not be applied; reading the log",
                              self.state.id)
                async with self._lock:
                    await self._reload_replica()

    def _apply_committed(self, events: Sequence[Event]) -> None:
        """Apply committed events and fan them out to this process's connections, as the
        writer does after its commit."""
        messages: list[tuple[int, Messages]] = []
        for event in events:
            self.state.apply(event)
            messages.append((event.seq, encode_event(self.state, event)))
            self._mark_dirty(event)
        self._fan_out(messages)
        self._regroup_after(events)
        self._advanced.set()
        self._advanced = asyncio.Event()

    async def _catch_up(self) -> None:
        """Apply what the log holds beyond this state (under the lock)."""
        missed = await self.store.load_events(self.state.id, after=self.state.seq)
        if missed:
            self._apply_committed(missed)

    async def _reload_replica(self) -> None:
        """Rebuild the state from the log as far as this process's connections were shown
        it, then apply and fan out the rest: a writer stopped between deciding and
        committing leaves a state ahead of the log, and what another writer committed
        meanwhile must still reach the phones here."""
        events = await self.store.load_events(self.state.id)
        shown = self._recent[-1][0] if self._recent else events[-1].seq
        self.state = SessionState.from_events([e for e in events if e.seq <= shown])
        self._apply_committed([e for e in events if e.seq > shown])

    async def follow_log(self) -> None:
        async with self._lock:
            await self._catch_up()

    async def caught_up(self, seq: int) -> None:
        """Return once this state holds seq: the batch is on its way, or read from the log."""
        while self.state.seq < seq:
            waiting = self._advanced
            try:
                await asyncio.wait_for(waiting.wait(), CATCH_UP)
            except TimeoutError:
                async with self._lock:
                    await self._catch_up()
                if self.state.seq < seq:
                    raise LookupError(f"seq {seq} is not in the log") from None

    async def knows(self, participant: str) -> bool:
        """Whether the participant joined; a replica reads the log once before it says no
        (the phone may have joined through another process a moment ago)."""
        if participant in self.state.participants:
            return True
        if self.cluster is None or self.writing:
            return False
        await self.follow_log()
        return participant in self.state.participants

    async def _forwarded(self, command: Command) -> tuple[dict[str, Any], str] | None:
        """The writer's answer, once this replica shows what it answered; None when this
        process became the writer meanwhile."""
        assert self.cluster is not None
        text = await self.cluster.forward(self, command)  # type: ignore[arg-type]
        if text is None:
            return None
        answer: dict[str, Any] = json.loads(text)
        seq = answer.get("seq")
        if isinstance(seq, int):
            await self.caught_up(seq)
        return answer, text

    # -- becoming the writer and ceasing to be it ----------------------------------------------

    async def promote(self) -> None:
        """Become the writer: read what the log holds beyond this state, and the answers of
        the commands committed by the writer before."""
        if self.writing:
            return
        async with self._lock:
            await self._catch_up()
            self._answers = Answers.of(await self.store.load_answers(self.state.id),
                                       *self._memory)
            self.writing = True
        self._writer = asyncio.create_task(self._write_loop(), name=f"writer {self.state.code}")

    async def demote(self) -> None:
        """Stop writing (the lease is gone): commands queued are answered busy and sent
        again by their clients, to the new writer."""
        self.writing = False
        writer, self._writer = self._writer, None
        await stop_task(writer)
        self._fail_queued()
        async with self._lock:  # from here the log is the truth: follow it
            await self._reload_replica()

    def _encode_batch(self, events: Sequence[Event], encoded: Sequence[str],
                      mine: set[tuple[str, str]], own: set[tuple[str, str | None]]) -> bytes:
        return json.dumps({
            "events": [[e.seq, e.type, text, e.at] for e, text in zip(events, encoded,
                                                                        strict=True)],
            "mine": sorted(mine), "own": sorted(own, key=str)},
            ensure_ascii=False).encode()
