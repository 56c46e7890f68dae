"""The ideas of an idea collection (see ideas.py) and how they go out: in full to the
moderator, without author and support to everyone else."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from facilitator.domain.model import iso


@dataclass
class Idea:
    id: str
    text: str
    author: str | None
    at: float
    edited: bool = False
    hidden: bool = False
    withdrawn: bool = False
    pending: bool = False
    pinned: bool = False
    cluster: str | None = None
    merged_into: str | None = None
    merged: list[str] = field(default_factory=list)  # direct duplicates
    supporters: set[str] = field(default_factory=set)

    @property
    def visible(self) -> bool:
        return not (self.hidden or self.withdrawn or self.pending or self.merged_into)


@dataclass
class IdeasData:
    ideas: dict[str, Idea] = field(default_factory=dict)
    posted: Counter[str] = field(default_factory=Counter)
    clusters: dict[str, str] = field(default_factory=dict)  # id -> name, in creation order

    def duplicates(self, idea: Idea) -> Iterator[Idea]:
        """Every idea merged into this one, also duplicates of duplicates."""
        for ident in idea.merged:
            duplicate = self.ideas[ident]
            yield duplicate
            yield from self.duplicates(duplicate)

    def support(self, idea: Idea) -> int:
        return len(idea.supporters) + sum(len(d.supporters) for d in self.duplicates(idea))

    def wall(self) -> list[Idea]:
        """Visible ideas in wall order: pinned first, then in the order they were posted."""
        shown = [i for i in self.ideas.values() if i.visible]
        return sorted(shown, key=lambda i: not i.pinned)


def _merged(data: IdeasData, idea: Idea, public: bool = False) -> list[dict[str, str]]:
    # A duplicate the moderator hid (or its author withdrew) is hidden under its idea too.
    return [{"id": d.id, "text": d.text} for d in data.duplicates(idea)
            if not public or not (d.hidden or d.withdrawn)]


def _ancestors(data: IdeasData, idea: Idea) -> list[Idea]:
    """The ideas this one is merged into, nearest first, up to the one on the wall."""
    found = []
    while idea.merged_into is not None:
        idea = data.ideas[idea.merged_into]
        found.append(idea)
    return found


def _root(data: IdeasData, idea: Idea) -> Idea:
    """The idea on the wall that this one is merged into (itself when not merged)."""
    while idea.merged_into is not None:
        idea = data.ideas[idea.merged_into]
    return idea


def _full(data: IdeasData, idea: Idea) -> dict[str, Any]:
    return {"id": idea.id, "text": idea.text, "author": idea.author, "at": iso(idea.at),
            "edited": idea.edited, "hidden": idea.hidden, "withdrawn": idea.withdrawn,
            "pending": idea.pending, "pinned": idea.pinned, "cluster": idea.cluster,
            "merged_into": idea.merged_into, "merged": _merged(data, idea),
            "support": data.support(idea)}


def _public(data: IdeasData, idea: Idea) -> dict[str, Any]:
    # No support count: that is a result, and results travel only as results (until reveal).
    return {"id": idea.id, "text": idea.text, "at": iso(idea.at), "edited": idea.edited,
            "pinned": idea.pinned, "cluster": idea.cluster,
            "merged": _merged(data, idea, public=True)}
