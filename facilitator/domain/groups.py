"""Small groups (breakouts): creating them, who is in which, the spokesperson, and where a
participant takes part from (in the room or online).

Assignment by shuffle is random but reproducible: the order comes from the session id and
seq, and the events record every assignment, so replaying the log never shuffles again.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from facilitator.domain import next_steps
from facilitator.domain.errors import N_, Invalid, LimitReached, NotFound
from facilitator.domain.model import Command, Decision, clean_text

if TYPE_CHECKING:
    from facilitator.domain.session import SessionState

NAME_LIMIT = 60
MAX_GROUPS = 30
WHERE = ("room", "online")


@dataclass
class Group:
    id: str
    name: str
    spokesperson: str | None = None


def members(state: SessionState, group: str) -> list[str]:
    return [p for p, g in state.members.items() if g == group]


def _group(state: SessionState, ident: Any, *, allow_none: bool = False) -> str | None:
    if ident is None and allow_none:
        return None
    if not isinstance(ident, str) or ident not in state.groups:
        raise NotFound(N_("This group does not exist."))
    return ident


def _participant(state: SessionState, ident: Any) -> str:
    if not isinstance(ident, str) or ident not in state.participants:
        raise NotFound(N_("This participant does not exist."))
    return ident


def _name(state: SessionState, raw: Any, keep: str | None = None) -> str:
    name = clean_text(raw, NAME_LIMIT, "name")
    taken = {g.name.casefold() for g in state.groups.values() if g.id != keep}
    if name.casefold() in taken:
        raise Invalid(N_("Two groups have the same name."))
    return name


def where(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if value not in WHERE:
        raise Invalid(N_("Say room or online."))
    return str(value)


def _flag(value: Any, name: str, default: bool) -> bool:
    if value is None:
        return default
    if not isinstance(value, bool):
        raise Invalid(N_("The field {field} must be true or false."), field=name)
    return value


def create(state: SessionState, command: Command) -> Decision:
    if len(state.groups) >= MAX_GROUPS:
        raise LimitReached(N_("A session has at most {limit} groups."), limit=MAX_GROUPS)
    name = _name(state, command.args.get("name"))
    ident = state.next_id("g")
    return Decision([("group.created", {"group": ident, "name": name})], {"group": ident})


def rename(state: SessionState, command: Command) -> Decision:
    group = _group(state, command.args.get("group"))
    assert group is not None
    name = _name(state, command.args.get("name"), keep=group)
    if state.groups[group].name == name:
        return Decision()
    return Decision([("group.renamed", {"group": group, "name": name})])


def delete(state: SessionState, command: Command) -> Decision:
    group = _group(state, command.args.get("group"))
    if next_steps.names(state, group=group):
        raise Invalid(N_("A next step comes from this group: change or delete it first."))
    return Decision([("group.deleted", {"group": group})])


def _assigned(state: SessionState, participant: str,
              group: str | None) -> tuple[str, dict[str, Any]]:
    return ("group.assigned", {"participant": participant, "group": group,
                               "previous": state.members.get(participant)})


def assign(state: SessionState, command: Command) -> Decision:
    participant = _participant(state, command.args.get("participant"))
    group = _group(state, command.args.get("group"), allow_none=True)
    if state.members.get(participant) == group:
        return Decision()
    return Decision([_assigned(state, participant, group)])


def choose(state: SessionState, command: Command) -> Decision:
    if not state.group_choice:
        raise Invalid(N_("Groups are assigned by the moderation right now."))
    participant = command.actor.participant
    assert participant is not None
    group = _group(state, command.args.get("group"), allow_none=True)
    if state.members.get(participant) == group:
        return Decision()
    return Decision([_assigned(state, participant, group)])


def shuffle(state: SessionState, command: Command) -> Decision:
    """Random, balanced: sizes differ by at most one afterwards."""
    if not state.groups:
        raise Invalid(N_("There are no groups yet."))
    only_unassigned = _flag(command.args.get("only_unassigned"), "only_unassigned", False)
    order = list(state.groups)
    people = [p for p in state.participants
              if not only_unassigned or state.members.get(p) not in state.groups]
    random.Random(f"{state.id}:{state.seq}").shuffle(people)
    sizes = {g: 0 for g in order}
    if only_unassigned:
        for g in state.members.values():
            if g in sizes:
                sizes[g] += 1
    events = []
    for person in people:
        # The smallest group takes the next person; ties go to the earlier group.
        group = min(order, key=lambda g: (sizes[g], order.index(g)))
        sizes[group] += 1
        if state.members.get(person) != group:
            events.append(_assigned(state, person, group))
    return Decision(events, {"assigned": len(events)})


def choice(state: SessionState, command: Command) -> Decision:
    open_ = _flag(command.args.get("open"), "open", True)
    if state.group_choice == open_:
        return Decision()
    return Decision([("groups.choice_changed", {"open": open_})])


def spokesperson(state: SessionState, command: Command) -> Decision:
    group = _group(state, command.args.get("group"))
    assert group is not None
    who = command.args.get("participant")
    if who is not None:
        who = _participant(state, who)
        if state.members.get(who) != group:
            raise Invalid(N_("The spokesperson must be a member of the group."))
    if state.groups[group].spokesperson == who:
        return Decision()
    return Decision([("group.spokesperson_set", {"group": group, "participant": who})])


def move(state: SessionState, command: Command) -> Decision:
    """participant.where: in the room or online."""
    participant = command.actor.participant
    assert participant is not None
    value = where(command.args.get("where"))
    if value is None:
        raise Invalid(N_("Say room or online."))
    if state.participants[participant].where == value:
        return Decision()
    return Decision([("participant.where", {"participant": participant, "where": value})])


def apply(state: SessionState, kind: str, d: dict[str, Any]) -> None:
    if kind == "group.created":
        state.groups[d["group"]] = Group(d["group"], d["name"])
    elif kind == "group.renamed":
        state.groups[d["group"]].name = d["name"]
    elif kind == "group.deleted":
        del state.groups[d["group"]]
        for participant in members(state, d["group"]):
            del state.members[participant]
    elif kind == "group.assigned":
        previous = state.members.pop(d["participant"], None)
        if previous in state.groups and state.groups[previous].spokesperson == d["participant"]:
            state.groups[previous].spokesperson = None
        if d["group"] is not None:
            state.members[d["participant"]] = d["group"]
    elif kind == "groups.choice_changed":
        state.group_choice = d["open"]
    elif kind == "group.spokesperson_set":
        state.groups[d["group"]].spokesperson = d["participant"]
    elif kind == "participant.where":
        person = state.participants[d["participant"]]
        state.count_where(person.where, d["where"])
        person.where = d["where"]


HANDLERS = {
    "group.create": create, "group.rename": rename, "group.delete": delete,
    "group.assign": assign, "group.choose": choose, "groups.shuffle": shuffle,
    "groups.choice": choice, "group.spokesperson": spokesperson, "participant.where": move,
}
