"""The agenda: phases with planned minutes and moderator notes, and the session timer.

The timer is server-authoritative: events carry the end time (running) or the time left
(paused); every screen counts down from the same end time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from facilitator.domain.errors import N_, Invalid, find
from facilitator.domain.model import Command, Decision, clean_text, iso

if TYPE_CHECKING:
    from facilitator.domain.session import SessionState

NOTES_LIMIT = 4000
MAX_PHASES = 50


@dataclass
class Phase:
    id: str
    title: str
    minutes: int | None
    notes: str | None
    timer: int | None = None  # minutes for the one-click session timer of this phase
    started: float | None = None
    ended: float | None = None

    def view(self, moderator: bool) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id, "title": self.title, "minutes": self.minutes, "timer": self.timer,
            "started": iso(self.started) if self.started is not None else None,
            "ended": iso(self.ended) if self.ended is not None else None}
        if moderator:
            out["notes"] = self.notes
        return out


@dataclass
class Timer:
    total: float
    label: str | None
    ends_at: float | None  # while running
    remaining: float | None  # while paused

    def view(self) -> dict[str, Any]:
        return {"running": self.ends_at is not None,
                "ends_at": iso(self.ends_at) if self.ends_at is not None else None,
                "remaining": round(self.remaining, 3) if self.remaining is not None else None,
                "total": self.total, "label": self.label}

    def left(self, now: float) -> float:
        if self.ends_at is not None:
            return max(0.0, self.ends_at - now)
        return self.remaining or 0.0


def _minutes(value: Any, name: str = "minutes") -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 600:
        raise Invalid(N_("The field {field} must be a whole number from {low} to {high}."),
                      field=name, low=1, high=600)
    return value


def _notes(value: Any) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return clean_text(value, NOTES_LIMIT, "notes", multiline=True)


def _seconds(value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise Invalid(N_("The field {field} must be a whole number from {low} to {high}."),
                      field="seconds", low=low, high=high)
    return value


def find_phase(state: SessionState, ident: Any) -> Phase:
    """The phase a command names."""
    return find(state.phases, ident, N_("This phase does not exist."))


def create_phase(state: SessionState, command: Command) -> Decision:
    if len(state.phases) >= MAX_PHASES:
        raise Invalid(N_("A session has at most {limit} phases."), limit=MAX_PHASES)
    args = command.args
    data = {"title": clean_text(args.get("title"), 200, "title"),
            "minutes": _minutes(args.get("minutes")), "notes": _notes(args.get("notes")),
            "timer": _minutes(args.get("timer"), "timer")}
    ident = state.next_id("h")
    return Decision([("phase.created", {"phase": ident, **data})], {"phase": ident})


def update_phase(state: SessionState, command: Command) -> Decision:
    phase = find_phase(state, command.args.get("phase"))
    args = command.args
    changes: dict[str, Any] = {}
    if "title" in args:
        changes["title"] = clean_text(args["title"], 200, "title")
    if "minutes" in args:
        changes["minutes"] = _minutes(args["minutes"])
    if "notes" in args:
        changes["notes"] = _notes(args["notes"])
    if "timer" in args:
        changes["timer"] = _minutes(args["timer"], "timer")
    changes = {k: v for k, v in changes.items() if getattr(phase, k) != v}
    if not changes:
        return Decision()
    return Decision([("phase.updated", {"phase": phase.id, **changes})])


def start_phase(state: SessionState, command: Command) -> Decision:
    phase = find_phase(state, command.args.get("phase"))
    if state.phase == phase.id:
        return Decision()
    return Decision([("phase.started", {"phase": phase.id, "previous": state.phase})])


def start_timer(state: SessionState, command: Command) -> Decision:
    seconds = _seconds(command.args.get("seconds"), 1, 36000)
    label = command.args.get("label")
    label = clean_text(label, 100, "label") if label else None
    return Decision([("timer.started", {"seconds": seconds, "label": label,
                                        "ends_at": command.at + seconds})])


def _running(state: SessionState) -> Timer:
    if state.timer is None:
        raise Invalid(N_("No timer is running."))
    return state.timer


def pause_timer(state: SessionState, command: Command) -> Decision:
    timer = _running(state)
    if timer.ends_at is None:
        return Decision()
    return Decision([("timer.paused", {"remaining": round(timer.left(command.at), 3)})])


def resume_timer(state: SessionState, command: Command) -> Decision:
    timer = _running(state)
    if timer.ends_at is not None:
        return Decision()
    return Decision([("timer.resumed", {"ends_at": command.at + (timer.remaining or 0.0)})])


def extend_timer(state: SessionState, command: Command) -> Decision:
    timer = _running(state)
    seconds = _seconds(command.args.get("seconds"), -3600, 36000)
    if seconds == 0:
        raise Invalid(N_("Extend the timer by some seconds, not by zero."))
    if timer.ends_at is not None:
        return Decision([("timer.extended", {"seconds": seconds,
                                             "ends_at": max(command.at, timer.ends_at + seconds)})])
    return Decision([("timer.extended", {"seconds": seconds,
                                         "remaining": max(0.0, (timer.remaining or 0) + seconds)})])


def stop_timer(state: SessionState, command: Command) -> Decision:
    _running(state)
    return Decision([("timer.stopped", {})])


def apply(state: SessionState, kind: str, d: dict[str, Any], at: float) -> None:
    """Apply a phase.* or timer.* event."""
    if kind == "phase.created":
        state.phases[d["phase"]] = Phase(d["phase"], d["title"], d["minutes"], d["notes"],
                                         d.get("timer"))
    elif kind == "phase.updated":
        phase = state.phases[d["phase"]]
        for key in ("title", "minutes", "notes", "timer"):
            if key in d:
                setattr(phase, key, d[key])
    elif kind == "phase.ended":
        end_phase(state, at)
    elif kind == "phase.started":
        end_phase(state, at)
        state.phases[d["phase"]].started = at
        state.phases[d["phase"]].ended = None
        state.phase = d["phase"]
    elif kind == "timer.started":
        state.timer = Timer(d["seconds"], d["label"], d["ends_at"], None)
    elif kind == "timer.paused":
        timer = state.timer
        assert timer is not None
        timer.ends_at, timer.remaining = None, d["remaining"]
    elif kind == "timer.resumed":
        timer = state.timer
        assert timer is not None
        timer.ends_at, timer.remaining = d["ends_at"], None
    elif kind == "timer.extended":
        timer = state.timer
        assert timer is not None
        timer.total = max(0, timer.total + d["seconds"])
        if "ends_at" in d:
            timer.ends_at = d["ends_at"]
        else:
            timer.remaining = d["remaining"]
    elif kind == "timer.stopped":
        state.timer = None


def end_phase(state: SessionState, at: float) -> None:
    if state.phase is not None:
        state.phases[state.phase].ended = at
        state.phase = None


HANDLERS = {
    "phase.create": create_phase, "phase.update": update_phase, "phase.start": start_phase,
    "timer.start": start_timer, "timer.pause": pause_timer, "timer.resume": resume_timer,
    "timer.extend": extend_timer, "timer.stop": stop_timer,
}
