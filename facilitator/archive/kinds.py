"""The results of one activity (or one group's instance of it) as report data, one function per
kind. Counts come from each kind's own `results()`, the numbers every screen showed; texts
(ideas, questions, sheet fields) from the kind's data, which `results()` does not carry."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from facilitator.archive.report import (
    Axis,
    ConsentResult,
    Criterion,
    CriterionStats,
    DotsEntry,
    DotsResult,
    IdeaCluster,
    IdeaEntry,
    IdeasResult,
    Item,
    KindResult,
    MatrixEntry,
    MatrixResult,
    PollOption,
    PollResult,
    QaResult,
    QuestionEntry,
    RankingEntry,
    RankingResult,
    RecordedVote,
    ScaleEntry,
    ScaleResult,
    SheetField,
    SheetResult,
    SlidePage,
    SlidesResult,
    Step,
    WordEntry,
    WordsResult,
)
from facilitator.domain.activities import KINDS, Activity
from facilitator.domain.activities.consent import ConsentData, result_line
from facilitator.domain.activities.ideas_model import Idea, IdeasData
from facilitator.domain.activities.measure import SheetData
from facilitator.domain.activities.qa import QaData, Question
from facilitator.domain.activities.slides import SlidesData

# Files of the session (slides, photos) are copied into this folder of the archive.
MEDIA = "media/"


@dataclass(frozen=True)
class Context:
    """What a kind's results need from outside the activity."""

    gettext: Callable[[str], str]
    names: Mapping[str, str | None]  # participant -> the name they gave, if any
    items: Mapping[str, Item]  # item id -> item, of the activity being documented


def ranks(scores: list[int]) -> list[int]:
    """Competition ranks of scores sorted best first: ties share the rank (1, 2, 2, 4)."""
    out: list[int] = []
    for position, score in enumerate(scores, start=1):
        out.append(out[-1] if out and scores[position - 2] == score else position)
    return out


def _results(activity: Activity) -> dict[str, Any]:
    results = KINDS[activity.kind].results(activity)
    assert results is not None  # every reported kind has results once activated
    return results


def _item(ctx: Context, ident: str) -> Item:
    return ctx.items.get(ident) or Item(ident, ident)


def ideas(activity: Activity, ctx: Context) -> IdeasResult:
    data: IdeasData = activity.data
    support = bool(activity.config.get("support"))
    wall = data.wall()  # pinned first, then in the order of posting
    if support:
        wall = sorted(wall, key=lambda idea: -data.support(idea))  # stable: ties keep order

    def entry(idea: Idea) -> IdeaEntry:
        # Duplicates the moderation hid, or that were never approved or withdrawn, are not
        # "also mentioned": they were never on the wall.
        also = [d.text for d in data.duplicates(idea)
                if not (d.hidden or d.withdrawn or d.pending)]
        return IdeaEntry(idea.id, idea.text, data.support(idea) if support else None,
                         idea.pinned, also)

    clusters = [IdeaCluster(c, name, [entry(i) for i in wall if i.cluster == c])
                for c, name in data.clusters.items()]
    clusters.append(IdeaCluster(None, None, [entry(i) for i in wall if i.cluster is None]))
    every = data.ideas.values()
    return IdeasResult(
        support=support, count=len(wall),
        hidden=sum(1 for i in every if i.hidden and not i.withdrawn),
        pending=sum(1 for i in every if i.pending and not (i.hidden or i.withdrawn)),
        withdrawn=sum(1 for i in every if i.withdrawn),
        clusters=[c for c in clusters if c.ideas])


def poll(activity: Activity, ctx: Context) -> PollResult:
    results = _results(activity)
    voters = results["voters"]
    labels = {o["id"]: o["label"] for o in activity.config["options"]}
    return PollResult(voters, bool(activity.config["multiple"]), [
        PollOption(o["id"], labels[o["id"]], o["count"],
                   round(o["count"] / voters, 4) if voters else 0.0)
        for o in results["options"]])


def dots(activity: Activity, ctx: Context) -> DotsResult:
    results = _results(activity)
    best = sorted(results["items"], key=lambda i: -i["dots"])  # stable: ties keep item order
    rank = ranks([i["dots"] for i in best])
    return DotsResult(results["voters"], results["dots"], activity.config["dots"],
                      activity.config["per_item"],
                      [DotsEntry(_item(ctx, i["id"]), i["dots"], i["voters"], r)
                       for i, r in zip(best, rank, strict=True)])


