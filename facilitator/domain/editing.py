"""The plan editor: changing, deleting, hiding, moving and duplicating activities and phases,
and the session's own details (docs/protocol.md, "Editing the plan").

The order of the session's activities is the order of ``state.activities`` (a dict keeps the
order of insertion), that of the phases the order of ``state.phases``; moves rebuild them.
Anything that has responses stays: an activity that was activated once or got an event of its
kind is "touched" (Activity.touched); only its title and prompt change, and it can be hidden
but not deleted. Items can only come from an earlier activity, as in a plan file: a move that
would put an activity before the one it takes its items from is refused, so that the session
can always be written back as a plan (plan_export.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from facilitator.domain import next_steps
from facilitator.domain.activities import KINDS, Activity
from facilitator.domain.agenda import find_phase
from facilitator.domain.errors import (
    N_,
    ActivityClosed,
    Invalid,
    LimitReached,
    NotFound,
    SessionStateError,
    find,
)
from facilitator.domain.media import PHOTO_POLICIES
from facilitator.domain.model import ORGANISATION_LIMIT, Command, Decision, clean_text

if TYPE_CHECKING:
    from facilitator.domain.session import SessionState

TITLE_LIMIT = 200  # as commands.TITLE_LIMIT (not imported: commands imports this module)
PROMPT_LIMIT = 1000
MAX_ACTIVITIES = 200
PLACE_LIMIT = 200
MODERATOR_LIMIT = 80
MAX_MODERATORS = 10
LANGUAGES = ("de", "en")
COPY_SUFFIX = {"de": " (Kopie)", "en": " (copy)"}

EVENTS = frozenset({"activity.updated", "activity.deleted", "activity.hidden",
                    "activity.moved", "phase.moved", "phase.deleted", "session.updated"})

HAS_RESPONSES = N_("This activity has responses already: only its title and prompt can "
                   "change.")
HIDE_INSTEAD = N_("This activity has responses: hide it instead.")
TAKES_FROM = N_("Activity “{title}” takes its items from this one.")
SOURCE_FIRST = N_("Activity “{title}” takes its items from an earlier activity and cannot "
                  "stand before it.")

Handler = Callable[["SessionState", Command], Decision]


# -- lookups --------------------------------------------------------------------------------

def _activity(state: SessionState, ident: Any) -> Activity:
    return find(state.activities, ident, N_("This activity does not exist."))


def source_of(activity: Activity) -> str | None:
    """The id of the activity this one takes its items from, if any."""
    items = activity.config.get("items")
    return items.get("from") if isinstance(items, Mapping) else None


def takers(state: SessionState, ident: str) -> list[Activity]:
    """The activities that take their items from this one."""
    return [a for a in state.activities.values() if source_of(a) == ident]


def plan_order(activities: Iterable[Activity], phases: Iterable[str]) -> list[Activity]:
    """The activities in the order a plan lists them: phase by phase, each phase's activities
    in list order, then those without a phase (plan_export puts them in a last phase)."""
    listed = list(activities)
    order = [a for phase in phases for a in listed if a.phase == phase]
    return order + [a for a in listed if a.phase is None or a.phase not in phases]


def check_order(activities: Iterable[Activity], phases: Iterable[str]) -> None:
    """Refuse an order in which an activity stands before its source of items."""
    seen: set[str] = set()
    for activity in plan_order(activities, list(phases)):
        source = source_of(activity)
        if source is not None and source not in seen:
            raise Invalid(SOURCE_FIRST, title=activity.title)
        seen.add(activity.id)


def _reordered(items: Mapping[str, Any], ident: str, before: str | None) -> list[str]:
    """The keys with ``ident`` taken out and put in front of ``before`` (None: at the end)."""
    keys = [k for k in items if k != ident]
    at = keys.index(before) if before is not None else len(keys)
    return [*keys[:at], ident, *keys[at:]]


def _flag(value: Any, name: str) -> bool:
    if not isinstance(value, bool):
        raise Invalid(N_("The field {field} must be true or false."), field=name)
    return value


# -- activities -----------------------------------------------------------------------------

def _config(state: SessionState, activity: Activity, raw: Any, per_group: bool) -> dict[str, Any]:
    """A new config for an activity, checked as activity.create checks it."""
    if not isinstance(raw, Mapping):
        raise Invalid(N_("The field {field} must be an object."), field="config")
    config = KINDS[activity.kind].make_config(raw)
    source = config.get("items")
    if isinstance(source, Mapping):
        origin = state.activities.get(source["from"])
        if origin is None:
            raise NotFound(N_("The source activity of the items does not exist."))
        if origin.id == activity.id:
            raise Invalid(N_("An activity cannot take its items from itself."))
        if per_group and origin.per_group:
            raise Invalid(N_("A per-group activity takes its items from a plenary activity."))
    return config


def update(state: SessionState, command: Command) -> Decision:
    args = command.args
    activity = _activity(state, args.get("activity"))
    changes: dict[str, Any] = {}
    if "title" in args:
        changes["title"] = clean_text(args["title"], TITLE_LIMIT, "title")
    if "prompt" in args:
        raw = args["prompt"]
        changes["prompt"] = ("" if raw is None or (isinstance(raw, str) and not raw.strip())
                             else clean_text(raw, PROMPT_LIMIT, "prompt", multiline=True))
    per_group = activity.per_group
    if "per_group" in args:
        per_group = _flag(args["per_group"], "per_group")
        if per_group and any(a.per_group for a in takers(state, activity.id)):
            raise Invalid(N_("A per-group activity takes its items from a plenary activity."))
        changes["per_group"] = per_group
    if "config" in args:
        changes["config"] = _config(state, activity, args["config"], per_group)
    elif per_group != activity.per_group:
        _config(state, activity, activity.config, per_group)  # the source rule, again
    changes = {k: v for k, v in changes.items() if getattr(activity, k) != v}
    if not changes:
        return Decision()
    if activity.touched and ("config" in changes or "per_group" in changes):
        raise Invalid(HAS_RESPONSES)
    if "config" in changes:
        after = {**state.activities, activity.id: _copy(activity, config=changes["config"])}
        check_order(after.values(), state.phases)
    return Decision([("activity.updated", {"activity": activity.id, **changes})])


def _copy(activity: Activity, **changes: Any) -> Activity:
    return replace(activity, **changes)


def _deletable(state: SessionState, activity: Activity, along: Iterable[str] = ()) -> None:
    """Refuse deleting an activity that has responses or gives its items to another one
    (except to those deleted along with it)."""
    going = {activity.id, *along}
    for taker in takers(state, activity.id):
        if taker.id not in going:
            raise Invalid(TAKES_FROM, title=taker.title)
    if activity.touched or state.current == activity.id:
        raise Invalid(HIDE_INSTEAD)
    if any(photo.activity == activity.id for photo in state.photos.values()):
        raise Invalid(N_("Photos belong to this activity: remove them first."))
    if next_steps.names(state, activity=activity.id):
        raise Invalid(N_("A next step comes from this activity: change or delete it first."))


def delete(state: SessionState, command: Command) -> Decision:
    activity = _activity(state, command.args.get("activity"))
    _deletable(state, activity)
    return Decision([("activity.deleted", {"activity": activity.id})])


def hide(state: SessionState, command: Command) -> Decision:
    activity = _activity(state, command.args.get("activity"))
    hidden = _flag(command.args.get("hidden"), "hidden")
    if activity.hidden == hidden:
        return Decision()
    if hidden and activity.status == "active":  # the current one, or Q&A beside slides
        raise ActivityClosed(N_("Lock the activity before hiding it."))
    return Decision([("activity.hidden", {"activity": activity.id, "hidden": hidden})])


def move(state: SessionState, command: Command) -> Decision:
    args = command.args
    activity = _activity(state, args.get("activity"))
    phase = activity.phase
    if "phase" in args and args["phase"] is not None:
        phase = find_phase(state, args["phase"]).id
    elif "phase" in args:
        phase = None
    before = args.get("before")
    if before is not None:
        before = _activity(state, before).id
        if before == activity.id:
            raise Invalid(N_("An activity cannot stand before itself."))
    order = _reordered(state.activities, activity.id, before)
    if order == list(state.activities) and phase == activity.phase:
        return Decision()
    moved = _copy(activity, phase=phase)
    check_order([moved if k == activity.id else state.activities[k] for k in order],
                state.phases)
    return Decision([("activity.moved", {"activity": activity.id, "phase": phase,
                                         "before": before})])


def duplicate(state: SessionState, command: Command) -> Decision:
    activity = _activity(state, command.args.get("activity"))
    if len(state.activities) >= MAX_ACTIVITIES:
        raise LimitReached(N_("A session has at most {limit} activities."),
                           limit=MAX_ACTIVITIES)
    suffix = COPY_SUFFIX.get(state.language, COPY_SUFFIX["en"])
    title = activity.title[:TITLE_LIMIT - len(suffix)].rstrip() + suffix
    ident = state.next_id("a")
    data: dict[str, Any] = {"activity": ident, "kind": activity.kind, "title": title,
                            "prompt": activity.prompt, "config": _deep(activity.config)}
    if activity.phase is not None:
        data["phase"] = activity.phase
    if activity.per_group:
        data["per_group"] = True
    keys = list(state.activities)
    after = keys.index(activity.id) + 1
    before = keys[after] if after < len(keys) else None
    return Decision([("activity.created", data),
                     ("activity.moved", {"activity": ident, "phase": activity.phase,
                                         "before": before})], {"activity": ident})


def _deep(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _deep(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_deep(v) for v in value]
    return value


# -- phases ---------------------------------------------------------------------------------

def delete_phase(state: SessionState, command: Command) -> Decision:
    phase = find_phase(state, command.args.get("phase"))
    if phase.started is not None:
        raise Invalid(N_("This phase has run already: it cannot be deleted."))
    if any(photo.phase == phase.id for photo in state.photos.values()):
        raise Invalid(N_("Photos belong to this phase: remove them first."))
    inside = [a for a in state.activities.values() if a.phase == phase.id]
    for activity in inside:
        _deletable(state, activity, along=[a.id for a in inside])
    return Decision([*(("activity.deleted", {"activity": a.id}) for a in inside),
                     ("phase.deleted", {"phase": phase.id})])


def move_phase(state: SessionState, command: Command) -> Decision:
    phase = find_phase(state, command.args.get("phase"))
    before = command.args.get("before")
    if before is not None:
        before = find_phase(state, before).id
        if before == phase.id:
            raise Invalid(N_("A phase cannot stand before itself."))
    order = _reordered(state.phases, phase.id, before)
    if order == list(state.phases):
        return Decision()
    check_order(state.activities.values(), order)
    return Decision([("phase.moved", {"phase": phase.id, "before": before})])


# -- the session's details ------------------------------------------------------------------

def _moderators(value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > MAX_MODERATORS:
        raise Invalid(N_("Name at most {limit} moderators."), limit=MAX_MODERATORS)
    return [clean_text(name, MODERATOR_LIMIT, "moderators") for name in value]


def update_session(state: SessionState, command: Command) -> Decision:
    args = command.args
    changes: dict[str, Any] = {}
    if "title" in args:
        changes["title"] = clean_text(args["title"], TITLE_LIMIT, "title")
    if "place" in args:
        place = args["place"]
        changes["place"] = (None if place is None or (isinstance(place, str) and not
                                                       place.strip())
                            else clean_text(place, PLACE_LIMIT, "place"))
    if "organisation" in args:
        organisation = args["organisation"]
        changes["organisation"] = (
            None if organisation is None or (isinstance(organisation, str)
                                             and not organisation.strip())
            else clean_text(organisation, ORGANISATION_LIMIT, "organisation"))
    if "moderators" in args:
        changes["moderators"] = _moderators(args["moderators"])
    if "photos" in args:
        if args["photos"] not in PHOTO_POLICIES:
            raise Invalid(N_("Photos may come from one of: {choices}."),
                          choices=", ".join(PHOTO_POLICIES))
        changes["photos"] = args["photos"]
    if "names" in args:
        changes["names"] = _flag(args["names"], "names")
    if "language" in args:
        if args["language"] not in LANGUAGES:
            raise Invalid(N_("The language must be one of: {choices}."),
                          choices=", ".join(LANGUAGES))
        changes["language"] = args["language"]
    now = {"title": state.title, "place": state.place, "moderators": state.moderators,
           "organisation": state.organisation,
           "photos": state.photo_policy, "names": state.names, "language": state.language}
    changes = {k: v for k, v in changes.items() if now[k] != v}
    if state.status != "draft":
        if "language" in changes:
            raise SessionStateError(N_("The language can only change before the session "
                                       "opens."))
        if "names" in changes:
            raise SessionStateError(N_("Whether names are asked can only change before the "
                                       "session opens."))
    if not changes:
        return Decision()
    return Decision([("session.updated", changes)])


# -- applying -------------------------------------------------------------------------------

def apply(state: SessionState, kind: str, d: dict[str, Any]) -> None:
    """Apply one of EVENTS."""
    if kind == "session.updated":
        for key, attribute in (("title", "title"), ("place", "place"),
                               ("organisation", "organisation"),
                               ("moderators", "moderators"), ("photos", "photo_policy"),
                               ("names", "names"), ("language", "language")):
            if key in d:
                setattr(state, attribute, d[key])
    elif kind == "phase.moved":
        order = _reordered(state.phases, d["phase"], d["before"])
        state.phases = {k: state.phases[k] for k in order}
    elif kind == "phase.deleted":
        del state.phases[d["phase"]]
    elif kind == "activity.deleted":
        del state.activities[d["activity"]]
    elif kind == "activity.moved":
        state.activities[d["activity"]].phase = d["phase"]
        order = _reordered(state.activities, d["activity"], d["before"])
        state.activities = {k: state.activities[k] for k in order}
    elif kind == "activity.hidden":
        activity = state.activities[d["activity"]]
        activity.hidden = d["hidden"]
        if activity.hidden and state.current == activity.id:
            state.current = None  # what nobody but the moderation sees is current for nobody
    elif kind == "activity.updated":
        activity = state.activities[d["activity"]]
        for key in ("title", "prompt", "config", "per_group"):
            if key in d:
                setattr(activity, key, d[key])
        if "config" in d:
            activity.data = KINDS[activity.kind].new_data(d["config"])
            activity.groups = {}


HANDLERS: dict[str, Handler] = {
    "activity.update": update, "activity.delete": delete, "activity.hide": hide,
    "activity.move": move, "activity.duplicate": duplicate, "phase.delete": delete_phase,
    "phase.move": move_phase, "session.update": update_session,
}
