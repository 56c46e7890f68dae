"""The documentation of a workshop as data: one tree of dataclasses, built from the event log
(build.py) and written by every writer (Markdown, HTML, JSON, CSV).

results.json is this tree as JSON, field for field, so every name here is part of the
documented schema (docs/archive.md): renaming a field is a schema change.

Times are ISO 8601 in the report's time zone with the offset ("2026-11-21T10:14:03.120+01:00");
dates of measure sheets stay as typed ("2027-03-31"). Participants appear only as counts,
except the names voters gave in a recorded (not secret) consent vote.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from facilitator.archive.selection import Selection

SCHEMA = 1


@dataclass
class Item:
    """What a dots, ranking, scale or matrix activity worked on. `group` is set when the item
    came from a per-group activity (an idea of that group)."""

    id: str
    label: str
    group: str | None = None
    group_name: str | None = None


@dataclass
class IdeaEntry:
    id: str
    text: str
    support: int | None  # None when support was switched off
    pinned: bool
    also: list[str]  # texts of duplicates merged into this idea ("also mentioned")


@dataclass
class IdeaCluster:
    id: str | None  # None: the ideas in no cluster
    name: str | None
    ideas: list[IdeaEntry]


@dataclass
class IdeasResult:
    support: bool
    count: int  # ideas on the wall (merged duplicates not counted)
    hidden: int  # hidden by the moderation
    pending: int  # never approved (pre-moderation)
    withdrawn: int  # taken back by their authors
    clusters: list[IdeaCluster]


@dataclass
class PollOption:
    id: str
    label: str
    count: int
    share: float  # of the voters, 0…1


@dataclass
class PollResult:
    voters: int
    multiple: bool
    options: list[PollOption]


@dataclass
class DotsEntry:
    item: Item
    dots: int
    voters: int
    rank: int


@dataclass
class DotsResult:
    voters: int
    dots: int
    budget: int  # dots per participant
    per_item: int
    items: list[DotsEntry]  # most dots first


@dataclass
class RankingEntry:
    item: Item
    points: int
    rank: int


@dataclass
class RankingResult:
    voters: int
    places: int  # how many items each participant ranked
    items: list[RankingEntry]  # most points first


@dataclass
class Criterion:
    id: str
    label: str


@dataclass
class CriterionStats:
    criterion: str
    n: int
    mean: float | None
    median: float | None
    distribution: list[int]  # counts of min…max
    cant_judge: int


@dataclass
class ScaleEntry:
    item: Item
    criteria: list[CriterionStats]


@dataclass
class ScaleResult:
    voters: int
    min: int
    max: int
    labels: dict[str, str]  # value -> its label, e.g. {"1": "gering", "5": "hoch"}
    criteria: list[Criterion]
    items: list[ScaleEntry]  # in item order


@dataclass
class Axis:
    label: str
    low: str
    high: str


@dataclass
class MatrixEntry:
    item: Item
    n: int
    x: float | None
    y: float | None
    sx: float | None
    sy: float | None


@dataclass
class MatrixResult:
    voters: int
    steps: int
    x: Axis
    y: Axis
    items: list[MatrixEntry]  # in item order


@dataclass
class RecordedVote:
    name: str
    vote: str  # yes, no, abstain


@dataclass
class ConsentResult:
    yes: int
    no: int
    abstain: int
    voters: int
    quorum: int
    quorate: bool
    outcome: str  # accepted, rejected, no_quorum
    majority: str  # simple, two_thirds
    secret: bool
    line: str  # "Zustimmung 12 · Ablehnung 0 · Enthaltung 3 — angenommen"
    recorded: list[RecordedVote]  # open votes only: those who gave a name
    unnamed: int  # open votes only: votes without a name


@dataclass
class WordEntry:
    word: str
    count: int


@dataclass
class WordsResult:
    voters: int
    words: list[WordEntry]  # most frequent first, at most 100
    hidden: int  # words the moderation hid


@dataclass
class QuestionEntry:
    id: str
    text: str
    votes: int
    pinned: bool
    answer: str | None = None  # the answer the moderation recorded; None when none


@dataclass
class QaResult:
    open: list[QuestionEntry]
    answered: list[QuestionEntry]
    hidden: int
    pending: int
    withdrawn: int  # taken back by who asked


@dataclass
class Step:
    step: str
    date: str  # YYYY-MM-DD or ""


@dataclass
class SheetField:
    id: str
    label: str
    type: str  # text, long, date, rows
    value: str | list[Step]


@dataclass
class SheetResult:
    complete: bool
    filled: int
    total: int
    fields: list[SheetField]


@dataclass
class SlidePage:
    number: int  # 1, 2, …
    thumb: str  # "media/<sha256>.webp": a small picture of the page, in the archive folder
    text: str  # the page's text as the PDF has it ("" for a page that is only a picture)


@dataclass
class SlidesResult:
    name: str | None  # the PDF's file name as uploaded; None when no deck was uploaded
    pdf: str | None  # "media/<sha256>.pdf": the PDF itself, in the archive folder
    bytes: int
    shown: int  # the page on the screens at the end (0 without a deck)
    pages: list[SlidePage]


KindResult = (IdeasResult | PollResult | DotsResult | RankingResult | ScaleResult
              | MatrixResult | ConsentResult | WordsResult | QaResult | SheetResult
              | SlidesResult)


@dataclass
class Instance:
    """The results of a plenary activity (group None), or of one group's instance."""

    group: str | None
    group_name: str | None
    result: KindResult


