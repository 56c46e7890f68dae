"""A session made from a plan file (docs/plans.md): its small groups, then the agenda's
phases, each with its activities as drafts, created through the same commands the moderator's
console sends."""

from __future__ import annotations

from typing import Any

from facilitator.domain.activities import KINDS
from facilitator.domain.plan_model import Plan
from facilitator.live.registry import Registry, moderator
from facilitator.live.runtime import SessionRuntime


class PlanRefused(RuntimeError):
    """The server refused a command of a plan that load_plan accepted: the two disagree."""


async def create_from_plan(registry: Registry, plan: Plan,
                           ident: str | None = None) -> SessionRuntime:
    """A new session in draft with the plan's groups, phases and activities, in plan order;
    its id is `ident`, or (None) a slug of the title and the join code, as for any other.

    Groups come first, so the moderator can shuffle them as soon as phones join, and open or
    closed self-selection is set before anyone arrives. Activities refer to earlier ones by
    their plan `key` and to clusters by name; the server knows them by the ids its acks hand
    out, so those are collected on the way.
    """
    runtime = await registry.create(plan.title, plan.language, plan.names, ident=ident,
                                    place=plan.place or None,
                                    moderators=list(plan.moderators) or None,
                                    organisation=plan.organisation or None)
    for name in plan.groups:
        await _submit(runtime, "group.create", name=name)
    if plan.group_choice:
        await _submit(runtime, "groups.choice", open=True)
    ids: dict[str, str] = {}  # plan key -> activity id
    for phase in plan.phases:
        created = await _submit(runtime, "phase.create", title=phase.title,
                                minutes=phase.minutes, timer=phase.timer,
                                notes=phase.notes or None)
        for spec in phase.activities:
            source = spec.source
            wire = None
            if source is not None:
                origin = ids[source.key]  # load_plan checked it is an earlier key
                try:
                    wire = source.wire(origin, _clusters(runtime, origin))
                except LookupError as error:
                    raise PlanRefused(str(error)) from None
            # The plan key goes along (no client can send one), so that the plan written
            # back from the session (domain/plan_export.py) names the activity the same.
            key = {"key": spec.key} if spec.key is not None else {}
            result = await _submit(runtime, "activity.create", **spec.command_args(wire),
                                   phase=created["phase"], **key)
            if spec.key is not None:
                ids[spec.key] = result["activity"]
    return runtime


async def _submit(runtime: SessionRuntime, command: str, **args: Any) -> dict[str, Any]:
    answer = await runtime.submit(moderator(command, **args))
    if answer["type"] == "error":
        raise PlanRefused(f"{command} of the plan refused: {answer['message']}")
    result: dict[str, Any] = answer["result"]
    return result


def _clusters(runtime: SessionRuntime, ident: str) -> list[dict[str, Any]]:
    """The clusters of an activity as the moderator's view lists them ({"id", "name"}):
    asked, not predicted, so ids handed out elsewhere in the session cannot shift them. A
    per-group activity's own data is the template every group's instance starts from, with
    the same clusters."""
    activity = runtime.state.activities[ident]
    clusters = KINDS[activity.kind].view(activity, "moderator").get("clusters") or []
    return list(clusters)
