"""Ranking: Borda totals equal the sum over the voters' last rankings, ties share ranks."""

from __future__ import annotations

from collections import Counter
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from facilitator.domain.activities import KINDS
from facilitator.domain.activities.base import Activity
from facilitator.domain.errors import ActivityClosed, Invalid, NotFound, Refusal
from facilitator.domain.model import Actor, Command, Event
from facilitator.domain.session import Ids, SessionState
from tests.unit.helpers import Scene

ITEMS = ["Carsharing", "Wärmenetz", "Radwege", "Solar", "Bürgerrat"]
IDS = [f"t{n}" for n in range(1, 6)]


def results(scene: Scene, activity: str) -> dict[str, Any]:
    view = next(a for a in scene.state.view("moderator")["activities"] if a["id"] == activity)
    out: dict[str, Any] = view["results"]
    return out


def recount(log: list[Event], activity: str) -> tuple[int, Counter[str]]:
    """Borda points from the log alone: the last ranking of each participant."""
    last: dict[str, list[str]] = {}
    for event in log:
        if event.type == "ranking.submitted" and event.data["activity"] == activity:
            last[event.data["participant"]] = event.data["order"]
    points: Counter[str] = Counter()
    orders = [order for order in last.values() if order]
    for order in orders:
        for place, item in enumerate(order):
            points[item] += len(order) - place
    return len(orders), points


# A ranking of the right length (a permutation cut to k at run time), any list at all, a
# withdrawal, or the participant's previous ranking again.
ballot = st.one_of(st.permutations(IDS).map(lambda p: ("cut", list(p))),
                   st.lists(st.sampled_from([*IDS, "t9"]), max_size=6).map(
                       lambda o: ("raw", o)),
                   st.just(("raw", [])), st.just(("again", [])))


@settings(max_examples=150, deadline=None)
@given(top=st.sampled_from([None, 2, 3, 5]),
       ballots=st.lists(st.tuples(st.integers(0, 4), ballot), max_size=50))
def test_borda_totals_equal_the_sum_over_voters(
        top: int | None, ballots: list[tuple[int, tuple[str, list[str]]]]) -> None:
    scene = Scene().live()
    phones = scene.join(5)
    activity = scene.activity("ranking", items=ITEMS, top=top)
    k = top or len(IDS)
    sent: dict[int, list[str]] = {}
    for who, (how, order) in ballots:
        order = {"cut": order[:k], "raw": order, "again": sent.get(who, [])}[how]
        sent[who] = order
        seq, before = scene.state.seq, results(scene, activity)
        try:
            ack = scene.run("ranking.set", phones[who], activity=activity, order=order)
        except Refusal as refusal:
            assert isinstance(refusal, Invalid | NotFound)
            assert scene.state.seq == seq and results(scene, activity) == before
            continue
        assert ack == {"order": order}
        assert len(order) in {0, k}
    voters, points = recount(scene.log, activity)
    got = results(scene, activity)
    assert got["voters"] == voters
    assert {i["id"]: i["points"] for i in got["items"]} == {i: points[i] for i in IDS}
    # Sorted by points, ties in item order; a rank is one more than the items ahead of it.
    assert [i["id"] for i in got["items"]] == sorted(IDS, key=lambda i: (-points[i], IDS.index(i)))
    for item in got["items"]:
        assert item["rank"] == 1 + sum(1 for i in IDS if points[i] > item["points"])
    assert sum(points.values()) == voters * k * (k + 1) // 2
    ranked = KINDS["ranking"].ranked(scene.state.activities[activity]) or []
    assert [(i["id"], s) for i, s in ranked] == [(i["id"], float(i["points"]))
                                                 for i in got["items"]]
    rebuilt = SessionState.from_events(scene.log)
    for audience in ("moderator", "presenter", "participant"):
        assert rebuilt.view(audience) == scene.state.view(audience)  # type: ignore[arg-type]
    for phone in phones:
        assert rebuilt.mine(phone.participant or "") == scene.state.mine(phone.participant or "")


