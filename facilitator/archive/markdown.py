"""README.md: the report in Markdown that reads well on GitHub and GitLab.

Every user text goes through `Phrases.esc` (backslash escapes, text.md_escape) or
`text.md_block`; only the structure (headings, tables, lists, emphasis) is written here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from facilitator.archive import sentences as say
from facilitator.archive import votes
from facilitator.archive.phrases import N_, Phrases
from facilitator.archive.report import (
    ActivityReport,
    ConsentResult,
    DotsResult,
    IdeasResult,
    Item,
    KindResult,
    MatrixResult,
    NextStep,
    PhotoReport,
    PollResult,
    QaResult,
    RankingResult,
    Report,
    ScaleResult,
    SheetField,
    SheetResult,
    SlidesResult,
    WordsResult,
)
from facilitator.archive.roadmap import entries, when
from facilitator.archive.text import md_block

Lines = list[str]


def table(header: Iterable[str], rows: Iterable[Iterable[str]],
          right: Iterable[int] = ()) -> Lines:
    """A GFM table; cells must be escaped already. `right`: columns aligned right."""
    head = list(header)
    aligned = set(right)
    rule = ["---:" if i in aligned else "---" for i in range(len(head))]
    out = ["| " + " | ".join(head) + " |", "| " + " | ".join(rule) + " |"]
    out += ["| " + " | ".join(c if c else "–" for c in row) + " |" for row in rows]
    return out + [""]


def _ideas(p: Phrases, r: IdeasResult) -> Lines:
    out: Lines = []
    named = any(c.id is not None for c in r.clusters)
    for cluster in r.clusters:
        if named:
            name = p.esc(cluster.name) if cluster.name else p.gettext("Without a cluster")
            out += [f"**{name}**", ""]
        for idea in cluster.ideas:
            line = f"- {p.esc(idea.text)}"
            if idea.pinned:
                line += " " + p.gettext("(pinned)")
            if idea.support is not None:
                line += " — " + p.plural(idea.support, N_("{n} supporter"), N_("{n} supporters"))
            if idea.also:
                line += "  \n  " + p.gettext("also mentioned: {texts}", texts=p.ready(
                    "; ".join(p.esc(t) for t in idea.also)))
            out.append(line)
        out.append("")
    return out


BLOCKS = "▏▎▍▌▋▊▉"  # one to seven eighths of a cell
BAR_CELLS = 10  # the longest bar of a table, in characters


def bar(value: float | None, top: float, bottom: float = 0.0) -> str:
    """A bar of Unicode block characters for a table's bar column: BAR_CELLS wide at `top`,
    in eighths of a character, empty at `bottom` or without a value."""
    if value is None or top <= bottom:
        return ""
    eighths = round(min(max((value - bottom) / (top - bottom), 0.0), 1.0) * BAR_CELLS * 8)
    full, part = divmod(eighths, 8)
    return "█" * full + (BLOCKS[part - 1] if part else "")


def _item(p: Phrases, item: Item, grouped: bool) -> list[str]:
    """An item's cells: its label and, when items came from groups, its group's name."""
    if not grouped:
        return [say.item_label(p, item)]
    return [p.esc(item.label), p.esc(item.group_name or "")]


def _apart(p: Phrases, head: str, texts: Iterable[str]) -> Lines:
    """A long vote's rest (or its items with nothing) in one paragraph."""
    return [f"**{head}** " + "; ".join(texts), ""]


def _poll(p: Phrases, r: PollResult) -> Lines:
    cut = votes.table_cut(r)
    top = max((o.count for o in r.options), default=0)
    rows = [[p.esc(o.label), str(o.count), p.percent(o.share), bar(o.count, top)]
            for o in cut.top]
    if cut.rest:
        rows.append([f"*{votes.further(p, len(cut.rest))}*",
                     str(sum(o.count for o in cut.rest)), "", ""])
    out = table([p.gettext("Option"), p.gettext("Votes"), p.gettext("Share"), ""], rows,
                right=(1, 2))
    if cut.rest:
        out += _apart(p, votes.further(p, len(cut.rest)) + ":",
                      (votes.compact(p, o.label, None, o.count) for o in cut.rest))
    if cut.empty:
        out += _apart(p, votes.empty(p, "poll", len(cut.empty)) + ":",
                      (votes.named(p, o.label, None) for o in cut.empty))
    return out


