"""What each audience sees: the session view of `hello`, and each event's data per audience
(the state is already past the event when it is projected)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from facilitator.domain.activities import KINDS, Activity
from facilitator.domain.model import Audience, Event, iso

if TYPE_CHECKING:
    from facilitator.domain.session import SessionState

_LIFECYCLE = {"session.opened": "open", "session.started": "live", "session.closed": "closed"}


def results_visible(activity: Activity, audience: Audience) -> bool:
    if audience == "moderator":
        return True
    if activity.status == "draft":
        return False
    return activity.revealed or KINDS[activity.kind].results_public(activity)


def activity_view(activity: Activity, audience: Audience) -> dict[str, Any]:
    kind = KINDS[activity.kind]
    visible = results_visible(activity, audience)
    results = kind.results_for(activity, audience, kind.results(activity)) if visible else None
    return {
        "id": activity.id, "kind": activity.kind, "title": activity.title,
        "prompt": activity.prompt, "status": activity.status, "revealed": activity.revealed,
        "phase": activity.phase, "config": kind.public_config(activity),
        "items": activity.items,
        "results": results,
        **kind.view(activity, audience),
    }


def session_view(state: SessionState, audience: Audience) -> dict[str, Any]:
    moderator = audience == "moderator"
    participants: dict[str, Any] = {"count": len(state.participants)}
    if moderator:
        participants["list"] = [{"id": p.id, "name": p.name}
                                for p in state.participants.values()]
    return {
        "id": state.id, "code": state.code, "title": state.title, "language": state.language,
        "status": state.status, "names": state.names, "current": state.current,
        "created": iso(state.created),
        "participants": participants,
        "phases": [p.view(moderator) for p in state.phases.values()],
        "phase": state.phase,
        "timer": state.timer.view() if state.timer else None,
        "activities": [activity_view(a, audience) for a in state.activities.values()
                       if moderator or a.status != "draft"],
    }


def mine(state: SessionState, participant: str) -> dict[str, Any]:
    out = {}
    for activity in state.activities.values():
        if activity.status == "draft":
            continue
        own = KINDS[activity.kind].mine(activity, participant)
        if own:
            out[activity.id] = own
    return out


def project(state: SessionState, event: Event, audience: Audience) -> dict[str, Any] | None:
    d = event.data
    t = event.type
    moderator = audience == "moderator"
    if t == "session.created":
        return {"session": session_view(state, "moderator")} if moderator else None
    if t in _LIFECYCLE:
        return {"status": _LIFECYCLE[t]}
    if t == "participant.joined":
        if moderator:
            return {"participant": {"id": d["participant"], "name": d["name"]},
                    "count": len(state.participants)}
        # Not to every phone: with N phones that is N² messages while a room joins.
        return {"count": len(state.participants)} if audience == "presenter" else None
    if t == "participant.renamed":
        return dict(d) if moderator else None
    if t.startswith("phase."):
        out: dict[str, Any] = {"phase": state.phases[d["phase"]].view(moderator),
                               "current": state.phase}
        if t == "phase.started":
            previous = d["previous"]
            out["previous"] = state.phases[previous].view(moderator) if previous else None
        return out
    if t.startswith("timer."):
        return {"timer": state.timer.view() if state.timer else None}
    activity = state.activities[d["activity"]]
    if t == "activity.created":
        return {"activity": activity_view(activity, audience)} if moderator else None
    if t == "activity.activated":
        return {"activity": activity_view(activity, audience), "current": state.current}
    if t in {"activity.locked", "activity.unlocked"}:
        return {"activity": activity.id, "status": activity.status, "current": state.current}
    if t in {"activity.revealed", "activity.concealed"}:
        if moderator:
            return {"activity": activity.id, "revealed": activity.revealed}
        return {"activity": activity_view(activity, audience)}
    if activity.status == "draft" and not moderator:
        return None
    return KINDS[activity.kind].project(activity, event, audience)
