"""The sentences of the documentation, shared by README.md and report.html.

Each function builds its text with a `Phrases`, which escapes user text for the format it was
made for, so the same function serves Markdown (backslash escapes) and HTML (entities).
"""

from __future__ import annotations

from facilitator.archive.phrases import N_, Phrases
from facilitator.archive.report import (
    ActivityReport,
    ConsentResult,
    DotsResult,
    IdeasResult,
    Item,
    KindResult,
    MatrixResult,
    PollResult,
    QaResult,
    RankingResult,
    Report,
    ScaleResult,
    SlidesResult,
    Step,
    SummaryPriority,
    WordsResult,
)


def item_label(p: Phrases, item: Item) -> str:
    """An item's label; with the group it came from, when it came from a group's ideas."""
    if item.group_name is None:
        return p.esc(item.label)
    return p.gettext("{label} (group {group})", label=item.label, group=item.group_name)


def meta(p: Phrases, report: Report, activity: ActivityReport) -> str:
    parts = [p.kind(activity.kind)]
    if activity.phase_title:
        parts.append(p.gettext("Phase: {title}", title=activity.phase_title))
    if activity.per_group:
        parts.append(p.gettext("in every group"))
    if activity.activated:
        parts.append(p.gettext("started {time}", time=p.moment(activity.activated,
                                                               report.session.started)))
    return p.ready(" · ".join(parts))


def participants(p: Phrases, report: Report) -> str:
    """"23 (15 on site, 6 online, 2 did not say)"."""
    n = report.participation
    parts = []
    if n.room:
        parts.append(p.gettext("{n} on site", n=n.room))
    if n.online:
        parts.append(p.gettext("{n} online", n=n.online))
    if parts and n.unknown:
        parts.append(p.gettext("{n} did not say", n=n.unknown))
    return p.ready(str(n.count) + (f" ({', '.join(parts)})" if parts else ""))


def place(p: Phrases, report: Report) -> str:
    """The place as written, with "hybrid" or "online" when people took part so; without
    a place, how people took part ("on site", "online", "hybrid")."""
    s = report.session
    if not s.place:
        return p.mode(s.mode)
    if s.mode == "room":
        return p.esc(s.place)
    return p.ready(f"{p.esc(s.place)} ({p.mode(s.mode)})")


def _ideas(p: Phrases, r: IdeasResult) -> list[str]:
    out = [p.plural(r.count, N_("{n} idea."), N_("{n} ideas."))]
    if r.hidden:
        out.append(p.plural(r.hidden, N_("{n} contribution was hidden by the moderation."),
                            N_("{n} contributions were hidden by the moderation.")))
    if r.pending:
        out.append(p.plural(r.pending, N_("{n} contribution was not approved."),
                            N_("{n} contributions were not approved.")))
    if r.withdrawn:
        out.append(p.plural(r.withdrawn, N_("{n} idea was withdrawn by its author."),
                            N_("{n} ideas were withdrawn by their authors.")))
    return out


def _matrix(p: Phrases, r: MatrixResult) -> list[str]:
    out = [p.plural(r.voters, N_("{n} person placed the items."),
                    N_("{n} people placed the items."))]
    for axis in (r.x, r.y):
        out.append(p.gettext("{label}: from {low} (1) to {high} ({steps}).", label=axis.label,
                             low=axis.low, high=axis.high, steps=r.steps))
    return out


def consent_details(p: Phrases, r: ConsentResult) -> str:
    out = [p.gettext("Decided by {majority}.", majority=p.majority(r.majority))]
    if r.quorum:
        out.append(p.gettext("Quorum: {n} votes, reached.", n=r.quorum) if r.quorate
                   else p.gettext("Quorum: {n} votes, not reached.", n=r.quorum))
    out.append(p.gettext("Secret vote.") if r.secret
               else p.gettext("Recorded vote: the moderation saw who voted how."))
    return p.ready(" ".join(out))