def _ranked(p: Phrases, r: DotsResult | RankingResult, head: str,
            score: Callable[[Any], int], voters: Callable[[Any], int] | None) -> Lines:
    """A dot vote's or a ranking's table: rank, item (and group), score with its bar, and
    (dots) the people; long ones cut as in report.html (votes.py)."""
    cut, grouped = votes.table_cut(r), votes.grouped(r)
    top = max((score(e) for e in r.items), default=0)
    people = [""] if voters else []
    rows = [[str(e.rank), *_item(p, e.item, grouped), str(score(e)), bar(score(e), top),
             *([str(voters(e))] if voters else [])] for e in cut.top]
    if cut.rest:
        rows.append([f"{cut.rest[0].rank}–{cut.rest[-1].rank}",
                     f"*{votes.further(p, len(cut.rest))}*", *([""] if grouped else []),
                     str(sum(score(e) for e in cut.rest)), "", *people])
    columns = [p.gettext("Rank"), p.gettext("Item"),
               *([p.gettext("Group")] if grouped else []), head, "",
               *([p.gettext("People")] if voters else [])]
    scored = len(columns) - 2 - len(people)
    out = table(columns, rows, right=(0, scored, *([len(columns) - 1] if voters else [])))
    if cut.rest:
        out += _apart(p, votes.ranks(p, cut.rest[0].rank, cut.rest[-1].rank),
                      (votes.compact(p, e.item.label, e.item.group_name, score(e))
                       for e in cut.rest))
    if cut.empty:
        kind = "dots" if isinstance(r, DotsResult) else "ranking"
        out += _apart(p, votes.empty(p, kind, len(cut.empty)) + ":",
                      (votes.named(p, e.item.label, e.item.group_name) for e in cut.empty))
    return out


def _dots(p: Phrases, r: DotsResult) -> Lines:
    return _ranked(p, r, p.gettext("Dots"), lambda e: e.dots, lambda e: e.voters)


def _ranking(p: Phrases, r: RankingResult) -> Lines:
    return _ranked(p, r, p.gettext("Points"), lambda e: e.points, None)


def _scale(p: Phrases, r: ScaleResult) -> Lines:
    out: Lines = []
    values = range(r.min, r.max + 1)
    grouped = votes.grouped(r)
    for index, criterion in enumerate(r.criteria):
        out += [f"**{p.esc(criterion.label)}**", ""]
        head = [p.gettext("Item"), *([p.gettext("Group")] if grouped else []),
                p.gettext("Ratings"), p.gettext("Mean"), "", p.gettext("Median"),
                *(say.value_head(p, r, v) for v in values), p.gettext("can't judge")]
        cut = votes.scale_cut(r, index)
        rows = []
        for entry in cut.top:
            s = entry.criteria[index]
            rows.append([*_item(p, entry.item, grouped), str(s.n), p.number(s.mean),
                         bar(s.mean, r.max, r.min), p.number(s.median),
                         *(str(c) for c in s.distribution), str(s.cant_judge)])
        if cut.rest:
            means = [e.criteria[index].mean for e in cut.rest]
            known = [m for m in means if m is not None]
            rows.append([f"*{votes.further(p, len(cut.rest))}*", *([""] if grouped else []),
                         str(sum(e.criteria[index].n for e in cut.rest)),
                         votes.mean_range(p, min(known, default=None),
                                          max(known, default=None)),
                         "", "", *("" for _ in values), ""])
        first = 2 if grouped else 1
        out += table(head, rows, right=[i for i in range(first, len(head)) if i != first + 2])
        if cut.rest:
            out += _apart(p, votes.further(p, len(cut.rest)) + ":",
                          (votes.compact(p, e.item.label, e.item.group_name,
                                         p.number(e.criteria[index].mean)) for e in cut.rest))
        if cut.empty:
            out += _apart(p, votes.empty(p, "scale", len(cut.empty)) + ":",
                          (votes.named(p, e.item.label, e.item.group_name)
                           for e in cut.empty))
    return out


