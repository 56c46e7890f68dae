"""csv/NN-<slug>.csv: one table per activity that opens correctly in a spreadsheet.

UTF-8 with a byte order mark (so Excel reads umlauts right), one header row, CRLF line ends.
German sessions use `;` between cells and decimal commas, as German Excel expects; English
ones `,` and decimal points. A per-group activity has one file with the group in the first
column. Text cells starting with = + - @ (or a tab or carriage return) get a leading
apostrophe, so a spreadsheet shows them as text instead of running them as a formula.
"""

from __future__ import annotations

import csv
import io

from facilitator.archive import sentences as say
from facilitator.archive.phrases import Phrases
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
    SheetResult,
    SlidesResult,
    WordsResult,
)
from facilitator.archive.roadmap import entries
from facilitator.archive.text import csv_text

Row = list[str]


class _Table:
    """Header and rows of one activity's file; every cell passes through here."""

    def __init__(self, p: Phrases, activity: ActivityReport) -> None:
        self.p = p
        # A column "from group" only when the items are ideas of per-group activities.
        self.origin = any(i.group is not None for i in activity.items or ())

    def text(self, value: str) -> str:
        return csv_text(str(value))

    def number(self, value: float | None, places: int = 2) -> str:
        return "" if value is None else str(self.p.number(value, places))

    def item(self, item: Item) -> Row:
        cells = [self.text(item.label)]
        if self.origin:
            cells.append(self.text(item.group_name or ""))
        return cells

    def item_head(self) -> Row:
        _ = self.p.gettext
        return [_("Item"), *([_("From group")] if self.origin else [])]


def _ideas(t: _Table, r: IdeasResult) -> tuple[Row, list[Row]]:
    _ = t.p.gettext
    head = [_("Cluster"), _("Idea"), *([_("Supporters")] if r.support else []),
            _("Also mentioned")]
    rows = []
    for cluster in r.clusters:
        for idea in cluster.ideas:
            rows.append([t.text(cluster.name or ""), t.text(idea.text),
                         *([str(idea.support)] if idea.support is not None else []),
                         t.text("\n".join(idea.also))])
    return head, rows


def _scale(t: _Table, r: ScaleResult) -> tuple[Row, list[Row]]:
    _ = t.p.gettext
    values = [t.text(str(v) if str(v) not in r.labels else f"{v} ({r.labels[str(v)]})")
              for v in range(r.min, r.max + 1)]
    head = [*t.item_head(), _("Criterion"), _("Ratings"), _("Mean"), _("Median"), *values,
            _("can't judge")]
    rows = []
    for entry in r.items:
        for criterion, stats in zip(r.criteria, entry.criteria, strict=True):
            rows.append([*t.item(entry.item), t.text(criterion.label), str(stats.n),
                         t.number(stats.mean), t.number(stats.median),
                         *(str(c) for c in stats.distribution), str(stats.cant_judge)])
    return head, rows


def _matrix(t: _Table, r: MatrixResult) -> tuple[Row, list[Row]]:
    _ = t.p.gettext
    head = [*t.item_head(), _("Placements"),
            *(t.text(say.axis_head(t.p, axis.label, what)) for axis in (r.x, r.y)
              for what in ("mean", "spread"))]
    return head, [[*t.item(e.item), str(e.n), t.number(e.x), t.number(e.sx), t.number(e.y),
                   t.number(e.sy)] for e in r.items]


def _measure(t: _Table, r: SheetResult) -> tuple[Row, list[Row]]:
    _ = t.p.gettext
    rows: list[Row] = []
    for f in r.fields:
        label = t.text(f.label)
        if isinstance(f.value, list):
            rows += [[label, t.text(s.step), s.date] for s in f.value] or [[label, "", ""]]
        elif f.type == "date":
            rows.append([label, "", f.value])
        else:
            rows.append([label, t.text(f.value), ""])
    return [_("Field"), _("Value"), _("Date")], rows


