"""A session: its lifecycle, participants and activities, the command dispatcher (decide) and
the event reducer (apply), and what each audience sees of it (views and projections)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from facilitator.domain.activities import COMMANDS, KINDS, Activity
from facilitator.domain.activities.base import ANY_STATUS, IdSource, Status
from facilitator.domain.errors import (
    N_,
    ActivityClosed,
    Forbidden,
    Invalid,
    LimitReached,
    NotFound,
    SessionStateError,
)
from facilitator.domain.model import (
    Audience,
    Command,
    Decision,
    Event,
    Role,
    clean_text,
    iso,
    optional_name,
)

SessionStatus = Literal["draft", "open", "live", "closed"]
LANGUAGES = ("de", "en")
TITLE_LIMIT = 200
# Far above any workshop; it stops a script from filling the database with participants.
MAX_PARTICIPANTS = 10_000
PROMPT_LIMIT = 1000


@dataclass(frozen=True)
class SessionRule:
    """A session-level command: who may send it, in which session states."""

    roles: frozenset[Role]
    states: frozenset[SessionStatus]


_PREPARE: frozenset[SessionStatus] = frozenset({"draft", "open", "live"})
_LIVE: frozenset[SessionStatus] = frozenset({"live"})
_MOD: frozenset[Role] = frozenset({"moderator"})
_SYSTEM: frozenset[Role] = frozenset({"system"})
_PARTICIPANT: frozenset[Role] = frozenset({"participant"})

SESSION_RULES: dict[str, SessionRule] = {
    "session.open": SessionRule(_MOD, frozenset({"draft"})),
    "session.start": SessionRule(_MOD, frozenset({"open"})),
    "session.close": SessionRule(_MOD, frozenset({"open", "live"})),
    "participant.join": SessionRule(_SYSTEM, frozenset({"open", "live"})),
    "participant.rename": SessionRule(_PARTICIPANT, frozenset({"open", "live"})),
    "activity.create": SessionRule(_MOD, _PREPARE),
    "activity.activate": SessionRule(_MOD, _LIVE),
    "activity.lock": SessionRule(_MOD, _PREPARE),
    "activity.unlock": SessionRule(_MOD, _LIVE),
    "activity.reveal": SessionRule(_MOD, _PREPARE),
    "activity.conceal": SessionRule(_MOD, _PREPARE),
}
# Activity commands of the kinds need a live session for participants; the moderator may
# moderate while the session is open or live.
KIND_SESSION_STATES: dict[Role, frozenset[SessionStatus]] = {
    "participant": _LIVE,
    "moderator": _PREPARE,
}

COMMAND_TYPES: tuple[str, ...] = tuple(SESSION_RULES) + tuple(COMMANDS)


@dataclass
class Participant:
    id: str
    name: str | None
    joined: float


@dataclass
class SessionState:
    id: str
    code: str
    title: str
    language: str
    names: bool
    created: float
    status: SessionStatus = "draft"
    seq: int = 0
    current: str | None = None
    participants: dict[str, Participant] = field(default_factory=dict)
    activities: dict[str, Activity] = field(default_factory=dict)
    counters: dict[str, int] = field(default_factory=dict)

    # -- building ------------------------------------------------------------------------

    @classmethod
    def from_events(cls, events: Iterable[Event]) -> SessionState:
        stream = iter(events)
        first = next(stream)
        if first.type != "session.created" or first.seq != 1:
            raise ValueError("an event log starts with session.created at seq 1")
        d = first.data
        state = cls(d["id"], d["code"], d["title"], d["language"], d["names"], first.at, seq=1)
        for event in stream:
            state.apply(event)
        return state

    def apply(self, event: Event) -> None:
        if event.seq != self.seq + 1:
            raise ValueError(f"event seq {event.seq} after {self.seq}: the log has a gap")
        self.seq = event.seq
        d = event.data
        kind_name = event.type.split(".", 1)[0]
        if event.type in _LIFECYCLE:
            self.status = _LIFECYCLE[event.type]
            if self.status == "closed" and self.current:
                self.activities[self.current].status = "locked"
        elif event.type == "participant.joined":
            self.participants[d["participant"]] = Participant(d["participant"], d["name"],
                                                              event.at)
            self._bump(d["participant"])
        elif event.type == "participant.renamed":
            self.participants[d["participant"]].name = d["name"]
        elif event.type == "activity.created":
            kind = KINDS[d["kind"]]
            self.activities[d["activity"]] = Activity(
                d["activity"], d["kind"], d["title"], d["prompt"], d["config"],
                kind.new_data(d["config"]))
            self._bump(d["activity"])
        elif kind_name == "activity":
            self._apply_activity(event)
        else:
            activity = self.activities[d["activity"]]
            KINDS[activity.kind].apply(activity, event)
            if "idea" in d and isinstance(d["idea"], str):
                self._bump(d["idea"])

    def _apply_activity(self, event: Event) -> None:
        activity = self.activities[event.data["activity"]]
        if event.type == "activity.activated":
            if self.current and self.current != activity.id:
                self.activities[self.current].status = "locked"
            activity.status = "active"
            self.current = activity.id
        elif event.type == "activity.locked":
            activity.status = "locked"
        elif event.type == "activity.unlocked":
            if self.current and self.current != activity.id:
                self.activities[self.current].status = "locked"
            activity.status = "active"
            self.current = activity.id
        elif event.type == "activity.revealed":
            activity.revealed = True
        elif event.type == "activity.concealed":
            activity.revealed = False

    def _bump(self, ident: str) -> None:
        prefix, number = ident[0], int(ident[1:])
        self.counters[prefix] = max(self.counters.get(prefix, 0), number)

    # -- deciding ------------------------------------------------------------------------

    def decide(self, command: Command) -> Decision:
        """Check a command against the current state: events to append, or a Refusal."""
        role = command.actor.role
        if command.type in SESSION_RULES:
            session_rule = SESSION_RULES[command.type]
            if role not in session_rule.roles:
                raise Forbidden(N_("Only the moderation can do this."))
            if self.status not in session_rule.states:
                raise SessionStateError(_STATE_MESSAGES[self.status])
            decision: Decision = _SESSION_HANDLERS[command.type](self, command)
            return decision
        kind = COMMANDS.get(command.type)
        if kind is None:
            raise Invalid(N_("Unknown command."))
        rule = kind.rules[command.type]
        if role not in rule.roles:
            raise Forbidden(N_("Only participants can do this.") if role == "moderator"
                            else N_("Only the moderation can do this."))
        if self.status not in KIND_SESSION_STATES.get(role, frozenset()):
            raise SessionStateError(_STATE_MESSAGES[self.status])
        activity = self._activity(command, role)
        if activity.kind != kind.name:
            raise Invalid(N_("This command does not fit this activity."))
        if not rule.allows(role, activity.status):
            raise ActivityClosed(N_("This activity is not taking contributions right now."))
        return kind.decide(activity, command, _Ids(self))

    def _activity(self, command: Command, role: Role) -> Activity:
        ident = command.args.get("activity")
        activity = self.activities.get(ident) if isinstance(ident, str) else None
        if activity is None or (role != "moderator" and activity.status == "draft"):
            raise NotFound(N_("This activity does not exist."))
        return activity

    # -- seeing --------------------------------------------------------------------------

    def view(self, audience: Audience) -> dict[str, Any]:
        participants: dict[str, Any] = {"count": len(self.participants)}
        if audience == "moderator":
            participants["list"] = [{"id": p.id, "name": p.name}
                                    for p in self.participants.values()]
        return {
            "id": self.id, "code": self.code, "title": self.title, "language": self.language,
            "status": self.status, "names": self.names, "current": self.current,
            "created": iso(self.created),
            "participants": participants,
            "activities": [activity_view(a, audience) for a in self.activities.values()
                           if audience == "moderator" or a.status != "draft"],
        }

    def mine(self, participant: str) -> dict[str, Any]:
        out = {}
        for activity in self.activities.values():
            if activity.status == "draft":
                continue
            own = KINDS[activity.kind].mine(activity, participant)
            if own:
                out[activity.id] = own
        return out

    def project(self, event: Event, audience: Audience) -> dict[str, Any] | None:
        """The event's data as an audience may see it (the state is already past the event)."""
        d = event.data
        t = event.type
        if t == "session.created":
            return {"session": self.view("moderator")} if audience == "moderator" else None
        if t in _LIFECYCLE:
            return {"status": _LIFECYCLE[t]}
        if t == "participant.joined":
            if audience == "moderator":
                return {"participant": {"id": d["participant"], "name": d["name"]},
                        "count": len(self.participants)}
            # Not to every phone: with N phones that is N² messages while a room joins.
            return {"count": len(self.participants)} if audience == "presenter" else None
        if t == "participant.renamed":
            return dict(d) if audience == "moderator" else None
        activity = self.activities[d["activity"]]
        if t == "activity.created":
            return ({"activity": activity_view(activity, audience)}
                    if audience == "moderator" else None)
        if t == "activity.activated":
            return {"activity": activity_view(activity, audience), "current": self.current}
        if t in {"activity.locked", "activity.unlocked"}:
            return {"activity": activity.id, "status": activity.status, "current": self.current}
        if t in {"activity.revealed", "activity.concealed"}:
            if audience == "moderator":
                return {"activity": activity.id, "revealed": activity.revealed}
            return {"activity": activity_view(activity, audience)}
        if activity.status == "draft" and audience != "moderator":
            return None
        return KINDS[activity.kind].project(activity, event, audience)

    def results_visible(self, activity: Activity, audience: Audience) -> bool:
        return audience == "moderator" or (activity.revealed and activity.status != "draft")


