"""Next steps the moderator records for the documentation: what is to be done, who does it,
by when, and where it came from (an activity, a group) (protocol 1.3).

They belong to the moderation and the documentation only: participants and the beamer never
see them. They can be recorded while the session is open or live and after it closed (the
documentation is written again on every such change), as the closing notes can. Ids are
``n1``, ``n2``, …, never given twice, also after a delete (the session's counters).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from facilitator.domain.activities.measure import date_field
from facilitator.domain.errors import N_, LimitReached, NotFound, find
from facilitator.domain.model import Command, Decision, clean_text

if TYPE_CHECKING:
    from facilitator.domain.session import SessionState

MAX_STEPS = 100  # per session: a workshop's to-do list, not a project plan
WHAT_LIMIT = 300
WHO_LIMIT = 120
PREFIX = "n"
EVENTS = frozenset({"nextstep.added", "nextstep.updated", "nextstep.deleted"})


@dataclass
class NextStep:
    id: str
    what: str
    who: str  # "" when nobody is named yet
    due: str  # YYYY-MM-DD, or "" without a date
    activity: str | None  # the activity it comes from
    group: str | None  # the group it comes from
    at: float  # when it was recorded (added)

    def view(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "what": self.what, "who": self.who,
                               "due": self.due}
        if self.activity is not None:
            out["activity"] = self.activity
        if self.group is not None:
            out["group"] = self.group
        return out


def _who(value: Any) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    return clean_text(value, WHO_LIMIT, "who")


def _due(value: Any) -> str:
    return "" if value is None else date_field(value, "due")


def _fields(state: SessionState, command: Command) -> dict[str, Any]:
    """The step's fields from a command, checked: what, who, due, and where it came from."""
    args = command.args
    out: dict[str, Any] = {"what": clean_text(args.get("what"), WHAT_LIMIT, "what"),
                           "who": _who(args.get("who")), "due": _due(args.get("due"))}
    activity = args.get("activity")
    if activity is not None:
        if not isinstance(activity, str) or activity not in state.activities:
            raise NotFound(N_("This activity does not exist."))
        out["activity"] = activity
    group = args.get("group")
    if group is not None:
        if not isinstance(group, str) or group not in state.groups:
            raise NotFound(N_("This group does not exist."))
        out["group"] = group
    return out


def _step(state: SessionState, ident: Any) -> NextStep:
    return find(state.next_steps, ident, N_("This next step does not exist."))


def add(state: SessionState, command: Command) -> Decision:
    if len(state.next_steps) >= MAX_STEPS:
        raise LimitReached(N_("A session has at most {limit} next steps."), limit=MAX_STEPS)
    fields = _fields(state, command)
    ident = state.next_id(PREFIX)
    return Decision([("nextstep.added", {"step": {"id": ident, **fields}})], {"step": ident})


def update(state: SessionState, command: Command) -> Decision:
    step = _step(state, command.args.get("step"))
    fields = _fields(state, command)
    new = {"id": step.id, **fields}
    if new == step.view():
        return Decision()
    return Decision([("nextstep.updated", {"step": new})])


def delete(state: SessionState, command: Command) -> Decision:
    step = _step(state, command.args.get("step"))
    return Decision([("nextstep.deleted", {"step": step.id})])


def apply(state: SessionState, kind: str, d: dict[str, Any], at: float) -> None:
    if kind == "nextstep.deleted":
        state.next_steps.pop(d["step"], None)
        return
    s = d["step"]
    number = int(s["id"].removeprefix(PREFIX))
    state.counters[PREFIX] = max(state.counters.get(PREFIX, 0), number)
    old = state.next_steps.get(s["id"])
    # An update keeps the step's place in the list and the time it was recorded.
    state.next_steps[s["id"]] = NextStep(s["id"], s["what"], s["who"], s["due"],
                                         s.get("activity"), s.get("group"),
                                         old.at if old is not None else at)


def names(state: SessionState, activity: str | None = None,
          group: str | None = None) -> bool:
    """Whether a next step names this activity or this group (then it cannot be deleted)."""
    return any((activity is not None and step.activity == activity)
               or (group is not None and step.group == group)
               for step in state.next_steps.values())


def view(state: SessionState) -> list[dict[str, Any]]:
    return [step.view() for step in state.next_steps.values()]


HANDLERS = {"nextstep.add": add, "nextstep.update": update, "nextstep.delete": delete}