def _matrix(p: Phrases, r: MatrixResult) -> Lines:
    head = [p.gettext("Item"), p.gettext("Placements"),
            say.axis_head(p, r.x.label, "mean"), say.axis_head(p, r.x.label, "spread"),
            say.axis_head(p, r.y.label, "mean"), say.axis_head(p, r.y.label, "spread")]
    rows = [[say.item_label(p, e.item), str(e.n), p.number(e.x), p.number(e.sx),
             p.number(e.y), p.number(e.sy)] for e in r.items]
    return table(head, rows, right=range(1, 6)) + [
        p.gettext("Spread is the standard deviation of the positions."), ""]


def _consent(p: Phrases, r: ConsentResult) -> Lines:
    out = [f"**{p.esc(r.line)}**", ""]
    if r.recorded or r.unnamed:
        out += [p.gettext("Votes by name:") + " " + say.votes_by_name(p, r), ""]
    return out


def _words(p: Phrases, r: WordsResult) -> Lines:
    return table([p.gettext("Word"), p.gettext("Mentions")],
                 [[p.esc(w.word), str(w.count)] for w in r.words], right=(1,))


def _qa(p: Phrases, r: QaResult) -> Lines:
    out: Lines = []
    for title, questions in ((p.gettext("Open questions"), r.open),
                             (p.gettext("Answered questions"), r.answered)):
        out += [f"**{title}**", ""]
        # The answer on the item's second line (indented: it stays in the item).
        out += [f"- {p.esc(q.text)}" + (" " + p.gettext("(pinned)") if q.pinned else "")
                + " — " + p.plural(q.votes, N_("{n} vote"), N_("{n} votes"))
                + (f"  \n  *{p.gettext('Answer')}:* {p.esc(q.answer)}" if q.answer else "")
                for q in questions] or [p.gettext("None.")]
        out.append("")
    return out


def _field(p: Phrases, f: SheetField) -> Lines:
    out = [f"**{p.esc(f.label)}**", ""]
    if not f.value:
        return out + ["*" + p.gettext("(not filled in)") + "*", ""]
    if isinstance(f.value, list):
        return out + table([p.gettext("Step"), p.gettext("Date")],
                           [[p.esc(s.step), p.date(s.date) if s.date else ""]
                            for s in f.value])
    if f.type == "date":
        return out + [p.date(f.value), ""]
    return out + [md_block(f.value) if f.type == "long" else p.esc(f.value), ""]


def _measure(p: Phrases, r: SheetResult) -> Lines:
    return [line for f in r.fields for line in _field(p, f)]


def body(p: Phrases, result: KindResult) -> Lines:
    """The tables and lists of one result, after its summary."""
    if isinstance(result, IdeasResult):
        return _ideas(p, result)
    if isinstance(result, PollResult):
        return _poll(p, result)
    if isinstance(result, DotsResult):
        return _dots(p, result)
    if isinstance(result, RankingResult):
        return _ranking(p, result)
    if isinstance(result, ScaleResult):
        return _scale(p, result)
    if isinstance(result, MatrixResult):
        return _matrix(p, result)
    if isinstance(result, ConsentResult):
        return _consent(p, result)
    if isinstance(result, WordsResult):
        return _words(p, result)
    if isinstance(result, QaResult):
        return _qa(p, result)
    if isinstance(result, SlidesResult):
        return _slides(p, result)
    return _measure(p, result)


def _slides(p: Phrases, r: SlidesResult) -> Lines:
    """The PDF as a link, and each page's text (the pictures are in report.html)."""
    if r.pdf is None:
        return []
    out = [f"[{p.esc(r.name or r.pdf)}]({r.pdf})", ""]
    for page in r.pages:
        text = " ".join(page.text.split())
        out.append(p.gettext("Page {n}", n=page.number) + (": " + p.esc(text) if text else ""))
        out.append("")
    return out


def _photos(p: Phrases, photos: list[PhotoReport]) -> Lines:
    """Photos as small pictures linking to the full size (both in media/)."""
    out = []
    for photo in photos:
        alt = p.esc(_photo_caption(p, photo))
        out += [f"[![{alt}]({photo.thumb})]({photo.file})", ""]
    return out


def _photo_caption(p: Phrases, photo: PhotoReport) -> str:
    if photo.group_name is not None:
        return p.gettext("Photo of group {name}", name=photo.group_name)
    return p.gettext("Photo")


