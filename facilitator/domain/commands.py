"""Handlers of the session's own commands: lifecycle, participants, creating activities and
moving them through their states (items are frozen on first activation)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from facilitator.domain import agenda, editing
from facilitator.domain import groups as grouping
from facilitator.domain.activities import KINDS
from facilitator.domain.activities.base import ANY_STATUS, Activity, Status
from facilitator.domain.activities.items import MAX_ITEMS, Item, resolve, top
from facilitator.domain.errors import N_, ActivityClosed, Invalid, LimitReached, NotFound
from facilitator.domain.limits import Limits
from facilitator.domain.model import (
    ORGANISATION_LIMIT,
    Command,
    Decision,
    clean_text,
    optional_name,
)
from facilitator.domain.plan_sources import KEY

if TYPE_CHECKING:
    from facilitator.domain.session import SessionState

TITLE_LIMIT = 200
PROMPT_LIMIT = 1000
LANGUAGES = ("de", "en")
MAX_ACTIVITIES = 200
NOTES_LIMIT = 10_000

Handler = Callable[["SessionState", Command], Decision]


def new_session(
    ident: str, code: str, title: Any, language: Any = "de", names: Any = False,
    place: Any = None, moderators: Any = None, limits: Limits | None = None,
    organisation: Any = None,
) -> tuple[str, dict[str, Any]]:
    """The first event of every session's log."""
    if language not in LANGUAGES:
        raise Invalid(N_("The language must be one of: {choices}."), choices="de, en")
    if not isinstance(names, bool):
        raise Invalid(N_("The field {field} must be true or false."), field="names")
    data: dict[str, Any] = {"id": ident, "code": code,
                            "title": clean_text(title, TITLE_LIMIT, "title"),
                            "language": language, "names": names}
    if place is not None and (not isinstance(place, str) or place.strip()):
        data["place"] = clean_text(place, 200, "place")
    if moderators:
        if not isinstance(moderators, list) or len(moderators) > 10:
            raise Invalid(N_("Name at most {limit} moderators."), limit=10)
        data["moderators"] = [clean_text(name, 80, "moderators") for name in moderators]
    if organisation is not None and (not isinstance(organisation, str) or organisation.strip()):
        data["organisation"] = clean_text(organisation, ORGANISATION_LIMIT, "organisation")
    if limits is not None:
        data["limits"] = limits.view()
    return ("session.created", data)


def _lifecycle(event: str) -> Handler:
    def handle(state: SessionState, command: Command) -> Decision:
        return Decision([(event, {})])
    return handle


def _notes(state: SessionState, command: Command) -> Decision:
    raw = command.args.get("notes")
    notes = "" if raw is None or (isinstance(raw, str) and not raw.strip()) else clean_text(
        raw, NOTES_LIMIT, "notes", multiline=True)
    if notes == state.notes:
        return Decision()
    return Decision([("session.noted", {"notes": notes})])


def _limits(state: SessionState, command: Command) -> Decision:
    limits = state.limits.changed(command.args.get("limits"))
    if limits == state.limits:
        return Decision()
    return Decision([("session.limits_set", {"limits": limits.view()})])


def _screen(state: SessionState, command: Command) -> Decision:
    screen = state.screen.changed(command.args.get("screen"))
    if screen == state.screen:
        return Decision()
    return Decision([("session.screen_set", {"screen": screen.view()})])


def _join(state: SessionState, command: Command) -> Decision:
    if len(state.participants) >= state.limits.participants:
        raise LimitReached(N_("This session is full."))
    name = optional_name(command.args.get("name")) if state.names else None
    where = grouping.where(command.args.get("where"))
    ident = state.next_id("p")
    data: dict[str, Any] = {"participant": ident, "name": name}
    if where is not None:
        data["where"] = where
    return Decision([("participant.joined", data)], {"participant": ident})


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
    if len(state.activities) >= MAX_ACTIVITIES:
        raise LimitReached(N_("A session has at most {limit} activities."),
                           limit=MAX_ACTIVITIES)
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
    source = config.get("items")
    if isinstance(source, Mapping) and source["from"] not in state.activities:
        raise NotFound(N_("The source activity of the items does not exist."))
    phase = args.get("phase")
    if phase is not None and phase not in state.phases:
        raise NotFound(N_("This phase does not exist."))
    per_group = args.get("per_group", False)
    if not isinstance(per_group, bool):
        raise Invalid(N_("The field {field} must be true or false."), field="per_group")
    if per_group and isinstance(source, Mapping) \
            and state.activities[source["from"]].per_group:
        raise Invalid(N_("A per-group activity takes its items from a plenary activity."))
    ident = state.next_id("a")
    if isinstance(source, Mapping):
        # As in a plan, the source comes first: a session can always be written back as one.
        new = Activity(ident, kind.name, title, prompt, config, None, phase=phase)
        editing.check_order([*state.activities.values(), new], state.phases)
    data: dict[str, Any] = {"activity": ident, "kind": kind.name, "title": title,
                            "prompt": prompt, "config": config}
    if phase is not None:
        data["phase"] = phase
    key = _plan_key(state, args.get("key"))
    if key is not None:
        data["key"] = key
    if per_group:
        data["per_group"] = True
    return Decision([("activity.created", data)], {"activity": ident})


def _plan_key(state: SessionState, key: Any) -> str | None:
    """The plan's name of an activity (live/plans.py gives it; no wire message has it), kept
    so that the plan written back names the activity as the plan did."""
    if key is None:
        return None
    if not isinstance(key, str) or not KEY.fullmatch(key):
        raise Invalid(N_("The field {field} may contain only a-z, 0-9, hyphens and "
                         "underscores, at most 40 characters, starting with a letter or "
                         "digit."), field="key")
    if any(a.key == key for a in state.activities.values()):
        raise Invalid(N_("The key {key} is the key of an earlier activity already."), key=key)
    return key


