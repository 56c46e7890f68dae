"""Items taken from an earlier activity of the same plan (docs/plans.md, "Items from an
earlier activity").

A plan names activities by their `key` and the clusters of an ideas activity by their names,
because a moderator writes both before the session exists; the server knows them by the ids it
hands out (a3, c2). The reader checks a source against the activities before it, with the ids
they would get in a new session; live/plans.py turns it into the real ids when it creates the
activities one by one.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from facilitator.domain.activities import KINDS, Kind
from facilitator.domain.errors import N_
from facilitator.domain.plan_lines import Where

SOURCE_KEYS = ("from", "take")
TOP_LIMIT = 50  # the domain's limit for top:<n> (activities/items.py)
KEY = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")


class Problem(Exception):
    """Something wrong with a part of a plan; ``where`` is relative to that part (for a
    source: the activity's `items`; for groups: the top level)."""

    def __init__(self, where: Where, message: str, **params: Any) -> None:
        super().__init__(message)
        self.where = where
        self.message = message
        self.params = params


@dataclass(frozen=True)
class Earlier:
    """An activity the reader has read already, as a later source sees it."""

    number: int  # 1-based place in the plan: a new session calls it a<number>
    kind: str
    clusters: tuple[str, ...] = ()  # ideas: the names written in its `clusters`
    per_group: bool = False  # runs once per group (`per_group = true`)


@dataclass(frozen=True)
class Source:
    """`items = { from = "<key>", take = "all" | "top:<n>" | "cluster:<name>" }`."""

    key: str
    take: str  # "all", "top" or "cluster"
    top: int | None = None
    cluster: str | None = None

    def wire(self, activity: str, clusters: Iterable[Mapping[str, Any]] = ()) -> dict[str, str]:
        """The source as activity.create wants it: the activity's id, and for a cluster its
        id among ``clusters`` ({"id", "name"}, as the activity's view lists them)."""
        if self.take == "top":
            return {"from": activity, "take": f"top:{self.top}"}
        if self.take == "all":
            return {"from": activity, "take": "all"}
        assert self.cluster is not None
        for cluster in clusters:
            if same_name(str(cluster.get("name", "")), self.cluster):
                return {"from": activity, "take": f"cluster:{cluster['id']}"}
        raise LookupError(f"activity {activity} has no cluster {self.cluster!r}")

    def written(self) -> str:
        """The `take` as a plan writes it."""
        if self.take == "top":
            return f"top:{self.top}"
        return f"cluster:{self.cluster}" if self.take == "cluster" else "all"

    def kind_gives(self, kind: Kind) -> bool:
        """Whether an activity of this kind can give items this way (docs/plans.md)."""
        if self.take == "cluster":
            return kind.name == "ideas"
        if self.take == "top":
            return _overrides(kind, "ranked")
        return kind.uses_items or _overrides(kind, "source_items")


def _overrides(kind: Kind, method: str) -> bool:
    return getattr(type(kind), method, None) is not getattr(Kind, method, None)


def same_name(a: str, b: str) -> bool:
    """Cluster names match whatever their case and spacing: "Mobilität " is "mobilität"."""
    return _folded(a) == _folded(b)


def _folded(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(text.split())).casefold()


def read_source(raw: Mapping[str, Any]) -> Source:
    """The shape of a source table; raise Problem."""
    for name in raw:
        if name not in SOURCE_KEYS:
            raise Problem((name,), N_("Unknown field {field}; allowed here: {allowed}."),
                          allowed=", ".join(SOURCE_KEYS))
    key = raw.get("from")
    if key is None:
        raise Problem(("from",), N_("The field {field} is required."))
    if not isinstance(key, str):
        raise Problem(("from",), N_("The field {field} must be a text."))
    take = raw.get("take", "all")
    if not isinstance(take, str):
        raise Problem(("take",), N_("The field {field} must be a text."))
    take = take.strip()
    if take == "all":
        return Source(key, "all")
    if take.startswith("cluster:") and take[len("cluster:"):].strip():
        return Source(key, "cluster", cluster=" ".join(take[len("cluster:"):].split()))
    if take.startswith("top:"):
        number = take[len("top:"):].strip()
        if not (number.isascii() and number.isdigit() and 1 <= int(number) <= TOP_LIMIT):
            raise Problem(("take",), N_("The field {field} must be top:<n> with a whole "
                                        "number n from {low} to {high}."), low=1, high=TOP_LIMIT)
        return Source(key, "top", top=int(number))
    raise Problem(("take",), N_("The field {field} must be all, top:<n> or cluster:<name>."))


def check_source(source: Source, own_key: str | None, earlier: Mapping[str, Earlier],
                 anywhere: Iterable[Any], per_group: bool = False) -> Earlier:
    """The earlier activity the source refers to, if it can give such items; raise Problem.
    ``anywhere`` are the keys of all activities of the plan, to tell a later one from a typo;
    ``per_group`` says whether the activity that takes the items runs per group."""
    found = earlier.get(source.key)
    if found is None:
        if source.key == own_key:
            raise Problem(("from",), N_("An activity cannot take its items from itself."))
        if source.key in set(anywhere):
            raise Problem(("from",), N_("The activity with the key {key} comes later in the "
                                        "plan; items can only come from an earlier activity."),
                          key=source.key)
        raise Problem(("from",), N_("No activity in this plan has the key {key}."),
                      key=source.key[:40])
    if per_group and found.per_group:
        # Each group's instance would need "its" part of another group-wise activity; the
        # server refuses that, so the plan says it where it is written.
        raise Problem(("from",), N_("An activity with per_group takes its items from an "
                                    "activity of the plenary or from a list; the activity "
                                    "{key} runs per group."), key=source.key)
    if not source.kind_gives(KINDS[found.kind]):
        raise Problem(("from",) if source.take == "all" else ("take",),
                      N_("Items cannot be taken as {take} from a {kind} activity."),
                      take=source.written()[:80], kind=found.kind)
    if source.take == "cluster":
        assert source.cluster is not None
        if not found.clusters:
            raise Problem(("take",), N_("The ideas activity {key} has no clusters; list them "
                                        "in its clusters setting."), key=source.key)
        if not any(same_name(name, source.cluster) for name in found.clusters):
            raise Problem(("take",), N_("The ideas activity {key} has no cluster named "
                                        "{name}; its clusters: {clusters}."),
                          key=source.key, name=source.cluster[:60],
                          clusters=", ".join(found.clusters))
    return found


def predicted_clusters(found: Earlier) -> list[dict[str, str]]:
    """The clusters of an ideas activity as a new session numbers them: c1, c2, … in the
    order of its `clusters` (only for checking the plan: live/plans.py asks the server)."""
    return [{"id": f"c{n}", "name": name} for n, name in enumerate(found.clusters, start=1)]
