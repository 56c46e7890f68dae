"""What each audience sees: the session view of `hello`, and each event's data per audience
(the state is already past the event when it is projected).

Participants of a small group see per-group activities through their group's instance, so for
them a view or an event's data can depend on the group (`group` argument); for moderator and
presenter a per-group activity shows every group's instance side by side.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from facilitator.domain import media, next_steps
from facilitator.domain.activities import KINDS, Activity
from facilitator.domain.model import Audience, Event, iso

if TYPE_CHECKING:
    from facilitator.domain.session import SessionState

_LIFECYCLE = {"session.opened": "open", "session.started": "live", "session.closed": "closed",
              "session.deleted": "deleted"}


def shown(activity: Activity, audience: Audience) -> bool:
    """Whether the audience sees the activity at all: participants and the beamer see
    neither drafts nor what the moderator hid."""
    return audience == "moderator" or (activity.status != "draft" and not activity.hidden)


def results_visible(activity: Activity, audience: Audience) -> bool:
    if audience == "moderator":
        return True
    if not shown(activity, audience):
        return False
    return activity.revealed or KINDS[activity.kind].results_public(activity)


def responses(activity: Activity, audience: Audience,
              results: dict[str, Any] | None) -> int | None:
    """How many have answered, for the beamer while the results are hidden from it ("23 von
    40 haben abgestimmt"), from the kind's results (the caller has them already); None when
    the audience gets no such count (it sees the results, or is not the presenter, or the
    kind has no voters)."""
    if audience != "presenter" or not shown(activity, audience) or not results:
        return None
    if not KINDS[activity.kind].is_tallied(activity) or results_visible(activity, audience):
        return None
    voters = results.get("voters")
    return voters if isinstance(voters, int) else None


def _kind_fields(activity: Activity, audience: Audience) -> dict[str, Any]:
    kind = KINDS[activity.kind]
    full = kind.results(activity)
    visible = results_visible(activity, audience)
    results = kind.results_for(activity, audience, full) if visible else None
    count = responses(activity, audience, full)
    return {"results": results, **kind.view(activity, audience),
            **({"responses": count} if count is not None else {})}


def activity_view(state: SessionState, activity: Activity, audience: Audience,
                  group: str | None = None) -> dict[str, Any]:
    kind = KINDS[activity.kind]
    out: dict[str, Any] = {
        "id": activity.id, "kind": activity.kind, "title": activity.title,
        "prompt": activity.prompt, "status": activity.status, "revealed": activity.revealed,
        "phase": activity.phase, "config": kind.public_config(activity),
        "items": activity.items, "per_group": activity.per_group,
    }
    if audience == "moderator":
        out["hidden"] = activity.hidden
        out["touched"] = activity.touched
    if not activity.per_group:
        return {**out, **_kind_fields(activity, audience)}
    if audience == "participant":
        if group is None:
            return {**out, "group": None, "results": None}
        return {**out, "group": group,
                **_kind_fields(state.instance(activity, group), audience)}
    return {**out, "results": None, "groups": {
        g: _kind_fields(state.instance(activity, g), audience) for g in state.groups}}


def _groups(state: SessionState, audience: Audience) -> list[dict[str, Any]]:
    if audience == "moderator":
        return [{"id": g.id, "name": g.name, "spokesperson": g.spokesperson,
                 "members": [p for p, m in state.members.items() if m == g.id]}
                for g in state.groups.values()]
    counts = {g: 0 for g in state.groups}
    for member_of in state.members.values():
        counts[member_of] += 1
    return [{"id": g.id, "name": g.name, "count": counts[g.id]} for g in state.groups.values()]


def participants_view(state: SessionState, audience: Audience) -> dict[str, Any]:
    out: dict[str, Any] = {"count": len(state.participants), **state.whereabouts}
    if audience == "moderator":
        out["list"] = [{"id": p.id, "name": p.name, "group": state.members.get(p.id),
                        "where": p.where} for p in state.participants.values()]
    return out


def session_view(state: SessionState, audience: Audience,
                 group: str | None = None) -> dict[str, Any]:
    moderator = audience == "moderator"
    return {
        "id": state.id, "code": state.code, "title": state.title, "language": state.language,
        "status": state.status, "names": state.names, "current": state.current,
        "created": iso(state.created), "place": state.place, "moderators": state.moderators,
        "organisation": state.organisation,
        "participants": participants_view(state, audience),
        "groups": _groups(state, audience), "choice": state.group_choice,
        "phases": [p.view(moderator) for p in state.phases.values()],
        "phase": state.phase,
        "timer": state.timer.view() if state.timer else None,
        "activities": [activity_view(state, a, audience, group)
                       for a in state.activities.values() if shown(a, audience)],
        "photo_policy": state.photo_policy,
        **({"notes": state.notes, "limits": state.limits.view(),
            "next_steps": next_steps.view(state), "logo": state.logo} if moderator else {}),
        **({"screen": state.screen.view()} if audience != "participant" else {}),
        "photos": [photo.view(audience) for photo in state.photos.values()],
    }


def you(state: SessionState, participant: str) -> dict[str, Any]:
    person = state.participants[participant]
    group = state.members.get(participant)
    return {"participant": participant, "name": person.name, "group": group,
            "spokesperson": group is not None and state.groups[group].spokesperson == participant,
            "where": person.where}


def mine(state: SessionState, participant: str) -> dict[str, Any]:
    out = {}
    group = state.members.get(participant)
    for activity in state.activities.values():
        if activity.status == "draft" or (activity.per_group and group is None):
            continue
        own = KINDS[activity.kind].mine(state.instance(activity, group), participant)
        if own:
            out[activity.id] = own
    return out


def depends_on_group(state: SessionState, event: Event) -> bool:
    """Whether participants of different groups see this event differently."""
    ident = event.data.get("activity")
    activity = state.activities.get(ident) if isinstance(ident, str) else None
    return activity is not None and activity.per_group


def gone(state: SessionState, event: Event) -> bool:
    """Whether the phase, activity or photo an event is about no longer exists (and the
    event is not its deletion): so it can be when the events of a log are encoded again
    against the state of the whole log (live/fanout.py, encode_replayed)."""
    if event.type in {"activity.deleted", "phase.deleted", "photo.removed"}:
        return False
    d, family = event.data, event.type.split(".", 1)[0]
    if family == "phase":
        return d["phase"] not in state.phases
    if event.type == "photo.added":
        return d["photo"] not in state.photos
    ident = d.get("activity")
    return family not in {"photo", "timer"} and isinstance(ident, str) \
        and ident not in state.activities


def project(state: SessionState, event: Event, audience: Audience,
            group: str | None = None) -> dict[str, Any] | None:
    d = event.data
    t = event.type
    moderator = audience == "moderator"
    if t == "session.created":
        return {"session": session_view(state, "moderator")} if moderator else None
    if t in _LIFECYCLE:
        return {"status": _LIFECYCLE[t]}
    if t in {"participant.joined", "participant.where"}:
        counts = participants_view(state, "presenter")
        if moderator:
            person = state.participants[d["participant"]]
            return {"participant": {"id": person.id, "name": person.name,
                                    "where": person.where},
                    "count": counts["count"], "participants": counts}
        # Not to every phone: with N phones that is N² messages while a room joins.
        return ({"count": counts["count"], "participants": counts}
                if audience == "presenter" else None)
    if t == "participant.renamed":
        return ({"participant": {"id": d["participant"], "name": d["name"]}}
                if moderator else None)
    if t in {"session.noted", "session.limits_set", "session.logo_set"}:
        return dict(d) if moderator else None
    if t == "session.screen_set":
        return dict(d) if audience != "participant" else None
    if t.startswith("group.") or t.startswith("groups."):
        # Participants whose own group changed get a fresh hello from the server.
        grouped: dict[str, Any] = {
            "groups": _groups(state, audience), "choice": state.group_choice,
            **({"participants": participants_view(state, audience)} if moderator else {})}
        if t in {"group.created", "group.deleted"} and audience != "participant":
            # A group's instance of every per-group activity comes and goes with the group.
            grouped["activities"] = [activity_view(state, a, audience)
                                     for a in state.activities.values()
                                     if a.per_group and shown(a, audience)]
        return grouped
    if t in {"phase.moved", "phase.deleted", "session.updated"}:
        return dict(d)  # phases and the session's details are everyone's
    if t == "activity.deleted":
        # Only an untouched activity is deleted: never activated, so only moderators held it.
        return dict(d) if moderator else None
    if t.startswith("phase."):
        out: dict[str, Any] = {"phase": state.phases[d["phase"]].view(moderator),
                               "current": state.phase}
        if t == "phase.started":
            previous = d["previous"]
            out["previous"] = state.phases[previous].view(moderator) if previous else None
        return out
    if t.startswith("photo."):
        return media.project(state, t, d, audience)
    if t in next_steps.EVENTS:
        return dict(d) if moderator else None  # the moderation's and the documentation's
    if t.startswith("timer."):
        return {"timer": state.timer.view() if state.timer else None}
    activity = state.activities[d["activity"]]
    if t == "activity.created":
        return {"activity": activity_view(state, activity, audience)} if moderator else None
    if t in {"activity.updated", "activity.hidden", "activity.moved"}:
        return _edited(state, activity, event, audience, group)
    if t == "activity.activated":
        return {"activity": activity_view(state, activity, audience, group),
                "current": state.current, "before": next_shown(state, activity, audience)}
    if t in {"activity.locked", "activity.unlocked"}:
        return {"activity": activity.id, "status": activity.status, "current": state.current}
    if t in {"activity.revealed", "activity.concealed"}:
        if moderator:
            return {"activity": activity.id, "revealed": activity.revealed}
        if not shown(activity, audience):
            return None  # prepared, not shown: it reaches them when it is activated
        return {"activity": activity_view(state, activity, audience, group)}
    if not shown(activity, audience):
        return None
    instance_group = d.get("group")
    if audience == "participant" and instance_group != group:
        return None  # another group's instance, or a plenary channel for a group event
    data = KINDS[activity.kind].project(state.instance(activity, instance_group), event,
                                        audience)
    if data is not None and instance_group is not None:
        data = {**data, "group": instance_group}
    return data


def next_shown(state: SessionState, activity: Activity, audience: Audience) -> str | None:
    """The id of the first activity after this one that the audience sees (None: it is the
    last): where a client puts an activity it did not hold, or one that moved."""
    found = False
    for other in state.activities.values():
        if found and shown(other, audience):
            return other.id
        found = found or other.id == activity.id
    return None


def _edited(state: SessionState, activity: Activity, event: Event, audience: Audience,
            group: str | None) -> dict[str, Any] | None:
    """activity.updated, activity.hidden and activity.moved per audience. Participants and
    the beamer learn nothing of drafts; a hide tells them to drop the activity, an unhide
    brings its whole view and where it goes."""
    d = event.data
    moderator = audience == "moderator"
    if event.type == "activity.hidden":
        if moderator:
            return {**d, "current": state.current}
        if activity.status == "draft":
            return None
        if activity.hidden:
            return {"activity": activity.id, "hidden": True, "current": state.current}
        return {"activity": activity.id, "hidden": False, "current": state.current,
                "view": activity_view(state, activity, audience, group),
                "before": next_shown(state, activity, audience)}
    if not shown(activity, audience):
        return None
    if event.type == "activity.moved":
        if moderator:
            return dict(d)
        return {"activity": activity.id, "phase": activity.phase,
                "before": next_shown(state, activity, audience)}
    # activity.updated: the whole view, which the client puts in place of its copy.
    return {"activity": activity_view(state, activity, audience, group)}
