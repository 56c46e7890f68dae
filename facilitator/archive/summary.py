"""The first page of the documentation, "Ergebnisse auf einen Blick": the decisions, the top
of every prioritisation and the measure sheets, taken from the activities' results as built
(nothing is counted again here).

Left out: hidden activities; idea collections, word clouds, questions and slides (they have
no result that fits a line); matrices, whose positions are a map, not an order — which corner
is best depends on what the axes mean (little effort is good, little impact is not), and the
tool does not know that.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from facilitator.archive.report import (
    ActivityReport,
    ConsentResult,
    DotsResult,
    GroupReport,
    Instance,
    Item,
    PollResult,
    RankingResult,
    ScaleResult,
    SheetResult,
    Step,
    Summary,
    SummaryDecision,
    SummaryEntry,
    SummaryPriority,
    SummarySheet,
)

TOP = 3  # entries per prioritisation: the page must hold four groups' worth on one A4 sheet


def _ranked(scored: Sequence[tuple[str, str | None, float]]) -> list[SummaryEntry]:
    """Best first (stable for equal scores), equal scores sharing a rank (1, 2, 2, 4)."""
    order = sorted(scored, key=lambda entry: -entry[2])
    out: list[SummaryEntry] = []
    for n, (label, group, score) in enumerate(order):
        rank = out[-1].rank if out and out[-1].score == score else n + 1
        out.append(SummaryEntry(label, group, rank, score))
    return out


def _entry(item: Item, rank: int, score: float) -> SummaryEntry:
    return SummaryEntry(item.label, item.group_name, rank, score)


def _best(ranked: list[SummaryEntry]) -> list[SummaryEntry]:
    """The best TOP; then, for items from groups' ideas, each group's best that is not among
    them, so that every group sees the measure it takes forward (marked `group_best`)."""
    out = ranked[:TOP]
    seen = {e.group_name for e in out}
    for entry in ranked[TOP:]:
        if entry.group_name is not None and entry.group_name not in seen:
            seen.add(entry.group_name)
            out.append(replace(entry, group_best=True))
    return out


def _top(instance: Instance) -> tuple[int, str | None, list[SummaryEntry]] | None:
    """(voters, criterion, best entries) of a prioritisation; None for other kinds."""
    r = instance.result
    if isinstance(r, DotsResult):
        return r.voters, None, _best([_entry(e.item, e.rank, e.dots) for e in r.items
                                      if e.dots])
    if isinstance(r, RankingResult):
        return r.voters, None, _best([_entry(e.item, e.rank, e.points) for e in r.items
                                      if e.points])
    if isinstance(r, ScaleResult):
        if not r.criteria:
            return None
        means = [(e.item.label, e.item.group_name, e.criteria[0].mean) for e in r.items]
        return r.voters, r.criteria[0].label, _best(_ranked(
            [(label, group, mean) for label, group, mean in means if mean is not None]))
    if isinstance(r, PollResult):  # the top option (all of them when tied), no runners-up
        ranked = _ranked([(o.label, None, o.count) for o in r.options if o.count])
        return r.voters, None, [e for e in ranked if e.rank == 1][:TOP]
    return None


def _first_step(steps: list[Step]) -> Step | None:
    dated = [s for s in steps if s.date]
    return min(dated, key=lambda s: s.date) if dated else None  # YYYY-MM-DD sorts as text


def _sheet(a: ActivityReport, instance: Instance, r: SheetResult) -> SummarySheet | None:
    if not r.filled:
        return None
    text = {f.id: f.value for f in r.fields if isinstance(f.value, str)}
    texts = [f.value for f in r.fields if f.type == "text" and isinstance(f.value, str)]
    rows = [f.value for f in r.fields if isinstance(f.value, list)]
    steps = next((f.value for f in r.fields if f.id == "steps" and isinstance(f.value, list)),
                 rows[0] if rows else [])
    # The title field, else the sheet's first short text (a sheet with fields of its own).
    measure = text["title"] if "title" in text else (texts[0] if texts else "")
    return SummarySheet(a.number, a.title, instance.group, instance.group_name, measure,
                        text.get("lead", ""), _first_step(steps))


def build_summary(activities: Sequence[ActivityReport], groups: Sequence[GroupReport],
                  joined: Mapping[str, int]) -> Summary:
    """`joined`: per activity id, the participants who had joined when its input closed
    (by the end of the log while it is still open) — who could take part in a plenary
    activity. In a group, those who could take part are the group's members at the end."""
    members = {g.id: None if g.deleted else g.members for g in groups}
    decisions, priorities, sheets = [], [], []
    for a in activities:
        if a.hidden:
            continue
        for instance in a.instances:
            of = members.get(instance.group) if instance.group else joined.get(a.id, 0)
            r = instance.result
            if isinstance(r, ConsentResult):
                decisions.append(SummaryDecision(a.number, a.title, instance.group,
                                                 instance.group_name, r.line, r.outcome,
                                                 r.voters, of))
            elif isinstance(r, SheetResult):
                sheet = _sheet(a, instance, r)
                if sheet is not None:
                    sheets.append(sheet)
            elif (top := _top(instance)) is not None:
                voters, criterion, entries = top
                priorities.append(SummaryPriority(a.number, a.kind, a.title, instance.group,
                                                  instance.group_name, criterion, voters, of,
                                                  entries))
    return Summary(decisions, priorities, sheets)