@dataclass
class ActivityReport:
    number: int  # 1, 2, … in the order of the documentation
    id: str
    kind: str
    title: str
    prompt: str
    phase: str | None
    phase_title: str | None
    per_group: bool
    status: str
    activated: str | None  # first activation
    locked: str | None  # when input last closed (None while still open)
    revealed: str | None  # first reveal
    settings: dict[str, Any]  # the activity's config, without its items
    items: list[Item] | None
    instances: list[Instance]
    csv: str  # "csv/03-massnahmen-sammeln.csv"
    # Hidden by the moderator (activity.hide): documented apart, after the others.
    hidden: bool = False
    # Items taken from an earlier activity: how many of its entries, and why not the rest.
    selection: Selection | None = None


@dataclass
class PhaseReport:
    id: str
    title: str
    planned_minutes: int | None
    actual_minutes: int | None  # all runs of the phase together, rounded
    started: str | None  # first start
    ended: str | None  # last end
    activities: list[int]  # numbers of its activities in this report


@dataclass
class Slot:
    start: str  # a 10-minute slot of the clock: 09:10, 09:20, …
    joins: int
    total: int  # participants who had joined by the end of the slot


@dataclass
class Participation:
    count: int
    room: int
    online: int
    unknown: int  # did not say where they take part from
    timeline: list[Slot]


@dataclass
class GroupReport:
    id: str
    name: str
    members: int
    deleted: bool


@dataclass
class PhotoReport:
    """A photo of the room's work (a flipchart, a pinboard), re-encoded without metadata."""

    id: str
    file: str  # "media/<sha256>.jpg", in the archive folder
    thumb: str  # a small version, also under media/
    width: int
    height: int
    added: str  # when it was added
    by_moderator: bool  # else a participant of the group sent it from a phone
    group: str | None
    group_name: str | None
    activity: int | None  # the number of the activity it belongs to in this report
    phase: str | None
    phase_title: str | None


@dataclass
class SessionInfo:
    id: str
    title: str
    language: str
    timezone: str
    names: bool
    status: str
    created: str
    opened: str | None
    started: str | None
    closed: str | None
    as_of: str  # time of the last event
    place: str | None
    mode: str  # room, online, hybrid
    moderators: list[str]
    # Who hands the documentation over: the session's own, else the server's setting.
    organisation: str | None


