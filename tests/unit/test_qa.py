"""Questions: upvotes counted exactly (one per participant and question, never on one's own),
pre-moderation, moderation tools, and what each audience sees."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from facilitator.domain.activities import KINDS
from facilitator.domain.activities.qa import MAX_PER_PARTICIPANT
from facilitator.domain.errors import (
    ActivityClosed,
    Forbidden,
    Invalid,
    LimitReached,
    NotFound,
    NotYours,
    Refusal,
)
from facilitator.domain.model import AUDIENCES, Actor, Audience, Event
from facilitator.domain.session import SessionState
from tests.unit.helpers import MOD, Scene

PUBLIC: tuple[Audience, ...] = ("presenter", "participant")


def views(scene: Scene) -> dict[str, Any]:
    return {audience: scene.state.view(audience) for audience in AUDIENCES}


def refused(scene: Scene, expected: type[Refusal], type_: str, actor: Actor = MOD,
            **args: Any) -> None:
    before, seq = views(scene), scene.state.seq
    refusal = scene.attempt(type_, actor, **args)
    assert isinstance(refusal, expected), refusal
    assert str(refusal)
    assert scene.state.seq == seq and views(scene) == before


def questions(scene: Scene, audience: str) -> list[dict[str, Any]]:
    view = scene.state.view(audience)  # type: ignore[arg-type]
    return view["activities"][0]["questions"]  # type: ignore[no-any-return]


def recount(log: list[Event], activity: str) -> tuple[dict[str, int], dict[str, bool]]:
    """Upvotes and visibility from the event log alone. Along the way: every upvote event
    changes something (an up after an up, or a down without an up, would count twice), and
    nobody upvotes their own question."""
    authors: dict[str, str] = {}
    up: dict[tuple[str, str], bool] = {}
    flags: dict[str, dict[str, bool]] = {}
    for event in log:
        d = event.data
        if d.get("activity") != activity:
            continue
        if event.type == "question.asked":
            authors[d["question"]] = d["author"]
            flags[d["question"]] = {"approved": d["approved"], "hidden": False,
                                    "withdrawn": False}
        elif event.type == "question.upvoted":
            key = (d["participant"], d["question"])
            assert up.get(key, False) != d["up"], "an upvote event that changes nothing"
            assert not (d["up"] and authors[d["question"]] == d["participant"])
            up[key] = d["up"]
        elif event.type in {"question.hidden", "question.restored"}:
            flags[d["question"]]["hidden"] = event.type == "question.hidden"
        elif event.type == "question.withdrawn":
            flags[d["question"]]["withdrawn"] = True
        elif event.type == "question.approved":
            flags[d["question"]]["approved"] = True
    votes = {q: sum(1 for (_, q2), on in up.items() if on and q2 == q) for q in authors}
    visible = {q: f["approved"] and not f["hidden"] and not f["withdrawn"]
               for q, f in flags.items()}
    return votes, visible


TEXTS = ["Wie teuer?", "  Wann?  ", "Wer?", "Warum?", "", "x" * 281]
MODERATING = {"answer", "pin", "hide", "restore", "approve"}
# Repeated entries weigh a verb: upvotes need questions that are there and visible.
verb = st.sampled_from(["ask", "ask", "upvote", "upvote", "upvote", "upvote", "withdraw",
                        "answer", "pin", "hide", "restore", "approve", "approve"])
# (verb, participant, which question: 0 is one that does not exist, flag, text)
action = st.tuples(verb, st.sampled_from(range(4)), st.sampled_from([1, 2, 3, 4, 5, 0]),
                   st.booleans(), st.sampled_from(TEXTS))


@settings(max_examples=200, deadline=None)
@given(premoderation=st.sampled_from([False, False, True]),
       opening=st.lists(st.tuples(st.just("ask"), st.sampled_from(range(4)), st.just(0),
                                  st.just(True), st.sampled_from(TEXTS)), max_size=4),
       actions=st.lists(action, min_size=10, max_size=60))
def test_upvotes_equal_a_recount_from_the_log(
        premoderation: bool, opening: list[tuple[str, int, int, bool, str]],
        actions: list[tuple[str, int, int, bool, str]]) -> None:
    scene = Scene().live()
    phones = scene.join(4)
    qa = scene.activity("qa", premoderation=premoderation)
    for verb, who, number, flag, text in opening + actions:
        actor = MOD if verb in MODERATING else phones[who]
        existing = list(scene.state.activities[qa].data.questions)
        question = existing[number % len(existing)] if existing and number else "q99"
        args: dict[str, Any] = {"activity": qa, "question": question}
        if verb == "ask":
            args = {"activity": qa, "text": text}
        elif verb in {"answer", "pin", "upvote"}:
            args[{"answer": "answered", "pin": "pinned", "upvote": "up"}[verb]] = flag
        seq = scene.state.seq
        if scene.attempt(f"question.{verb}", actor, **args) is not None:
            assert scene.state.seq == seq
    votes, visible = recount(scene.log, qa)
    moderator = questions(scene, "moderator")
    assert {q["id"]: q["votes"] for q in moderator} == votes
    assert {q["id"] for q in questions(scene, "presenter")} == {
        q for q, shown in visible.items() if shown}
    results = scene.state.view("moderator")["activities"][0]["results"]
    assert results == {"questions": [{"id": q, "votes": n} for q, n in votes.items()
                                     if visible[q]]}
    activity = scene.state.activities[qa]
    for audience in AUDIENCES:
        assert KINDS["qa"].results_for(activity, audience, results) == results
    for audience in PUBLIC:
        assert questions(scene, audience) == questions(scene, "presenter")
        for q in questions(scene, audience):
            assert set(q) == {"id", "text", "at", "votes", "answered", "pinned"}
    rebuilt = SessionState.from_events(scene.log)
    for audience in AUDIENCES:
        assert rebuilt.view(audience) == scene.state.view(audience)
    for phone in phones:
        assert rebuilt.mine(phone.participant or "") == scene.state.mine(phone.participant or "")


def test_participant_refusals() -> None:
    scene = Scene().live()
    kim, lea = scene.join(2)
    qa = scene.activity("qa")
    assert scene.run("question.ask", kim, activity=qa, text="  Wer zahlt das? ") == {
        "question": "q1"}
    for text in ("", "   ", "x" * 281, None, "a\x00b"):
        refused(scene, Invalid, "question.ask", kim, activity=qa, text=text)
    refused(scene, Forbidden, "question.ask", MOD, activity=qa, text="Frage")
    refused(scene, Invalid, "question.upvote", kim, activity=qa, question="q1", up=True)
    refused(scene, Invalid, "question.upvote", lea, activity=qa, question="q1", up="ja")
    refused(scene, NotFound, "question.upvote", lea, activity=qa, question="q9", up=True)
    refused(scene, NotFound, "question.upvote", lea, activity=qa, question=None, up=True)
    refused(scene, NotYours, "question.withdraw", lea, activity=qa, question="q1")
    refused(scene, Forbidden, "question.hide", kim, activity=qa, question="q1")
    refused(scene, Forbidden, "question.withdraw", MOD, activity=qa, question="q1")
    assert scene.run("question.upvote", lea, activity=qa, question="q1", up=True) == {"up": True}
    seq = scene.state.seq
    scene.run("question.upvote", lea, activity=qa, question="q1")  # `up` left out: up
    assert scene.state.seq == seq, "one upvote per participant and question"
    scene.run("question.hide", activity=qa, question="q1")
    refused(scene, NotFound, "question.upvote", lea, activity=qa, question="q1", up=False)
    refused(scene, NotFound, "question.withdraw", kim, activity=qa, question="q1")
    scene.run("question.restore", activity=qa, question="q1")
    scene.run("question.withdraw", kim, activity=qa, question="q1")
    refused(scene, NotFound, "question.upvote", lea, activity=qa, question="q1", up=True)
    refused(scene, NotFound, "question.answer", activity=qa, question="q1", answered=True)
    scene.run("activity.lock", activity=qa)
    refused(scene, ActivityClosed, "question.ask", kim, activity=qa, text="Noch eine")


def test_questions_per_participant_are_limited() -> None:
    scene = Scene().live()
    (kim,) = scene.join()
    qa = scene.activity("qa")
    for n in range(MAX_PER_PARTICIPANT):
        scene.run("question.ask", kim, activity=qa, text=f"Frage {n}")
    scene.run("question.withdraw", kim, activity=qa, question="q1")
    refused(scene, LimitReached, "question.ask", kim, activity=qa, text="Noch eine")


def test_moderation_in_any_activity_state() -> None:
    scene = Scene().live()
    (kim,) = scene.join()
    qa = scene.activity("qa")
    scene.run("question.ask", kim, activity=qa, text="Wann?")
    scene.run("activity.lock", activity=qa)
    refused(scene, Invalid, "question.pin", activity=qa, question="q1", pinned="ja")
    refused(scene, NotFound, "question.pin", activity=qa, question="q7", pinned=True)
    scene.run("question.answer", activity=qa, question="q1", answered=True)
    scene.run("question.pin", activity=qa, question="q1")  # `pinned` left out: pinned
    seq = scene.state.seq
    scene.run("question.answer", activity=qa, question="q1", answered=True)
    scene.run("question.approve", activity=qa, question="q1")  # no pre-moderation: approved
    assert scene.state.seq == seq, "what is already so records nothing"
    (record,) = questions(scene, "participant")
    assert record["answered"] and record["pinned"]


def test_premoderation_and_what_each_audience_sees() -> None:
    scene = Scene().live()
    kim, lea, max_ = scene.join(3)
    qa = scene.activity("qa", premoderation=True)
    scene.run("question.ask", kim, activity=qa, text="Warum nicht früher?")
    scene.run("question.ask", lea, activity=qa, text="Was kostet es?")
    assert [q["approved"] for q in questions(scene, "moderator")] == [False, False]
    assert questions(scene, "presenter") == [] and questions(scene, "participant") == []
    assert scene.state.mine(kim.participant or "") == {
        qa: {"questions": [{"id": "q1", "text": "Warum nicht früher?", "pending": True}]}}
    refused(scene, NotFound, "question.upvote", lea, activity=qa, question="q1", up=True)
    refused(scene, NotFound, "question.upvote", kim, activity=qa, question="q1", up=True)
    refused(scene, NotFound, "question.withdraw", lea, activity=qa, question="q1")
    asked = [e for e in scene.log if e.type == "question.asked"]
    for audience in PUBLIC:
        assert all(scene.state.project(e, audience) is None for e in asked)
    assert scene.state.project(asked[0], "moderator") == {"activity": qa, "question": {
        **questions(scene, "moderator")[0]}}
    assert questions(scene, "moderator")[0]["author"] == kim.participant
    # Hiding what nobody saw removes nothing from their screens.
    scene.run("question.hide", activity=qa, question="q2")
    assert scene.state.project(scene.log[-1], "participant") is None
    scene.run("question.restore", activity=qa, question="q2")
    scene.run("question.approve", activity=qa, question="q1")
    scene.run("question.approve", activity=qa, question="q2")
    approved = scene.log[-1]
    public = scene.state.project(approved, "presenter")
    assert public is not None and set(public["question"]) == {
        "id", "text", "at", "votes", "answered", "pinned"}
    scene.run("question.upvote", lea, activity=qa, question="q1", up=True)
    scene.run("question.upvote", max_, activity=qa, question="q2", up=True)
    scene.run("question.upvote", kim, activity=qa, question="q2", up=True)
    upvote = scene.log[-1]
    for audience in AUDIENCES:
        assert scene.state.project(upvote, audience) is None, "counts travel as results"
    # Open before answered, then most votes, then oldest; pinned above all.
    assert [q["id"] for q in questions(scene, "participant")] == ["q2", "q1"]
    scene.run("question.answer", activity=qa, question="q2", answered=True)
    assert [q["id"] for q in questions(scene, "participant")] == ["q1", "q2"]
    scene.run("question.pin", activity=qa, question="q2", pinned=True)
    assert [q["id"] for q in questions(scene, "presenter")] == ["q2", "q1"]
    assert scene.state.mine(kim.participant or "") == {
        qa: {"questions": [{"id": "q1", "text": "Warum nicht früher?"}], "upvoted": ["q2"]}}
    scene.run("question.hide", activity=qa, question="q1")
    assert scene.state.project(scene.log[-1], "participant") == {"activity": qa,
                                                                 "question": "q1"}
    assert [q["id"] for q in questions(scene, "participant")] == ["q2"]
    # Vote counts are public at once, without a reveal.
    for audience in PUBLIC:
        assert scene.state.view(audience)["activities"][0]["results"] == {
            "questions": [{"id": "q2", "votes": 2}]}
    assert [q["votes"] for q in questions(scene, "moderator")] == [2, 1]
    scene.run("question.withdraw", lea, activity=qa, question="q2")
    assert scene.state.project(scene.log[-1], "presenter") == {"activity": qa,
                                                               "question": "q2"}
    assert questions(scene, "presenter") == []
    # Her upvote of the hidden question stays hers (nothing others do changes her `mine`).
    assert scene.state.mine(kim.participant or "") == {
        qa: {"questions": [{"id": "q1", "text": "Warum nicht früher?"}], "upvoted": ["q2"]}}


def test_qa_config_is_checked() -> None:
    scene = Scene().live()
    for config in ({"premoderation": "yes"}, {"colour": "red"}):
        refused(scene, Invalid, "activity.create", kind="qa", title="Fragen", config=config)


def test_the_moderator_records_an_answer_that_every_audience_sees() -> None:
    scene = Scene().live()
    (kim,) = scene.join()
    qa = scene.activity("qa")
    scene.run("question.ask", kim, activity=qa, text="Wann kommt der Radweg?")
    scene.run("question.answer", activity=qa, question="q1",
              answer="  Ab März 2027,\r\nim Haushalt 2027.  ")
    event = scene.log[-1]
    # Left out, `answered` means yes; the text is trimmed, its line breaks made \n.
    assert (event.type, event.data) == ("question.answered", {
        "activity": qa, "question": "q1", "answered": True,
        "answer": "Ab März 2027,\nim Haushalt 2027."})
    for audience in AUDIENCES:
        (record,) = questions(scene, audience)
        assert record["answer"] == "Ab März 2027,\nim Haushalt 2027.", audience
        projected = scene.state.project(event, audience)
        assert projected is not None and projected["question"]["answer"] == record["answer"]
    # The same again records nothing; marking it open keeps the answer.
    seq = scene.state.seq
    scene.run("question.answer", activity=qa, question="q1", answered=True,
              answer="Ab März 2027,\nim Haushalt 2027.")
    scene.run("question.answer", activity=qa, question="q1")
    assert scene.state.seq == seq
    scene.run("question.answer", activity=qa, question="q1", answered=False)
    assert "answer" not in scene.log[-1].data, "only when the command had one"
    assert questions(scene, "participant")[0]["answer"] == "Ab März 2027,\nim Haushalt 2027."
    # "" (or blanks) removes it: no `answer` in any view then.
    scene.run("question.answer", activity=qa, question="q1", answered=False, answer="  ")
    assert scene.log[-1].data["answer"] == ""
    for audience in AUDIENCES:
        assert "answer" not in questions(scene, audience)[0]
    # Rebuilt from the log, the state is the same.
    again = SessionState.from_events(scene.log)
    assert again.view("moderator") == scene.state.view("moderator")


def test_a_bad_answer_is_refused_and_changes_nothing() -> None:
    scene = Scene().live()
    (kim,) = scene.join()
    qa = scene.activity("qa")
    scene.run("question.ask", kim, activity=qa, text="Wer zahlt?")
    refused(scene, Invalid, "question.answer", activity=qa, question="q1", answer="x" * 1001)
    refused(scene, Invalid, "question.answer", activity=qa, question="q1", answer="a\x00b")
    refused(scene, Invalid, "question.answer", activity=qa, question="q1", answer=5)
    refused(scene, Invalid, "question.answer", activity=qa, question="q1", answer=None)
    refused(scene, Forbidden, "question.answer", kim, activity=qa, question="q1",
            answer="Ich selbst")
    scene.run("question.answer", activity=qa, question="q1", answer="y" * 1000)
    assert questions(scene, "presenter")[0]["answer"] == "y" * 1000


def test_an_answer_can_be_recorded_after_the_session_closed() -> None:
    scene = Scene().live()
    (kim,) = scene.join()
    qa = scene.activity("qa")
    scene.run("question.ask", kim, activity=qa, text="Gibt es Fördermittel?")
    scene.run("session.close")
    scene.run("question.answer", activity=qa, question="q1", answer="Ja, aus dem Land.")
    assert questions(scene, "moderator")[0]["answer"] == "Ja, aus dem Land."
    # Everything else of the kind stays closed after the close.
    refused(scene, Refusal, "question.pin", activity=qa, question="q1", pinned=True)
    refused(scene, Refusal, "question.hide", activity=qa, question="q1")


def test_no_answer_in_a_draft_activity() -> None:
    scene = Scene().live()
    qa = scene.run("activity.create", kind="qa", title="Später")["activity"]
    refused(scene, ActivityClosed, "question.answer", activity=qa, question="q1",
            answer="Noch nicht.")
