"""What the moderation and the authors did to the walls shows in the documentation: ideas and
questions withdrawn by whoever posted them are counted (not listed), pinned ones are marked,
in every file, in the session's language."""

from __future__ import annotations

import json
from pathlib import Path

from facilitator.archive import write_archive
from tests.unit.test_archive_media import Log


def test_withdrawn_are_counted_and_pinned_are_marked(tmp_path: Path) -> None:
    log = Log()
    walls = log.run("moderator", "activity.create", kind="ideas", title="Ideen")["activity"]
    asks = log.run("moderator", "activity.create", kind="qa", title="Fragen")["activity"]
    log.run("moderator", "session.open")
    log.run("moderator", "session.start")
    log.run("moderator", "activity.activate", activity=walls)
    one, two = (log.run("system", "participant.join")["participant"] for _ in range(2))
    kept = log.run("participant", "idea.add", who=one, activity=walls, text="Radwege")["idea"]
    gone = log.run("participant", "idea.add", who=two, activity=walls, text="Busspur")["idea"]
    log.run("participant", "idea.add", who=two, activity=walls, text="Carsharing")
    log.run("participant", "idea.withdraw", who=two, activity=walls, idea=gone)
    log.run("moderator", "idea.pin", activity=walls, idea=kept, pinned=True)
    log.run("moderator", "activity.activate", activity=asks)
    first = log.run("participant", "question.ask", who=one, activity=asks,
                    text="Wer zahlt?")["question"]
    taken = log.run("participant", "question.ask", who=two, activity=asks,
                    text="Wann?")["question"]
    log.run("participant", "question.withdraw", who=two, activity=asks, question=taken)
    log.run("moderator", "question.pin", activity=asks, question=first, pinned=True)
    log.run("moderator", "session.close")
    folder = tmp_path / "lab"
    write_archive(log.events, folder)

    data = json.loads((folder / "results.json").read_text("utf-8"))
    ideas, questions = (next(a for a in data["activities"] if a["kind"] == kind)
                        ["instances"][0]["result"] for kind in ("ideas", "qa"))
    assert (ideas["count"], ideas["withdrawn"]) == (2, 1)
    assert questions["withdrawn"] == 1 and [q["text"] for q in questions["open"]] == ["Wer zahlt?"]
    html = (folder / "report.html").read_text("utf-8")
    readme = (folder / "README.md").read_text("utf-8")
    for text in (html, readme):
        assert "1 Idee wurde zurückgezogen." in text
        assert "1 Frage wurde zurückgezogen." in text
        assert "Busspur" not in text and "Wann?" not in text
    assert 'Radwege <span class="pinned">(angeheftet)</span>' in html
    assert 'Wer zahlt? <span class="pinned">(angeheftet)</span>' in html
    assert "- Radwege (angeheftet)" in readme and "- Wer zahlt? (angeheftet)" in readme
    assert "Carsharing (angeheftet)" not in readme