def _activity(p: Phrases, r: Report, a: ActivityReport) -> Lines:
    out = [f"## {a.number}. {p.esc(a.title)}", "", f"*{say.meta(p, r, a)}*", ""]
    if a.prompt:
        out += ["> " + line if line else ">" for line in md_block(a.prompt).split("\n")]
        out.append("")
    if a.selection is not None:
        out += [say.selection(p, a), ""]
    if a.per_group and not a.instances:
        out += [p.gettext("No groups took part."), ""]
    for instance in a.instances:
        if instance.group_name is not None:
            out += ["### " + p.gettext("Group {name}", name=instance.group_name), ""]
        if isinstance(instance.result, ConsentResult):  # the vote's line comes first
            out += _consent(p, instance.result) + [say.summary(p, instance.result), ""]
            continue
        out += [say.summary(p, instance.result), ""] + body(p, instance.result)
        out += _photos(p, [photo for photo in r.photos if photo.activity == a.number
                           and photo.group == instance.group])
    return out


def _head(p: Phrases, r: Report) -> Lines:
    s = r.session
    facts = [(p.gettext("Date"), p.span(s.started or s.opened or s.created, s.closed)),
             (p.gettext("Place"), say.place(p, r))]
    if s.moderators:
        facts.append((p.gettext("Moderation"), p.esc(", ".join(s.moderators))))
    facts.append((p.gettext("Participants"), say.participants(p, r)))
    if s.closed is None:
        facts.append((p.gettext("As of"), p.when(s.as_of) + " "
                      + p.gettext("(the session was not closed yet)")))
    lines = [f"**{label}:** {value}" for label, value in facts]
    head = [f"# {p.esc(s.title)}", "", "  \n".join(lines), ""]
    if s.organisation:  # who hands it over, above the title as on the report's cover
        head = [f"*{p.esc(s.organisation)}*", "", *head]
    return head


def _participation(p: Phrases, r: Report) -> Lines:
    out = ["## " + p.gettext("Participation"), ""]
    if not r.participation.timeline:
        return out + [p.gettext("Nobody joined."), ""]
    out += [p.gettext("Joins per 10 minutes:"), ""]
    day = r.session.started or r.session.created
    return out + table([p.gettext("From"), p.gettext("Joined"), p.gettext("In total")],
                       [[p.moment(t.start, day), str(t.joins), str(t.total)]
                        for t in r.participation.timeline], right=(1, 2))


def _agenda(p: Phrases, r: Report) -> Lines:
    if not r.agenda:
        return []
    day = r.session.started or r.session.created
    rows = [[p.esc(h.title), p.minutes(h.planned_minutes), p.minutes(h.actual_minutes),
             p.moment(h.started, day), p.moment(h.ended, day),
             ", ".join(str(n) for n in h.activities)] for h in r.agenda]
    out = ["## " + p.gettext("Agenda"), ""] + table(
        [p.gettext("Phase"), p.gettext("Planned"), p.gettext("Actual"), p.gettext("Start"),
         p.gettext("End"), p.gettext("Activities")], rows, right=(1, 2))
    for h in r.agenda:  # photos the moderation added to a phase
        photos = [photo for photo in r.photos if photo.activity is None
                  and photo.phase == h.id]
        if photos:
            out += ["### " + p.gettext("Photos: {phase}", phase=h.title), ""]
            out += _photos(p, photos)
    return out


def _groups(p: Phrases, r: Report) -> Lines:
    if not r.groups:
        return []
    rows = [[p.esc(g.name) + (" " + p.gettext("(deleted)") if g.deleted else ""),
             str(g.members)] for g in r.groups]
    return ["## " + p.gettext("Groups"), ""] + table(
        [p.gettext("Group"), p.gettext("Members")], rows, right=(1,))


