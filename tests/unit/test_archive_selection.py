"""A vote over an earlier activity's ideas says how many of them it took and why not the rest
(docs/archive.md, `selection`): the vote's limit of 100 items, filled in turn from every
group's wall; the plan's top:<n>; a cluster. The counts are those when the vote fixed its
items, counted here from the events, not with the archive's code."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from facilitator.archive import build_report, write_archive
from facilitator.archive.report import ActivityReport, Report
from facilitator.domain.model import Event
from facilitator.i18n import translations
from tests.domain_log import Log

de = translations("de").gettext
HOSTILE = '<script>alert(1)</script> **fett** | # 1.'


def _walls(log: Log, groups: int, per_group: list[int], *, support: bool = False,
           title: str = "Maßnahmen sammeln") -> tuple[str, list[str], dict[str, list[str]]]:
    """A per-group idea collection with per_group[k] ideas on group k's wall; the ideas
    activity, the groups, and each group's ideas in the order they were written."""
    ids = [log.run("moderator", "group.create", name=f"Gruppe {k}")["group"]
           for k in range(groups)]
    ideas = log.run("moderator", "activity.create", kind="ideas", title=title,
                    per_group=True, config={"max_per_participant": 100,
                                            "support": support})["activity"]
    log.run("moderator", "session.open")
    people = []
    for group in ids:
        person = log.run("system", "participant.join")["participant"]
        log.run("moderator", "group.assign", participant=person, group=group)
        people.append(person)
    log.run("moderator", "session.start")
    log.run("moderator", "activity.activate", activity=ideas)
    written: dict[str, list[str]] = {g: [] for g in ids}
    for group, person, count in zip(ids, people, per_group, strict=True):
        for n in range(count):
            written[group].append(log.run("participant", "idea.add", person, activity=ideas,
                                          text=f"Idee {n} von {group}")["idea"])
    if support:  # someone else in every group supports the group's first two ideas
        for group in ids:
            fan = log.run("system", "participant.join")["participant"]
            log.run("moderator", "group.assign", participant=fan, group=group)
            for idea in written[group][:2]:
                log.run("participant", "idea.support", fan, activity=ideas, idea=idea)
    log.run("moderator", "activity.lock", activity=ideas)
    return ideas, ids, written


def _vote(log: Log, source: str, take: str) -> str:
    vote = log.run("moderator", "activity.create", kind="dots", title="Punkte",
                   config={"items": {"from": source, "take": take}, "dots": 3})["activity"]
    log.run("moderator", "activity.activate", activity=vote)
    return vote


def _activity(report: Report, ident: str) -> ActivityReport:
    return next(a for a in report.activities if a.id == ident)


def _taken(events: list[Event], vote: str) -> list[dict[str, str]]:
    return next(e.data["items"] for e in events
                if e.type == "activity.activated" and e.data["activity"] == vote)


def test_the_limit_of_a_vote_says_how_many_ideas_stayed_on_the_walls(tmp_path: Path) -> None:
    log = Log()
    ideas, groups, written = _walls(log, 4, [40, 40, 10, 30])
    vote = _vote(log, ideas, "all")
    items = _taken(log.events, vote)
    assert len(items) == 100
    # Every group is in the vote: the short wall whole, the others cut alike.
    per_group = {g: sum(1 for i in items if i["group"] == g) for g in groups}
    assert per_group == {groups[0]: 30, groups[1]: 30, groups[2]: 10, groups[3]: 30}
    # Ideas written after the vote fixed its items change nothing of what it says.
    log.run("moderator", "activity.unlock", activity=ideas)
    person = next(p for p, g in log.state.members.items() if g == groups[0])
    log.run("participant", "idea.add", person, activity=ideas, text="Nachzügler")

    report = build_report(log.events)
    s = _activity(report, vote).selection
    assert s is not None
    assert (s.offered, s.chosen, s.taken, s.limit, s.left_out) == (120, 120, 100, 100, 20)
    assert s.limited and s.per_group and s.take == "all"
    assert s.source_number == _activity(report, ideas).number

    write_archive(log.events, tmp_path)
    readme = (tmp_path / "README.md").read_text("utf-8")
    html = (tmp_path / "report.html").read_text("utf-8")
    number = s.source_number
    for text in (readme, html):
        assert "100 von 120 Einträgen" in text or "100 of the 120 entries" in text
        assert "20" in text
    assert f"Aktivität {number}" in readme or f"activity {number}" in readme


