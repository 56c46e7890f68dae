"""Items for prioritising: static lists and sources from earlier activities."""

from __future__ import annotations

import pytest

from facilitator.domain.activities.items import parse_items, top
from facilitator.domain.errors import Invalid


def test_static_items_and_sources_are_checked() -> None:
    assert parse_items(["A", "B"]) == ["A", "B"]
    assert parse_items({"from": "a2", "take": "top:5"}) == {"from": "a2", "take": "top:5"}
    for bad in (["A"], ["A", "a"], "A,B", {"from": "a2"}, {"from": "x", "take": "all"},
                {"from": "a2", "take": "top:0"}, {"from": "a2", "take": "top:51"},
                {"from": "a2", "take": "cluster:Mobilität"}, {"from": "a2", "take": "best"}):
        with pytest.raises(Invalid):
            parse_items(bad)


def test_top_includes_ties_at_the_cut() -> None:
    ranked = [({"id": k, "label": k}, score)
              for k, score in [("a", 9), ("b", 7), ("c", 7), ("d", 1)]]
    assert [i["id"] for i in top(ranked, 2)] == ["a", "b", "c"]
    assert [i["id"] for i in top(ranked, 1)] == ["a"]
    assert [i["id"] for i in top(ranked, 9)] == ["a", "b", "c", "d"]


def test_a_long_wall_of_one_group_does_not_push_the_others_out() -> None:
    from facilitator.domain.commands import fair_share

    groups = [[{"id": f"g{g}i{n}", "label": "x"} for n in range(size)]
              for g, size in enumerate((40, 30, 3))]
    taken = fair_share(groups, 50)
    assert len(taken) == 50
    counts = [sum(1 for item in taken if item["id"].startswith(f"g{g}i")) for g in range(3)]
    assert counts == [24, 23, 3]
    assert len(fair_share(groups, 100)) == 73, "all of them when they fit"
    assert fair_share([groups[2], groups[2]], 50) == groups[2] + groups[2], "fits: unchanged"
