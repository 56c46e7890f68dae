"""Scale: every participant rates items on one to four criteria (say 1–5), or says they
cannot judge an item.

"Can't judge" is recorded (it tells the moderator an item was unclear) but kept out of n,
mean, median and distribution, which would otherwise drift to the middle. Each item and
criterion keeps a histogram of the scale's few values, so mean and median come from it
without keeping a list of ratings."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from facilitator.domain.activities.base import OPEN, Activity, IdSource, Kind, Rule
from facilitator.domain.activities.items import item_of, parse_items, whole
from facilitator.domain.errors import N_, Invalid, NotFound
from facilitator.domain.model import Audience, Command, Decision, Event, clean_text

MAX_CRITERIA = 4
CRITERION_ID = re.compile(r"[a-z0-9_-]{1,30}")
CRITERION_LIMIT = 60
POINT_LABEL_LIMIT = 40
LOWEST, HIGHEST = 1, 10
# Config data, not an interface text: plans and sessions are written in one language.
DEFAULT_CRITERIA = [{"id": "rating", "label": "Bewertung"}]

Rating = int | None  # None: can't judge


@dataclass
class Stats:
    """The ratings of one item on one criterion."""

    histogram: list[int]  # counts of min..max
    cant_judge: int = 0

    def view(self, low: int) -> dict[str, Any]:
        n = sum(self.histogram)
        total = sum((low + i) * count for i, count in enumerate(self.histogram))
        return {"n": n, "mean": round(total / n, 2) if n else None,
                "median": self.median(low, n), "distribution": list(self.histogram),
                "cant_judge": self.cant_judge}

    def median(self, low: int, n: int) -> float | None:
        if not n:
            return None

        def nth(k: int) -> int:  # the k-th smallest rating, 0-based
            for i, count in enumerate(self.histogram):
                if k < count:
                    return low + i
                k -= count
            raise AssertionError("k is below n")

        return round((nth((n - 1) // 2) + nth(n // 2)) / 2, 2)


@dataclass
class ScaleData:
    # participant -> item -> criterion -> rating; no empty dicts, so len(ratings) = voters.
    ratings: dict[str, dict[str, dict[str, Rating]]] = field(default_factory=dict)
    stats: dict[tuple[str, str], Stats] = field(default_factory=dict)  # (item, criterion)


def _criteria(raw: Any) -> list[dict[str, str]]:
    if raw is None:
        return [dict(c) for c in DEFAULT_CRITERIA]
    if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_CRITERIA:
        raise Invalid(N_("Give between {low} and {high} criteria."), low=1, high=MAX_CRITERIA)
    out = []
    for criterion in raw:
        if not isinstance(criterion, Mapping) or set(criterion) != {"id", "label"}:
            raise Invalid(N_("A criterion needs exactly the fields id and label."))
        ident = criterion["id"]
        if not isinstance(ident, str) or not CRITERION_ID.fullmatch(ident):
            raise Invalid(N_("The id of a criterion may contain only a-z, 0-9, hyphens and "
                             "underscores, at most 30 characters."))
        out.append({"id": ident,
                    "label": clean_text(criterion["label"], CRITERION_LIMIT, "criteria")})
    if len({c["id"] for c in out}) != len(out) \
            or len({c["label"].casefold() for c in out}) != len(out):
        raise Invalid(N_("Two criteria have the same id or label."))
    return out


def _point_labels(raw: Any, low: int, high: int) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise Invalid(N_("The field {field} must be an object."), field="labels")
    out = {}
    for key, label in raw.items():
        if not (isinstance(key, str) and re.fullmatch(r"\d{1,2}", key) and low <= int(key)
                <= high):
            raise Invalid(N_("Labels of the scale are for the values from {low} to {high}."),
                          low=low, high=high)
        out[str(int(key))] = clean_text(label, POINT_LABEL_LIMIT, "labels")
    # Keys in scale order, however they were written.
    return dict(sorted(out.items(), key=lambda pair: int(pair[0])))


class Scale(Kind):
    name = "scale"
    tallied = True
    uses_items = True
    rules = {"scale.rate": Rule({"participant": OPEN})}

    def make_config(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        unknown = set(raw) - {"items", "criteria", "min", "max", "labels"}
        if unknown:
            raise Invalid(N_("Unknown setting: {name}."), name=sorted(unknown)[0])
        low = whole(raw.get("min", 1), "min", LOWEST, HIGHEST - 1)
        high = whole(raw.get("max", 5), "max", low + 1, HIGHEST)
        return {"items": parse_items(raw.get("items")),
                "criteria": _criteria(raw.get("criteria")), "min": low, "max": high,
                "labels": _point_labels(raw.get("labels"), low, high)}

    def new_data(self, config: Mapping[str, Any]) -> ScaleData:
        return ScaleData()

    def decide(self, activity: Activity, command: Command, ids: IdSource) -> Decision:
        data: ScaleData = activity.data
        args = command.args
        config = activity.config
        item = item_of(activity, args.get("item"))
        criterion = args.get("criterion")
        if not any(c["id"] == criterion for c in config["criteria"]):
            raise NotFound(N_("This criterion does not exist."))
        assert isinstance(criterion, str)
        clear = args.get("clear", False)
        if not isinstance(clear, bool):
            raise Invalid(N_("The field {field} must be true or false."), field="clear")
        if clear and args.get("value") is not None:
            raise Invalid(N_("Give a value or clear the rating, not both."))
        who = command.actor.participant
        assert who is not None
        own = data.ratings.get(who, {}).get(item, {})
        base = {"activity": activity.id, "participant": who, "item": item,
                "criterion": criterion}
        if clear:
            if criterion not in own:
                return Decision(result={"clear": True})
            return Decision([("scale.rated", {**base, "clear": True})], {"clear": True})
        # null means "can't judge"; a missing value is no rating at all.
        value = args.get("value", "missing")
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                  or not config["min"] <= value <= config["max"]):
            raise Invalid(N_("A rating must be a whole number from {low} to {high}, or "
                             "\"can't judge\"."), low=config["min"], high=config["max"])
        result = {"value": value}
        if criterion in own and own[criterion] == value:
            return Decision(result=result)
        return Decision([("scale.rated", {**base, "value": value})], result)

    def apply(self, activity: Activity, event: Event) -> None:
        data: ScaleData = activity.data
        d = event.data
        who, item, criterion = d["participant"], d["item"], d["criterion"]
        low, high = activity.config["min"], activity.config["max"]
        stats = data.stats.setdefault((item, criterion), Stats([0] * (high - low + 1)))
        own = data.ratings.setdefault(who, {}).setdefault(item, {})
        if criterion in own:
            self._count(stats, own.pop(criterion), low, -1)
        if not d.get("clear"):
            own[criterion] = d["value"]
            self._count(stats, d["value"], low, +1)
        if not own:
            del data.ratings[who][item]
            if not data.ratings[who]:
                del data.ratings[who]

    def _count(self, stats: Stats, value: Rating, low: int, step: int) -> None:
        if value is None:
            stats.cant_judge += step
        else:
            stats.histogram[value - low] += step

    def _stats(self, activity: Activity, item: str, criterion: str) -> Stats:
        data: ScaleData = activity.data
        size = activity.config["max"] - activity.config["min"] + 1
        return data.stats.get((item, criterion)) or Stats([0] * size)

    def results(self, activity: Activity) -> dict[str, Any] | None:
        if activity.items is None:
            return None  # nothing to count before the items are fixed
        data: ScaleData = activity.data
        low = activity.config["min"]
        criteria = [c["id"] for c in activity.config["criteria"]]
        return {"voters": len(data.ratings), "items": [
            {"id": i["id"], "criteria": {c: self._stats(activity, i["id"], c).view(low)
                                         for c in criteria}} for i in activity.items]}

    def ranked(self, activity: Activity) -> list[tuple[dict[str, str], float]] | None:
        if activity.items is None:
            return None
        low = activity.config["min"]
        first = activity.config["criteria"][0]["id"]
        scored = []
        for item in activity.items:
            stats = self._stats(activity, item["id"], first)
            n = sum(stats.histogram)
            total = sum((low + i) * count for i, count in enumerate(stats.histogram))
            # Unrounded, so only true ties tie; items nobody rated go last (below min).
            scored.append((dict(item), total / n if n else float(low - 1)))
        return sorted(scored, key=lambda pair: -pair[1])  # stable: ties keep item order

    def project(
        self, activity: Activity, event: Event, audience: Audience
    ) -> dict[str, Any] | None:
        return None  # ratings are secret; everyone sees them only summed up, as a tally

    def mine(self, activity: Activity, participant: str) -> dict[str, Any] | None:
        data: ScaleData = activity.data
        own = data.ratings.get(participant)
        if not own:
            return None
        return {"ratings": {item: dict(ratings) for item, ratings in own.items()}}
