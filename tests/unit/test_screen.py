"""What the beamer shows besides the activity (session.screen): set by the moderator, kept in
the log, seen by moderator and presenter only."""

from __future__ import annotations

import pytest

from facilitator.domain.errors import Invalid
from facilitator.domain.session import SessionState
from facilitator.domain.views import session_view
from tests.unit.helpers import Scene


def test_defaults_show_the_way_in_on_a_light_screen() -> None:
    scene = Scene()
    assert session_view(scene.state, "presenter")["screen"] == {
        "blank": False, "join": True, "theme": "light"}
    assert "screen" not in session_view(scene.state, "participant")


def test_a_change_is_an_event_and_survives_a_rebuild() -> None:
    scene = Scene()
    scene.run("session.screen", screen={"blank": True, "theme": "dark"})
    scene.run("session.screen", screen={"join": False})
    assert [e.type for e in scene.log[1:]] == ["session.screen_set", "session.screen_set"]
    again = SessionState.from_events(scene.log)
    assert session_view(again, "moderator")["screen"] == {
        "blank": True, "join": False, "theme": "dark"}


def test_a_change_that_changes_nothing_adds_no_event() -> None:
    scene = Scene()
    scene.run("session.screen", screen={"blank": False, "join": True})
    assert len(scene.log) == 1


@pytest.mark.parametrize("screen", [
    None, {}, [], {"blank": "yes"}, {"blank": 1}, {"join": None}, {"theme": "blue"},
    {"theme": ["dark"]}, {"volume": 11}, {"blank": True, "theme": "neon"},
])
def test_bad_settings_are_refused_and_change_nothing(screen: object) -> None:
    scene = Scene()
    refusal = scene.attempt("session.screen", screen=screen)
    assert isinstance(refusal, Invalid)
    assert len(scene.log) == 1
    assert session_view(scene.state, "moderator")["screen"]["blank"] is False