def votes_by_name(p: Phrases, r: ConsentResult) -> str:
    """"Ada: yes; Cem: abstain; 1 vote without a name", or "" for a secret vote."""
    votes = [p.gettext("{name}: {vote}", name=v.name, vote=p.vote(v.vote)) for v in r.recorded]
    if r.unnamed:
        votes.append(p.plural(r.unnamed, N_("{n} vote without a name"),
                              N_("{n} votes without a name")))
    return p.ready("; ".join(votes))


def _words(p: Phrases, r: WordsResult) -> list[str]:
    out = [p.plural(r.voters, N_("{n} person sent words."), N_("{n} people sent words."))]
    if r.hidden:
        out.append(p.plural(r.hidden, N_("{n} word was hidden by the moderation."),
                            N_("{n} words were hidden by the moderation.")))
    return out


def _qa(p: Phrases, r: QaResult) -> list[str]:
    out = [p.plural(len(r.open), N_("{n} open question."), N_("{n} open questions.")),
           p.plural(len(r.answered), N_("{n} answered question."),
                    N_("{n} answered questions."))]
    if r.hidden:
        out.append(p.plural(r.hidden, N_("{n} question was hidden by the moderation."),
                            N_("{n} questions were hidden by the moderation.")))
    if r.pending:
        out.append(p.plural(r.pending, N_("{n} question was not approved."),
                            N_("{n} questions were not approved.")))
    if r.withdrawn:
        out.append(p.plural(
            r.withdrawn, N_("{n} question was withdrawn by the person who asked it."),
            N_("{n} questions were withdrawn by the people who asked them.")))
    return out


def _sentences(p: Phrases, r: KindResult) -> list[str]:
    if isinstance(r, IdeasResult):
        return _ideas(p, r)
    if isinstance(r, PollResult):
        return [p.plural(r.voters, N_("{n} person voted."), N_("{n} people voted.")),
                *([p.gettext("Several answers were possible.")] if r.multiple else [])]
    if isinstance(r, DotsResult):
        return [p.plural(r.voters,
                         N_("{n} person gave {dots} dots ({budget} each, at most {per_item} "
                            "per item)."),
                         N_("{n} people gave {dots} dots ({budget} each, at most {per_item} "
                            "per item)."), dots=r.dots, budget=r.budget, per_item=r.per_item)]
    if isinstance(r, RankingResult):
        return [p.plural(r.voters, N_("{n} person ranked the items."),
                         N_("{n} people ranked the items.")),
                p.gettext("Borda count: of {k} places, place 1 gets {k} points, the last "
                          "place 1 point; equal points share a rank.", k=r.places)]
    if isinstance(r, ScaleResult):
        return [p.plural(r.voters, N_("{n} person rated."), N_("{n} people rated.")),
                p.gettext("Scale from {low} to {high}.", low=r.min, high=r.max)]
    if isinstance(r, MatrixResult):
        return _matrix(p, r)
    if isinstance(r, ConsentResult):
        return [consent_details(p, r)]
    if isinstance(r, WordsResult):
        return _words(p, r)
    if isinstance(r, QaResult):
        return _qa(p, r)
    if isinstance(r, SlidesResult):
        if r.name is None:
            return [p.gettext("No slides were uploaded.")]
        return [p.plural(len(r.pages), N_("{name}: {n} page."), N_("{name}: {n} pages."),
                         name=r.name)]
    if r.complete:
        return [p.gettext("All fields filled in.")]
    return [p.gettext("{filled} of {total} fields filled in.", filled=r.filled,
                      total=r.total)]


def summary(p: Phrases, result: KindResult) -> str:
    """The sentences above a result's tables."""
    return p.ready(" ".join(_sentences(p, result)))


def value_head(p: Phrases, r: ScaleResult, value: int) -> str:
    """A column of a scale's distribution: "1 (low)", or "3" for a value without a label."""
    label = r.labels.get(str(value))
    return (p.gettext("{value} ({label})", value=p.ready(str(value)), label=label) if label
            else p.ready(str(value)))


