"""One session's live side: its state, its single writer and its tallies.

Commands from every connection go into one queue. The writer takes what is queued (group
commit), decides each command against the state, applies the events, commits them with the
answers in one transaction, and only then acknowledges and fans out. Because one task does all
of it, seq numbers have no gaps and commands are processed in the order they arrived.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from facilitator.domain.activities import KINDS
from facilitator.domain.errors import N_, Invalid, Refusal
from facilitator.domain.media import FREES
from facilitator.domain.model import Command, Event, valid_unicode
from facilitator.domain.session import SessionState
from facilitator.live import protocol
from facilitator.live.answers import Answers
from facilitator.live.connections import Connections, Views
from facilitator.live.fanout import Messages, encode_event, encode_replayed
from facilitator.live.hub import Hub
from facilitator.live.replica import NoWriter, Replica
from facilitator.live.stats import LiveStats
from facilitator.live.tallying import Tallies, TallyLane
from facilitator.store.base import Answer, SessionRecord, Store, encode_data

if TYPE_CHECKING:
    from facilitator.live.cluster import Cluster

log = logging.getLogger(__name__)

REPLAY_LIMIT = 10_000
QUEUE_LIMIT = 20_000
BATCH_LIMIT = 1_000
RELOAD_RETRY = 1.0  # seconds between two attempts to read the log after a failed commit
NOTICE_DELAY = 1.0  # seconds: refused joins are told to the moderators at most this often
STOP_GRACE = 5.0  # seconds a stopping writer has to commit what was sent before the stop

Translate = Callable[[str, str, dict[str, Any] | None], str]


class Busy(Exception):
    """The writer's queue is full; the client should retry the same command later."""


@dataclass
class _Pending:
    command: Command
    # The answer, and its text when the writer encoded it already (to remember it).
    future: asyncio.Future[tuple[dict[str, Any], str | None]] = field(repr=False)


@dataclass
class _Batch:
    """What one group commit gathers: events with their stored text, answers, messages."""

    events: list[Event] = field(default_factory=list)
    encoded: list[str] = field(default_factory=list)
    messages: list[tuple[int, Messages]] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)
    forget: list[tuple[str, str]] = field(default_factory=list)
    replies: list[tuple[_Pending, dict[str, Any], str | None]] = field(default_factory=list)
    # (participant, activity) whose `mine` someone else changed, and (participant, activity)
    # or (participant, None: its `you`) it changed itself: told after the commit.
    mine: set[tuple[str, str]] = field(default_factory=set)
    own: set[tuple[str, str | None]] = field(default_factory=set)

    def mark(self) -> int:
        return len(self.events)

    def rewind(self, mark: int) -> None:
        del self.events[mark:]
        del self.encoded[mark:]
        del self.messages[mark:]


