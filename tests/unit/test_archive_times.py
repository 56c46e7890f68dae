"""The times of every activity in the documentation (`activated`, `locked`, `revealed`) are
those of the events that did it: a lock the moderator gave keeps its time when the next
activation or the close follows, an activity opened again and locked again has the second
lock's time, and logs of protocol 1.0 (no lock events of their own for the implicit locks)
date the lock by the next activation or the close."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from facilitator.archive import build_report, write_archive
from facilitator.archive.report import ActivityReport
from facilitator.domain.errors import Refusal
from facilitator.domain.model import Actor, Command, Event
from facilitator.domain.session import SessionState, new_session

ZONE = "Europe/Berlin"


def iso(at: float | None) -> str | None:
    if at is None:
        return None
    return datetime.fromtimestamp(at, ZoneInfo(ZONE)).isoformat(timespec="milliseconds")


class Log:
    """A session driven through the domain with real commands, as the runtime would; the
    clock moves only when the test waits."""

    def __init__(self) -> None:
        kind, data = new_session("times", "ACEFHJ", "Zeiten", names=False)
        self.at = 1_800_000_000.0
        self.events = [Event(1, kind, data, self.at)]
        self.state = SessionState.from_events(self.events)
        self.implicit: set[int] = set()  # seqs of lock events no lock command asked for

    def wait(self, seconds: float) -> float:
        self.at += seconds
        return self.at

    def run(self, type_: str, role: str = "moderator", who: str | None = None,
            **args: Any) -> dict[str, Any]:
        actor = Actor(role, who)  # type: ignore[arg-type]
        decision = self.state.decide(Command(type_, args, actor, self.at))
        for name, data in decision.events:
            event = Event(self.state.seq + 1, name, data, self.at)
            self.state.apply(event)
            self.events.append(event)
            if name == "activity.locked" and type_ != "activity.lock":
                self.implicit.add(event.seq)
        return decision.result

    def attempt(self, type_: str, **args: Any) -> bool:
        try:
            self.run(type_, **args)
        except Refusal:
            return False
        return True

    def create(self, kind: str, title: str, **args: Any) -> str:
        ident: str = self.run("activity.create", kind=kind, title=title, **args)["activity"]
        return ident

    def protocol_1_0(self) -> list[Event]:
        """The log as protocol 1.0 wrote it: the locks that came with an activation or the
        close are no events of their own."""
        kept = [e for e in self.events if e.seq not in self.implicit]
        return [replace(e, seq=n) for n, e in enumerate(kept, start=1)]


def documented(events: list[Event]) -> dict[str, ActivityReport]:
    return {a.id: a for a in build_report(events, timezone=ZONE).activities}


def two_polls() -> tuple[Log, str, str]:
    log = Log()
    first = log.create("poll", "Erste Wahl", config={"options": ["A", "B"]})
    second = log.create("poll", "Zweite Wahl", config={"options": ["C", "D"]})
    log.run("session.open")
    log.run("session.start")
    return log, first, second


def test_lock_then_wait_then_next_activation_keeps_the_locks_time(tmp_path: Path) -> None:
    """Done when: locks an activity, waits, activates the next: the archive's `locked` is
    the lock's time (not the next activation's, nor the close's)."""
    log, first, second = two_polls()
    person = log.run("participant.join", role="system")["participant"]
    opened = log.wait(3)
    log.run("activity.activate", activity=first)
    log.wait(4)
    log.run("vote.cast", role="participant", who=person, activity=first, choices=["o1"])
    locked = log.wait(2.5)
    log.run("activity.lock", activity=first)
    started = log.wait(12.4)
    log.run("activity.activate", activity=second)
    second_locked = log.wait(3)
    log.run("activity.lock", activity=second)
    closed = log.wait(5.3)
    log.run("session.close")

    paths = write_archive(log.events, tmp_path / "a", timezone=ZONE)
    data = json.loads((tmp_path / "a" / "results.json").read_text("utf-8"))
    times = {a["id"]: (a["status"], a["activated"], a["locked"]) for a in data["activities"]}
    assert times[first] == ("locked", iso(opened), iso(locked))
    assert times[second] == ("locked", iso(started), iso(second_locked))
    assert data["session"]["closed"] == iso(closed)
    # The same log gives the same files, byte for byte.
    again = write_archive(log.events, tmp_path / "b", timezone=ZONE)
    assert [p.read_bytes() for p in paths] == [p.read_bytes() for p in again]


def test_an_activity_left_open_is_locked_by_the_next_activation_or_the_close() -> None:
    log, first, second = two_polls()
    log.run("activity.activate", activity=first)
    switched = log.wait(30)
    log.run("activity.activate", activity=second)
    closed = log.wait(40)
    log.run("session.close")
    for events in (log.events, log.protocol_1_0()):
        report = documented(events)
        assert report[first].locked == iso(switched)
        assert report[second].locked == iso(closed)


