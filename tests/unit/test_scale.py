"""Scale: statistics equal a recount from the log; "can't judge" is never counted."""

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
CRITERIA = [{"id": "wirkung", "label": "Wirkung"}, {"id": "machbar", "label": "Machbarkeit"}]
CANT = object()  # in a recount: "can't judge"


def results(scene: Scene, activity: str) -> dict[str, Any]:
    view = next(a for a in scene.state.view("moderator")["activities"] if a["id"] == activity)
    out: dict[str, Any] = view["results"]
    return out


def recount(log: list[Event], activity: str) -> dict[tuple[str, str, str], Any]:
    """The standing ratings from the log alone: (participant, item, criterion) -> value."""
    ratings: dict[tuple[str, str, str], Any] = {}
    for event in log:
        d = event.data
        if event.type == "scale.rated" and d["activity"] == activity:
            key = (d["participant"], d["item"], d["criterion"])
            if d.get("clear"):
                del ratings[key]
            else:
                ratings[key] = CANT if d["value"] is None else d["value"]
    return ratings


def expected(ratings: dict[tuple[str, str, str], Any], low: int, high: int) -> dict[str, Any]:
    items = []
    for item in IDS:
        criteria = {}
        for criterion in ("wirkung", "machbar"):
            cast = [v for (_, i, c), v in ratings.items() if (i, c) == (item, criterion)]
            values = [v for v in cast if v is not CANT]
            criteria[criterion] = {
                "n": len(values),
                "mean": round(statistics.mean(values), 2) if values else None,
                "median": round(statistics.median(values), 2) if values else None,
                "distribution": [values.count(v) for v in range(low, high + 1)],
                "cant_judge": len(cast) - len(values)}
        items.append({"id": item, "criteria": criteria})
    return {"voters": len({p for p, _, _ in ratings}), "items": items}


value = st.one_of(st.integers(-1, 11), st.none(), st.just("clear"), st.just("missing"),
                  st.just(2.5), st.just(True))
rating = st.tuples(st.integers(0, 3), st.sampled_from([*IDS, "t9"]),
                   st.sampled_from(["wirkung", "machbar", "kosten"]), value)


@settings(max_examples=150, deadline=None)
@given(scale=st.sampled_from([(1, 5), (1, 3), (2, 10), (3, 4)]),
       commands=st.lists(rating, max_size=60))
def test_statistics_equal_a_recount(scale: tuple[int, int],
                                    commands: list[tuple[int, str, str, Any]]) -> None:
    low, high = scale
    scene = Scene().live()
    phones = scene.join(4)
    activity = scene.activity("scale", items=ITEMS, criteria=CRITERIA, min=low, max=high)
    for who, item, criterion, value in commands:
        args: dict[str, Any] = {"activity": activity, "item": item, "criterion": criterion}
        if value == "clear":
            args["clear"] = True
        elif value != "missing":
            args["value"] = value
        seq, before = scene.state.seq, results(scene, activity)
        try:
            ack = scene.run("scale.rate", phones[who], **args)
        except Refusal as refusal:
            assert isinstance(refusal, Invalid | NotFound)
            assert scene.state.seq == seq and results(scene, activity) == before
            continue
        assert ack == ({"clear": True} if value == "clear" else {"value": value})
    ratings = recount(scene.log, activity)
    assert results(scene, activity) == expected(ratings, low, high)
    for phone in phones:
        who = phone.participant or ""
        own: dict[str, dict[str, Any]] = {}
        for (p, item, criterion), v in ratings.items():
            if p == who:
                own.setdefault(item, {})[criterion] = None if v is CANT else v
        mine = scene.state.mine(who).get(activity)
        assert mine == ({"ratings": own} if own else None)
    rebuilt = SessionState.from_events(scene.log)
    for audience in ("moderator", "presenter", "participant"):
        assert rebuilt.view(audience) == scene.state.view(audience)  # type: ignore[arg-type]
    for phone in phones:
        assert rebuilt.mine(phone.participant or "") == scene.state.mine(phone.participant or "")


def test_cant_judge_is_recorded_but_not_counted() -> None:
    scene = Scene().live()
    ana, ben, cem = scene.join(3)
    scale = scene.activity("scale", items=ITEMS)
    scene.run("scale.rate", ana, activity=scale, item="t1", criterion="rating", value=4)
    scene.run("scale.rate", ben, activity=scale, item="t1", criterion="rating", value=1)
    assert scene.run("scale.rate", cem, activity=scale, item="t1", criterion="rating",
                     value=None) == {"value": None}
    assert results(scene, scale) == {"voters": 3, "items": [
        {"id": "t1", "criteria": {"rating": {"n": 2, "mean": 2.5, "median": 2.5,
                                             "distribution": [1, 0, 0, 1, 0],
                                             "cant_judge": 1}}},
        *({"id": i, "criteria": {"rating": {"n": 0, "mean": None, "median": None,
                                            "distribution": [0, 0, 0, 0, 0],
                                            "cant_judge": 0}}} for i in ("t2", "t3"))]}
    assert scene.state.mine(cem.participant or "") == {scale: {"ratings": {"t1": {
        "rating": None}}}}
    # Changing one's mind from "can't judge" to a value moves the count over.
    scene.run("scale.rate", cem, activity=scale, item="t1", criterion="rating", value=4)
    stats = results(scene, scale)["items"][0]["criteria"]["rating"]
    assert (stats["n"], stats["mean"], stats["median"], stats["cant_judge"]) == (3, 3, 4, 0)
    assert scene.run("scale.rate", cem, activity=scale, item="t1", criterion="rating",
                     clear=True) == {"clear": True}
    assert scene.state.mine(cem.participant or "") == {}
    assert results(scene, scale)["voters"] == 2