@dataclass
class SummaryDecision:
    """A consent vote on the first page: its result line and who took part."""

    activity: int  # its number in this report
    title: str
    group: str | None
    group_name: str | None
    line: str  # ConsentResult.line
    outcome: str  # accepted, rejected, no_quorum
    voters: int
    of: int | None  # who could vote (docs/archive.md); None for a group deleted later


@dataclass
class SummaryEntry:
    label: str  # the item's or option's label
    group_name: str | None  # the group the item came from (items from groups' ideas)
    rank: int  # equal scores share a rank
    score: float  # dots, Borda points, the first criterion's mean, or votes
    # Not among the best three, but the best of its group (items from groups' ideas).
    group_best: bool = False


@dataclass
class SummaryPriority:
    """The top of one prioritisation (of one group's instance for a per-group one)."""

    activity: int
    kind: str  # dots, ranking, scale, poll
    title: str
    group: str | None
    group_name: str | None
    criterion: str | None  # scale: the label of the first criterion, which orders it
    voters: int
    of: int | None
    top: list[SummaryEntry]  # at most three, best first


@dataclass
class SummarySheet:
    """A measure sheet on the first page: title, lead and its earliest dated step."""

    activity: int
    title: str  # the activity's title
    group: str | None
    group_name: str | None
    measure: str  # the sheet's title field ("" when not filled in)
    lead: str  # its lead field ("" when the sheet has none or it is empty)
    first_step: Step | None  # the step with the earliest date; None without dated steps


@dataclass
class Summary:
    decisions: list[SummaryDecision]
    priorities: list[SummaryPriority]
    sheets: list[SummarySheet]


@dataclass
class RoadmapStep:
    step: str
    date: str  # YYYY-MM-DD; for an undated step "" or what was typed if it is no valid date
    milestone: bool  # the last dated step of its sheet (the sheet's goal date)


@dataclass
class RoadmapSheet:
    """The steps of one measure sheet (one group's instance of a per-group sheet), for the
    roadmap (Umsetzungsfahrplan): dated steps by date, the undated ones apart."""

    activity: int  # the number of the measure activity in this report
    title: str  # the sheet's title field, else the activity's title
    group: str | None
    group_name: str | None
    lead: str  # the sheet's lead field ("" when the sheet has none or it is empty)
    start: str | None  # the date of the first dated step; None without dated steps
    milestone: str | None  # the date of the last dated step
    steps: list[RoadmapStep]  # dated, earliest first (equal dates in the sheet's order)
    undated: list[RoadmapStep]  # no date or no valid one, in the sheet's order


@dataclass
class NextStep:
    """A next step the moderation recorded: what is to be done, who does it, by when."""

    number: int  # 1, 2, … in the order recorded
    what: str
    who: str  # "" when nobody was named
    due: str  # YYYY-MM-DD, or "" without a date
    activity: str | None  # the id of the activity it comes from
    activity_number: int | None  # that activity's number in this report (None: not in it)
    activity_title: str | None
    group: str | None  # the id of the group it comes from
    group_name: str | None
    recorded: str  # when it was recorded (added)


@dataclass
class Report:
    schema: int
    session: SessionInfo
    summary: Summary  # "Ergebnisse auf einen Blick", the first page
    participation: Participation
    agenda: list[PhaseReport]
    groups: list[GroupReport]
    activities: list[ActivityReport]
    notes: str
    photos: list[PhotoReport]
    roadmap: list[RoadmapSheet]  # the measure sheets' steps on one timeline
    next_steps: list[NextStep]  # what the moderation recorded, in that order

    def media(self) -> list[str]:
        """The files under media/ this report shows or links: each once, sorted."""
        names: set[str] = set()
        for photo in self.photos:
            names |= {photo.file, photo.thumb}
        for activity in self.activities:
            for instance in activity.instances:
                result = instance.result
                if isinstance(result, SlidesResult) and result.pdf is not None:
                    names |= {result.pdf, *(page.thumb for page in result.pages)}
        return sorted(names)
