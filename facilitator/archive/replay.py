"""One pass over the event log: the end state, and what the end state does not keep (when
people joined, when each phase ran, when each activity was first shown, closed and
revealed, the names of groups deleted later)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from facilitator.domain.model import Event
from facilitator.domain.session import SessionState

# Events that are no input to an activity even though they name one.
_NOT_INPUT = ("activity.", "session.", "participant.", "phase.", "timer.", "group.",
              "groups.")


@dataclass
class Timeline:
    opened: float | None = None
    started: float | None = None
    closed: float | None = None
    last: float = 0.0
    joins: list[float] = field(default_factory=list)
    group_names: dict[str, str] = field(default_factory=dict)  # also of deleted groups
    runs: dict[str, list[tuple[float, float | None]]] = field(default_factory=dict)
    activated: dict[str, float] = field(default_factory=dict)  # first activation
    locked: dict[str, float] = field(default_factory=dict)  # latest lock
    revealed: dict[str, float] = field(default_factory=dict)  # first reveal
    touched: set[str] = field(default_factory=set)  # activities that got input

    def run_time(self, phase: str) -> float | None:
        """Seconds the phase ran, all runs together (a running phase up to the last
        event); None when it never started."""
        runs = self.runs.get(phase)
        if not runs:
            return None
        return sum((end if end is not None else self.last) - start for start, end in runs)


class _Walker:
    def __init__(self) -> None:
        self.timeline = Timeline()
        self.phase: str | None = None
        self.current: str | None = None
        self.open: set[str] = set()  # activities open for input now
        self.kinds: dict[str, str] = {}  # activity -> kind

    def _end_phase(self, at: float) -> None:
        if self.phase is not None:
            runs = self.timeline.runs[self.phase]
            runs[-1] = (runs[-1][0], at)
            self.phase = None

    def _lock(self, activity: str, at: float) -> None:
        # Only an activity that is open for input is locked: a lock the moderator gave
        # earlier keeps its time when the next activation (or the close) follows.
        if activity in self.open:
            self.open.discard(activity)
            self.timeline.locked[activity] = at

    def see(self, event: Event) -> None:
        t, d, at = event.type, event.data, event.at
        line = self.timeline
        line.last = at
        if t == "session.opened":
            line.opened = at
        elif t == "session.started":
            line.started = at
        elif t == "session.closed":
            line.closed = at
            self._end_phase(at)
            if self.current is not None:  # closing locks the current activity
                self._lock(self.current, at)
        elif t == "participant.joined":
            line.joins.append(at)
        elif t == "activity.created":
            self.kinds[d["activity"]] = d["kind"]
        elif t in {"group.created", "group.renamed"}:
            line.group_names[d["group"]] = d["name"]
        elif t == "phase.ended":
            self._end_phase(at)
        elif t == "phase.started":
            self._end_phase(at)
            self.phase = d["phase"]
            line.runs.setdefault(d["phase"], []).append((at, None))
        elif t in {"activity.activated", "activity.unlocked"}:
            # The activity that was current before is locked by this; logs of protocol 1.1
            # say so with an activity.locked event first, older ones do not.
            # A Q&A stays open beside slides (domain/commands.py, beside).
            if self.current is not None and self.current != d["activity"] and not (
                    self.kinds.get(d["activity"]) == "slides"
                    and self.kinds.get(self.current) == "qa"):
                self._lock(self.current, at)
            self.current = d["activity"]
            self.open.add(d["activity"])
            line.activated.setdefault(d["activity"], at)
        elif t == "activity.locked":
            self._lock(d["activity"], at)
        elif t == "activity.revealed":
            line.revealed.setdefault(d["activity"], at)
        elif not t.startswith(_NOT_INPUT) and isinstance(d.get("activity"), str):
            line.touched.add(d["activity"])


def replay(events: Sequence[Event]) -> tuple[SessionState, Timeline]:
    """The end state and the timeline. Raises ValueError for a log that does not start
    with session.created or has a gap."""
    if not events:
        raise ValueError("an empty event log has nothing to document")
    state = SessionState.from_events(events[:1])
    walker = _Walker()
    walker.see(events[0])
    for event in events[1:]:
        state.apply(event)
        walker.see(event)
    return state, walker.timeline
