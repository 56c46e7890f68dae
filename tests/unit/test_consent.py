"""Consent: exact counting under any sequence of votes, the outcome by majority and quorum,
and who sees individual votes (the moderator of an open vote, nobody else)."""

from __future__ import annotations

from collections import Counter
from fractions import Fraction
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from facilitator.domain.activities.consent import outcome, result_line
from facilitator.domain.errors import ActivityClosed, Forbidden, Invalid, Refusal
from facilitator.domain.model import AUDIENCES, Actor, Audience, Event
from facilitator.domain.session import SessionState
from tests.unit.helpers import MOD, Scene

MISSING = object()

PUBLIC: tuple[Audience, ...] = ("presenter", "participant")


def recount(log: list[Event], activity: str) -> Counter[str]:
    """Count from the event log alone: the last vote of each participant."""
    last: dict[str, str | None] = {}
    for event in log:
        if event.type == "consent.voted" and event.data["activity"] == activity:
            last[event.data["participant"]] = event.data["vote"]
    return Counter(v for v in last.values() if v is not None)


def expected_outcome(yes: int, no: int, abstain: int, majority: str, quorum: int) -> str:
    """The rules of the spec, written out with exact fractions."""
    if yes + no + abstain < quorum:
        return "no_quorum"
    if majority == "simple":
        return "accepted" if yes > no else "rejected"
    ok = yes > 0 and Fraction(yes) >= Fraction(2, 3) * (yes + no)
    return "accepted" if ok else "rejected"


def views(scene: Scene) -> dict[str, Any]:
    return {audience: scene.state.view(audience) for audience in AUDIENCES}


def refused(scene: Scene, expected: type[Refusal], type_: str, actor: Actor = MOD,
            **args: Any) -> Refusal:
    """The command is refused with this kind of refusal, and nothing changed."""
    before, seq = views(scene), scene.state.seq
    refusal = scene.attempt(type_, actor, **args)
    assert isinstance(refusal, expected), refusal
    assert str(refusal)
    assert scene.state.seq == seq and views(scene) == before
    return refusal


def results(scene: Scene, audience: str = "moderator") -> Any:
    return scene.state.view(audience)["activities"][0]["results"]  # type: ignore[arg-type]


# Mostly valid votes (withdrawals included), so the counts vary; now and then a bad one.
valid = st.sampled_from(["yes", "no", "abstain", "yes", "no", None])
vote = st.one_of(valid, valid, valid, st.sampled_from(["maybe", "YES", 1, MISSING]))


@settings(max_examples=150, deadline=None)
@given(majority=st.sampled_from(["simple", "two_thirds"]), quorum=st.integers(0, 6),
       secret=st.booleans(),
       casts=st.lists(st.tuples(st.integers(0, 6), vote), min_size=3, max_size=50))
def test_results_equal_a_recount_from_the_log(majority: str, quorum: int, secret: bool,
                                             casts: list[tuple[int, Any]]) -> None:
    scene = Scene().live()
    phones = scene.join(6)
    consent = scene.activity("consent", majority=majority, quorum=quorum, secret=secret)
    for who, choice in casts:
        args = {} if choice is MISSING else {"vote": choice}
        actor = MOD if who == 6 else phones[who]  # the moderator does not vote
        seq = scene.state.seq
        refusal = scene.attempt("consent.cast", actor, activity=consent, **args)
        if refusal is not None:
            assert scene.state.seq == seq
    counts = recount(scene.log, consent)
    yes, no, abstain = counts["yes"], counts["no"], counts["abstain"]
    assert results(scene) == {
        "yes": yes, "no": no, "abstain": abstain, "voters": yes + no + abstain,
        "quorum": quorum, "quorate": yes + no + abstain >= quorum,
        "outcome": expected_outcome(yes, no, abstain, majority, quorum)}
    moderator = scene.state.view("moderator")["activities"][0]
    if secret:
        assert "votes" not in moderator
    else:
        assert {v["participant"]: v["vote"] for v in moderator["votes"]} == {
            p: v for p, v in _last(scene.log).items() if v is not None}
    for phone in phones:
        mine = scene.state.mine(phone.participant or "")
        assert mine.get(consent, {}).get("vote") == _last(scene.log).get(phone.participant or "")
    rebuilt = SessionState.from_events(scene.log)
    for audience in AUDIENCES:
        assert rebuilt.view(audience) == scene.state.view(audience)


def _last(log: list[Event]) -> dict[str, str | None]:
    return {e.data["participant"]: e.data["vote"] for e in log if e.type == "consent.voted"}


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 40), st.integers(0, 40), st.integers(0, 40),
       st.sampled_from(["simple", "two_thirds"]), st.integers(0, 100))
def test_outcome_follows_the_rules_for_any_counts(yes: int, no: int, abstain: int,
                                                  majority: str, quorum: int) -> None:
    assert outcome(yes, no, abstain, majority, quorum) == expected_outcome(
        yes, no, abstain, majority, quorum)