def _take(source: Activity, take: str) -> list[Item] | None:
    kind = KINDS[source.kind]
    if take.startswith("top:"):
        ranked = kind.ranked(source)
        return None if ranked is None else top(ranked, int(take[4:]))
    return kind.source_items(source, take)


def candidates(state: SessionState, ident: str, take: str) -> list[list[Item]] | None:
    """What a source gives for `take` before a vote's limit of MAX_ITEMS: one list, or one
    per group of a per-group source (in group order, top:<n> within each group, every item
    marked with its group); None when the source cannot give such items. The archive asks
    it too, to say how many of a wall's ideas a vote left out and why."""
    source = state.activities[ident]
    if not source.per_group:
        found = _take(source, take)
        return None if found is None else [found]
    per_group: list[list[Item]] = []
    for group in [*state.groups, *(g for g in source.groups if g not in state.groups)]:
        found = _take(state.instance(source, group), take)
        if found is None:
            return None
        per_group.append([{**item, "group": group} for item in found])
    return per_group


def _lookup(state: SessionState) -> Callable[[str, str], list[Item] | None]:
    def lookup(ident: str, take: str) -> list[Item] | None:
        if state.activities[ident].status == "draft":
            raise Invalid(N_("The source activity has not run yet."))
        found = candidates(state, ident, take)
        return None if found is None else fair_share(found, MAX_ITEMS)
    return lookup


def fair_share(per_group: list[list[Item]], limit: int) -> list[Item]:
    """All items in group order when they fit; otherwise the first items of every group in
    turn, so that no group drops out because earlier groups had long walls."""
    if sum(len(items) for items in per_group) <= limit:
        return [item for items in per_group for item in items]
    taken = [0] * len(per_group)
    while sum(taken) < limit:
        for index, items in enumerate(per_group):
            if taken[index] < len(items) and sum(taken) < limit:
                taken[index] += 1
    return [item for index, items in enumerate(per_group) for item in items[:taken[index]]]


# command: (activity statuses it applies to, its event)
_TRANSITIONS: dict[str, tuple[frozenset[Status], str]] = {
    "activity.activate": (ANY_STATUS, "activity.activated"),
    "activity.lock": (frozenset({"active", "locked"}), "activity.locked"),
    "activity.unlock": (frozenset({"locked", "active"}), "activity.unlocked"),
    "activity.reveal": (ANY_STATUS, "activity.revealed"),
    "activity.conceal": (ANY_STATUS, "activity.concealed"),
}


def _unchanged(state: SessionState, activity: Activity, command: str) -> bool:
    return {
        "activity.activate": activity.status == "active" and state.current == activity.id,
        "activity.lock": activity.status == "locked",
        "activity.unlock": activity.status == "active",
        "activity.reveal": activity.revealed,
        "activity.conceal": not activity.revealed,
    }[command]


def _transition(state: SessionState, command: Command) -> Decision:
    activity = state.activity_of(command, "moderator")
    statuses, event = _TRANSITIONS[command.type]
    if activity.status not in statuses:
        raise ActivityClosed(N_("This activity has not been started yet."))
    if activity.hidden and command.type in {"activity.activate", "activity.unlock"}:
        raise Invalid(N_("This activity is hidden: show it again first."))
    if _unchanged(state, activity, command.type):
        return Decision()
    data: dict[str, Any] = {"activity": activity.id}
    if event == "activity.activated" and KINDS[activity.kind].uses_items \
            and activity.items is None:
        data["items"] = resolve(activity.config["items"], _lookup(state))
    events: list[tuple[str, dict[str, Any]]] = []
    if event in {"activity.activated", "activity.unlocked"} and state.current != activity.id:
        # Making another activity current locks the one before: said by an event of its
        # own, so that the log and every client see it (protocol 1.1).
        events += _lock_current(state, activity)
    return Decision([*events, (event, data)])


def beside(activating: Activity, current: Activity) -> bool:
    """Whether `current` stays open when `activating` becomes current: questions run beside
    the slides of an input (the phones show the slide and the question box)."""
    return activating.kind == "slides" and current.kind == "qa"


def _lock_current(state: SessionState,
                  activating: Activity | None = None) -> list[tuple[str, dict[str, Any]]]:
    """Locks for what is open: the current activity, and a Q&A that ran beside slides. One
    open at a time, except Q&A beside slides (`beside`)."""
    out: list[tuple[str, dict[str, Any]]] = []
    for activity in state.activities.values():
        if activity.status != "active" or activity is activating:
            continue
        if activating is not None and beside(activating, activity):
            continue
        out.append(("activity.locked", {"activity": activity.id}))
    return out


def _close(state: SessionState, command: Command) -> Decision:
    """Closing ends the current phase, stops the timer and locks the current activity,
    each with its own event before session.closed (protocol 1.1)."""
    events = _lock_current(state)
    if state.phase is not None:
        events.append(("phase.ended", {"phase": state.phase}))
    if state.timer is not None:
        events.append(("timer.stopped", {}))
    return Decision([*events, ("session.closed", {})])


HANDLERS: dict[str, Handler] = {
    "session.open": _lifecycle("session.opened"),
    "session.start": _lifecycle("session.started"),
    "session.close": _close,
    "participant.join": _join,
    "participant.rename": _rename,
    "activity.create": _create,
    **{name: _transition for name in _TRANSITIONS},
    "session.delete": _lifecycle("session.deleted"),
    "session.notes": _notes,
    "session.limits": _limits,
    "session.screen": _screen,
    **agenda.HANDLERS,
    **grouping.HANDLERS,
    **editing.HANDLERS,
}
