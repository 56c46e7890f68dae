"""Dots: budgets and caps hold under any sequence, results equal a recount from the log."""

from __future__ import annotations

from collections import Counter
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from facilitator.domain.activities import KINDS
from facilitator.domain.activities.base import Activity
from facilitator.domain.errors import ActivityClosed, Invalid, LimitReached, NotFound
from facilitator.domain.model import Actor, Command, Event
from facilitator.domain.session import Ids, SessionState
from tests.unit.helpers import Scene

ITEMS = ["Carsharing", "Wärmenetz", "Radwege", "Solar"]


def results(scene: Scene, activity: str) -> dict[str, Any]:
    view = next(a for a in scene.state.view("moderator")["activities"] if a["id"] == activity)
    out: dict[str, Any] = view["results"]
    return out


def recount(log: list[Event], activity: str, dots: int,
            per_item: int) -> dict[str, dict[str, int]]:
    """Each participant's dots from the log alone; checks budget and cap after every event."""
    placed: dict[str, dict[str, int]] = {}
    for event in log:
        if event.type == "dots.placed" and event.data["activity"] == activity:
            own = placed.setdefault(event.data["participant"], {})
            own[event.data["item"]] = event.data["count"]
            assert sum(own.values()) <= dots, "over the budget"
            assert max(own.values()) <= per_item, "over the cap of an item"
    return {p: {i: n for i, n in own.items() if n} for p, own in placed.items()
            if any(own.values())}


command = st.tuples(st.integers(0, 3), st.sampled_from(["t1", "t2", "t3", "t4", "t9", 7]),
                    st.one_of(st.integers(-1, 6), st.just(True), st.just("2")))


@settings(max_examples=150, deadline=None)
@given(dots=st.integers(1, 8), cap=st.integers(1, 8),
       commands=st.lists(command, max_size=60))
def test_results_equal_a_recount_and_budgets_hold(
        dots: int, cap: int, commands: list[tuple[int, Any, Any]]) -> None:
    per_item = min(cap, dots)
    scene = Scene().live()
    phones = scene.join(4)
    activity = scene.activity("dots", items=ITEMS, dots=dots, per_item=per_item)
    for who, item, count in commands:
        seq, before = scene.state.seq, results(scene, activity)
        try:
            ack = scene.run("dots.set", phones[who], activity=activity, item=item, count=count)
        except (Invalid, NotFound, LimitReached):
            assert scene.state.seq == seq and results(scene, activity) == before
            continue
        own = scene.state.mine(phones[who].participant or "").get(activity)
        assert ack == (own or {"placed": {}, "left": dots})
    placed = recount(scene.log, activity, dots, per_item)
    totals: Counter[str] = Counter()
    voters: Counter[str] = Counter()
    for own in placed.values():
        totals.update(own)
        voters.update(own.keys())
    assert results(scene, activity) == {
        "voters": len(placed), "dots": sum(totals.values()),
        "items": [{"id": f"t{n}", "dots": totals[f"t{n}"], "voters": voters[f"t{n}"]}
                  for n in range(1, 5)]}
    for phone in phones:
        own = placed.get(phone.participant or "")
        mine = scene.state.mine(phone.participant or "").get(activity)
        assert mine == (None if own is None else {
            "placed": dict(sorted(own.items())), "left": dots - sum(own.values())})
    rebuilt = SessionState.from_events(scene.log)
    for audience in ("moderator", "presenter", "participant"):
        assert rebuilt.view(audience) == scene.state.view(audience)  # type: ignore[arg-type]
    for phone in phones:
        assert rebuilt.mine(phone.participant or "") == scene.state.mine(phone.participant or "")


def test_refusals() -> None:
    scene = Scene().live()
    (ana,) = scene.join()
    dots = scene.activity("dots", items=ITEMS, dots=4, per_item=2)

    def refused(kind: type, **args: Any) -> None:
        seq = scene.state.seq
        refusal = scene.attempt("dots.set", ana, activity=dots, **args)
        assert isinstance(refusal, kind), (args, refusal)
        assert str(refusal) and scene.state.seq == seq

    refused(NotFound, item="t9", count=1)
    refused(NotFound, count=1)
    refused(Invalid, item="t1", count=3)
    refused(Invalid, item="t1", count=-1)
    refused(Invalid, item="t1", count=True)
    refused(Invalid, item="t1")
    assert scene.run("dots.set", ana, activity=dots, item="t2", count=2) == {
        "placed": {"t2": 2}, "left": 2}
    assert scene.run("dots.set", ana, activity=dots, item="t1", count=2) == {
        "placed": {"t1": 2, "t2": 2}, "left": 0}
    refused(LimitReached, item="t3", count=1)
    # Moving a dot: take it off one item, then put it on another.
    scene.run("dots.set", ana, activity=dots, item="t1", count=1)
    assert scene.run("dots.set", ana, activity=dots, item="t3", count=1) == {
        "placed": {"t1": 1, "t2": 2, "t3": 1}, "left": 0}
    seq = scene.state.seq
    assert scene.run("dots.set", ana, activity=dots, item="t3", count=1)["left"] == 0
    assert scene.state.seq == seq, "the same count again records nothing"
    scene.run("activity.lock", activity=dots)
    refused(ActivityClosed, item="t3", count=0)