def test_top_n_per_group_and_cluster_say_why(tmp_path: Path) -> None:
    log = Log()
    ideas, groups, written = _walls(log, 3, [6, 5, 2], support=True)
    vote = _vote(log, ideas, "top:2")
    assert len(_taken(log.events, vote)) == 6
    report = build_report(log.events)
    s = _activity(report, vote).selection
    assert s is not None
    assert (s.offered, s.chosen, s.taken, s.take, s.top, s.ranked_by) == (
        13, 6, 6, "top", 2, "support")
    assert not s.limited and s.left_out == 7
    write_archive(log.events, tmp_path)
    readme = (tmp_path / "README.md").read_text("utf-8")
    assert "6 von 13" in readme or "6 of the 13" in readme


def test_a_vote_over_a_plenary_cluster(tmp_path: Path) -> None:
    log = Log()
    ideas = log.run("moderator", "activity.create", kind="ideas", title=HOSTILE,
                    config={"clusters": ["Verkehr " + HOSTILE, "Energie"]})["activity"]
    log.run("moderator", "session.open")
    person = log.run("system", "participant.join")["participant"]
    log.run("moderator", "session.start")
    log.run("moderator", "activity.activate", activity=ideas)
    made = [log.run("participant", "idea.add", person, activity=ideas,
                    text=f"Idee {n}")["idea"] for n in range(5)]
    cluster = next(iter(log.state.activities[ideas].data.clusters))
    for idea in made[:3]:
        log.run("moderator", "idea.move", activity=ideas, idea=idea, cluster=cluster)
    vote = _vote(log, ideas, f"cluster:{cluster}")
    s = _activity(build_report(log.events), vote).selection
    assert s is not None
    assert (s.offered, s.chosen, s.taken, s.take, s.cluster) == (
        5, 3, 3, "cluster", "Verkehr " + HOSTILE)
    write_archive(log.events, tmp_path)
    html = (tmp_path / "report.html").read_text("utf-8")
    readme = (tmp_path / "README.md").read_text("utf-8")
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    line = next(li for li in readme.splitlines() if "3 von 5" in li or "3 of the 5" in li)
    assert "<script>" not in line and "\\*\\*fett\\*\\*" in line


def test_own_items_have_no_selection() -> None:
    log = Log()
    vote = log.run("moderator", "activity.create", kind="dots", title="Punkte",
                   config={"items": ["A", "B", "C"], "dots": 3})["activity"]
    log.run("moderator", "session.open")
    log.run("moderator", "session.start")
    log.run("moderator", "activity.activate", activity=vote)
    assert _activity(build_report(log.events), vote).selection is None


@settings(max_examples=25, deadline=None)
@given(walls=st.lists(st.integers(0, 45), min_size=1, max_size=5))
def test_taken_and_left_out_add_up_to_the_walls(walls: list[int]) -> None:
    """Whatever the walls: what the vote took plus what it left out is every idea on them,
    and the vote took exactly the items its activation froze."""
    if sum(walls) < 2:
        walls = [*walls[:-1], 2 + walls[-1]]
    log = Log()
    ideas, groups, written = _walls(log, len(walls), walls)
    vote = _vote(log, ideas, "all")
    s = _activity(build_report(log.events), vote).selection
    assert s is not None
    assert s.taken == len(_taken(log.events, vote)) == min(sum(walls), 100)
    assert s.offered == sum(walls)
    assert s.taken + s.left_out == sum(walls)
    assert s.limited == (sum(walls) > 100)
