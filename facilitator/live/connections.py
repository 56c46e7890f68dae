"""How a session's runtime serves its connections: a snapshot, or a replay of what a client
missed; committed events fanned out and kept for replays; a participant's own contributions
told anew; the move of a participant whose group changed. Split from runtime.py, whose
writer (and replica, live/replica.py) it shares the state, the hub, the lock and the buffer
of recent messages with."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

import msgspec

from facilitator.domain import views
from facilitator.domain.model import Audience, Event, iso
from facilitator.domain.session import SessionState
from facilitator.live import protocol
from facilitator.live.fanout import Messages, tallies_for
from facilitator.live.hub import Connection, Hub, channel_of


class Views:
    """The session's view per (audience, group), encoded, as of one seq: every hello at that
    seq takes it from here. The view depends on nothing but the state, which changes only
    with seq; while a room joins, the phones connecting between two commits share one."""

    def __init__(self) -> None:
        self.seq = -1
        self.encoded: dict[tuple[str, str | None], msgspec.Raw] = {}

    def get(self, state: SessionState, audience: Audience, group: str | None) -> msgspec.Raw:
        if state.seq != self.seq:
            self.seq, self.encoded = state.seq, {}
        key = (audience, group)
        found = self.encoded.get(key)
        if found is None:
            found = self.encoded[key] = protocol.raw(state.view(audience, group))
        return found


class Connections:
    """The connection side of SessionRuntime (a mixin: the writer owns these attributes)."""

    state: SessionState
    hub: Hub
    _lock: asyncio.Lock
    _recent: deque[tuple[int, Messages]]
    _regrouped: deque[int]
    _views: Views

    def _hello(self, connection: Connection, resumed_from: int | None = None) -> str:
        """A complete hello, or (resumed_from) the hello of a replay: its seq is the point
        the replay starts from, so that a client that drops right after it and resumes from
        the last seq it saw gets the same events again (protocol 1.1)."""
        state = self.state
        resumed = resumed_from is not None
        who = connection.participant
        you = mine = None
        group = None
        if who is not None:
            you = views.you(state, who)
            group = you["group"]
            connection.standing = (group, you["spokesperson"])
            mine = state.mine(who)
        session = None if resumed else self._views.get(state, connection.audience, group)
        seq = state.seq if resumed_from is None else resumed_from
        return protocol.encode(protocol.hello(connection.audience, seq, session, you,
                                              mine, now=iso(time.time()), resumed=resumed))

    def _channel(self, connection: Connection) -> str:
        who = connection.participant
        group = self.state.members.get(who) if who is not None else None
        return channel_of(connection.audience, group)

    def _replay(self, connection: Connection, seq: int) -> bool:
        """Queue what the connection missed after seq; False when it is no longer held (or
        its channel did not exist then: a group created since)."""
        oldest = self._recent[0][0] if self._recent else self.state.seq + 1
        if not 0 <= seq <= self.state.seq or seq + 1 < oldest:
            return False
        missed = [(event_seq, per_channel) for event_seq, per_channel in self._recent
                  if event_seq > seq]
        if any(connection.channel not in per_channel for _, per_channel in missed):
            return False
        who = connection.participant
        if who is not None and (seq < self.state.participants[who].since or any(
                seq < event_seq for event_seq in self._regrouped)):
            # From before the participant existed (nothing of that time is theirs to see),
            # or the participant may have changed group meanwhile (the events of the new
            # group would not fit the state of the old one): a complete hello instead.
            return False
        connection.offer(self._hello(connection, resumed_from=seq))
        for _, per_channel in missed:
            text = per_channel[connection.channel]
            if text is not None:
                connection.offer(text)
        group = connection.standing[0]
        for text in tallies_for(self.state, connection.audience, group):
            connection.offer(text)
        return True

    def _fan_out(self, messages: Sequence[tuple[int, Messages]]) -> None:
        """Committed events, encoded per channel, to this process's connections, and kept
        for the replays of connections that come back: after the writer's commit, or after a
        replica applied a committed batch."""
        for seq, per_channel in messages:
            self._recent.append((seq, per_channel))
            for channel, text in per_channel.items():
                if text is not None:
                    self.hub.publish(channel, text)

    def _tell_mine(self, changed: set[tuple[str, str]],
                   own: set[tuple[str, str | None]]) -> None:
        """Each participant whose own contributions someone else changed gets them anew, on
        every connection; what a participant changed itself reaches its other connections
        (a second tab, a phone whose old socket is still open) the same way. Nothing is sent
        to a participant with one connection for its own change: its ack says it all."""
        seq = self.state.seq
        mine = set(changed)
        selves: set[str] = set()
        for participant, activity in own:
            if len(self.hub.of(participant)) < 2:
                continue
            if activity is None:
                selves.add(participant)
            else:
                mine.add((participant, activity))
        for participant, ident in sorted(mine):
            text = protocol.encode(protocol.mine(
                seq, ident, self.state.mine(participant).get(ident)))
            for connection in self.hub.of(participant):
                connection.offer(text)
        for participant in sorted(selves):
            text = protocol.encode(protocol.you(seq, views.you(self.state, participant)))
            for connection in self.hub.of(participant):
                connection.offer(text)

    def _regroup_after(self, events: Sequence[Event]) -> None:
        """After committed events that changed groups: remember when (replays from before
        get a complete hello) and move the participants concerned."""
        regrouped = next((e.seq for e in reversed(events) if e.type.startswith("group")),
                         None)
        if regrouped is not None:
            self._regrouped.append(regrouped)
            self._regroup()

    def _regroup(self) -> None:
        """Participants whose group (or spokesperson role) changed move to their new channel
        and get a fresh hello: per-group activities look different there."""
        for connection in self.hub.participants():
            who = connection.participant
            assert who is not None
            group = self.state.members.get(who)
            spokesperson = group is not None and self.state.groups[group].spokesperson == who
            if connection.standing != (group, spokesperson):
                self.hub.move(connection, channel_of("participant", group))
                connection.offer(self._hello(connection))

    @asynccontextmanager
    async def connect(self, connection: Connection,
                      resume: int | None = None) -> AsyncIterator[None]:
        """Start the connection with a snapshot, or with a replay of what it missed after
        `resume`; then deliver everything live for as long as the block runs. Both happen
        under the writer's lock, so no event can fall between them or come twice."""
        async with self._lock:
            connection.channel = self._channel(connection)
            if resume is None or not self._replay(connection, resume):
                connection.offer(self._hello(connection))
            self.hub.add(connection)
        try:
            yield
        finally:
            self.hub.remove(connection)
