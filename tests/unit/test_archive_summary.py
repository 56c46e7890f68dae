"""The first page of the documentation, "Ergebnisse auf einen Blick": every decision with its
line, the top of every prioritisation (per group where it ran per group), each measure sheet's
title, lead and first dated step, with turnouts counted here from the events (not with the
archive's code); it comes first in report.html and README.md, escapes user text, and the same
log gives the same files. The recorded workshop prints it whole on one A4 page."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from facilitator.archive import build_report, write_archive
from facilitator.domain.model import Event
from facilitator.i18n import translations
from tests.fixtures import load_events
from tests.unit.test_archive_media import Log

# The page's own texts as the German catalog has them (new messages fall back to English
# until the catalog has them).
de = translations("de").gettext
GLANCE = de("Results at a glance")

HOSTILE = '<script>alert(1)</script> **fett** [x](javascript:alert(1)) | # 1.'


def _window_end(events: list[Event], activity: str) -> float:
    """When the activity's input closed: its last lock, the activation of another
    activity after it, or the close of the session; the end of the log while open."""
    end, open_ = None, False
    for e in events:
        if e.type in {"activity.activated", "activity.unlocked"}:
            if e.data["activity"] == activity:
                open_, end = True, None
            elif open_:
                open_, end = False, e.at
        elif e.type == "activity.locked" and e.data["activity"] == activity and open_:
            open_, end = False, e.at
        elif e.type == "session.closed" and open_:
            open_, end = False, e.at
    return events[-1].at if end is None else end


def _joined_by(events: list[Event], at: float) -> int:
    return sum(1 for e in events if e.type == "participant.joined" and e.at <= at)


def _consent(events: list[Event], activity: str) -> tuple[Counter[str], int]:
    votes: dict[str, Any] = {}
    for e in events:
        if e.type == "consent.voted" and e.data["activity"] == activity:
            votes[e.data["participant"]] = e.data["vote"]
    counts = Counter(v for v in votes.values() if v is not None)
    return counts, sum(counts.values())


def _dots(events: list[Event], activity: str, group: str | None = None
          ) -> tuple[dict[str, int], int]:
    placed: dict[tuple[str, str], int] = {}
    for e in events:
        if (e.type == "dots.placed" and e.data["activity"] == activity
                and e.data.get("group") == group):
            placed[e.data["participant"], e.data["item"]] = e.data["count"]
    totals: Counter[str] = Counter()
    for (_, item), count in placed.items():
        totals[item] += count
    return dict(totals), len({who for (who, _), count in placed.items() if count})


def _sheets(events: list[Event], activity: str) -> dict[str | None, dict[str, Any]]:
    out: dict[str | None, dict[str, Any]] = {}
    for e in events:
        if e.type == "sheet.edited" and e.data["activity"] == activity:
            out.setdefault(e.data.get("group"), {})[e.data["field"]] = e.data["value"]
    return out


def _earliest(steps: list[dict[str, str]]) -> dict[str, str]:
    return min((s for s in steps if s["date"]), key=lambda s: s["date"])


def _created(events: list[Event], kind: str) -> list[str]:
    return [e.data["activity"] for e in events
            if e.type == "activity.created" and e.data["kind"] == kind]


# -- the recorded workshop ------------------------------------------------------------------

def test_recorded_workshop_summary_holds_decisions_top_items_and_sheets() -> None:
    events = load_events()
    report = build_report(events)
    s = report.summary
    numbers = {a.id: a.number for a in report.activities}

    consents = _created(events, "consent")
    assert [d.activity for d in s.decisions] == [numbers[a] for a in consents]
    for decision, activity in zip(s.decisions, consents, strict=True):
        counts, voters = _consent(events, activity)
        assert decision.line.startswith(f"Zustimmung {counts['yes']} · Ablehnung "
                                        f"{counts['no']} · Enthaltung {counts['abstain']} — ")
        assert (decision.voters, decision.of) == (
            voters, _joined_by(events, _window_end(events, activity)))

    [dots] = _created(events, "dots")
    totals, voters = _dots(events, dots)
    [top] = [q for q in s.priorities if q.activity == numbers[dots]]
    assert (top.voters, top.of) == (voters, _joined_by(events, _window_end(events, dots)))
    labels = {i.id: i.label for a in report.activities if a.id == dots for i in a.items or ()}
    best = max(totals.values())
    assert top.top[0].score == best and top.top[0].label in {
        labels[i] for i, n in totals.items() if n == best}
    assert len([e for e in top.top if not e.group_best]) <= 3
    # Each group's best item is there: among the first three, or after them, marked.
    groups = {i.id: i.group_name for a in report.activities if a.id == dots
              for i in a.items or ()}
    for group in set(groups.values()):
        mine = {i: n for i, n in totals.items() if groups[i] == group and n}
        if mine:
            top_of_group = max(mine.values())
            entry = next(e for e in top.top if e.group_name == group)
            assert entry.score == top_of_group
    assert all(e.group_best == (n >= 3) for n, e in enumerate(top.top))
    # The plenary ranking, scale and poll are there too; the matrix is not (no order).
    kinds = {q.kind for q in s.priorities}
    assert kinds == {"dots", "ranking", "scale", "poll"}

    [measure] = _created(events, "measure")
    sheets = _sheets(events, measure)
    names = {g.id: g.name for g in report.groups}
    assert [(m.group_name, m.measure, m.lead, m.first_step and m.first_step.step,
             m.first_step and m.first_step.date) for m in s.sheets] == [
        (names[g], f["title"], f["lead"], _earliest(f["steps"])["step"],
         _earliest(f["steps"])["date"]) for g, f in sheets.items() if g is not None]
    assert len(s.sheets) == 4


def test_recorded_workshop_summary_comes_first(tmp_path: Path) -> None:
    write_archive(load_events(), tmp_path)
    html = (tmp_path / "report.html").read_text("utf-8")
    body = html[html.index("<main>"):]
    assert body.index('id="summary"') < body.index('id="participation"')
    nav = html[html.index('<ul class="contents">'):html.index("</ul>")]
    assert nav.index(GLANCE) < nav.index(de("Participation"))
    readme = (tmp_path / "README.md").read_text("utf-8")
    headings = [line for line in readme.splitlines() if line.startswith("## ")]
    assert headings[0] == "## " + GLANCE
    assert "Zustimmung 20 · Ablehnung 10 · Enthaltung 10 — angenommen" in readme.split(
        headings[1])[0]


# -- a session driven through the domain ----------------------------------------------------

def _session() -> tuple[Log, dict[str, str]]:
    log = Log()
    north = log.run("moderator", "group.create", name="Nord")["group"]
    south = log.run("moderator", "group.create", name=HOSTILE[:60])["group"]
    vote = log.run("moderator", "activity.create", kind="consent", title="Beschluss " + HOSTILE,
                   config={"secret": False, "majority": "simple", "quorum": 0})["activity"]
    dots = log.run("moderator", "activity.create", kind="dots", title="Punkte",
                   per_group=True, config={"items": ["Alpha", HOSTILE, "Gamma", "Delta"],
                                           "dots": 3, "per_item": 2})["activity"]
    rank = log.run("moderator", "activity.create", kind="ranking", title="Reihenfolge",
                   config={"items": ["Eins", "Zwei", "Drei"]})["activity"]
    sheet = log.run("moderator", "activity.create", kind="measure", title="Blatt",
                    per_group=True)["activity"]
    hidden = log.run("moderator", "activity.create", kind="consent", title="Verworfen",
                     config={"secret": True, "majority": "simple", "quorum": 0})["activity"]
    log.run("moderator", "session.open")
    people = [log.run("system", "participant.join")["participant"] for _ in range(5)]
    for person, group in zip(people, [north, north, south, south, south], strict=True):
        log.run("moderator", "group.assign", participant=person, group=group)
    log.run("moderator", "session.start")
    log.run("moderator", "activity.activate", activity=vote)
    for person, choice in zip(people, ["yes", "yes", "no", "abstain"], strict=False):
        log.run("participant", "consent.cast", person, activity=vote, vote=choice)
    log.run("participant", "consent.cast", people[3], activity=vote, vote=None)  # withdrawn
    log.run("moderator", "activity.lock", activity=vote)
    late = log.run("system", "participant.join")["participant"]  # after the decision
    log.run("moderator", "group.assign", participant=late, group=north)
    log.run("moderator", "activity.activate", activity=dots)
    items = [i["id"] for i in log.state.activities[dots].items or ()]
    for person, placed in ((people[0], {items[0]: 2, items[2]: 1}),
                           (people[1], {items[2]: 2, items[3]: 1}),
                           (people[2], {items[1]: 2, items[0]: 1}),
                           (people[3], {items[1]: 1})):
        for item, count in placed.items():
            log.run("participant", "dots.set", person, activity=dots, item=item, count=count)
    log.run("moderator", "activity.activate", activity=rank)
    ranked = [i["id"] for i in log.state.activities[rank].items or ()]
    for person in people[:4]:
        log.run("participant", "ranking.set", person, activity=rank,
                order=[ranked[1], ranked[0], ranked[2]])
    log.run("moderator", "activity.activate", activity=sheet)
    for person, title, lead, steps in (
            (people[0], "Radweg Nord", "Bauamt", [
                {"step": "Beschluss", "date": "2027-05-01"},
                {"step": "Planung beauftragen", "date": "2027-02-01"},
                {"step": "Ohne Termin", "date": ""}]),
            (people[2], HOSTILE, HOSTILE, [{"step": HOSTILE, "date": "2027-03-15"}])):
        for field, value in (("title", title), ("lead", lead), ("steps", steps)):
            log.run("participant", "sheet.edit", person, activity=sheet, field=field,
                    value=value, version=0)
    log.run("moderator", "activity.activate", activity=hidden)
    log.run("participant", "consent.cast", people[0], activity=hidden, vote="no")
    log.run("moderator", "activity.lock", activity=hidden)
    log.run("moderator", "activity.hide", activity=hidden, hidden=True)
    log.run("moderator", "session.close")
    return log, {"vote": vote, "dots": dots, "rank": rank, "sheet": sheet, "north": north,
                 "south": south, "hidden": hidden}


def test_driven_session_summary_per_group_and_turnouts() -> None:
    log, ids = _session()
    events = log.events
    report = build_report(events)
    s = report.summary
    members = Counter(log.state.members.values())

    [decision] = s.decisions  # the hidden vote is left out
    assert decision.title == "Beschluss " + HOSTILE
    assert decision.line == "Zustimmung 2 · Ablehnung 1 · Enthaltung 0 — angenommen"
    counts, voters = _consent(events, ids["vote"])
    assert (decision.voters, decision.of) == (voters, 5) == (
        3, _joined_by(events, _window_end(events, ids["vote"])))
    assert report.participation.count == 6  # the late one joined after the decision

    per_group = [q for q in s.priorities if q.kind == "dots"]
    assert [q.group for q in per_group] == [ids["north"], ids["south"]]
    labels = {i.id: i.label for a in report.activities if a.id == ids["dots"]
              for i in a.items or ()}
    for q in per_group:
        totals, voters = _dots(events, ids["dots"], q.group)
        assert q.group is not None
        assert (q.voters, q.of) == (voters, members[q.group])
        best = max(totals, key=lambda i: totals[i])
        assert (q.top[0].label, q.top[0].score, q.top[0].rank) == (labels[best],
                                                                   totals[best], 1)
    north, south = per_group
    assert [(e.label, e.score) for e in north.top] == [("Gamma", 3), ("Alpha", 2),
                                                        ("Delta", 1)]
    assert [(e.label, e.score) for e in south.top] == [(HOSTILE, 3), ("Alpha", 1)]
    assert (north.voters, north.of, south.voters, south.of) == (2, 3, 2, 3)

    [plenary] = [q for q in s.priorities if q.kind == "ranking"]
    assert (plenary.group, plenary.voters, plenary.of) == (None, 4, 6)
    assert [(e.label, e.score) for e in plenary.top] == [("Zwei", 12), ("Eins", 8),
                                                         ("Drei", 4)]

    assert [(m.group_name, m.measure, m.lead, m.first_step and
             (m.first_step.step, m.first_step.date)) for m in s.sheets] == [
        ("Nord", "Radweg Nord", "Bauamt", ("Planung beauftragen", "2027-02-01")),
        (HOSTILE[:60].strip(), HOSTILE, HOSTILE, (HOSTILE, "2027-03-15"))]


def test_driven_session_summary_is_escaped_first_and_stable(tmp_path: Path) -> None:
    log, _ = _session()
    one, two = tmp_path / "one", tmp_path / "two"
    write_archive(log.events, one)
    write_archive(log.events, two)
    for name in ("README.md", "report.html", "results.json"):
        assert (one / name).read_bytes() == (two / name).read_bytes(), name

    html = (one / "report.html").read_text("utf-8")
    summary = html[html.index('<section class="summary"'):html.index('id="participation"')]
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in summary
    assert "Planung beauftragen" in summary and "01.02.2027" in summary
    assert de("{voters} of {total}").format(voters=2, total=3) in summary
    assert de("{voters} of {total}").format(voters=3, total=5) in summary
    assert "Verworfen" not in summary
    assert summary.count('class="block"') == 5  # decisions, 3 priorities, measures
    readme = (one / "README.md").read_text("utf-8")
    top = readme.split("## " + de("Participation"))[0]
    assert "## " + GLANCE in top
    assert "\\<script\\>alert\\(1\\)\\</script\\>" in top and "<script>" not in readme
    assert "](javascript" not in top
    for line in top.splitlines():  # every table row keeps its columns: no stray |
        if line.startswith("| ") and "---" not in line:
            assert len(re.findall(r"(?<!\\)\|", line)) in {4, 5}, line
    assert "**Zustimmung 2 · Ablehnung 1 · Enthaltung 0 — angenommen**" in top
    assert "01.02.2027: Planung beauftragen" in top


def test_summary_of_english_session_without_results(tmp_path: Path) -> None:
    log = Log()
    log.run("moderator", "session.update", language="en")
    log.run("moderator", "session.open")
    log.run("moderator", "session.close")
    write_archive(log.events, tmp_path)
    html = (tmp_path / "report.html").read_text("utf-8")
    assert "Results at a glance" in html
    assert "No decisions, prioritisations or measure sheets." in html


# -- the printed page -----------------------------------------------------------------------

def test_recorded_workshop_summary_prints_on_one_page(tmp_path: Path) -> None:
    browser = shutil.which("chromium") or ("/usr/bin/chromium"
                                           if Path("/usr/bin/chromium").exists() else None)
    if browser is None:
        pytest.skip("no Chromium at /usr/bin/chromium")
    pypdfium2 = pytest.importorskip("pypdfium2")
    from facilitator.live.archiving import render_pdf

    events = load_events()
    write_archive(events, tmp_path)
    render_pdf(tmp_path / "report.html", tmp_path / "report.pdf", browser)
    report = build_report(events)
    last = report.summary.sheets[-1].first_step
    assert last is not None
    document = pypdfium2.PdfDocument(str(tmp_path / "report.pdf"))
    try:
        pages = [" ".join(document[i].get_textpage().get_text_range().split())
                 for i in range(min(3, len(document)))]
    finally:
        document.close()
    # The page with the summary's heading and its first block (the contents on the cover
    # name the heading too, but no block).
    [page] = [n for n, text in enumerate(pages) if de("Decisions") in text]
    assert GLANCE in pages[page]
    assert page in {0, 1}
    text = pages[page]
    for decision in report.summary.decisions:
        assert decision.line in text
    for sheet in report.summary.sheets:
        assert " ".join(sheet.measure.split())[:30] in text
    assert last.step in text  # the summary's last entry is on the page of its heading