def _table(t: _Table, r: KindResult) -> tuple[Row, list[Row]]:
    _ = t.p.gettext
    if isinstance(r, IdeasResult):
        return _ideas(t, r)
    if isinstance(r, PollResult):
        return [_("Option"), _("Votes"), _("Share (%)")], [
            [t.text(o.label), str(o.count), t.number(o.share * 100, 1)] for o in r.options]
    if isinstance(r, DotsResult):
        return [_("Rank"), *t.item_head(), _("Dots"), _("People")], [
            [str(e.rank), *t.item(e.item), str(e.dots), str(e.voters)] for e in r.items]
    if isinstance(r, RankingResult):
        return [_("Rank"), *t.item_head(), _("Points")], [
            [str(e.rank), *t.item(e.item), str(e.points)] for e in r.items]
    if isinstance(r, ScaleResult):
        return _scale(t, r)
    if isinstance(r, MatrixResult):
        return _matrix(t, r)
    if isinstance(r, ConsentResult):
        return [_("Yes"), _("No"), _("Abstain"), _("Votes cast"), _("Quorum"), _("Outcome")], [
            [str(r.yes), str(r.no), str(r.abstain), str(r.voters), str(r.quorum),
             str(t.p.outcome(r.outcome))]]
    if isinstance(r, WordsResult):
        return [_("Word"), _("Mentions")], [[t.text(w.word), str(w.count)] for w in r.words]
    if isinstance(r, QaResult):
        return [_("Question"), _("Votes"), _("Status"), _("Answer")], [
            [t.text(q.text), str(q.votes), status, t.text(q.answer or "")]
            for status, questions in ((_("open"), r.open), (_("answered"), r.answered))
            for q in questions]
    if isinstance(r, SlidesResult):
        return [_("Page"), _("Text")], [[str(page.number), t.text(page.text)]
                                        for page in r.pages]
    return _measure(t, r)


def _file(language: str, head: Row, rows: list[Row]) -> bytes:
    """A CSV file as spreadsheets open it: UTF-8 with a BOM, CRLF, and for German ";"
    between cells (Excel's own in a German locale, where "," is the decimal comma)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if language == "de" else ",",
                        lineterminator="\r\n")
    writer.writerow([str(cell) for cell in head])
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def render_csv(report: Report, activity: ActivityReport) -> bytes:
    p = Phrases(report.session.language, "plain")
    t = _Table(p, activity)
    head: Row = []  # stays empty only for a per-group activity without any group
    rows: list[Row] = []
    for instance in activity.instances:
        head, instance_rows = _table(t, instance.result)
        if activity.per_group:
            group = t.text(instance.group_name or "")
            instance_rows = [[group, *row] for row in instance_rows]
        rows += instance_rows
    if activity.per_group:
        head = [p.gettext("Group"), *head]
    return _file(report.session.language, head, rows)


def render_next_steps_csv(report: Report) -> bytes:
    """next_steps.csv: the next steps the moderation recorded, in that order: No., What,
    Who, By when (YYYY-MM-DD or empty), Activity (its title), Group, Recorded (ISO time)."""
    p = Phrases(report.session.language, "plain")
    _ = p.gettext
    return _file(report.session.language,
                 [_("No."), _("What"), _("Who"), _("By when"), _("Activity"), _("Group"),
                  _("Recorded")],
                 [[str(s.number), csv_text(s.what), csv_text(s.who), s.due,
                   csv_text(s.activity_title or ""), csv_text(s.group_name or ""), s.recorded]
                  for s in report.next_steps])


def render_roadmap_csv(report: Report) -> bytes:
    """roadmap.csv: every step of the measure sheets, dated ones by date (YYYY-MM-DD), then
    the undated ones (their date cell empty, or what was typed when it is no valid date)."""
    p = Phrases(report.session.language, "plain")
    _ = p.gettext
    return _file(report.session.language,
                 [_("Date"), _("Step"), _("Measure"), _("Group"), _("Lead")],
                 [[csv_text(e.step.date), csv_text(e.step.step), csv_text(e.sheet.title),
                   csv_text(e.sheet.group_name or ""), csv_text(e.sheet.lead)]
                  for e in entries(report.roadmap)])
