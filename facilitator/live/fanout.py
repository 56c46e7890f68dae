"""What goes out on which hub channel: events encoded once per channel that sees them the
same way, and tallies of an activity (or of one group's instance of it).

Channels are the audiences "moderator" and "presenter", and for participants "participant"
(not in a group) and "participant:<group>". An event whose data does not depend on the group
is encoded once and the same text goes to every participant channel.
"""

from __future__ import annotations

from typing import Any

from facilitator.domain import views
from facilitator.domain.activities import KINDS
from facilitator.domain.model import Audience, Event, iso
from facilitator.domain.session import SessionState
from facilitator.live import protocol
from facilitator.live.hub import Connection, Hub, channel_of

# channel -> encoded text, None when the channel does not see the event
Messages = dict[str, str | None]


def participant_channels(state: SessionState) -> list[str]:
    return ["participant", *(channel_of("participant", g) for g in state.groups)]


def encode_event(state: SessionState, event: Event) -> Messages:
    at = iso(event.at)

    def encode(data: dict[str, Any] | None) -> str | None:
        if data is None:
            return None
        return protocol.encode(protocol.event(event.seq, at, event.type, data))

    out: Messages = {"moderator": encode(state.project(event, "moderator")),
                     "presenter": encode(state.project(event, "presenter"))}
    if views.depends_on_group(state, event):
        out["participant"] = encode(state.project(event, "participant"))
        for group in state.groups:
            out[channel_of("participant", group)] = encode(
                state.project(event, "participant", group))
    else:
        text = encode(state.project(event, "participant"))
        for channel in participant_channels(state):
            out[channel] = text
    return out


def encode_replayed(state: SessionState, event: Event) -> Messages:
    """An event of the log encoded again when a session is loaded, for replays to clients
    that resume: against the state of the whole log, in which a phase, activity or photo it
    is about may be gone since. Then it is for no one: a client that resumes gets the
    deletion after it. (At commit nothing is gone: each event is encoded right after it is
    applied, so the fan-out never needs this check.)"""
    if views.gone(state, event):
        return dict.fromkeys(["moderator", "presenter", *participant_channels(state)])
    return encode_event(state, event)


def _channels(state: SessionState, audience: Audience, group: str | None) -> list[str]:
    if audience != "participant":
        return [audience]
    return [channel_of("participant", group)] if group else participant_channels(state)


def tally_batches(state: SessionState, hub: Hub, ident: str, group: str | None,
                  audiences: tuple[Audience, ...]) -> list[tuple[str, list[Connection]]]:
    """The tally of one activity (or one group's instance) for these audiences: (encoded text,
    receivers) pairs, one text per distinct results object (usually one for all)."""
    activity = state.activities[ident]
    instance = state.instance(activity, group)
    kind = KINDS[activity.kind]
    results = kind.results(instance)
    if results is None:
        return []
    # Keyed by the results object itself (kept alive here), so two audiences share one
    # encoded text exactly when the kind gave them the same object.
    out: dict[int, tuple[dict[str, Any], str, list[Connection]]] = {}
    counts: list[tuple[str, list[Connection]]] = []
    for audience in audiences:
        visible = state.results_visible(activity, audience)
        count = None if visible else views.responses(instance, audience, results)
        if not visible and count is None:
            continue
        receivers = [c for ch in _channels(state, audience, group) for c in hub.members(ch)]
        if not receivers:
            continue
        if count is not None:
            counts.append((protocol.encode(protocol.tally(state.seq, ident, None, group,
                                                          responses=count)), receivers))
            continue
        seen = kind.results_for(instance, audience, results)
        if seen is None:
            continue
        if id(seen) not in out:
            text = protocol.encode(protocol.tally(state.seq, ident, seen, group))
            out[id(seen)] = (seen, text, [])
        out[id(seen)][2].extend(receivers)
    return [(text, receivers) for _, text, receivers in out.values()] + counts


def tallies_for(state: SessionState, audience: Audience, group: str | None) -> list[str]:
    """Every current tally a connection may see (after a replay)."""
    out = []
    for activity in state.activities.values():
        kind = KINDS[activity.kind]
        if not kind.is_tallied(activity) or activity.status == "draft":
            continue
        visible = state.results_visible(activity, audience)
        if not visible and audience != "presenter":
            continue
        if not activity.per_group:
            groups: list[str | None] = [None]
        elif audience == "participant":
            groups = [group] if group else []
        else:
            groups = list(state.groups)
        for g in groups:
            instance = state.instance(activity, g)
            full = kind.results(instance)
            if not visible:
                count = views.responses(instance, audience, full)
                if count is not None:
                    out.append(protocol.encode(protocol.tally(state.seq, activity.id, None, g,
                                                              responses=count)))
                continue
            results = kind.results_for(instance, audience, full)
            if results is not None:
                out.append(protocol.encode(protocol.tally(state.seq, activity.id, results, g)))
    return out