def test_unlocked_and_locked_again_has_the_second_locks_time() -> None:
    log, first, second = two_polls()
    opened = log.wait(1)
    log.run("activity.activate", activity=first)
    log.wait(10)
    log.run("activity.lock", activity=first)
    log.wait(20)
    log.run("activity.unlock", activity=first)
    assert documented(log.events)[first].locked is None  # open again: no lock time
    log.wait(30)
    log.run("activity.lock", activity=first)
    log.wait(40)
    log.run("activity.activate", activity=second)
    log.wait(50)
    log.run("activity.unlock", activity=first)  # makes it current: locks the second
    reopened_second = log.at  # and the first's second lock gives way to this unlock
    closed = log.wait(60)
    log.run("session.close")
    report = documented(log.events)
    assert report[first].locked == iso(closed)
    assert report[second].locked == iso(reopened_second)
    assert report[first].activated == iso(opened)  # the first activation, not the unlock


def test_a_lock_before_the_reveal_keeps_its_time_and_the_reveal_has_its_own() -> None:
    log, first, second = two_polls()
    log.run("activity.activate", activity=first)
    locked = log.wait(8)
    log.run("activity.lock", activity=first)
    revealed = log.wait(15)
    log.run("activity.reveal", activity=first)
    log.wait(5)
    log.run("activity.conceal", activity=first)
    log.wait(5)
    log.run("activity.reveal", activity=first)
    log.wait(600)
    log.run("activity.activate", activity=second)
    log.wait(9)
    log.run("session.close")
    report = documented(log.events)
    assert (report[first].locked, report[first].revealed) == (iso(locked), iso(revealed))
    assert report[second].revealed is None


def test_per_group_activity_has_the_lock_time_of_the_moderators_lock() -> None:
    log = Log()
    group = log.run("group.create", name="Mobilität")["group"]
    walls = log.create("ideas", "Ideen", per_group=True)
    poll = log.create("poll", "Wahl", config={"options": ["A", "B"]})
    log.run("session.open")
    person = log.run("participant.join", role="system")["participant"]
    log.run("group.assign", participant=person, group=group)
    log.run("session.start")
    started = log.wait(1)
    log.run("activity.activate", activity=walls)
    log.wait(60)
    log.run("idea.add", role="participant", who=person, activity=walls, text="Radweg")
    locked = log.wait(120)
    log.run("activity.lock", activity=walls)
    log.wait(300)
    log.run("activity.activate", activity=poll)
    log.wait(30)
    log.run("session.close")
    for events in (log.events, log.protocol_1_0()):
        report = documented(events)
        assert (report[walls].activated, report[walls].locked) == (iso(started), iso(locked))
        assert [i.group for i in report[walls].instances] == [group]


def test_questions_beside_slides_are_locked_by_their_own_event() -> None:
    """A Q&A stays open beside slides: the slides' activation does not lock it; a lock the
    moderator gives it later dates it, and the next other activity dates the slides."""
    log = Log()
    qa = log.create("qa", "Fragen")
    slides = log.create("slides", "Input")
    poll = log.create("poll", "Wahl", config={"options": ["A", "B"]})
    later = log.create("qa", "Noch Fragen")
    log.run("session.open")
    log.run("session.start")
    log.run("activity.activate", activity=qa)
    shown = log.wait(10)
    log.run("activity.activate", activity=slides)
    assert documented(log.events)[qa].locked is None  # still open beside the slides
    qa_locked = log.wait(20)
    log.run("activity.lock", activity=qa)
    switched = log.wait(30)
    log.run("activity.activate", activity=poll)
    poll_locked = log.wait(5)
    log.run("activity.activate", activity=later)
    log.wait(5)
    log.run("activity.activate", activity=slides)
    closed = log.wait(45)
    log.run("session.close")  # locks the slides and the Q&A beside them
    report = documented(log.events)
    assert report[qa].locked == iso(qa_locked)
    assert report[poll].locked == iso(poll_locked)
    assert report[slides].locked == iso(closed)
    assert report[later].locked == iso(closed)
    assert report[slides].activated == iso(shown)
    assert report[slides].locked != iso(switched)  # shown again later, locked by the close


def test_protocol_1_0_log_without_lock_events() -> None:
    log, first, second = two_polls()
    third = log.create("words", "Ein Wort")
    log.run("activity.activate", activity=first)
    locked = log.wait(7)
    log.run("activity.lock", activity=first)  # the moderator's lock: an event in 1.0 too
    started = log.wait(12)
    log.run("activity.activate", activity=second)
    switched = log.wait(13)
    log.run("activity.activate", activity=third)
    closed = log.wait(14)
    log.run("session.close")
    old = log.protocol_1_0()
    assert sum(e.type == "activity.locked" for e in old) == 1
    report = documented(old)
    assert report[first].locked == iso(locked)
    assert report[second].activated == iso(started)
    assert report[second].locked == iso(switched)
    assert report[third].locked == iso(closed)
    assert {a.status for a in report.values()} == {"locked"}


