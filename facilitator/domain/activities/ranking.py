"""Ranking: every participant puts the items (or the best k of them) in order; the results
are Borda points (place 1 of k gets k points, place k gets 1, unranked items 0).

Points are added and taken away per ballot in `apply`, so replacing a ranking is exact and
a tally costs a sort of the items, never a pass over the ballots."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from facilitator.domain.activities.base import OPEN, Activity, IdSource, Kind, Rule
from facilitator.domain.activities.items import MAX_TOP, frozen_items, parse_items, whole
from facilitator.domain.errors import N_, Invalid, NotFound
from facilitator.domain.model import Audience, Command, Decision, Event


@dataclass
class RankingData:
    orders: dict[str, tuple[str, ...]] = field(default_factory=dict)  # participant -> order
    points: Counter[str] = field(default_factory=Counter)  # item -> Borda points


def places(activity: Activity) -> int:
    """How many items a ranking orders. A source may give fewer items than `top` asked for;
    then everything is ranked rather than nothing being possible."""
    count = len(frozen_items(activity))
    top = activity.config["top"]
    return count if top is None else min(top, count)


def borda(order: tuple[str, ...]) -> list[tuple[str, int]]:
    return [(item, len(order) - place) for place, item in enumerate(order)]


class Ranking(Kind):
    name = "ranking"
    tallied = True
    uses_items = True
    rules = {"ranking.set": Rule({"participant": OPEN})}

    def make_config(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        unknown = set(raw) - {"items", "top"}
        if unknown:
            raise Invalid(N_("Unknown setting: {name}."), name=sorted(unknown)[0])
        items = parse_items(raw.get("items"))
        top = raw.get("top")
        if top is not None:
            # With a source the number of items is known only on activation (see places).
            whole(top, "top", 2, len(items) if isinstance(items, list) else MAX_TOP)
        return {"items": items, "top": top}

    def new_data(self, config: Mapping[str, Any]) -> RankingData:
        return RankingData()

    def decide(self, activity: Activity, command: Command, ids: IdSource) -> Decision:
        data: RankingData = activity.data
        raw = command.args.get("order")
        if not isinstance(raw, list) or not all(isinstance(i, str) for i in raw):
            raise Invalid(N_("The field {field} must be a list of item ids."), field="order")
        known = {item["id"] for item in frozen_items(activity)}
        if any(item not in known for item in raw):
            raise NotFound(N_("This item does not exist."))
        if len(set(raw)) != len(raw):
            raise Invalid(N_("An item was ranked twice."))
        k = places(activity)
        if raw and len(raw) != k:
            raise Invalid(N_("A ranking must have exactly {count} places."), count=k)
        who = command.actor.participant
        assert who is not None
        order = tuple(raw)
        result = {"order": list(order)}
        if data.orders.get(who, ()) == order:
            return Decision(result=result)  # the same ranking again, or withdrawing none
        return Decision([("ranking.submitted", {"activity": activity.id, "participant": who,
                                                "order": list(order)})], result)

    def apply(self, activity: Activity, event: Event) -> None:
        data: RankingData = activity.data
        who = event.data["participant"]
        for item, points in borda(data.orders.pop(who, ())):
            data.points[item] -= points
        order = tuple(event.data["order"])
        if order:  # an empty order withdraws the ranking
            data.orders[who] = order
            for item, points in borda(order):
                data.points[item] += points

    def _scored(self, activity: Activity) -> list[tuple[dict[str, str], int]]:
        data: RankingData = activity.data
        # sorted() is stable: equal points keep their item order.
        scored = [(dict(i), data.points[i["id"]]) for i in activity.items or ()]
        return sorted(scored, key=lambda pair: -pair[1])

    def results(self, activity: Activity) -> dict[str, Any] | None:
        if activity.items is None:
            return None  # nothing to count before the items are fixed
        data: RankingData = activity.data
        out: list[dict[str, Any]] = []
        for position, (item, points) in enumerate(self._scored(activity), start=1):
            # Ties share the rank of the first of them: 1, 2, 2, 4.
            tied = out and out[-1]["points"] == points
            out.append({"id": item["id"], "points": points,
                        "rank": out[-1]["rank"] if tied else position})
        return {"voters": len(data.orders), "items": out}

    def ranked(self, activity: Activity) -> list[tuple[dict[str, str], float]] | None:
        if activity.items is None:
            return None
        return [(item, float(points)) for item, points in self._scored(activity)]

    def project(
        self, activity: Activity, event: Event, audience: Audience
    ) -> dict[str, Any] | None:
        return None  # rankings are secret; everyone sees them only summed up, as a tally

    def mine(self, activity: Activity, participant: str) -> dict[str, Any] | None:
        data: RankingData = activity.data
        order = data.orders.get(participant)
        return {"order": list(order)} if order else None
