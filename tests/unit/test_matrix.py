"""Matrix: means and spreads equal a recount from the log with statistics.pstdev."""

from __future__ import annotations

import statistics
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from facilitator.domain.activities import KINDS
from facilitator.domain.activities.base import Activity
from facilitator.domain.errors import ActivityClosed, Invalid, NotFound, Refusal
from facilitator.domain.model import Actor, Command, Event
from facilitator.domain.session import Ids, SessionState
from tests.unit.helpers import Scene

ITEMS = ["Carsharing", "Wärmenetz", "Radwege"]
IDS = ["t1", "t2", "t3"]


def results(scene: Scene, activity: str) -> dict[str, Any]:
    view = next(a for a in scene.state.view("moderator")["activities"] if a["id"] == activity)
    out: dict[str, Any] = view["results"]
    return out


def recount(log: list[Event], activity: str) -> dict[tuple[str, str], tuple[int, int]]:
    """The standing positions from the log alone: (participant, item) -> (x, y)."""
    positions: dict[tuple[str, str], tuple[int, int]] = {}
    for event in log:
        d = event.data
        if event.type == "matrix.placed" and d["activity"] == activity:
            if d.get("clear"):
                del positions[(d["participant"], d["item"])]
            else:
                positions[(d["participant"], d["item"])] = (d["x"], d["y"])
    return positions


def expected(positions: dict[tuple[str, str], tuple[int, int]]) -> dict[str, Any]:
    items = []
    for item in IDS:
        xs = [x for (_, i), (x, _) in positions.items() if i == item]
        ys = [y for (_, i), (_, y) in positions.items() if i == item]

        def stat(f: Any, values: list[int]) -> float | None:
            return round(f(values), 2) if values else None

        items.append({"id": item, "n": len(xs), "x": stat(statistics.mean, xs),
                      "y": stat(statistics.mean, ys), "sx": stat(statistics.pstdev, xs),
                      "sy": stat(statistics.pstdev, ys)})
    return {"voters": len({p for p, _ in positions}), "items": items}


coordinate = st.one_of(st.integers(0, 12), st.none(), st.just(2.0), st.just(False))
place = st.tuples(st.integers(0, 5), st.sampled_from([*IDS, "t7"]),
                  st.one_of(st.tuples(coordinate, coordinate), st.just("clear")))


@settings(max_examples=150, deadline=None)
@given(steps=st.sampled_from([3, 5, 11]), commands=st.lists(place, max_size=60))
def test_means_and_spreads_equal_a_recount(steps: int, commands: list[tuple[int, str, Any]]
                                           ) -> None:
    scene = Scene().live()
    phones = scene.join(6)
    activity = scene.activity("matrix", items=ITEMS, steps=steps)
    for who, item, where in commands:
        args: dict[str, Any] = {"activity": activity, "item": item}
        if where == "clear":
            args["clear"] = True
        else:
            args["x"], args["y"] = where
        seq, before = scene.state.seq, results(scene, activity)
        try:
            ack = scene.run("matrix.place", phones[who], **args)
        except Refusal as refusal:
            assert isinstance(refusal, Invalid | NotFound)
            assert scene.state.seq == seq and results(scene, activity) == before
            continue
        assert ack == ({"clear": True} if where == "clear" else {"x": args["x"], "y": args["y"]})
    positions = recount(scene.log, activity)
    assert all(1 <= c <= steps for xy in positions.values() for c in xy)
    assert results(scene, activity) == expected(positions)
    for phone in phones:
        who = phone.participant or ""
        own = {i: {"x": x, "y": y} for (p, i), (x, y) in positions.items() if p == who}
        assert scene.state.mine(who).get(activity) == ({"positions": own} if own else None)
    rebuilt = SessionState.from_events(scene.log)
    for audience in ("moderator", "presenter", "participant"):
        assert rebuilt.view(audience) == scene.state.view(audience)  # type: ignore[arg-type]
    for phone in phones:
        assert rebuilt.mine(phone.participant or "") == scene.state.mine(phone.participant or "")


