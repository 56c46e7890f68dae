"""How a session's runtime sends tallies: at most one per activity per interval and lane
(beamer and consoles, phones), each encoded once per distinct results. Split from runtime.py,
whose writer marks what changed and shares the state, the hub and the lock."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from facilitator.domain.activities import KINDS
from facilitator.domain.model import Audience, Event
from facilitator.domain.session import SessionState
from facilitator.live.fanout import tally_batches
from facilitator.live.hub import Hub

FANOUT_CHUNK = 100


@dataclass
class TallyLane:
    interval: float
    audiences: tuple[Audience, ...]
    dirty: set[tuple[str, str | None]] = field(default_factory=set)  # (activity, group)
    flag: asyncio.Event = field(default_factory=asyncio.Event)


class Tallies:
    """The tally side of SessionRuntime (a mixin: the writer owns these attributes)."""

    state: SessionState
    hub: Hub
    _lock: asyncio.Lock
    _tally_lanes: list[TallyLane]

    def _mark_dirty(self, event: Event) -> None:
        ident = event.data.get("activity")
        if not isinstance(ident, str) or event.type.startswith("activity."):
            return
        activity = self.state.activities.get(ident)
        if activity is not None and KINDS[activity.kind].is_tallied(activity):
            for lane in self._tally_lanes:
                lane.dirty.add((ident, event.data.get("group")))
                lane.flag.set()

    async def _tally_loop(self, lane: TallyLane) -> None:
        """At most one tally per activity per interval; the first after a quiet spell at once.
        The interval runs from the start of one round to the start of the next, so that the
        time a round takes to hand a tally to thousands of phones does not stretch it."""
        loop = asyncio.get_running_loop()
        while True:
            await lane.flag.wait()
            began = loop.time()
            async with self._lock:
                lane.flag.clear()
                dirty, lane.dirty = lane.dirty, set()
                batches = [batch for ident, group in sorted(dirty, key=str)
                           for batch in tally_batches(self.state, self.hub, ident, group,
                                                      lane.audiences)]
            # Outside the lock and a chunk at a time: handing a tally to thousands of phones
            # must not hold up the writer or the beamer's tally for the whole round.
            for text, connections in batches:
                for start in range(0, len(connections), FANOUT_CHUNK):
                    if start:
                        await asyncio.sleep(0)
                    for connection in connections[start:start + FANOUT_CHUNK]:
                        connection.offer(text)
            await asyncio.sleep(max(0.0, began + lane.interval - loop.time()))