def activity_view(activity: Activity, audience: Audience) -> dict[str, Any]:
    kind = KINDS[activity.kind]
    visible = audience == "moderator" or activity.revealed
    return {
        "id": activity.id, "kind": activity.kind, "title": activity.title,
        "prompt": activity.prompt, "status": activity.status, "revealed": activity.revealed,
        "config": kind.public_config(activity),
        "results": kind.results(activity) if visible else None,
        **kind.view(activity, audience),
    }


class _Ids(IdSource):
    def __init__(self, state: SessionState) -> None:
        self._counters = dict(state.counters)

    def next(self, prefix: str) -> str:
        self._counters[prefix] = self._counters.get(prefix, 0) + 1
        return f"{prefix}{self._counters[prefix]}"


_LIFECYCLE: dict[str, SessionStatus] = {
    "session.opened": "open",
    "session.started": "live",
    "session.closed": "closed",
}

_STATE_MESSAGES: dict[SessionStatus, str] = {
    "draft": N_("The session has not been opened yet."),
    "open": N_("The session has not started yet."),
    "live": N_("This is not possible while the session is running."),
    "closed": N_("The session is closed."),
}


def new_session(
    ident: str, code: str, title: Any, language: Any = "de", names: Any = False
) -> tuple[str, dict[str, Any]]:
    """The first event of every session's log."""
    if language not in LANGUAGES:
        raise Invalid(N_("The language must be one of: {choices}."), choices="de, en")
    if not isinstance(names, bool):
        raise Invalid(N_("The field {field} must be true or false."), field="names")
    return ("session.created", {"id": ident, "code": code,
                                "title": clean_text(title, TITLE_LIMIT, "title"),
                                "language": language, "names": names})