def test_majorities_at_their_edges() -> None:
    assert outcome(2, 1, 0, "two_thirds", 0) == "accepted"  # exactly two thirds
    assert outcome(3, 2, 9, "two_thirds", 0) == "rejected"  # abstentions do not help
    assert outcome(0, 0, 5, "two_thirds", 0) == "rejected"  # nobody in favour
    assert outcome(0, 0, 0, "simple", 0) == "rejected"
    assert outcome(1, 1, 0, "simple", 0) == "rejected"  # a tie is no majority
    assert outcome(1, 0, 2, "simple", 3) == "accepted"  # abstentions count for the quorum
    assert outcome(1, 0, 1, "simple", 3) == "no_quorum"


def test_vote_rules() -> None:
    scene = Scene().live()
    (kim,) = scene.join()
    consent = scene.activity("consent")
    refused(scene, Invalid, "consent.cast", kim, activity=consent, vote="maybe")
    refused(scene, Invalid, "consent.cast", kim, activity=consent)
    refused(scene, Forbidden, "consent.cast", MOD, activity=consent, vote="yes")
    assert scene.run("consent.cast", kim, activity=consent, vote="yes") == {"vote": "yes"}
    seq = scene.state.seq
    assert scene.run("consent.cast", kim, activity=consent, vote="yes") == {"vote": "yes"}
    assert scene.state.seq == seq, "the same vote again records nothing"
    scene.run("consent.cast", kim, activity=consent, vote="abstain")
    assert results(scene)["abstain"] == 1 and results(scene)["yes"] == 0
    assert scene.state.mine(kim.participant or "") == {consent: {"vote": "abstain"}}
    assert scene.run("consent.cast", kim, activity=consent, vote=None) == {"vote": None}
    assert results(scene)["voters"] == 0
    assert scene.state.mine(kim.participant or "") == {}
    seq = scene.state.seq
    scene.run("consent.cast", kim, activity=consent, vote=None)
    assert scene.state.seq == seq, "withdrawing nothing records nothing"
    scene.run("activity.lock", activity=consent)
    refused(scene, ActivityClosed, "consent.cast", kim, activity=consent, vote="no")


def test_a_secret_vote_shows_nobody_who_voted_how() -> None:
    scene = Scene().live()
    kim, lea = scene.join(2)
    consent = scene.activity("consent", quorum=2)
    scene.run("consent.cast", kim, activity=consent, vote="yes")
    assert results(scene)["outcome"] == "no_quorum" and not results(scene)["quorate"]
    scene.run("consent.cast", lea, activity=consent, vote="no")
    assert results(scene)["outcome"] == "rejected"
    for audience in PUBLIC:
        assert results(scene, audience) is None, "results only once revealed"
    scene.run("activity.reveal", activity=consent)
    for audience in AUDIENCES:
        activity = scene.state.view(audience)["activities"][0]
        assert activity["results"]["voters"] == 2
        assert "votes" not in activity
        for event in scene.log:
            if event.type == "consent.voted":
                assert scene.state.project(event, audience) is None


def test_an_open_vote_shows_the_moderator_and_only_the_moderator_each_vote() -> None:
    scene = Scene(names=True).live()
    kim, lea = scene.join(2)
    consent = scene.activity("consent", secret=False, majority="two_thirds")
    scene.run("consent.cast", kim, activity=consent, vote="yes")
    scene.run("consent.cast", lea, activity=consent, vote="abstain")
    scene.run("activity.reveal", activity=consent)
    moderator = scene.state.view("moderator")["activities"][0]
    assert moderator["votes"] == [
        {"participant": kim.participant, "vote": "yes"},
        {"participant": lea.participant, "vote": "abstain"}]
    assert moderator["results"]["outcome"] == "accepted"
    event = next(e for e in scene.log if e.type == "consent.voted")
    assert scene.state.project(event, "moderator") == {
        "activity": consent, "participant": kim.participant, "vote": "yes"}
    for audience in PUBLIC:
        assert "votes" not in scene.state.view(audience)["activities"][0]
        assert scene.state.project(event, audience) is None


def test_consent_config_is_checked() -> None:
    scene = Scene().live()
    for config in ({"majority": "unanimous"}, {"quorum": -1}, {"quorum": True},
                   {"quorum": 1.5}, {"quorum": 10_001}, {"secret": "yes"}, {"colour": "red"}):
        refused(scene, Invalid, "activity.create", kind="consent", title="Antrag",
                config=config)
    consent = scene.activity("consent")
    assert scene.state.activities[consent].config == {
        "secret": True, "majority": "simple", "quorum": 0}


def test_result_line() -> None:
    german = {"Yes {n}": "Zustimmung {n}", "No {n}": "Ablehnung {n}",
              "Abstain {n}": "Enthaltung {n}", "accepted": "angenommen",
              "rejected": "abgelehnt", "no quorum": "nicht beschlussfähig"}
    line = {"yes": 12, "no": 0, "abstain": 3, "voters": 15, "quorum": 10, "quorate": True,
            "outcome": "accepted"}
    assert result_line(line, german.__getitem__) == (
        "Zustimmung 12 · Ablehnung 0 · Enthaltung 3 — angenommen")
    assert result_line({**line, "outcome": "no_quorum"}, lambda s: s) == (
        "Yes 12 · No 0 · Abstain 3 — no quorum")