def test_refusals() -> None:
    scene = Scene().live()
    (ana,) = scene.join()
    matrix = scene.activity("matrix", items=ITEMS)

    def refused(kind: type, **args: Any) -> None:
        seq = scene.state.seq
        refusal = scene.attempt("matrix.place", ana, activity=matrix, **args)
        assert isinstance(refusal, kind), (args, refusal)
        assert str(refusal) and scene.state.seq == seq

    refused(NotFound, item="t9", x=1, y=1)
    refused(NotFound, x=1, y=1)
    refused(Invalid, item="t1", x=0, y=1)
    refused(Invalid, item="t1", x=1, y=6)
    refused(Invalid, item="t1", x=1)
    refused(Invalid, item="t1", x=1, y=None)
    refused(Invalid, item="t1", x=1, y=2, clear=True)
    refused(Invalid, item="t1", clear=1)
    assert scene.run("matrix.place", ana, activity=matrix, item="t2", x=2, y=5) == {
        "x": 2, "y": 5}
    seq = scene.state.seq
    scene.run("matrix.place", ana, activity=matrix, item="t2", x=2, y=5)
    scene.run("matrix.place", ana, activity=matrix, item="t1", clear=True)
    assert scene.state.seq == seq, "the same position again, or clearing none, records nothing"
    assert scene.state.mine(ana.participant or "") == {
        matrix: {"positions": {"t2": {"x": 2, "y": 5}}}}
    assert results(scene, matrix)["items"][1] == {"id": "t2", "n": 1, "x": 2, "y": 5,
                                                  "sx": 0, "sy": 0}
    assert scene.run("matrix.place", ana, activity=matrix, item="t2", clear=True, x=None) == {
        "clear": True}
    assert results(scene, matrix)["voters"] == 0
    scene.run("activity.lock", activity=matrix)
    refused(ActivityClosed, item="t1", x=1, y=1)


def test_items_must_be_fixed_before_placing() -> None:
    config = KINDS["matrix"].make_config({"items": ITEMS})
    activity = Activity("a1", "matrix", "M", "", config, KINDS["matrix"].new_data(config),
                        status="active")
    command = Command("matrix.place", {"activity": "a1", "item": "t1", "x": 1, "y": 1},
                      Actor("participant", "p1"), 1.0)
    try:
        KINDS["matrix"].decide(activity, command, Ids(Scene().state))
    except Invalid:
        pass
    else:
        raise AssertionError("a position of an item that is not fixed yet was accepted")


def test_config() -> None:
    kind = KINDS["matrix"]
    assert kind.make_config({"items": ITEMS}) == {
        "items": ITEMS, "steps": 5,
        "x": {"label": "Aufwand", "low": "gering", "high": "hoch"},
        "y": {"label": "Wirkung", "low": "gering", "high": "hoch"}}
    # An axis with only a label keeps the default words for its ends.
    assert kind.make_config({"items": ITEMS, "x": {"label": "Kosten"}})["x"] == {
        "label": "Kosten", "low": "gering", "high": "hoch"}
    scene = Scene().live()
    for config in ({"items": ITEMS, "steps": 2}, {"items": ITEMS, "steps": 12},
                   {"items": ITEMS, "steps": "5"}, {"items": ITEMS, "x": "Kosten"},
                   {"items": ITEMS, "x": {"name": "Kosten"}},
                   {"items": ITEMS, "y": {"label": "x" * 61}},
                   {"items": ITEMS, "y": {"label": ""}},
                   {"items": ITEMS, "colour": "red"}):
        refusal = scene.attempt("activity.create", kind="matrix", title="M", config=config)
        assert isinstance(refusal, Invalid), config


def test_top_of_a_matrix_is_by_impact_then_less_effort() -> None:
    scene = Scene().live()
    ana, ben = scene.join(2)
    first = scene.activity("matrix", items=["A", "B", "C", "D"])
    # (item, x = effort, y = impact): B and C have equal impact 4, C with less effort.
    for phone, item, x, y in ((ana, "t1", 1, 2), (ana, "t2", 4, 4), (ben, "t2", 4, 4),
                              (ben, "t3", 2, 5), (ana, "t3", 2, 3), (ben, "t1", 1, 3)):
        scene.run("matrix.place", phone, activity=first, item=item, x=x, y=y)
    ranked = KINDS["matrix"].ranked(scene.state.activities[first]) or []
    assert [i["id"] for i, _ in ranked] == ["t3", "t2", "t1", "t4"], "D unplaced comes last"
    later = scene.activity("ranking", items={"from": first, "take": "top:2"})
    assert scene.state.activities[later].items == [
        {"id": "t3", "label": "C"}, {"id": "t2", "label": "B"}]
    third = scene.activity("dots", items={"from": first, "take": "top:3"})
    assert [i["id"] for i in scene.state.activities[third].items or []] == ["t3", "t2", "t1"]
