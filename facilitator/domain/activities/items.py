"""Items of the prioritising kinds (dots, ranking, scale, matrix): a list written by the
moderator, or taken from an earlier activity ("collect, then prioritise")."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from facilitator.domain.activities.base import Activity
from facilitator.domain.errors import N_, Invalid, NotFound
from facilitator.domain.model import clean_text

MIN_ITEMS = 2
# Items an activity may have: a list written by the moderator, or what a source gives (a
# 40-person lab easily collects 80 ideas across its groups).
MAX_LISTED = 50
MAX_ITEMS = 100
MAX_TOP = 50
LABEL_LIMIT = 200
TAKE = re.compile(r"all|cluster:c\d{1,4}|top:(\d{1,2})")

Item = dict[str, str]


def parse_items(raw: Any) -> list[str] | dict[str, str]:
    """The `items` of a config: checked labels, or a checked source {"from", "take"}."""
    if isinstance(raw, Mapping):
        if set(raw) != {"from", "take"}:
            raise Invalid(N_("A source of items needs exactly the fields from and take."))
        source, take = raw["from"], raw["take"]
        if not isinstance(source, str) or not re.fullmatch(r"a\d{1,5}", source):
            raise Invalid(N_("The source of items must name an activity."))
        match = TAKE.fullmatch(take) if isinstance(take, str) else None
        if match is None or (match.group(1) and not 1 <= int(match.group(1)) <= MAX_TOP):
            raise Invalid(N_("Take items as all, cluster:<id> or top:<n> (n from 1 to 50)."))
        return {"from": source, "take": take}
    if not isinstance(raw, list) or not MIN_ITEMS <= len(raw) <= MAX_LISTED:
        raise Invalid(N_("Give between {low} and {high} items, or a source of items."),
                      low=MIN_ITEMS, high=MAX_LISTED)
    labels = [clean_text(label, LABEL_LIMIT, "items") for label in raw]
    if len({label.casefold() for label in labels}) != len(labels):
        raise Invalid(N_("Two items have the same label."))
    return labels


def static_items(labels: list[str]) -> list[Item]:
    return [{"id": f"t{number}", "label": label} for number, label in enumerate(labels, 1)]


def top(ranked: list[tuple[Item, float]], n: int) -> list[Item]:
    """The n best; items tied with the n-th are all included."""
    if len(ranked) <= n:
        return [item for item, _ in ranked]
    cut = ranked[n - 1][1]
    return [item for index, (item, score) in enumerate(ranked) if index < n or score == cut]


def resolve(spec: list[str] | dict[str, str],
            lookup: Callable[[str, str], list[Item] | None]) -> list[Item]:
    """Freeze the items: static ones get ids t1, t2, …; a source asks `lookup(activity,
    take)`, which returns None when the source cannot give such items."""
    if isinstance(spec, list):
        return static_items(spec)
    found = lookup(spec["from"], spec["take"])
    if found is None:
        raise Invalid(N_("The source activity cannot give these items."))
    if len(found) < MIN_ITEMS:
        raise Invalid(N_("The source gives fewer than {low} items."), low=MIN_ITEMS)
    return found[:MAX_ITEMS]


WHOLE = N_("The field {field} must be a whole number from {low} to {high}.")




def whole(value: Any, name: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise Invalid(WHOLE, field=name, low=low, high=high)
    return value


def frozen_items(activity: Activity) -> list[Item]:
    # Participants cannot reach a draft activity, so this only guards direct use of decide.
    if activity.items is None:
        raise Invalid(N_("The items of this activity are not fixed yet."))
    return activity.items


def item_of(activity: Activity, ident: Any) -> str:
    if not any(item["id"] == ident for item in frozen_items(activity)):
        raise NotFound(N_("This item does not exist."))
    assert isinstance(ident, str)
    return ident
