"""How a vote's items were taken from an earlier activity (`items = { from, take }`): how many
of the source's entries (the ideas on the walls) there were when the vote fixed its items,
how many it took, and why the others were left out: the plan's `take` (top:<n>, a cluster)
or the limit of MAX_ITEMS items per vote, which the domain fills in turn from every group
(commands.fair_share).

The counts are read off the domain's own `candidates` at the moment the vote was first
activated (replay.py calls `counts` then), so they are those the moderator's room saw and no
rule of the domain is repeated here.
"""

from __future__ import annotations

from dataclasses import dataclass

from facilitator.domain.activities.base import Activity
from facilitator.domain.activities.items import MAX_ITEMS
from facilitator.domain.commands import candidates
from facilitator.domain.session import SessionState


@dataclass(frozen=True)
class Counts:
    offered: int | None  # the source's entries (`take = "all"`), None if it has no such list
    chosen: int  # what `take` chose, before the vote's limit


def counts(state: SessionState, activity: Activity) -> Counts | None:
    """For an activity that takes its items from an earlier one, right after it fixed
    them; None for one with its own items."""
    spec = activity.config.get("items")
    if not isinstance(spec, dict) or spec.get("from") not in state.activities:
        return None
    chosen = candidates(state, spec["from"], spec["take"])
    offered = candidates(state, spec["from"], "all")
    return Counts(None if offered is None else sum(map(len, offered)),
                  sum(map(len, chosen or ())))


@dataclass
class Selection:
    """results.json `activities[].selection`; docs/archive.md."""

    source: str  # the source activity's id
    source_number: int | None  # its number in this documentation (None: not documented)
    source_title: str
    per_group: bool  # the source ran in every group
    take: str  # "all", "top" or "cluster"
    top: int | None  # n of top:<n>
    ranked_by: str | None  # what top:<n> ranked by: "support", "order" (of the wall), "result"
    cluster: str | None  # the cluster's name for cluster:<id>
    offered: int | None  # the source's entries when the items were fixed
    chosen: int | None  # what `take` chose of them
    taken: int  # the items put to the vote
    limit: int  # at most this many items per vote

    @property
    def left_out(self) -> int:
        return 0 if self.offered is None else max(self.offered - self.taken, 0)

    @property
    def limited(self) -> bool:
        """The vote's limit cut what `take` chose."""
        return self.chosen is not None and self.chosen > self.taken


def selection(state: SessionState, activity: Activity, found: Counts | None,
              numbers: dict[str, int]) -> Selection | None:
    spec = activity.config.get("items")
    if not isinstance(spec, dict) or activity.items is None:
        return None
    source = state.activities.get(spec["from"])
    take, _, arg = spec["take"].partition(":")
    cluster = None
    if take == "cluster" and source is not None:
        instances = [source, *(state.instance(source, g) for g in source.groups)]
        cluster = next((i.data.clusters[arg] for i in instances
                        if arg in getattr(i.data, "clusters", {})), arg)
    return Selection(
        source=spec["from"], source_number=numbers.get(spec["from"]),
        source_title=source.title if source is not None else spec["from"],
        per_group=bool(source and source.per_group), take=take,
        top=int(arg) if take == "top" else None,
        ranked_by=_ranked_by(source) if take == "top" else None, cluster=cluster,
        offered=found.offered if found else None, chosen=found.chosen if found else None,
        taken=len(activity.items), limit=MAX_ITEMS)


def _ranked_by(source: Activity | None) -> str:
    # As IdeasKind.ranked: by support where the wall had it, else in the wall's order.
    if source is None or source.kind != "ideas":
        return "result"
    return "support" if source.config.get("support") else "order"
