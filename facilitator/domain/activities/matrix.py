"""Matrix: every participant places items on two axes (by default effort × impact), each a
scale of positions 1..steps. Results are the mean position of each item and its spread.

Per item only n, the sums and the sums of squares are kept: enough for means and
population standard deviations, exact because positions are whole numbers."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from facilitator.domain.activities.base import OPEN, Activity, IdSource, Kind, Rule
from facilitator.domain.activities.items import item_of, parse_items, whole
from facilitator.domain.errors import N_, Invalid
from facilitator.domain.model import Audience, Command, Decision, Event, clean_text

AXIS_LIMIT = 60
# Config data, not an interface text: plans and sessions are written in one language. A
# moderator who names only an axis keeps the default words for its ends.
DEFAULT_AXES = {
    "x": {"label": "Aufwand", "low": "gering", "high": "hoch"},
    "y": {"label": "Wirkung", "low": "gering", "high": "hoch"},
}

Position = tuple[int, int]


@dataclass
class Sums:
    n: int = 0
    x: int = 0
    xx: int = 0
    y: int = 0
    yy: int = 0

    def add(self, position: Position, step: int) -> None:
        x, y = position
        self.n += step
        self.x += step * x
        self.xx += step * x * x
        self.y += step * y
        self.yy += step * y * y


@dataclass
class MatrixData:
    # participant -> item -> (x, y); no empty dicts, so len(positions) is the voters.
    positions: dict[str, dict[str, Position]] = field(default_factory=dict)
    sums: dict[str, Sums] = field(default_factory=dict)  # item -> sums


def _axis(raw: Any, name: str) -> dict[str, str]:
    axis = dict(DEFAULT_AXES[name])
    if raw is None:
        return axis
    if not isinstance(raw, Mapping) or not set(raw) <= set(axis):
        raise Invalid(N_("An axis has the fields label, low and high."))
    for part, text in raw.items():
        axis[part] = clean_text(text, AXIS_LIMIT, name)
    return axis


def _mean(total: int, n: int) -> float | None:
    return round(total / n, 2) if n else None


def _spread(total: int, squares: int, n: int) -> float | None:
    # n² times the variance is a whole number, so only the root and one division round.
    return round(math.sqrt(n * squares - total * total) / n, 2) if n else None


class Matrix(Kind):
    name = "matrix"
    tallied = True
    uses_items = True
    rules = {"matrix.place": Rule({"participant": OPEN})}

    def make_config(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        unknown = set(raw) - {"items", "x", "y", "steps"}
        if unknown:
            raise Invalid(N_("Unknown setting: {name}."), name=sorted(unknown)[0])
        return {"items": parse_items(raw.get("items")), "x": _axis(raw.get("x"), "x"),
                "y": _axis(raw.get("y"), "y"),
                "steps": whole(raw.get("steps", 5), "steps", 3, 11)}

    def new_data(self, config: Mapping[str, Any]) -> MatrixData:
        return MatrixData()

    def decide(self, activity: Activity, command: Command, ids: IdSource) -> Decision:
        data: MatrixData = activity.data
        args = command.args
        item = item_of(activity, args.get("item"))
        clear = args.get("clear", False)
        if not isinstance(clear, bool):
            raise Invalid(N_("The field {field} must be true or false."), field="clear")
        who = command.actor.participant
        assert who is not None
        before = data.positions.get(who, {}).get(item)
        base = {"activity": activity.id, "participant": who, "item": item}
        if clear:
            if args.get("x") is not None or args.get("y") is not None:
                raise Invalid(N_("Give a position or clear it, not both."))
            if before is None:
                return Decision(result={"clear": True})
            return Decision([("matrix.placed", {**base, "clear": True})], {"clear": True})
        steps = activity.config["steps"]
        x = whole(args.get("x"), "x", 1, steps)
        y = whole(args.get("y"), "y", 1, steps)
        result = {"x": x, "y": y}
        if before == (x, y):
            return Decision(result=result)
        return Decision([("matrix.placed", {**base, "x": x, "y": y})], result)

    def apply(self, activity: Activity, event: Event) -> None:
        data: MatrixData = activity.data
        d = event.data
        who, item = d["participant"], d["item"]
        sums = data.sums.setdefault(item, Sums())
        own = data.positions.setdefault(who, {})
        if item in own:
            sums.add(own.pop(item), -1)
        if not d.get("clear"):
            own[item] = (d["x"], d["y"])
            sums.add(own[item], +1)
        if not own:
            del data.positions[who]

    def results(self, activity: Activity) -> dict[str, Any] | None:
        if activity.items is None:
            return None  # nothing to count before the items are fixed
        data: MatrixData = activity.data
        out = []
        for item in activity.items:
            s = data.sums.get(item["id"]) or Sums()
            out.append({"id": item["id"], "n": s.n, "x": _mean(s.x, s.n),
                        "y": _mean(s.y, s.n), "sx": _spread(s.x, s.xx, s.n),
                        "sy": _spread(s.y, s.yy, s.n)})
        return {"voters": len(data.positions), "items": out}

    def ranked(self, activity: Activity) -> list[tuple[dict[str, str], float]] | None:
        if activity.items is None:
            return None
        data: MatrixData = activity.data
        scored = []
        for item in activity.items:
            s = data.sums.get(item["id"]) or Sums()
            # Best = most impact (y); among equal impact, less effort (x) first. Unrounded, so
            # only true ties tie; unplaced items go last.
            score = (s.y / s.n) - (s.x / s.n) / 1000.0 if s.n else -1.0
            scored.append((dict(item), score))
        return sorted(scored, key=lambda pair: -pair[1])  # stable: ties keep item order

    def project(
        self, activity: Activity, event: Event, audience: Audience
    ) -> dict[str, Any] | None:
        return None  # positions are secret; everyone sees them only summed up, as a tally

    def mine(self, activity: Activity, participant: str) -> dict[str, Any] | None:
        data: MatrixData = activity.data
        own = data.positions.get(participant)
        if not own:
            return None
        return {"positions": {item: {"x": x, "y": y} for item, (x, y) in own.items()}}