# -- session-level command handlers ------------------------------------------------------


def _lifecycle(event: str) -> Any:
    def handle(state: SessionState, command: Command) -> Decision:
        return Decision([(event, {})])
    return handle


def _join(state: SessionState, command: Command) -> Decision:
    if len(state.participants) >= MAX_PARTICIPANTS:
        raise LimitReached(N_("This session is full."))
    name = optional_name(command.args.get("name")) if state.names else None
    ident = _Ids(state).next("p")
    return Decision([("participant.joined", {"participant": ident, "name": name})],
                    {"participant": ident})


def _rename(state: SessionState, command: Command) -> Decision:
    if not state.names:
        raise Invalid(N_("Names are not used in this session."))
    name = optional_name(command.args.get("name"))
    who = command.actor.participant
    assert who is not None
    if state.participants[who].name == name:
        return Decision()
    return Decision([("participant.renamed", {"participant": who, "name": name})])


def _create(state: SessionState, command: Command) -> Decision:
    args = command.args
    kind = KINDS.get(args.get("kind"))  # type: ignore[arg-type]
    if kind is None:
        raise Invalid(N_("Unknown activity kind: {kind}."), kind=str(args.get("kind"))[:40])
    title = clean_text(args.get("title"), TITLE_LIMIT, "title")
    prompt = args.get("prompt") or ""
    if prompt:
        prompt = clean_text(prompt, PROMPT_LIMIT, "prompt", multiline=True)
    raw = args.get("config") or {}
    if not isinstance(raw, Mapping):
        raise Invalid(N_("The field {field} must be an object."), field="config")
    config = kind.make_config(raw)
    ident = _Ids(state).next("a")
    return Decision([("activity.created", {"activity": ident, "kind": kind.name,
                                           "title": title, "prompt": prompt,
                                           "config": config})],
                    {"activity": ident})


_TRANSITIONS: dict[str, tuple[frozenset[Status], str]] = {
    # command: (activity statuses it applies to, its event)
    "activity.activate": (ANY_STATUS, "activity.activated"),
    "activity.lock": (frozenset({"active", "locked"}), "activity.locked"),
    "activity.unlock": (frozenset({"locked", "active"}), "activity.unlocked"),
    "activity.reveal": (ANY_STATUS, "activity.revealed"),
    "activity.conceal": (ANY_STATUS, "activity.concealed"),
}


def _transition(state: SessionState, command: Command) -> Decision:
    activity = state._activity(command, "moderator")
    statuses, event = _TRANSITIONS[command.type]
    if activity.status not in statuses:
        raise ActivityClosed(N_("This activity has not been started yet."))
    unchanged = {
        "activity.activate": activity.status == "active" and state.current == activity.id,
        "activity.lock": activity.status == "locked",
        "activity.unlock": activity.status == "active",
        "activity.reveal": activity.revealed,
        "activity.conceal": not activity.revealed,
    }[command.type]
    if unchanged:
        return Decision()
    return Decision([(event, {"activity": activity.id})])


_SESSION_HANDLERS: dict[str, Any] = {
    "session.open": _lifecycle("session.opened"),
    "session.start": _lifecycle("session.started"),
    "session.close": _lifecycle("session.closed"),
    "participant.join": _join,
    "participant.rename": _rename,
    "activity.create": _create,
    **{name: _transition for name in _TRANSITIONS},
}