def test_items_must_be_fixed_before_dots_are_placed() -> None:
    activity = Activity("a1", "dots", "Punkte", "", {"items": ITEMS, "dots": 5, "per_item": 3},
                        KINDS["dots"].new_data({}), status="active")
    command = Command("dots.set", {"activity": "a1", "item": "t1", "count": 1},
                      Actor("participant", "p1"), 1.0)
    scene = Scene()
    try:
        KINDS["dots"].decide(activity, command, Ids(scene.state))
    except Invalid:
        pass
    else:
        raise AssertionError("dots on items that are not fixed yet were accepted")
    assert KINDS["dots"].results(activity) is None


def test_config_is_checked() -> None:
    scene = Scene().live()
    for config in ({"items": ITEMS, "dots": 0}, {"items": ITEMS, "dots": 51},
                   {"items": ITEMS, "dots": 3, "per_item": 4}, {"items": ITEMS, "per_item": 0},
                   {"items": ["nur eins"]}, {"items": ITEMS, "colour": "red"},
                   {"items": {"from": "a1"}}, {"items": ITEMS, "dots": "5"}):
        refusal = scene.attempt("activity.create", kind="dots", title="D", config=config)
        assert isinstance(refusal, Invalid), config
    scene.activity("dots", items=ITEMS, dots=2)
    assert scene.state.activities["a1"].config == {"items": ITEMS, "dots": 2, "per_item": 2}


def test_secret_until_revealed_and_frozen_items() -> None:
    scene = Scene().live()
    (ana,) = scene.join()
    dots = scene.activity("dots", items=ITEMS)
    scene.run("dots.set", ana, activity=dots, item="t4", count=3)
    for audience in ("presenter", "participant"):
        view = scene.state.view(audience)["activities"][0]  # type: ignore[arg-type]
        assert view["results"] is None
        assert view["items"][3] == {"id": "t4", "label": "Solar"}
    event = scene.log[-1]
    assert event.type == "dots.placed"
    for audience in ("moderator", "presenter", "participant"):
        assert scene.state.project(event, audience) is None  # type: ignore[arg-type]
    scene.run("activity.reveal", activity=dots)
    assert scene.state.view("participant")["activities"][0]["results"]["dots"] == 3


def test_top_of_dots_feeds_a_later_activity_with_ties_at_the_cut() -> None:
    scene = Scene().live()
    ana, ben = scene.join(2)
    first = scene.activity("dots", items=["A", "B", "C", "D", "E"], dots=6)
    for phone, item, count in ((ana, "t3", 3), (ana, "t2", 1), (ben, "t5", 1),
                               (ben, "t4", 1), (ben, "t1", 2)):
        scene.run("dots.set", phone, activity=first, item=item, count=count)
    # C 3, A 2, then B, D and E tie with 1 each at the cut of top:3.
    ranked = KINDS["dots"].ranked(scene.state.activities[first])
    assert [(i["id"], score) for i, score in ranked or []] == [
        ("t3", 3.0), ("t1", 2.0), ("t2", 1.0), ("t4", 1.0), ("t5", 1.0)]
    later = scene.activity("dots", items={"from": first, "take": "top:3"})
    assert scene.state.activities[later].items == [
        {"id": "t3", "label": "C"}, {"id": "t1", "label": "A"}, {"id": "t2", "label": "B"},
        {"id": "t4", "label": "D"}, {"id": "t5", "label": "E"}]
    two = scene.activity("dots", items={"from": first, "take": "top:2"})
    assert [i["id"] for i in scene.state.activities[two].items or []] == ["t3", "t1"]
    # Later dots on the source change nothing that was frozen.
    scene.run("activity.activate", activity=first)
    scene.run("dots.set", ben, activity=first, item="t5", count=3)
    assert [i["id"] for i in scene.state.activities[two].items or []] == ["t3", "t1"]
