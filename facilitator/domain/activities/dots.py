"""Dot voting: every participant spends a budget of dots on items, with a cap per item.

A command sets the participant's count on one item (moving a dot is two commands), so a
phone that retries or races itself always ends in a state it asked for; the budget is checked
against the participant's current total, which is why no sequence can overspend it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from facilitator.domain.activities.base import OPEN, Activity, IdSource, Kind, Rule
from facilitator.domain.activities.items import item_of, parse_items, whole
from facilitator.domain.errors import N_, Invalid, LimitReached
from facilitator.domain.model import Audience, Command, Decision, Event

MAX_DOTS = 50
@dataclass
class DotsData:
    # participant -> item -> count; only counts above zero, so len(placed) is the voters.
    placed: dict[str, dict[str, int]] = field(default_factory=dict)
    totals: Counter[str] = field(default_factory=Counter)  # item -> dots
    voters: Counter[str] = field(default_factory=Counter)  # item -> participants on it
    dots: int = 0


class Dots(Kind):
    name = "dots"
    tallied = True
    uses_items = True
    rules = {"dots.set": Rule({"participant": OPEN})}

    def make_config(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        unknown = set(raw) - {"items", "dots", "per_item"}
        if unknown:
            raise Invalid(N_("Unknown setting: {name}."), name=sorted(unknown)[0])
        dots = whole(raw.get("dots", 5), "dots", 1, MAX_DOTS)
        per_item = whole(raw.get("per_item", min(3, dots)), "per_item", 1, dots)
        return {"items": parse_items(raw.get("items")), "dots": dots, "per_item": per_item}

    def new_data(self, config: Mapping[str, Any]) -> DotsData:
        return DotsData()

    def decide(self, activity: Activity, command: Command, ids: IdSource) -> Decision:
        data: DotsData = activity.data
        item = item_of(activity, command.args.get("item"))
        cap = activity.config["per_item"]
        count = whole(command.args.get("count"), "count", 0, cap)
        who = command.actor.participant
        assert who is not None
        own = dict(data.placed.get(who, {}))
        before = own.get(item, 0)
        spent = sum(own.values()) - before + count
        budget = activity.config["dots"]
        if count > before and spent > budget:
            raise LimitReached(N_("No dots left (at most {limit})."), limit=budget)
        own[item] = count
        result = self._own(activity, own, budget)
        if count == before:
            return Decision(result=result)
        return Decision([("dots.placed", {"activity": activity.id, "participant": who,
                                          "item": item, "count": count})], result)

    def _own(self, activity: Activity, own: Mapping[str, int], budget: int) -> dict[str, Any]:
        # In item order, so the same dots always read the same on the phone.
        placed = {i["id"]: own[i["id"]] for i in activity.items or () if own.get(i["id"])}
        return {"placed": placed, "left": budget - sum(placed.values())}

    def apply(self, activity: Activity, event: Event) -> None:
        data: DotsData = activity.data
        d = event.data
        who, item, count = d["participant"], d["item"], d["count"]
        own = data.placed.setdefault(who, {})
        before = own.pop(item, 0)
        data.totals[item] += count - before
        data.dots += count - before
        data.voters[item] += (count > 0) - (before > 0)
        if count:
            own[item] = count
        if not own:
            del data.placed[who]

    def results(self, activity: Activity) -> dict[str, Any] | None:
        if activity.items is None:
            return None  # nothing to count before the items are fixed
        data: DotsData = activity.data
        return {"voters": len(data.placed), "dots": data.dots,
                "items": [{"id": i["id"], "dots": data.totals[i["id"]],
                           "voters": data.voters[i["id"]]} for i in activity.items]}

    def ranked(self, activity: Activity) -> list[tuple[dict[str, str], float]] | None:
        if activity.items is None:
            return None
        data: DotsData = activity.data
        # sorted() is stable: equal totals keep their item order.
        scored = [(dict(i), float(data.totals[i["id"]])) for i in activity.items]
        return sorted(scored, key=lambda pair: -pair[1])

    def project(
        self, activity: Activity, event: Event, audience: Audience
    ) -> dict[str, Any] | None:
        return None  # dots are secret; everyone sees them only summed up, as a tally

    def mine(self, activity: Activity, participant: str) -> dict[str, Any] | None:
        data: DotsData = activity.data
        own = data.placed.get(participant)
        return self._own(activity, own, activity.config["dots"]) if own else None
