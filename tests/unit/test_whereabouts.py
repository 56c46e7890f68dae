"""How many participants are in the room and online is kept as they join and move (not
counted afresh for every join and hello, which made joining quadratic); whatever the order of
joins and moves, the kept counts are those a count of the participants gives, in the state
built by commands and in the state rebuilt from its log."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from facilitator.domain.session import SessionState
from tests.domain_log import Log

PLACES = st.sampled_from([None, "room", "online"])


def _counted(state: SessionState) -> dict[str, int]:
    return {place: sum(1 for p in state.participants.values() if p.where == place)
            for place in ("room", "online")}


@settings(max_examples=60, deadline=None)
@given(joins=st.lists(PLACES, min_size=1, max_size=25),
       moves=st.lists(st.tuples(st.integers(0, 24), st.sampled_from(["room", "online"])),
                      max_size=40))
def test_kept_counts_equal_a_count(joins: list[str | None],
                                   moves: list[tuple[int, str]]) -> None:
    log = Log()
    log.run("moderator", "session.open")
    people = [log.run("system", "participant.join", **({"where": w} if w else {}))
              ["participant"] for w in joins]
    log.run("moderator", "session.start")
    for index, place in moves:
        who = people[index % len(people)]
        log.run("participant", "participant.where", who, where=place)
        assert log.state.whereabouts == _counted(log.state)
    assert log.state.whereabouts == _counted(log.state)
    view = log.state.view("presenter")["participants"]
    assert view == {"count": len(people), **_counted(log.state)}
    rebuilt = SessionState.from_events(log.events)
    assert rebuilt.whereabouts == log.state.whereabouts
