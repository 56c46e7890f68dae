"""Questions to the panel: participants ask questions and upvote others' questions; the
moderator marks them answered, pins, hides and (under pre-moderation) approves them.

Unlike ideas, questions are on every screen at once: upvoting is only possible on what one
sees. Upvotes travel as results (a tally), never as events, so the beamer does not redraw the
wall on every tap; the question records carry the count as of their last change."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from facilitator.domain.activities.base import ANY_STATUS, OPEN, Activity, IdSource, Kind, Rule
from facilitator.domain.errors import N_, Invalid, LimitReached, NotFound, NotYours
from facilitator.domain.model import Audience, Command, Decision, Event, clean_text, iso

TEXT_LIMIT = 280
ANSWER_LIMIT = 1000
# Not a setting: it only stops one phone from flooding the wall.
MAX_PER_PARTICIPANT = 20


@dataclass
class Question:
    id: str
    text: str
    author: str
    at: float
    approved: bool = True
    answered: bool = False
    pinned: bool = False
    hidden: bool = False
    withdrawn: bool = False
    answer: str = ""  # the answer the moderation recorded ("" when none)
    voters: set[str] = field(default_factory=set)

    @property
    def visible(self) -> bool:
        return self.approved and not (self.hidden or self.withdrawn)


@dataclass
class QaData:
    questions: dict[str, Question] = field(default_factory=dict)
    asked: Counter[str] = field(default_factory=Counter)  # withdrawn ones count too


def _answer(q: Question) -> dict[str, Any]:
    return {"answer": q.answer} if q.answer else {}


def _full(q: Question) -> dict[str, Any]:
    return {"id": q.id, "text": q.text, "author": q.author, "at": iso(q.at),
            "votes": len(q.voters), "answered": q.answered, "pinned": q.pinned,
            "hidden": q.hidden, "withdrawn": q.withdrawn, "approved": q.approved,
            **_answer(q)}


def _public(q: Question) -> dict[str, Any]:
    return {"id": q.id, "text": q.text, "at": iso(q.at), "votes": len(q.voters),
            "answered": q.answered, "pinned": q.pinned, **_answer(q)}


def _order(q: Question) -> tuple[bool, bool, int, float]:
    """Pinned first, then open before answered, then most votes, then oldest."""
    return not q.pinned, q.answered, -len(q.voters), q.at


def _flag(args: Mapping[str, Any], name: str) -> bool:
    value = args.get(name, True)  # the protocol lets the flag out; out means "yes"
    if not isinstance(value, bool):
        raise Invalid(N_("The field {field} must be true or false."), field=name)
    return value


_MODERATE = Rule({"moderator": ANY_STATUS})
# An answer can be recorded once the activity ran, also after the session closed.
_RAN = Rule({"moderator": frozenset({"active", "locked"})})
# command: (flag of the question, value it sets, event) for the one-flag commands
_FLAGS: dict[str, tuple[str, bool, str]] = {
    "question.withdraw": ("withdrawn", True, "question.withdrawn"),
    "question.hide": ("hidden", True, "question.hidden"),
    "question.restore": ("hidden", False, "question.restored"),
    "question.approve": ("approved", True, "question.approved"),
}


class Qa(Kind):
    name = "qa"
    tallied = True
    adds = frozenset({"question.ask"})
    after_close = frozenset({"question.answer"})
    rules = {
        "question.ask": Rule({"participant": OPEN}),
        "question.withdraw": Rule({"participant": OPEN}),
        "question.upvote": Rule({"participant": OPEN}),
        "question.answer": _RAN,
        "question.hide": _MODERATE,
        "question.restore": _MODERATE,
        "question.pin": _MODERATE,
        "question.approve": _MODERATE,
    }

    def results_public(self, activity: Activity) -> bool:
        return True  # vote counts are what people upvote by: everyone sees them live

    def affected(self, activity: Activity, event: Event) -> tuple[str, ...]:
        # An author's own questions in `mine` carry the pending flag.
        if event.type == "question.approved":
            data: QaData = activity.data
            return (data.questions[event.data["question"]].author,)
        return ()

    def entries(self, activity: Activity) -> int:
        data: QaData = activity.data
        return len(data.questions)

    def make_config(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        unknown = set(raw) - {"premoderation"}
        if unknown:
            raise Invalid(N_("Unknown setting: {name}."), name=sorted(unknown)[0])
        premoderation = raw.get("premoderation", False)
        if not isinstance(premoderation, bool):
            raise Invalid(N_("The field {field} must be true or false."),
                          field="premoderation")
        return {"premoderation": premoderation}

    def new_data(self, config: Mapping[str, Any]) -> QaData:
        return QaData()

    # -- deciding ------------------------------------------------------------------------

    def decide(self, activity: Activity, command: Command, ids: IdSource) -> Decision:
        data: QaData = activity.data
        args = command.args
        who = command.actor.participant
        if command.type == "question.ask":
            assert who is not None
            return self._ask(activity, clean_text(args.get("text"), TEXT_LIMIT, "text"),
                             who, ids)
        question = self._question(data, args.get("question"), who)
        base = {"activity": activity.id, "question": question.id}
        if command.type == "question.upvote":
            assert who is not None
            up = _flag(args, "up")
            if not question.approved:
                raise NotFound(N_("This question does not exist."))
            if up and question.author == who:
                raise Invalid(N_("You cannot upvote your own question."))
            if (who in question.voters) == up:
                return Decision(result={"up": up})
            return Decision([("question.upvoted", {**base, "participant": who, "up": up})],
                            {"up": up})
        if command.type == "question.withdraw" and question.author != who:
            raise NotYours(N_("You can only withdraw your own questions."))
        if command.type == "question.answer":
            return self._answer(question, args, base)
        if command.type == "question.pin":
            pinned = _flag(args, "pinned")
            if question.pinned == pinned:
                return Decision()
            return Decision([("question.pinned", {**base, "pinned": pinned})])
        attr, value, event = _FLAGS[command.type]
        if getattr(question, attr) == value:
            return Decision()  # already so: nothing to record
        return Decision([(event, base)])

    def _answer(self, question: Question, args: Mapping[str, Any],
                base: dict[str, Any]) -> Decision:
        """Marks a question answered or open, and records (or with "" removes) its answer
        when the command has one."""
        answered = _flag(args, "answered")
        data: dict[str, Any] = {**base, "answered": answered}
        if "answer" in args:
            raw = args["answer"]
            data["answer"] = "" if isinstance(raw, str) and not raw.strip() else clean_text(
                raw, ANSWER_LIMIT, "answer", multiline=True)
        if question.answered == answered and data.get("answer", question.answer) \
                == question.answer:
            return Decision()
        return Decision([("question.answered", data)])

    def _question(self, data: QaData, ident: Any, who: str | None) -> Question:
        """The question a command names, if its sender can see it: a withdrawn question is
        gone for everyone, a hidden one for participants, a pending one for all but its
        author and the moderator."""
        question = data.questions.get(ident) if isinstance(ident, str) else None
        if question is None or question.withdrawn or (who is not None and (
                question.hidden or (not question.approved and question.author != who))):
            raise NotFound(N_("This question does not exist."))
        return question

    def _ask(self, activity: Activity, text: str, who: str, ids: IdSource) -> Decision:
        data: QaData = activity.data
        if data.asked[who] >= MAX_PER_PARTICIPANT:
            raise LimitReached(N_("No more questions are possible here (at most {limit})."),
                               limit=MAX_PER_PARTICIPANT)
        ident = ids.next("q")
        return Decision(
            [("question.asked", {"activity": activity.id, "question": ident, "text": text,
                                 "author": who,
                                 "approved": not activity.config["premoderation"]})],
            {"question": ident},
        )

    # -- applying ------------------------------------------------------------------------

    def apply(self, activity: Activity, event: Event) -> None:
        data: QaData = activity.data
        d = event.data
        if event.type == "question.asked":
            data.questions[d["question"]] = Question(d["question"], d["text"], d["author"],
                                                     event.at, approved=d["approved"])
            data.asked[d["author"]] += 1
            return
        question = data.questions[d["question"]]
        if event.type == "question.upvoted":
            if d["up"]:
                question.voters.add(d["participant"])
            else:
                question.voters.discard(d["participant"])
        elif event.type == "question.answered":
            question.answered = d["answered"]
            if "answer" in d:
                question.answer = d["answer"]
        elif event.type == "question.pinned":
            question.pinned = d["pinned"]
        else:
            attr, value = {"question.withdrawn": ("withdrawn", True),
                           "question.hidden": ("hidden", True),
                           "question.restored": ("hidden", False),
                           "question.approved": ("approved", True)}[event.type]
            setattr(question, attr, value)

    # -- seeing --------------------------------------------------------------------------

    def results(self, activity: Activity) -> dict[str, Any]:
        # Visible questions only, so the tally is the same for every audience; the moderator
        # has the others' counts in their records (nobody can upvote them meanwhile).
        data: QaData = activity.data
        return {"questions": [{"id": q.id, "votes": len(q.voters)}
                              for q in data.questions.values() if q.visible]}

    def view(self, activity: Activity, audience: Audience) -> dict[str, Any]:
        data: QaData = activity.data
        ordered = sorted(data.questions.values(), key=_order)
        if audience == "moderator":
            return {"questions": [_full(q) for q in ordered]}
        return {"questions": [_public(q) for q in ordered if q.visible]}

    def project(
        self, activity: Activity, event: Event, audience: Audience
    ) -> dict[str, Any] | None:
        if event.type == "question.upvoted":
            return None  # counts travel as results
        data: QaData = activity.data
        question = data.questions[event.data["question"]]
        base: dict[str, Any] = {"activity": activity.id}
        if audience == "moderator":
            return {**base, "question": _full(question)}
        if event.type in {"question.hidden", "question.withdrawn"}:
            # A removal only for those who saw it: a pending question was never shown.
            other = question.withdrawn if event.type == "question.hidden" else question.hidden
            if question.approved and not other:
                return {**base, "question": question.id}
            return None
        if not question.visible:
            return None  # pending, hidden or withdrawn: it stays with the moderator
        return {**base, "question": _public(question)}

    def mine(self, activity: Activity, participant: str) -> dict[str, Any] | None:
        data: QaData = activity.data
        own = []
        for q in data.questions.values():
            if q.author == participant and not q.withdrawn:
                own.append({"id": q.id, "text": q.text, **({} if q.approved
                                                           else {"pending": True})})
        # Every question this participant upvoted, also one hidden or withdrawn since: what a
        # phone holds of its own upvotes never changes by what others do.
        upvoted = [q.id for q in data.questions.values() if participant in q.voters]
        out: dict[str, Any] = {}
        if own:
            out["questions"] = own
        if upvoted:
            out["upvoted"] = upvoted
        return out or None