# -- a property: any sequence of activate, lock, unlock, reveal, conceal and close --------

OPS = ["activity.activate", "activity.lock", "activity.unlock", "activity.reveal",
       "activity.conceal", "session.close"]
KINDS: list[tuple[str, dict[str, Any]]] = [
    ("poll", {"config": {"options": ["A", "B"]}}),
    ("poll", {"config": {"options": ["A", "B"]}, "per_group": True}),
    ("qa", {}),
    ("slides", {}),
    ("words", {}),
]
steps = st.lists(st.tuples(st.sampled_from(OPS), st.integers(0, len(KINDS) - 1),
                           st.integers(1, 900_000)),  # milliseconds since the last step
                 min_size=1, max_size=30)


def play(script: list[tuple[str, int, int]], kinds: list[int]) -> Log:
    log = Log()
    log.run("group.create", name="Gruppe")
    ids = [log.create(KINDS[k][0], f"Aktivität {k}", **KINDS[k][1]) for k in kinds]
    log.run("session.open")
    log.run("session.start")
    for op, index, gap in script:
        log.wait(gap / 1000)
        if op == "session.close":
            log.attempt(op)
        else:
            log.attempt(op, activity=ids[index % len(ids)])
    return log


def expected_1_1(events: list[Event]) -> dict[str, tuple[str | None, str | None, str | None]]:
    """From the events alone: the first activation, the last lock of an activity whose last
    change of status was a lock, the first reveal."""
    activated: dict[str, float] = {}
    revealed: dict[str, float] = {}
    last: dict[str, Event] = {}
    for e in events:
        if e.type.startswith("activity.") and e.type != "activity.created":
            ident = e.data["activity"]
            if e.type == "activity.activated":
                activated.setdefault(ident, e.at)
            if e.type == "activity.revealed":
                revealed.setdefault(ident, e.at)
            if e.type in {"activity.activated", "activity.unlocked", "activity.locked"}:
                last[ident] = e
    return {ident: (iso(at), iso(last[ident].at) if last[ident].type == "activity.locked"
                    else None, iso(revealed.get(ident)))
            for ident, at in activated.items()}


def expected_1_0(events: list[Event]) -> dict[str, tuple[str | None, str | None, str | None]]:
    """The same for a log of protocol 1.0 (no slides there): the moderator's lock, else
    the next activation of another activity, else the close locks the current one."""
    activated: dict[str, float] = {}
    revealed: dict[str, float] = {}
    locked: dict[str, float] = {}
    open_: set[str] = set()
    current: str | None = None

    def lock(ident: str | None, at: float) -> None:
        if ident in open_:
            assert ident is not None
            open_.discard(ident)
            locked[ident] = at

    for e in events:
        ident = e.data.get("activity")
        if e.type in {"activity.activated", "activity.unlocked"}:
            assert isinstance(ident, str)
            if current != ident:
                lock(current, e.at)
            current = ident
            open_.add(ident)
            locked.pop(ident, None)
            if e.type == "activity.activated":
                activated.setdefault(ident, e.at)
        elif e.type == "activity.locked":
            lock(ident, e.at)
        elif e.type == "activity.revealed":
            assert isinstance(ident, str)
            revealed.setdefault(ident, e.at)
        elif e.type == "session.closed":
            lock(current, e.at)
    return {ident: (iso(at), iso(locked.get(ident)), iso(revealed.get(ident)))
            for ident, at in activated.items()}


def archived(events: list[Event]) -> dict[str, tuple[str | None, str | None, str | None]]:
    return {a.id: (a.activated, a.locked, a.revealed) for a in documented(events).values()
            if a.activated is not None}


@settings(max_examples=150, deadline=None)
@given(script=steps)
def test_times_are_those_of_the_events_protocol_1_1(script: list[tuple[str, int, int]]) -> None:
    log = play(script, [0, 1, 2, 3, 4])
    report = documented(log.events)
    assert archived(log.events) == expected_1_1(log.events)
    for ident, activity in report.items():
        assert (activity.locked is not None) == (activity.status == "locked"), ident


@settings(max_examples=150, deadline=None)
@given(script=steps)
def test_times_are_those_of_the_events_protocol_1_0(script: list[tuple[str, int, int]]) -> None:
    log = play(script, [0, 1, 2, 4])  # protocol 1.0 had no slides
    old = log.protocol_1_0()
    assert archived(old) == expected_1_0(old)
    # Both logs tell the same story.
    assert archived(old) == archived(log.events)
