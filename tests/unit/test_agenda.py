"""Phases with planned and actual times, and the server-authoritative timer."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from facilitator.domain.errors import Invalid, NotFound, SessionStateError
from facilitator.domain.session import SessionState
from tests.unit.helpers import Scene


def test_phases_record_planned_and_actual_times() -> None:
    scene = Scene()
    one = scene.run("phase.create", title="Input", minutes=20, notes="Beispiele aus Kassel")
    two = scene.run("phase.create", title="Kleingruppen", minutes=45)["phase"]
    assert one == {"phase": "h1"} and two == "h2"
    assert isinstance(scene.attempt("phase.start", phase="h1"), SessionStateError)
    scene.live()
    scene.clock = 1000.0
    scene.run("phase.start", phase="h1")
    scene.clock = 2200.0
    scene.run("phase.start", phase="h2")
    phases = {p["id"]: p for p in scene.state.view("moderator")["phases"]}
    assert phases["h1"]["minutes"] == 20 and phases["h1"]["notes"] == "Beispiele aus Kassel"
    assert phases["h1"]["started"].endswith("00:16:41.000Z")  # clock 1001: after the run tick
    assert phases["h1"]["ended"] == phases["h2"]["started"]
    assert scene.state.phase == "h2"
    # Notes are for the moderator only.
    assert "notes" not in scene.state.view("presenter")["phases"][0]
    scene.run("session.close")
    assert scene.state.view("moderator")["phases"][1]["ended"] is not None
    assert scene.state.phase is None


def test_phase_input_is_checked() -> None:
    scene = Scene()
    assert isinstance(scene.attempt("phase.create", title="", minutes=5), Invalid)
    assert isinstance(scene.attempt("phase.create", title="X", minutes=0), Invalid)
    assert isinstance(scene.attempt("phase.create", title="X", minutes=True), Invalid)
    assert isinstance(scene.attempt("phase.update", phase="h9", title="Y"), NotFound)
    scene.run("phase.create", title="X")
    seq = scene.state.seq
    scene.run("phase.update", phase="h1", title="X")
    assert scene.state.seq == seq, "an update that changes nothing records nothing"
    scene.run("phase.update", phase="h1", minutes=15, notes="  ")
    assert scene.state.phases["h1"].minutes == 15 and scene.state.phases["h1"].notes is None


def test_timer_runs_pauses_and_extends_from_server_time() -> None:
    scene = Scene().live()
    assert isinstance(scene.attempt("timer.pause"), Invalid)
    scene.clock = 99.0
    scene.run("timer.start", seconds=300, label="Kleingruppen")  # at 100
    timer = scene.state.timer
    assert timer is not None and timer.ends_at == 400.0
    scene.clock = 159.0
    scene.run("timer.pause")  # at 160: 240 s left
    assert timer.ends_at is None and timer.remaining == 240.0
    scene.clock = 999.0
    scene.run("timer.extend", seconds=60)  # paused: remaining grows
    assert timer.remaining == 300.0 and timer.total == 360
    scene.run("timer.resume")  # at 1001
    assert timer.ends_at == 1301.0
    scene.run("timer.extend", seconds=-600)  # never before now
    assert timer.ends_at == 1002.0
    view = scene.state.view("participant")["timer"]
    assert view["running"] is True and view["label"] == "Kleingruppen"
    assert isinstance(scene.attempt("timer.extend", seconds=0), Invalid)
    scene.run("timer.stop")
    assert scene.state.timer is None


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["start", "pause", "resume", "extend", "stop"]),
                          st.integers(-100, 500), st.integers(0, 50)), max_size=25))
def test_timer_never_goes_negative_and_rebuilds(steps: list[tuple[str, int, int]]) -> None:
    scene = Scene().live()
    for verb, seconds, wait in steps:
        scene.clock += wait
        args = {"seconds": seconds} if verb in {"start", "extend"} else {}
        scene.attempt(f"timer.{verb}", **args)
        timer = scene.state.timer
        if timer is not None:
            assert timer.left(scene.clock) >= 0
            assert (timer.ends_at is None) != (timer.remaining is None)
    assert SessionState.from_events(scene.log).view("moderator") == scene.state.view("moderator")