def test_refusals() -> None:
    scene = Scene().live()
    (ana,) = scene.join()
    scale = scene.activity("scale", items=ITEMS, criteria=CRITERIA, min=1, max=4)

    def refused(kind: type, **args: Any) -> None:
        seq = scene.state.seq
        refusal = scene.attempt("scale.rate", ana, activity=scale, **args)
        assert isinstance(refusal, kind), (args, refusal)
        assert str(refusal) and scene.state.seq == seq

    refused(NotFound, item="t9", criterion="wirkung", value=2)
    refused(NotFound, item="t1", criterion="rating", value=2)
    refused(NotFound, item="t1", value=2)
    refused(Invalid, item="t1", criterion="wirkung", value=5)
    refused(Invalid, item="t1", criterion="wirkung", value=0)
    refused(Invalid, item="t1", criterion="wirkung", value=2.0)
    refused(Invalid, item="t1", criterion="wirkung", value=True)
    refused(Invalid, item="t1", criterion="wirkung")
    refused(Invalid, item="t1", criterion="wirkung", value=2, clear=True)
    refused(Invalid, item="t1", criterion="wirkung", value=2, clear="yes")
    assert scene.run("scale.rate", ana, activity=scale, item="t1", criterion="wirkung",
                     value=3, clear=False) == {"value": 3}
    seq = scene.state.seq
    scene.run("scale.rate", ana, activity=scale, item="t1", criterion="wirkung", value=3)
    scene.run("scale.rate", ana, activity=scale, item="t2", criterion="wirkung", clear=True)
    assert scene.state.seq == seq, "the same rating again, or clearing none, records nothing"
    scene.run("activity.lock", activity=scale)
    refused(ActivityClosed, item="t1", criterion="wirkung", value=2)


def test_items_must_be_fixed_before_rating() -> None:
    config = KINDS["scale"].make_config({"items": ITEMS})
    activity = Activity("a1", "scale", "S", "", config, KINDS["scale"].new_data(config),
                        status="active")
    command = Command("scale.rate", {"activity": "a1", "item": "t1", "criterion": "rating",
                                     "value": 3}, Actor("participant", "p1"), 1.0)
    try:
        KINDS["scale"].decide(activity, command, Ids(Scene().state))
    except Invalid:
        pass
    else:
        raise AssertionError("a rating of items that are not fixed yet was accepted")


def test_config() -> None:
    kind = KINDS["scale"]
    assert kind.make_config({"items": ITEMS}) == {
        "items": ITEMS, "criteria": [{"id": "rating", "label": "Bewertung"}], "min": 1,
        "max": 5, "labels": {}}
    assert kind.make_config({"items": ITEMS, "min": 1, "max": 3, "labels": {
        "3": "hoch", "1": "gering"}})["labels"] == {"1": "gering", "3": "hoch"}
    scene = Scene().live()
    for config in ({"items": ITEMS, "min": 0}, {"items": ITEMS, "max": 11},
                   {"items": ITEMS, "min": 3, "max": 3}, {"items": ITEMS, "min": 5},
                   {"items": ITEMS, "criteria": []},
                   {"items": ITEMS, "criteria": CRITERIA * 3},
                   {"items": ITEMS, "criteria": [{"id": "A b", "label": "x"}]},
                   {"items": ITEMS, "criteria": [{"id": "a", "label": "x"},
                                                 {"id": "a", "label": "y"}]},
                   {"items": ITEMS, "criteria": [{"id": "a", "label": "x" * 61}]},
                   {"items": ITEMS, "criteria": ["Wirkung"]},
                   {"items": ITEMS, "labels": {"6": "sehr hoch"}},
                   {"items": ITEMS, "labels": {"1": "x" * 41}},
                   {"items": ITEMS, "labels": ["gering"]},
                   {"items": ITEMS, "colour": "red"}):
        refusal = scene.attempt("activity.create", kind="scale", title="S", config=config)
        assert isinstance(refusal, Invalid), config


def test_top_of_a_scale_is_by_the_mean_of_the_first_criterion() -> None:
    scene = Scene().live()
    ana, ben = scene.join(2)
    first = scene.activity("scale", items=["A", "B", "C", "D"], criteria=CRITERIA)
    for phone, item, criterion, value in (
            (ana, "t1", "wirkung", 2), (ana, "t2", "wirkung", 4), (ana, "t3", "wirkung", 3),
            (ben, "t3", "wirkung", 5), (ben, "t1", "machbar", 5), (ben, "t4", "wirkung", None)):
        scene.run("scale.rate", phone, activity=first, item=item, criterion=criterion,
                  value=value)
    # B 4 and C 4 tie for the top; A 2; D nobody could judge, so it comes last.
    ranked = KINDS["scale"].ranked(scene.state.activities[first]) or []
    assert [i["id"] for i, _ in ranked] == ["t2", "t3", "t1", "t4"]
    later = scene.activity("dots", items={"from": first, "take": "top:1"})
    assert scene.state.activities[later].items == [
        {"id": "t2", "label": "B"}, {"id": "t3", "label": "C"}]