def ranking(activity: Activity, ctx: Context) -> RankingResult:
    results = _results(activity)
    places = activity.config["top"] or len(activity.items or ())
    return RankingResult(results["voters"], min(places, len(activity.items or ())), [
        RankingEntry(_item(ctx, i["id"]), i["points"], i["rank"]) for i in results["items"]])


def scale(activity: Activity, ctx: Context) -> ScaleResult:
    results = _results(activity)
    config = activity.config
    criteria = [Criterion(c["id"], c["label"]) for c in config["criteria"]]
    items = []
    for entry in results["items"]:
        stats = [CriterionStats(c.id, s["n"], s["mean"], s["median"], list(s["distribution"]),
                                s["cant_judge"])
                 for c in criteria for s in [entry["criteria"][c.id]]]
        items.append(ScaleEntry(_item(ctx, entry["id"]), stats))
    return ScaleResult(results["voters"], config["min"], config["max"], dict(config["labels"]),
                       criteria, items)


def matrix(activity: Activity, ctx: Context) -> MatrixResult:
    results = _results(activity)
    config = activity.config
    return MatrixResult(
        results["voters"], config["steps"], Axis(**config["x"]), Axis(**config["y"]),
        [MatrixEntry(_item(ctx, i["id"]), i["n"], i["x"], i["y"], i["sx"], i["sy"])
         for i in results["items"]])


def consent(activity: Activity, ctx: Context) -> ConsentResult:
    results = _results(activity)
    data: ConsentData = activity.data
    secret = bool(activity.config["secret"])
    recorded: list[RecordedVote] = []
    unnamed = 0
    if not secret:
        # Only names people chose to give; sorted by name so the list does not tell the
        # order in which people voted.
        for who, vote in data.votes.items():
            name = ctx.names.get(who)
            if name:
                recorded.append(RecordedVote(name, vote))
            else:
                unnamed += 1
        recorded.sort(key=lambda r: (r.name.casefold(), r.name, r.vote))
    return ConsentResult(
        yes=results["yes"], no=results["no"], abstain=results["abstain"],
        voters=results["voters"], quorum=results["quorum"], quorate=results["quorate"],
        outcome=results["outcome"], majority=activity.config["majority"], secret=secret,
        line=result_line(results, ctx.gettext), recorded=recorded, unnamed=unnamed)


def words(activity: Activity, ctx: Context) -> WordsResult:
    results = _results(activity)
    listed = results["words"]
    return WordsResult(results["voters"],
                       [WordEntry(w["word"], w["count"]) for w in listed if not w.get("hidden")],
                       sum(1 for w in listed if w.get("hidden")))


def qa(activity: Activity, ctx: Context) -> QaResult:
    data: QaData = activity.data
    every = list(data.questions.values())
    # Most votes first, then in the order they were asked (pinning was for the live wall).
    shown = sorted((q for q in every if q.visible), key=lambda q: (-len(q.voters), q.at))

    def entry(q: Question) -> QuestionEntry:
        return QuestionEntry(q.id, q.text, len(q.voters), q.pinned, q.answer or None)

    return QaResult(
        open=[entry(q) for q in shown if not q.answered],
        answered=[entry(q) for q in shown if q.answered],
        hidden=sum(1 for q in every if q.hidden and not q.withdrawn),
        pending=sum(1 for q in every if not q.approved and not (q.hidden or q.withdrawn)),
        withdrawn=sum(1 for q in every if q.withdrawn))


def measure(activity: Activity, ctx: Context) -> SheetResult:
    data: SheetData = activity.data
    results = _results(activity)
    fields = []
    for spec in activity.config["fields"]:
        value = data.entries[spec["id"]].value
        shown: str | list[Step] = ([Step(r.get("step", ""), r.get("date", "")) for r in value]
                                   if spec["type"] == "rows" else str(value))
        fields.append(SheetField(spec["id"], spec["label"], spec["type"], shown))
    return SheetResult(results["complete"], results["filled"], results["total"], fields)


def slides(activity: Activity, ctx: Context) -> SlidesResult:
    data: SlidesData = activity.data
    deck = data.deck
    if deck is None:
        return SlidesResult(None, None, 0, 0, [])
    pages = [SlidePage(n, MEDIA + page["thumb"], page["text"])
             for n, page in enumerate(deck["pages"], start=1)]
    return SlidesResult(deck["name"], MEDIA + deck["pdf"]["blob"], deck["pdf"]["bytes"],
                        data.page, pages)


RESULTS: dict[str, Callable[[Activity, Context], KindResult]] = {
    "ideas": ideas, "poll": poll, "dots": dots, "ranking": ranking, "scale": scale,
    "matrix": matrix, "consent": consent, "words": words, "qa": qa, "measure": measure,
    "slides": slides,
}