class SessionRuntime(Connections, Tallies, Replica):
    def __init__(self, store: Store, record: SessionRecord, events: list[Event],
                 answers: list[Answer], translate: Translate, *,
                 tally_interval: float = 0.05, phone_tally_interval: float = 0.5,
                 commit_interval: float = 0.0, remembered_ids: int = 256,
                 refusal_window: float = 600.0,
                 on_closed: Callable[[str], None] | None = None,
                 on_deleted: Callable[[str], None] | None = None,
                 on_removed: Callable[[SessionState], None] | None = None,
                 stats: LiveStats | None = None,
                 cluster: Cluster | None = None) -> None:
        self.store = store
        self.record = record
        self.state = SessionState.from_events(events)
        self.hub = Hub()
        self.translate = translate
        # The beamer and the console follow votes closely; phones, thousands of them, get the
        # same tallies less often, which is what keeps the fan-out cheap (docs/benchmarks.md).
        self._tally_lanes = [
            TallyLane(tally_interval, ("moderator", "presenter")),
            TallyLane(phone_tally_interval, ("participant",)),
        ]
        self.commit_interval = commit_interval
        # Called with the session id after a commit that leaves the session closed: the
        # documentation is written then (live/archiving.py), off this writer.
        self.on_closed = on_closed
        # Called with the session id after the commit that deleted the session: its files
        # (store/blobs.py) go with it.
        self.on_deleted = on_deleted
        # Called with the state after a commit that removed a photo: files no event names any
        # more are deleted (a photo taken down is gone from the server, not only the screens).
        self.on_removed = on_removed
        self._answers = Answers.of(answers, remembered_ids, refusal_window)
        self._memory = (remembered_ids, refusal_window)
        self.stats = stats or LiveStats()
        # Encoded messages of recent events per channel (None: not for that channel).
        self._recent: deque[tuple[int, Messages]] = deque(maxlen=REPLAY_LIMIT)
        for event in events[-REPLAY_LIMIT:]:
            self._recent.append((event.seq, encode_replayed(self.state, event)))
        self._queue: asyncio.Queue[_Pending] = asyncio.Queue(QUEUE_LIMIT)
        self._views: Views = Views()
        # Seqs of recent group changes: a participant resuming from before one gets a
        # complete hello instead of a replay.
        self._regrouped: deque[int] = deque(
            (e.seq for e in events if e.type.startswith("group")), maxlen=1000)
        # Held while the state runs ahead of the log (between decide and commit), so that no
        # snapshot or tally ever shows what is not yet durable.
        self._lock = asyncio.Lock()
        self._tasks: list[asyncio.Task[None]] = []
        # Joins refused by a limit since this process took the session, by limit.
        self._refused_joins: dict[str, int] = {}
        self._notice: asyncio.TimerHandle | None = None
        # With several processes (live/cluster.py) this one may follow another's writer;
        # alone, it always writes.
        self.cluster = cluster
        self.writing = cluster is None
        self._writer: asyncio.Task[None] | None = None
        self._init_replica()

    @property
    def code(self) -> str:
        return self.state.code

    def start(self) -> None:
        self._tasks = [asyncio.create_task(self._tally_loop(lane), name=f"tally {self.code}")
                       for lane in self._tally_lanes]
        if self.writing:
            self._writer = asyncio.create_task(self._write_loop(), name=f"writer {self.code}")
        if self.cluster is not None:
            self._tasks.append(asyncio.create_task(self._follow(), name=f"follow {self.code}"))

    @property
    def queued(self) -> int:
        """Commands waiting for the writer."""
        return self._queue.qsize()

    async def stop(self, grace: float = STOP_GRACE) -> None:
        """Stop the writer and the tallies; what was queued before is committed and answered
        first (a server shutting down loses no command it took), for at most `grace` seconds."""
        if self._notice is not None:
            self._notice.cancel()
        if self._writer is not None:
            try:
                await asyncio.wait_for(self._queue.join(), grace)
            except TimeoutError:
                log.warning("session %s: %d commands not committed when its writer stopped",
                            self.code, self._queue.qsize())
        tasks = [*self._tasks, *([self._writer] if self._writer is not None else [])]
        self._writer = None
        for task in tasks:
            task.cancel()
        for task in tasks:
            try:
                await task
            except asyncio.CancelledError:
                pass
        self._fail_queued()

    def _fail_queued(self) -> None:
        """Commands still queued were never committed: tell their senders to retry."""
        while not self._queue.empty():
            pending = self._queue.get_nowait()
            self._queue.task_done()
            if not pending.future.done():
                pending.future.set_exception(Busy())

    # -- commands ------------------------------------------------------------------------

    async def submit(self, command: Command) -> dict[str, Any]:
        """Process a command; return its answer (an ack or error message) once committed."""
        answer, _ = await self._answer(command)
        return answer

    async def submit_text(self, command: Command) -> str:
        """The same, as the text of a frame: encoded once, where the writer encoded it to
        remember it (every command with an id), instead of once more for the socket."""
        answer, text = await self._answer(command)
        return protocol.encode(answer) if text is None else text

    async def _answer(self, command: Command) -> tuple[dict[str, Any], str | None]:
        if not self.writing:
            try:
                forwarded = await self._forwarded(command)
            except (NoWriter, LookupError):
                raise Busy() from None
            if forwarded is not None:
                return forwarded
        future: asyncio.Future[tuple[dict[str, Any], str | None]] = (
            asyncio.get_running_loop().create_future())
        try:
            self._queue.put_nowait(_Pending(command, future))
        except asyncio.QueueFull:
            raise Busy() from None
        return await future

    async def _write_loop(self) -> None:
        while True:
            batch = [await self._queue.get()]
            if self.commit_interval:
                await asyncio.sleep(self.commit_interval)
            while len(batch) < BATCH_LIMIT and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            try:
                await self._process(batch)
            except asyncio.CancelledError:
                for pending in batch:
                    if not pending.future.done():
                        pending.future.set_exception(Busy())
                raise
            except Exception:
                log.exception("writer of session %s failed; reloading from the log", self.code)
                for pending in batch:
                    if not pending.future.done():
                        pending.future.set_exception(Busy())
                await self._reload_until_done()
            finally:
                for _ in batch:
                    self._queue.task_done()

    async def _process(self, batch: list[_Pending]) -> None:
        async with self._lock:
            work = _Batch()
            status_before, title_before = self.state.status, self.state.title
            for pending in batch:
                command = pending.command
                key = (command.actor.key, command.id) if command.id else None
                known = self._answers.get(*key) if key else None
                if known is not None:
                    work.replies.append((pending, protocol_decode(known), known))
                    continue
                reply = await self._decide(command, work)
                encoded = None
                if key:
                    encoded = protocol.encode(reply)
                    if reply["type"] == "ack":
                        work.forget += self._answers.acked(key[0], key[1], encoded)
                        work.answers.append(Answer(key[0], key[1], encoded))
                    else:
                        self._answers.refused(key[0], key[1], encoded)
                work.replies.append((pending, reply, encoded))
            status = self.state.status if self.state.status != status_before else None
            # session.update renames the session: the console's list shows the new title.
            title = self.state.title if self.state.title != title_before else None
            started = time.perf_counter()
            await self.store.append(self.state.id, work.events, work.answers, status=status,
                                    title=title, encoded=work.encoded, forget=work.forget)
            stats = self.stats
            stats.commit_latency.observe(time.perf_counter() - started)
            stats.commits += 1
            stats.committed_events += len(work.events)
            if self.cluster is not None and work.events:  # the others read gaps from the log
                self.cluster.publish(self.state.id, self._encode_batch(
                    work.events, work.encoded, work.mine, work.own))
            # Durable now: answer, then fan out.
            for pending, reply, encoded in work.replies:
                if not pending.future.done():
                    pending.future.set_result((reply, encoded))
            self._fan_out(work.messages)
            if work.mine or work.own:
                self._tell_mine(work.mine, work.own)
            self._regroup_after(work.events)
            self._after_close(work.events)

    def _after_close(self, events: list[Event]) -> None:
        """A closed session's log changes only by its close and the moderator's closing notes
        after it: each such commit asks for the documentation again. One comparison per batch
        while the session runs."""
        if events and self.state.status == "closed" and self.on_closed is not None:
            self.on_closed(self.state.id)
        if events and self.state.status == "deleted" and self.on_deleted is not None:
            self.on_deleted(self.state.id)  # a deleted session takes no further events
        if self.on_removed is not None and any(e.type in FREES for e in events):
            self.on_removed(self.state)

    async def _decide(self, command: Command, work: _Batch) -> dict[str, Any]:
        """Decide one command and apply its events to the state; its answer. A command that
        fails for any reason but a refusal (a defect, or data that cannot be stored) is
        answered with an error and leaves no trace: the other commands of the batch go on."""
        try:
            decision = self.state.decide(command)
            # Encoded before anything is applied: data that cannot be stored is refused here,
            # not by the commit of the whole batch.
            encoded = [encode_data(data) for _, data in decision.events]
            if not all(valid_unicode(text) for text in encoded):
                raise Invalid(N_("The message holds text that is not valid Unicode."))
        except Refusal as refusal:
            text = self.translate(self.state.language, refusal.message, refusal.params)
            return protocol.error(command.id, refusal.code, text, refusal.details)
        except Exception:
            log.exception("session %s: %s could not be decided; refused", self.code,
                          command.type)
            return self._failed(command)
        mark = work.mark()
        try:
            last = None
            for (name, data), text in zip(decision.events, encoded, strict=True):
                event = Event(self.state.seq + 1, name, data, command.at)
                self.state.apply(event)
                work.events.append(event)
                work.encoded.append(text)
                work.messages.append((event.seq, encode_event(self.state, event)))
                self._mark_dirty(event)
                self._note_affected(event, command, work)
                last = event.seq
        except Exception:
            # The state may hold part of this command: drop its events and rebuild the state
            # from the log and the batch's commands before it.
            log.exception("session %s: %s could not be applied; refused", self.code,
                          command.type)
            work.rewind(mark)
            committed = await self.store.load_events(self.state.id)
            self.state = SessionState.from_events([*committed, *work.events])
            return self._failed(command)
        return protocol.ack(command.id, last, decision.result)

    def _note_affected(self, event: Event, command: Command, work: _Batch) -> None:
        ident = event.data.get("activity")
        activity = self.state.activities.get(ident) if isinstance(ident, str) else None
        sender = command.actor.participant
        if sender is not None:
            # The sender's connection learns it from the ack; its other ones must be told.
            work.own.add((sender, activity.id if activity else None))
        if activity is None or event.type.startswith("activity."):
            return
        instance = self.state.instance(activity, event.data.get("group"))
        for who in KINDS[activity.kind].affected(instance, event):
            if who != command.actor.participant:  # the sender learns it from its ack
                work.mine.add((who, activity.id))

    def _failed(self, command: Command) -> dict[str, Any]:
        text = self.translate(self.state.language,
                              N_("This could not be carried out. Nothing was changed."), None)
        return protocol.error(command.id, "invalid", text)

    async def _reload_until_done(self) -> None:
        """Reload until the store answers: the state may hold events of the failed batch, and
        no command may be decided on them. Meanwhile commands queue (and are refused busy
        once the queue is full), as while the database is away."""
        while True:
            try:
                await self._reload()
                return
            except Exception:
                log.exception("session %s: the log cannot be read; trying again", self.code)
                await asyncio.sleep(RELOAD_RETRY)

    async def _reload(self) -> None:
        async with self._lock:
            events = await self.store.load_events(self.state.id)
            self.state = SessionState.from_events(events)
            self._answers = Answers.of(await self.store.load_answers(self.state.id),
                                       *self._memory)

    def note_refused_join(self, limit: str = "rate") -> None:
        """Count a join refused by a limit ("rate": joins per minute, "full": participants),
        and tell the moderators at most once a second, so that they can lift the limit."""
        self._refused_joins[limit] = self._refused_joins.get(limit, 0) + 1
        if self._notice is None:
            self._notice = asyncio.get_running_loop().call_later(NOTICE_DELAY, self._tell)

    def _tell(self) -> None:
        self._notice = None
        self.hub.publish("moderator", protocol.encode(protocol.notice(self._refused_joins)))


def protocol_decode(text: str) -> dict[str, Any]:
    value: dict[str, Any] = json.loads(text)
    return value
