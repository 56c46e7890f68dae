"""The large room (tests/fixtures/simulationslabor-200.jsonl, `python -m tests.fixtures.record
--phones 200`): what the other tests rely on it for is in it, and its documentation says what
its events say: 200 phones, 197 ideas on the walls of which the plenary dot vote took its limit
of 100 (25 from each group), turnouts below 200, three recorded answers, five next steps."""

from __future__ import annotations

from collections import Counter

from facilitator.archive import build_report
from facilitator.archive.report import DotsResult, QaResult
from facilitator.domain.activities import KINDS
from tests.fixtures import SIMULATIONSLABOR_200, load_events

EVENTS = load_events(SIMULATIONSLABOR_200)


def test_the_recording_is_the_whole_plan_with_200_phones() -> None:
    kinds = {e.data["kind"] for e in EVENTS if e.type == "activity.created"}
    assert kinds == set(KINDS)
    assert sum(e.type == "participant.joined" for e in EVENTS) == 200
    assert 3 <= (EVENTS[-1].at - EVENTS[0].at) / 3600 <= 4
    assert EVENTS[-1].type == "session.closed"


def test_the_dot_vote_took_100_of_the_ideas_on_the_walls_and_says_so() -> None:
    report = build_report(EVENTS)
    [vote] = [a for a in report.activities if a.kind == "dots"]
    activated = next(e for e in EVENTS if e.type == "activity.activated"
                     and e.data["activity"] == vote.id)
    items = activated.data["items"]
    assert len(items) == 100
    assert Counter(i["group"] for i in items) == Counter(
        {g.id: 25 for g in report.groups})
    # On the walls when the vote began: added, less withdrawn and merged (counted here).
    added = {e.data["idea"] for e in EVENTS if e.type == "idea.added" and e.at < activated.at}
    gone = {e.data["idea"] for e in EVENTS if e.at < activated.at
            and e.type in {"idea.withdrawn", "idea.merged"}}
    s = vote.selection
    assert s is not None
    assert (s.offered, s.taken, s.left_out, s.limited) == (len(added - gone), 100, 97, True)
    [result] = [i.result for i in vote.instances]
    assert isinstance(result, DotsResult)
    voters = {e.data["participant"] for e in EVENTS if e.type == "dots.placed"
              and e.data["activity"] == vote.id and e.data["count"]}
    assert result.voters == len(voters) < 200


def test_answers_and_next_steps_are_documented() -> None:
    report = build_report(EVENTS)
    [qa] = [a for a in report.activities if a.kind == "qa"]
    [result] = [i.result for i in qa.instances]
    assert isinstance(result, QaResult)
    answers = [q.answer for q in result.answered if q.answer]
    recorded = [e.data["answer"] for e in EVENTS if e.type == "question.answered"
                and e.data.get("answer")]
    assert sorted(answers) == sorted(recorded) and len(answers) == 3
    steps = [e.data["step"] for e in EVENTS if e.type == "nextstep.added"]
    assert [(n.what, n.who, n.due) for n in report.next_steps] == [
        (s["what"], s["who"], s["due"]) for s in steps]
    assert len(report.next_steps) == 5
