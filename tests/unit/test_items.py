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