def test_refusals_and_withdrawal() -> None:
    scene = Scene().live()
    (ana,) = scene.join()
    ranking = scene.activity("ranking", items=ITEMS, top=3)

    def refused(kind: type, order: Any) -> None:
        seq = scene.state.seq
        refusal = scene.attempt("ranking.set", ana, activity=ranking, order=order)
        assert isinstance(refusal, kind), (order, refusal)
        assert str(refusal) and scene.state.seq == seq

    refused(NotFound, ["t1", "t2", "t9"])
    refused(Invalid, ["t1", "t1", "t2"])
    refused(Invalid, ["t1", "t2"])
    refused(Invalid, ["t1", "t2", "t3", "t4"])
    refused(Invalid, "t1, t2, t3")
    refused(Invalid, None)
    assert scene.run("ranking.set", ana, activity=ranking, order=["t3", "t1", "t5"]) == {
        "order": ["t3", "t1", "t5"]}
    assert scene.state.mine(ana.participant or "") == {ranking: {"order": ["t3", "t1", "t5"]}}
    seq = scene.state.seq
    scene.run("ranking.set", ana, activity=ranking, order=["t3", "t1", "t5"])
    assert scene.state.seq == seq, "the same ranking again records nothing"
    assert results(scene, ranking)["items"][:3] == [
        {"id": "t3", "points": 3, "rank": 1}, {"id": "t1", "points": 2, "rank": 2},
        {"id": "t5", "points": 1, "rank": 3}]
    assert results(scene, ranking)["items"][3:] == [
        {"id": "t2", "points": 0, "rank": 4}, {"id": "t4", "points": 0, "rank": 4}]
    assert scene.run("ranking.set", ana, activity=ranking, order=[]) == {"order": []}
    assert results(scene, ranking)["voters"] == 0
    assert scene.state.mine(ana.participant or "") == {}
    seq = scene.state.seq
    scene.run("ranking.set", ana, activity=ranking, order=[])
    assert scene.state.seq == seq, "withdrawing nothing records nothing"
    scene.run("activity.lock", activity=ranking)
    refused(ActivityClosed, ["t1", "t2", "t3"])


def test_items_must_be_fixed_before_ranking() -> None:
    activity = Activity("a1", "ranking", "R", "", {"items": ITEMS, "top": None},
                        KINDS["ranking"].new_data({}), status="active")
    command = Command("ranking.set", {"activity": "a1", "order": IDS},
                      Actor("participant", "p1"), 1.0)
    try:
        KINDS["ranking"].decide(activity, command, Ids(Scene().state))
    except Invalid:
        pass
    else:
        raise AssertionError("a ranking of items that are not fixed yet was accepted")


def test_config_is_checked() -> None:
    scene = Scene().live()
    for config in ({"items": ITEMS, "top": 1}, {"items": ITEMS, "top": 6},
                   {"items": ITEMS, "top": "3"}, {"items": ITEMS, "top": True},
                   {"items": ITEMS, "colour": "red"}, {"items": []},
                   {"items": {"from": "a1", "take": "top:2"}, "top": 51}):
        refusal = scene.attempt("activity.create", kind="ranking", title="R", config=config)
        assert isinstance(refusal, Invalid), config


def test_top_of_a_source_with_fewer_items_ranks_them_all() -> None:
    scene = Scene().live()
    (ana,) = scene.join()
    first = scene.activity("ranking", items=["A", "B", "C"])
    scene.run("ranking.set", ana, activity=first, order=["t2", "t3", "t1"])
    later = scene.activity("ranking", items={"from": first, "take": "top:3"}, top=4)
    assert isinstance(scene.attempt("ranking.set", ana, activity=later, order=["t2"]), Invalid)
    scene.run("ranking.set", ana, activity=later, order=["t1", "t2", "t3"])
    assert results(scene, later)["items"][0] == {"id": "t1", "points": 3, "rank": 1}


def test_top_of_a_ranking_feeds_a_later_activity_with_ties_at_the_cut() -> None:
    scene = Scene().live()
    ana, ben = scene.join(2)
    first = scene.activity("ranking", items=["A", "B", "C", "D"], top=2)
    scene.run("ranking.set", ana, activity=first, order=["t1", "t2"])
    scene.run("ranking.set", ben, activity=first, order=["t2", "t3"])
    # Ben's new ranking replaces his first one: A 2, B 2, C 2, D 0, a tie at the top.
    scene.run("ranking.set", ben, activity=first, order=["t3", "t2"])
    assert [(i["id"], i["rank"]) for i in results(scene, first)["items"]] == [
        ("t1", 1), ("t2", 1), ("t3", 1), ("t4", 4)]
    later = scene.activity("dots", items={"from": first, "take": "top:2"})
    assert scene.state.activities[later].items == [
        {"id": "t1", "label": "A"}, {"id": "t2", "label": "B"}, {"id": "t3", "label": "C"}]
    one = scene.activity("dots", items={"from": first, "take": "top:4"})
    assert len(scene.state.activities[one].items or []) == 4
