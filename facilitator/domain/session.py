"""A session: its state, the command dispatcher (decide) and the event reducer (apply).

Command handlers of the session itself are in commands.py and agenda.py, what each audience
sees in views.py, and everything of one activity kind in activities/<kind>.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from facilitator.domain import agenda, editing, media, views
from facilitator.domain import groups as grouping
from facilitator.domain import next_steps as steps
from facilitator.domain.activities import COMMANDS, KINDS, Activity
from facilitator.domain.activities.base import IdSource, Kind
from facilitator.domain.agenda import Phase, Timer
from facilitator.domain.commands import (  # re-exported: the plan loader and tests use them
    HANDLERS,
    PROMPT_LIMIT,
    TITLE_LIMIT,
    beside,
    new_session,
)
from facilitator.domain.errors import (
    N_,
    ActivityClosed,
    Forbidden,
    Invalid,
    LimitReached,
    NotFound,
    SessionStateError,
)
from facilitator.domain.limits import Limits
from facilitator.domain.model import Audience, Command, Decision, Event, Role
from facilitator.domain.screen import Screen

SessionStatus = Literal["draft", "open", "live", "closed", "deleted"]
LANGUAGES = ("de", "en")
__all__ = ["PROMPT_LIMIT", "TITLE_LIMIT", "SessionState", "new_session"]

_PREPARE: frozenset[SessionStatus] = frozenset({"draft", "open", "live"})
_RUNNING: frozenset[SessionStatus] = frozenset({"open", "live"})
_LIVE: frozenset[SessionStatus] = frozenset({"live"})
_RECORD: frozenset[SessionStatus] = frozenset({"open", "live", "closed"})
_MOD: frozenset[Role] = frozenset({"moderator"})
_SYSTEM: frozenset[Role] = frozenset({"system"})
_PARTICIPANT: frozenset[Role] = frozenset({"participant"})


@dataclass(frozen=True)
class SessionRule:
    """A session-level command: who may send it, in which session states."""

    roles: frozenset[Role]
    states: frozenset[SessionStatus]


SESSION_RULES: dict[str, SessionRule] = {
    "session.open": SessionRule(_MOD, frozenset({"draft"})),
    "session.start": SessionRule(_MOD, frozenset({"open"})),
    "session.close": SessionRule(_MOD, _RUNNING),
    "participant.join": SessionRule(_SYSTEM, _RUNNING),
    "participant.rename": SessionRule(_PARTICIPANT, _RUNNING),
    "activity.create": SessionRule(_MOD, _PREPARE),
    "activity.activate": SessionRule(_MOD, _LIVE),
    "activity.lock": SessionRule(_MOD, _PREPARE),
    "activity.unlock": SessionRule(_MOD, _LIVE),
    "activity.reveal": SessionRule(_MOD, _PREPARE),
    "activity.conceal": SessionRule(_MOD, _PREPARE),
    "phase.create": SessionRule(_MOD, _PREPARE),
    "phase.update": SessionRule(_MOD, _PREPARE),
    "phase.start": SessionRule(_MOD, _LIVE),
    "timer.start": SessionRule(_MOD, _RUNNING),
    "timer.pause": SessionRule(_MOD, _RUNNING),
    "timer.resume": SessionRule(_MOD, _RUNNING),
    "timer.extend": SessionRule(_MOD, _RUNNING),
    "timer.stop": SessionRule(_MOD, _RUNNING),
    "session.delete": SessionRule(_MOD, frozenset({"draft", "closed"})),  # owner only
    # The moderator's notes for the documentation: also after closing, before archiving.
    "session.notes": SessionRule(_MOD, frozenset({"draft", "open", "live", "closed"})),
    "session.limits": SessionRule(_MOD, _PREPARE),
    "session.screen": SessionRule(_MOD, _PREPARE),
    # The plan editor (domain/editing.py); which activity states allow what is checked there.
    "session.update": SessionRule(_MOD, _PREPARE),
    "activity.update": SessionRule(_MOD, _PREPARE),
    "activity.delete": SessionRule(_MOD, _PREPARE),
    "activity.hide": SessionRule(_MOD, _PREPARE),
    "activity.move": SessionRule(_MOD, _PREPARE),
    "activity.duplicate": SessionRule(_MOD, _PREPARE),
    "phase.delete": SessionRule(_MOD, _PREPARE),
    "phase.move": SessionRule(_MOD, _PREPARE),
    "group.create": SessionRule(_MOD, _PREPARE),
    "group.rename": SessionRule(_MOD, _PREPARE),
    "group.delete": SessionRule(_MOD, _PREPARE),
    "group.assign": SessionRule(_MOD, _RUNNING),
    "groups.shuffle": SessionRule(_MOD, _RUNNING),
    "groups.choice": SessionRule(_MOD, _PREPARE),
    "group.spokesperson": SessionRule(_MOD, _RUNNING),
    "group.choose": SessionRule(_PARTICIPANT, _RUNNING),
    "participant.where": SessionRule(_PARTICIPANT, _RUNNING),
    # Files (domain/media.py): slides.attach and photo.add come from the upload routes only.
    "slides.attach": SessionRule(_MOD, _PREPARE),
    "photo.add": SessionRule(_MOD | _PARTICIPANT, _PREPARE),
    "photo.remove": SessionRule(_MOD, frozenset({"draft", "open", "live", "closed"})),
    # The logo route only; after the close too (the documentation is written again).
    "session.logo": SessionRule(_MOD, frozenset({"draft", "open", "live", "closed"})),
    # Next steps for the documentation (domain/next_steps.py): also after closing.
    "nextstep.add": SessionRule(_MOD, _RECORD),
    "nextstep.update": SessionRule(_MOD, _RECORD),
    "nextstep.delete": SessionRule(_MOD, _RECORD),
}
# Activity commands of the kinds need a live session for participants; the moderator may
# moderate while the session is open or live.
KIND_SESSION_STATES: dict[Role, frozenset[SessionStatus]] = {
    "participant": _LIVE,
    "moderator": _RUNNING,
}
# Those a kind lets the moderator send after the session closed too (Kind.after_close).
_CLOSED: frozenset[SessionStatus] = frozenset({"closed"})

COMMAND_TYPES: tuple[str, ...] = tuple(SESSION_RULES) + tuple(COMMANDS)

_LIFECYCLE: dict[str, SessionStatus] = {
    "session.opened": "open",
    "session.started": "live",
    "session.closed": "closed",
    "session.deleted": "deleted",
}

STATE_MESSAGES: dict[SessionStatus, str] = {
    "draft": N_("The session has not been opened yet."),
    "open": N_("The session has not started yet."),
    "live": N_("This is not possible while the session is running."),
    "closed": N_("The session is closed."),
    "deleted": N_("The session is closed."),
}

_ID = re.compile(r"([a-z])(\d{1,9})")
# Event fields that carry ids handed out by decide (a new one must be higher than all seen).
_ID_FIELDS = ("participant", "activity", "idea", "question", "cluster", "phase", "group",
              "photo")


@dataclass
class Participant:
    id: str
    name: str | None
    joined: float
    where: str | None = None  # "room" or "online" (hybrid sessions)
    since: int = 0  # the seq of the event that made this participant


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
    # How many participants said they are in the room or online, kept as they join and
    # move: every join's event and every hello carry these counts, and counting them
    # afresh each time made 5,000 joins cost 25 million steps (docs/benchmarks.md).
    whereabouts: dict[str, int] = field(default_factory=lambda: {"room": 0, "online": 0})
    activities: dict[str, Activity] = field(default_factory=dict)
    phases: dict[str, Phase] = field(default_factory=dict)
    phase: str | None = None
    timer: Timer | None = None
    groups: dict[str, grouping.Group] = field(default_factory=dict)
    members: dict[str, str] = field(default_factory=dict)  # participant -> group
    group_choice: bool = False
    notes: str = ""  # the moderator's closing notes, for the documentation
    place: str | None = None
    moderators: list[str] = field(default_factory=list)
    # Who hands the documentation over; None: the server's setting (`organisation`).
    organisation: str | None = None
    logo: str | None = None  # the session's own logo (a blob: a PNG); None: the server's
    counters: dict[str, int] = field(default_factory=dict)
    limits: Limits = field(default_factory=Limits)
    screen: Screen = field(default_factory=Screen)
    photos: dict[str, media.Photo] = field(default_factory=dict)
    photo_policy: str = "members"  # who may send photos from phones (media.PHOTO_POLICIES)
    # The moderator's next steps for the documentation, in the order recorded.
    next_steps: dict[str, steps.NextStep] = field(default_factory=dict)

    # -- building ------------------------------------------------------------------------

    @classmethod
    def from_events(cls, events: Iterable[Event]) -> SessionState:
        stream = iter(events)
        first = next(stream)
        if first.type != "session.created" or first.seq != 1:
            raise ValueError("an event log starts with session.created at seq 1")
        d = first.data
        state = cls(d["id"], d["code"], d["title"], d["language"], d["names"], first.at, seq=1,
                    place=d.get("place"), moderators=list(d.get("moderators", [])),
                    organisation=d.get("organisation"),
                    limits=Limits.of(d.get("limits")))
        for event in stream:
            state.apply(event)
        return state

    def count_where(self, old: str | None, new: str | None) -> None:
        """A participant's place changed from `old` to `new` (None: not said)."""
        if old in self.whereabouts:
            self.whereabouts[old] -= 1
        if new in self.whereabouts:
            self.whereabouts[new] += 1

    def apply(self, event: Event) -> None:
        if event.seq != self.seq + 1:
            raise ValueError(f"event seq {event.seq} after {self.seq}: the log has a gap")
        self.seq = event.seq
        d = event.data
        family = event.type.split(".", 1)[0]
        for key in _ID_FIELDS:
            value = d.get(key)
            if isinstance(value, str) and (match := _ID.fullmatch(value)):
                prefix, number = match.group(1), int(match.group(2))
                self.counters[prefix] = max(self.counters.get(prefix, 0), number)
        if event.type in _LIFECYCLE:
            self.status = _LIFECYCLE[event.type]
            if self.status == "closed":
                if self.current:
                    self.activities[self.current].status = "locked"
                agenda.end_phase(self, event.at)
                self.timer = None
        elif event.type == "participant.joined":
            self.participants[d["participant"]] = Participant(d["participant"], d["name"],
                                                              event.at, d.get("where"),
                                                              event.seq)
            self.count_where(None, d.get("where"))
        elif event.type == "session.noted":
            self.notes = d["notes"]
        elif event.type == "session.limits_set":
            self.limits = Limits.of(d["limits"])
        elif event.type == "session.logo_set":
            self.logo = d["logo"]
        elif event.type == "session.screen_set":
            self.screen = Screen.of(d["screen"])
        elif event.type == "participant.renamed":
            self.participants[d["participant"]].name = d["name"]
        elif event.type in editing.EVENTS:
            editing.apply(self, event.type, d)
        elif family in {"phase", "timer"}:
            agenda.apply(self, event.type, d, event.at)
        elif family == "photo":
            media.apply(self, event.type, d, event.at)
        elif event.type in steps.EVENTS:
            steps.apply(self, event.type, d, event.at)
        elif family in {"group", "groups"} or event.type == "participant.where":
            grouping.apply(self, event.type, d)
        elif event.type == "activity.created":
            kind = KINDS[d["kind"]]
            self.activities[d["activity"]] = Activity(
                d["activity"], d["kind"], d["title"], d["prompt"], d["config"],
                kind.new_data(d["config"]), phase=d.get("phase"),
                per_group=d.get("per_group", False), key=d.get("key"))
        elif family == "activity":
            self._apply_activity(event)
        else:
            activity = self.activities[d["activity"]]
            activity.touched = True
            KINDS[activity.kind].apply(self.instance(activity, d.get("group")), event)

    def _apply_activity(self, event: Event) -> None:
        activity = self.activities[event.data["activity"]]
        if event.type in {"activity.activated", "activity.unlocked"}:
            # Logs before protocol 1.1 lock the activity that was current only by this event;
            # a Q&A stays open beside slides (commands.beside), and newer logs say each lock.
            previous = self.activities.get(self.current) if self.current else None
            if previous is not None and previous is not activity \
                    and not beside(activity, previous):
                previous.status = "locked"
            activity.status = "active"
            activity.touched = True
            self.current = activity.id
            if "items" in event.data:
                activity.items = event.data["items"]
        elif event.type == "activity.locked":
            activity.status = "locked"
        elif event.type == "activity.revealed":
            activity.revealed = True
        elif event.type == "activity.concealed":
            activity.revealed = False

    def next_id(self, prefix: str) -> str:
        return f"{prefix}{self.counters.get(prefix, 0) + 1}"

    # -- deciding ------------------------------------------------------------------------

    def decide(self, command: Command) -> Decision:
        """Check a command against the current state: events to append, or a Refusal."""
        role = command.actor.role
        if command.type in SESSION_RULES:
            session_rule = SESSION_RULES[command.type]
            if role not in session_rule.roles:
                raise Forbidden(N_("Only the moderation can do this."))
            if self.status not in session_rule.states:
                raise SessionStateError(STATE_MESSAGES[self.status])
            if command.type == "session.delete" and not command.actor.owner:
                raise Forbidden(N_("Only the moderator who owns the session can delete it."))
            if command.type in media.HANDLERS:
                return media.HANDLERS[command.type](self, command)
            if command.type in steps.HANDLERS:
                return steps.HANDLERS[command.type](self, command)
            return HANDLERS[command.type](self, command)
        kind = COMMANDS.get(command.type)
        if kind is None:
            raise Invalid(N_("Unknown command."))
        rule = kind.rules[command.type]
        if role not in rule.roles:
            raise Forbidden(N_("Only participants can do this.") if role == "moderator"
                            else N_("Only the moderation can do this."))
        states = KIND_SESSION_STATES.get(role, frozenset())
        if role == "moderator" and command.type in kind.after_close:
            states = states | _CLOSED
        if self.status not in states:
            raise SessionStateError(STATE_MESSAGES[self.status])
        activity = self.activity_of(command, role)
        if activity.kind != kind.name:
            raise Invalid(N_("This command does not fit this activity."))
        if not rule.allows(role, activity.status):
            raise ActivityClosed(N_("This activity is not taking contributions right now."))
        if not activity.per_group:
            self._check_size(kind, activity, command)
            return kind.decide(activity, command, Ids(self))
        group = self._group_of(command)
        instance = self.instance(activity, group)
        self._check_size(kind, instance, command)
        decision = kind.decide(instance, command, Ids(self))
        decision.events = [(name, {**data, "group": group}) for name, data in decision.events]
        return decision

    def _check_size(self, kind: Kind, activity: Activity, command: Command) -> None:
        """The session's cap on entries (ideas, questions) of one activity instance: however
        many people join, one wall stays readable and one script cannot fill the store."""
        if command.type in kind.adds and kind.entries(activity) >= self.limits.ideas:
            raise LimitReached(N_("This activity takes no more entries (at most {limit})."),
                               limit=self.limits.ideas)

    def _group_of(self, command: Command) -> str:
        """The group whose instance of a per-group activity a command is for."""
        if command.actor.participant is not None:
            group = self.members.get(command.actor.participant)
            if group is None:
                raise Invalid(N_("You are not in a group yet."))
            return group
        group = command.args.get("group")
        if not isinstance(group, str) or group not in self.groups:
            raise NotFound(N_("This group does not exist."))
        return group

    def instance(self, activity: Activity, group: str | None) -> Activity:
        """The activity itself, or for a per-group activity one group's instance: the same
        settings and status, with that group's own data (made when first needed)."""
        if not activity.per_group or group is None:
            return activity
        data = activity.groups.get(group)
        if data is None:
            data = activity.groups[group] = KINDS[activity.kind].new_data(activity.config)
        return replace(activity, data=data)

    def activity_of(self, command: Command, role: Role) -> Activity:
        ident = command.args.get("activity")
        activity = self.activities.get(ident) if isinstance(ident, str) else None
        if activity is None or (role != "moderator"
                                and (activity.status == "draft" or activity.hidden)):
            raise NotFound(N_("This activity does not exist."))
        return activity

    # -- seeing (views.py) ---------------------------------------------------------------

    def view(self, audience: Audience, group: str | None = None) -> dict[str, Any]:
        return views.session_view(self, audience, group)

    def mine(self, participant: str) -> dict[str, Any]:
        return views.mine(self, participant)

    def project(self, event: Event, audience: Audience,
                group: str | None = None) -> dict[str, Any] | None:
        return views.project(self, event, audience, group)

    def results_visible(self, activity: Activity, audience: Audience) -> bool:
        return views.results_visible(activity, audience)


class Ids(IdSource):
    """Ids for one decision: several in a row are distinct before any is applied."""

    def __init__(self, state: SessionState) -> None:
        self._counters = dict(state.counters)

    def next(self, prefix: str) -> str:
        self._counters[prefix] = self._counters.get(prefix, 0) + 1
        return f"{prefix}{self._counters[prefix]}"
