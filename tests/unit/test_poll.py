"""Polls: exact counting under any sequence of ballots."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from facilitator.domain.errors import ActivityClosed, Invalid, NotFound
from facilitator.domain.model import Event
from facilitator.domain.session import SessionState
from tests.unit.helpers import Scene


def recount(log: list[Event], activity: str) -> tuple[int, Counter[str]]:
    """Count from the event log alone: the last ballot of each participant."""
    last: dict[str, list[str]] = {}
    for event in log:
        if event.type == "vote.cast" and event.data["activity"] == activity:
            last[event.data["participant"]] = event.data["choices"]
    ballots = [c for c in last.values() if c]
    return len(ballots), Counter(c for ballot in ballots for c in ballot)


ballot = st.lists(st.sampled_from(["o1", "o2", "o3", "o4", "o9"]), max_size=4)


@settings(max_examples=150, deadline=None)
@given(multiple=st.booleans(),
       casts=st.lists(st.tuples(st.integers(0, 5), ballot), max_size=60))
def test_tally_equals_recount_from_the_log(multiple: bool,
                                           casts: list[tuple[int, list[str]]]) -> None:
    scene = Scene().live()
    phones = scene.join(6)
    poll = scene.activity("poll", options=["A", "B", "C", "D"], multiple=multiple,
                          **({"max_choices": 3} if multiple else {}))
    for who, choices in casts:
        scene.attempt("vote.cast", phones[who], activity=poll, choices=choices)
    results = scene.state.activities[poll].data and scene.state.view("moderator")[
        "activities"][0]["results"]
    voters, counts = recount(scene.log, poll)
    assert results["voters"] == voters
    assert {o["id"]: o["count"] for o in results["options"]} == {
        o: counts.get(o, 0) for o in ("o1", "o2", "o3", "o4")}
    # Single choice: never more marks than voters; multiple: never more than 3 per voter.
    total = sum(counts.values())
    assert total <= voters * (3 if multiple else 1)
    # Rebuilding from the log gives the same results (restart loses nothing).
    rebuilt = SessionState.from_events(scene.log)
    assert rebuilt.view("moderator") == scene.state.view("moderator")


def test_ballot_rules() -> None:
    scene = Scene().live()
    (phone,) = scene.join()
    poll = scene.activity("poll", options=["Mobilität", "Energie"])
    assert isinstance(scene.attempt("vote.cast", phone, activity=poll, choices=["o1", "o2"]),
                      Invalid)
    assert isinstance(scene.attempt("vote.cast", phone, activity=poll, choices=["o7"]), NotFound)
    assert isinstance(scene.attempt("vote.cast", phone, activity=poll, choices=["o1", "o1"]),
                      Invalid)
    assert scene.run("vote.cast", phone, activity=poll, choices=["o2"]) == {"choices": ["o2"]}
    seq = scene.state.seq
    scene.run("vote.cast", phone, activity=poll, choices=["o2"])
    assert scene.state.seq == seq, "the same ballot again records nothing"
    scene.run("activity.lock", activity=poll)
    assert isinstance(scene.attempt("vote.cast", phone, activity=poll, choices=["o1"]),
                      ActivityClosed)
    assert scene.state.mine(phone.participant or "") == {poll: {"choices": ["o2"]}}


def test_results_hidden_until_revealed() -> None:
    scene = Scene().live()
    (phone,) = scene.join()
    poll = scene.activity("poll", options=["A", "B"])
    scene.run("vote.cast", phone, activity=poll, choices=["o1"])
    for audience in ("presenter", "participant"):
        assert scene.state.view(audience)["activities"][0]["results"] is None
    assert scene.state.view("moderator")["activities"][0]["results"]["voters"] == 1
    scene.run("activity.reveal", activity=poll)
    for audience in ("presenter", "participant"):
        assert scene.state.view(audience)["activities"][0]["results"]["voters"] == 1
    # No audience ever receives an individual ballot.
    vote = next(e for e in scene.log if e.type == "vote.cast")
    for audience in ("moderator", "presenter", "participant"):
        assert scene.state.project(vote, audience) is None


def test_poll_config_is_checked() -> None:
    scene = Scene().live()
    for config in ({"options": ["nur eine"]}, {"options": ["A", "a"]},
                   {"options": ["A", "B"], "max_choices": 2},
                   {"options": ["A", "B"], "multiple": True, "max_choices": 3},
                   {"options": ["A", "B"], "colour": "red"}, {"options": "A, B"}):
        refusal = scene.attempt("activity.create", kind="poll", title="P", config=config)
        assert isinstance(refusal, Invalid), config


def test_a_poll_gives_its_options_as_items() -> None:
    scene = Scene().live()
    ana, ben, cem = scene.join(3)
    poll = scene.activity("poll", options=["Mobilität", "Energie", "Ernährung"])
    for phone, choice in ((ana, "o2"), (ben, "o2"), (cem, "o3")):
        scene.run("vote.cast", phone, activity=poll, choices=[choice])
    everything = scene.activity("dots", items={"from": poll, "take": "all"})
    assert [i["label"] for i in scene.state.activities[everything].items or []] == [
        "Mobilität", "Energie", "Ernährung"]
    best = scene.activity("ranking", items={"from": poll, "take": "top:2"})
    assert [i["id"] for i in scene.state.activities[best].items or []] == ["o2", "o3"]
