"""One pass over the event log: the end state, and what the end state does not keep (when
people joined, when each phase ran, when each activity was first shown, closed and
revealed, the names of groups deleted later)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from facilitator.archive.selection import Counts, counts
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
    # The latest lock of each activity that is locked now (none once it is open again).
    locked: dict[str, float] = field(default_factory=dict)
    revealed: dict[str, float] = field(default_factory=dict)  # first reveal
    touched: set[str] = field(default_factory=set)  # activities that got input
    # Of an activity with items from an earlier one: the source's counts when it fixed them.
    offered: dict[str, Counts] = field(default_factory=dict)

    def run_time(self, phase: str) -> float | None:
        """Seconds the phase ran, all runs together (a running phase up to the last
        event); None when it never started."""
        runs = self.runs.get(phase)
        if not runs:
            return None
        return sum((end if end is not None else self.last) - start for start, end in runs)


# An activity's marks: its status and whether its results are revealed.
_Marks = tuple[str, bool]
_NEW: _Marks = ("draft", False)


class _Walker:
    """Reads the times off the state: after each event that is no input, each activity's
    status and reveal are compared with those before it, so every way the domain locks
    (the moderator's lock, the next activation or the close in logs of protocol 1.0, the
    lock events of protocol 1.1, a Q&A that stays open beside slides) dates the lock by the
    event that made it, and no rule of the domain is repeated here."""

    def __init__(self) -> None:
        self.timeline = Timeline()
        self.phase: str | None = None
        self.marks: dict[str, _Marks] = {}

    def _end_phase(self, at: float) -> None:
        if self.phase is not None:
            runs = self.timeline.runs[self.phase]
            runs[-1] = (runs[-1][0], at)
            self.phase = None

    def compare(self, state: SessionState, at: float) -> None:
        """Dates what the last event changed: the first activation, the latest lock (kept
        only while the activity stays locked), the first reveal."""
        line = self.timeline
        marks: dict[str, _Marks] = {a.id: (a.status, a.revealed)
                                    for a in state.activities.values()}
        for activity, (status, revealed) in marks.items():
            was_status, was_revealed = self.marks.get(activity, _NEW)
            if status != was_status:
                if status == "active" and activity not in line.activated:
                    line.activated[activity] = at
                    found = counts(state, state.activities[activity])
                    if found is not None:
                        line.offered[activity] = found
                if status == "locked":
                    line.locked[activity] = at
                elif was_status == "locked":
                    line.locked.pop(activity, None)
            if revealed and not was_revealed:
                line.revealed.setdefault(activity, at)
        self.marks = marks

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
        elif t == "participant.joined":
            line.joins.append(at)
        elif t in {"group.created", "group.renamed"}:
            line.group_names[d["group"]] = d["name"]
        elif t == "phase.ended":
            self._end_phase(at)
        elif t == "phase.started":
            self._end_phase(at)
            self.phase = d["phase"]
            line.runs.setdefault(d["phase"], []).append((at, None))
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
    walker.compare(state, events[0].at)
    for event in events[1:]:
        state.apply(event)
        walker.see(event)
        # An input changes no activity's status: only the other events are compared.
        if event.type.startswith(_NOT_INPUT):
            walker.compare(state, event.at)
    return state, walker.timeline
