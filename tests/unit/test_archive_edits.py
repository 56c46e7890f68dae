"""The plan editor in the log and the documentation: each edit is an event of the log, the
documentation follows the session's order, leaves deleted activities out and lists hidden
ones apart with their results (docs/archive.md)."""

from __future__ import annotations

import json

from facilitator.archive import build_report
from facilitator.archive.html import render_html
from facilitator.archive.jsonfile import render_json
from facilitator.archive.markdown import render_markdown
from tests.unit.helpers import Scene


def test_edits_reorders_and_deletes_show_in_log_and_documentation() -> None:
    scene = Scene()
    phase = scene.run("phase.create", title="Arbeit")["phase"]
    poll = scene.run("activity.create", kind="poll", title="Erste Umfrage", phase=phase,
                     config={"options": ["Ja", "Nein"]})["activity"]
    words = scene.run("activity.create", kind="words", title="Ein Wort",
                      phase=phase)["activity"]
    gone = scene.run("activity.create", kind="qa", title="Gestrichen", phase=phase)["activity"]
    scene.run("activity.update", activity=poll, title="Umfrage zum Auftakt")
    scene.run("activity.move", activity=words, before=poll)
    scene.run("activity.delete", activity=gone)
    scene.live()
    phones = scene.join(2)
    scene.run("activity.activate", activity=words)
    for phone in phones:
        scene.run("words.submit", phone, activity=words, words=["Radweg"])
    scene.run("activity.activate", activity=poll)
    scene.run("vote.cast", phones[0], activity=poll, choices=["o1"])
    scene.run("activity.lock", activity=poll)
    scene.run("activity.hide", activity=words, hidden=True)
    scene.run("session.close")

    types = [event.type for event in scene.log]
    for edit in ("activity.updated", "activity.moved", "activity.deleted", "activity.hidden"):
        assert edit in types
    moved = next(e for e in scene.log if e.type == "activity.moved")
    assert moved.data == {"activity": words, "phase": phase, "before": poll}

    report = build_report(scene.log)
    assert [(a.title, a.hidden) for a in report.activities] == [
        ("Umfrage zum Auftakt", False), ("Ein Wort", True)]  # hidden apart, after the rest
    data = json.loads(render_json(report))
    assert [(a["title"], a["hidden"]) for a in data["activities"]] == [
        ("Umfrage zum Auftakt", False), ("Ein Wort", True)]
    assert data["activities"][1]["instances"][0]["result"]  # its results are kept
    markdown = render_markdown(report)
    assert "Gestrichen" not in markdown and "Erste Umfrage" not in markdown
    # German once the catalog has it (the lead adds the msgids), English until then.
    heading = next(h for h in ("## Von der Moderation ausgeblendet",
                               "## Hidden by the moderator") if h in markdown)
    assert markdown.index("## 1. Umfrage zum Auftakt") < markdown.index(heading) \
        < markdown.index("## 2. Ein Wort")
    html = render_html(report)
    assert 'id="hidden"' in html and "Gestrichen" not in html
    assert html.index('id="activity-1"') < html.index('id="hidden"') < html.index(
        'id="activity-2"')


def test_a_session_without_hidden_activities_has_no_such_section() -> None:
    scene = Scene().live()
    scene.activity("words")
    scene.run("session.close")
    report = build_report(scene.log)
    assert not any(a.hidden for a in report.activities)
    assert 'id="hidden"' not in render_html(report)