def axis_head(p: Phrases, label: str, what: str) -> str:
    return (p.gettext("{axis}: mean", axis=label) if what == "mean"
            else p.gettext("{axis}: spread", axis=label))


# -- the first page ("Ergebnisse auf einen Blick", summary.py) ------------------------------

def turnout(p: Phrases, voters: int, of: int | None) -> str:
    """"191 of 200": who took part of those who could (docs/archive.md, "summary")."""
    if of is None:
        return p.plural(voters, N_("{n} person"), N_("{n} people"))
    return p.gettext("{voters} of {total}", voters=p.ready(str(voters)),
                     total=p.ready(str(of)))


# The head of a prioritisation's score column, by kind (a table, so that message extraction
# sees only the messages, not the dictionary's keys).
SCORE_HEADS = {"dots": N_("Dots"), "ranking": N_("Points")}


def score_head(p: Phrases, entry: SummaryPriority) -> str:
    """The column of a prioritisation's score on the first page."""
    if entry.kind == "scale":
        return axis_head(p, entry.criterion or "", "mean")
    return p.gettext(SCORE_HEADS.get(entry.kind, N_("Votes")))


def first_step(p: Phrases, step: Step | None) -> str:
    """"31.03.2027: Machbarkeitsstudie beauftragen", or a dash."""
    if step is None:
        return p.ready("–")
    return p.gettext("{date}: {step}", date=p.date(step.date), step=step.step)


# -- a vote's items from an earlier activity (selection.py) ---------------------------------

# Why a vote took only some of its source's entries, by (take, ranked_by, per group): a table,
# so that message extraction sees only the messages.
TOOK = {
    ("top", "support", True): N_("The plan took the {n} with the most support from every "
                                 "group's wall, ties included."),
    ("top", "support", False): N_("The plan took the {n} with the most support, ties "
                                  "included."),
    ("top", "order", True): N_("The plan took the first {n} of every group's wall."),
    ("top", "order", False): N_("The plan took the first {n} of the wall."),
    ("top", "result", True): N_("The plan took the {n} best of every group's result, ties "
                                "included."),
    ("top", "result", False): N_("The plan took the {n} best of the result, ties included."),
}
LIMITED = {
    True: N_("A vote takes at most {limit} items: the first entries of every group's wall "
             "were taken in turn, so that every group is in the vote."),
    False: N_("A vote takes at most {limit} items: the first {limit} were taken."),
}


def selection(p: Phrases, a: ActivityReport) -> str:
    """What a vote over an earlier activity's entries left out, and why; "" when its items
    are its own (docs/archive.md, `selection`)."""
    s = a.selection
    if s is None:
        return ""
    if s.source_number is not None:
        source = p.gettext("activity {number} “{title}”", number=p.ready(str(s.source_number)),
                           title=s.source_title)
    else:
        source = p.gettext("“{title}”", title=s.source_title)
    if s.offered is None:
        return p.gettext("The items were taken from {source}.", source=source)
    if not s.left_out:
        return p.gettext("All {n} entries of {source} were put to the vote.",
                         n=p.ready(str(s.taken)), source=source)
    parts = [p.gettext("{taken} of the {offered} entries of {source} were put to the vote.",
                       taken=p.ready(str(s.taken)), offered=p.ready(str(s.offered)),
                       source=source)]
    if s.take == "top":
        parts.append(p.gettext(TOOK[("top", s.ranked_by or "result", s.per_group)],
                               n=p.ready(str(s.top))))
    elif s.take == "cluster":
        parts.append(p.gettext("The plan took only the cluster “{name}”.",
                               name=s.cluster or ""))
    if s.limited:
        parts.append(p.gettext(LIMITED[s.per_group], limit=p.ready(str(s.limit))))
    if s.source_number is not None:
        parts.append(p.gettext("The other {n} are not in the vote; {source} documents them "
                               "all.", n=p.ready(str(s.left_out)), source=source))
    else:
        parts.append(p.gettext("The other {n} are not in the vote.",
                               n=p.ready(str(s.left_out))))
    return p.ready(" ".join(parts))
