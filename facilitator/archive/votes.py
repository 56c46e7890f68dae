"""Long votes in the tables of report.html and README.md: the best rows one by one, one row
summing the rest, then the rest complete but compact, and the items nobody chose apart, so
that a vote over 100 ideas takes about a page and nothing is lost.

The same cut serves both files; the texts are made with a `Phrases`, which escapes user text
for its format. The charts (charts.py) cut by height instead, at most charts.MAX_BARS bars.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from facilitator.archive.phrases import N_, Phrases
from facilitator.archive.report import (
    DotsResult,
    KindResult,
    PollResult,
    RankingResult,
    ScaleEntry,
    ScaleResult,
)

TABLE_ROWS = 20  # rows of a long vote's table, one by one
LONG = 25  # a vote of at most this many items has a row for each
MIN_ROWS = 10
TABLE_LINES = 50  # lines of the Item column a long vote's rows take at most: about a page
ITEM_CHARS = 50  # characters in a line of the Item column (printed, with a Group column)

T = TypeVar("T")

# The items that got nothing, listed apart (and drawn without a bar).
EMPTY = {
    "dots": (N_("{n} item with no dots"), N_("{n} items with no dots")),
    "ranking": (N_("{n} item with no points"), N_("{n} items with no points")),
    "poll": (N_("{n} option with no votes"), N_("{n} options with no votes")),
    "scale": (N_("{n} item not rated"), N_("{n} items not rated")),
}


@dataclass(frozen=True)
class Cut(Generic[T]):
    top: list[T]  # a row each
    rest: list[T]  # one row summing them, then a compact list
    empty: list[T]  # nothing for them: listed apart


def cut(entries: Sequence[T], empty: Callable[[T], bool],
        label: Callable[[T], str] | None = None, rows: int = TABLE_ROWS,
        long: int = LONG) -> Cut[T]:
    """All entries as rows when there are at most `long`; else the empty ones apart, and of
    the others the first `rows` as rows unless they are `long` at most. With `label`, fewer
    rows (not under MIN_ROWS) when long labels would make them higher than about a page."""
    if len(entries) <= long:
        return Cut(list(entries), [], [])
    filled = [e for e in entries if not empty(e)]
    apart = [e for e in entries if empty(e)]
    if len(filled) <= long:
        return Cut(filled, [], apart)
    count = rows
    if label is not None:
        used, count = 0, 0
        for entry in filled[:rows]:
            used += max(1, -(-len(label(entry)) // ITEM_CHARS))
            if count >= MIN_ROWS and used > TABLE_LINES:
                break
            count += 1
    return Cut(filled[:count], filled[count:], apart)


def by_mean(result: ScaleResult, index: int) -> list[ScaleEntry]:
    """A long scale's items by their mean on one criterion, highest first (unrated last);
    a short one keeps its order."""
    if len(result.items) <= LONG:
        return list(result.items)
    return sorted(result.items, key=lambda e: (e.criteria[index].mean is None,
                                               -(e.criteria[index].mean or 0.0)))


def scale_cut(result: ScaleResult, index: int) -> Cut[ScaleEntry]:
    return cut(by_mean(result, index), lambda e: e.criteria[index].mean is None,
               lambda e: e.item.label)


def table_cut(result: KindResult) -> Cut[Any]:
    """The rows of a dots, ranking or poll table."""
    if isinstance(result, DotsResult):
        return cut(result.items, lambda e: e.dots == 0, lambda e: e.item.label)
    if isinstance(result, RankingResult):
        return cut(result.items, lambda e: e.points == 0, lambda e: e.item.label)
    if isinstance(result, PollResult):
        return cut(result.options, lambda o: o.count == 0, lambda o: o.label)
    raise TypeError(type(result).__name__)


def grouped(result: DotsResult | RankingResult | ScaleResult) -> bool:
    """Whether the items came from groups (a Group column, colours in the chart)."""
    return any(e.item.group_name is not None for e in result.items)


def further(p: Phrases, n: int, value: str | None = None) -> str:
    """"67 further items", or with what they add up to: "67 further items: 164"."""
    if value is None:
        return p.plural(n, N_("{n} further item"), N_("{n} further items"))
    return p.plural(n, N_("{n} further item: {value}"), N_("{n} further items: {value}"),
                    value=p.ready(value))


def mean_range(p: Phrases, low: float | None, high: float | None) -> str:
    return p.gettext("mean {low} to {high}", low=p.number(low), high=p.number(high))


def ranks(p: Phrases, first: int, last: int) -> str:
    if first == last:
        return p.gettext("Rank {n}:", n=first)
    return p.gettext("Ranks {first}–{last}:", first=first, last=last)


def empty(p: Phrases, kind: str, n: int) -> str:
    one, other = EMPTY[kind]
    return p.plural(n, one, other)


def compact(p: Phrases, label: str, group: str | None, value: object) -> str:
    """One item of a compact list: "idea (3)", "idea (Nord, 3)"."""
    if group is None:
        return p.gettext("{label} ({value})", label=label, value=p.ready(str(value)))
    return p.gettext("{label} ({group}, {value})", label=label, group=group,
                     value=p.ready(str(value)))


def named(p: Phrases, label: str, group: str | None) -> str:
    """An item in the list of those that got nothing: "idea", "idea (Nord)"."""
    if group is None:
        return p.esc(label)
    return p.gettext("{label} ({group})", label=label, group=group)