def _summary(p: Phrases, r: Report) -> Lines:
    """Results at a glance: decisions, the top of each prioritisation, the measures."""
    s = r.summary
    out = ["## " + p.gettext("Results at a glance"), ""]
    if not (s.decisions or s.priorities or s.sheets):
        return out + [p.gettext("No decisions, prioritisations or measure sheets."), ""]
    if s.decisions:
        out += ["### " + p.gettext("Decisions"), ""] + table(
            [p.gettext("Decision"), p.gettext("Result"), p.gettext("Turnout")],
            [[p.esc(d.title) + ("" if d.group_name is None else " (" + p.gettext(
                "Group {name}", name=d.group_name) + ")"),
              f"**{p.esc(d.line)}**", say.turnout(p, d.voters, d.of)]
             for d in s.decisions], right=(2,))
    if s.priorities:
        out += ["### " + p.gettext("Priorities"), ""]
    for q in s.priorities:
        head = [f"{q.activity}. {p.esc(q.title)}", p.kind(q.kind),
                p.gettext("Turnout") + " " + say.turnout(p, q.voters, q.of)]
        if q.group_name is not None:
            head.insert(1, p.gettext("Group {name}", name=q.group_name))
        rows = [[str(e.rank), (p.gettext("{label} (group {group})", label=e.label,
                                          group=e.group_name) if e.group_name is not None
                               else p.esc(e.label))
                 + (" — " + p.gettext("best of its group") if e.group_best else ""),
                 p.number(e.score)] for e in q.top]
        out += ["**" + " · ".join(head) + "**", ""] + table(
            [p.gettext("Rank"), p.gettext("Item"), say.score_head(p, q)],
            rows or [["", p.gettext("None."), ""]], right=(0, 2))
    if s.sheets:
        out += ["### " + p.gettext("Measures"), ""] + table(
            [p.gettext("Group"), p.gettext("Measure"), p.gettext("Lead"),
             p.gettext("First step")],
            [[p.esc(m.title if m.group_name is None else m.group_name), p.esc(m.measure),
              p.esc(m.lead),
              say.first_step(p, m.first_step)] for m in s.sheets])
    return out


def _roadmap(p: Phrases, r: Report) -> Lines:
    """Every step of the measure sheets in date order (the roadmap), the undated ones last."""
    if not r.roadmap:
        return []
    rows = [[when(p, e.step), p.esc(e.step.step), p.esc(e.sheet.title),
             p.esc(e.sheet.group_name or ""), p.esc(e.sheet.lead)] for e in entries(r.roadmap)]
    out = ["## " + p.gettext("Roadmap"), "", p.gettext(
        "Every step of the measure sheets by date. A sheet's last dated step is its "
        "milestone (the goal date); steps without a valid date come last."), ""]
    out += table([p.gettext("Date"), p.gettext("Step"), p.gettext("Measure"),
                  p.gettext("Group"), p.gettext("Lead")], rows)
    return out


def _origin(p: Phrases, step: NextStep) -> str:
    """Where a next step came from: the activity (with its number) and the group."""
    parts = []
    if step.activity_title is not None:
        number = "" if step.activity_number is None else f"{step.activity_number}\\. "
        parts.append(number + p.esc(step.activity_title))
    if step.group_name is not None:
        parts.append(p.gettext("Group {name}", name=step.group_name))
    return " · ".join(parts)


def _next_steps(p: Phrases, r: Report) -> Lines:
    """The next steps the moderation recorded, in that order."""
    if not r.next_steps:
        return []
    rows = [[str(s.number), p.esc(s.what), p.esc(s.who), p.date(s.due) if s.due else "",
             _origin(p, s)] for s in r.next_steps]
    return ["## " + p.gettext("Next steps"), ""] + table(
        [p.gettext("No."), p.gettext("What"), p.gettext("Who"), p.gettext("By when"),
         p.gettext("Origin")], rows, right=(0,))


def render_markdown(report: Report) -> str:
    p = Phrases(report.session.language, "md")
    out = _head(p, report) + _summary(p, report) + _participation(p, report)
    out += _agenda(p, report)
    out += _groups(p, report)
    out += _roadmap(p, report)
    for n, activity in enumerate(report.activities):
        if activity.hidden and (n == 0 or not report.activities[n - 1].hidden):
            out += ["## " + p.gettext("Hidden by the moderator"), "",
                    p.gettext("The moderation hid these activities during the session; "
                              "their results are documented here all the same."), ""]
        out += _activity(p, report, activity)
    out += _next_steps(p, report)
    if report.notes:
        out += ["## " + p.gettext("Notes of the moderation"), "", md_block(report.notes), ""]
    out += ["---", "", "*" + p.gettext(
        "Documentation written by facilitator from the log of the session. Times: {zone}.",
        zone=report.session.timezone) + "*", ""]
    return "\n".join(out)
