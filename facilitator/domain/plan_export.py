"""A session written back as a plan (docs/plans.md, "Saving a session as a plan").

``plan_of(state)`` is the plan that makes a session like this one: its details, groups, phases
in order and their activities as drafts. ``dump_plan(plan_of(state))`` is the plan.toml the
console downloads or saves as a template. Pure: no I/O.

What the plan cannot say is left out: what happened in the session (input, results, who
joined), hidden activities (unless a written activity takes its items from one: then the plan
needs it), the decks of slides activities (a plan holds no files) and the plan's slug.
Settings are written in their shortest form: a setting with the value the kind fills in anyway
is left out, so a plan that becomes a session and is written back gives the same plan, up to
settings a plan wrote with their default value (``normalised``).
"""

from __future__ import annotations

import copy
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from facilitator.domain.activities import KINDS, Activity, Kind
from facilitator.domain.editing import plan_order, source_of
from facilitator.domain.errors import Refusal
from facilitator.domain.plan_model import ActivitySpec, Phase, Plan
from facilitator.domain.plan_sources import KEY, Problem, read_source
from facilitator.domain.session import SessionState

# The phase of activities that have none: a plan puts every activity in a phase.
MORE = {"de": "Weitere", "en": "More"}
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "ae", "Ö": "oe",
                          "Ü": "ue"})


def plan_of(state: SessionState) -> Plan:
    """The session's plan: details, groups, phases and activities in their order."""
    groups = tuple(g.name for g in state.groups.values())
    written = _written(state)
    keys = _keys(state, written)
    phases: list[Phase] = []
    ordered = plan_order(state.activities.values(), list(state.phases))
    for phase in state.phases.values():
        phases.append(Phase(phase.title, phase.minutes, phase.notes or "",
                            tuple(_spec(state, a, keys, bool(groups)) for a in ordered
                                  if a.phase == phase.id and a.id in written), phase.timer))
    rest = tuple(_spec(state, a, keys, bool(groups)) for a in ordered
                 if a.id in written and (a.phase is None or a.phase not in state.phases))
    if rest:
        phases.append(Phase(MORE.get(state.language, MORE["en"]), activities=rest))
    return Plan(title=state.title, language=state.language, names=state.names,
                phases=tuple(phases), groups=groups,
                group_choice=state.group_choice and bool(groups), place=state.place or "",
                moderators=tuple(state.moderators), organisation=state.organisation or "")


def _written(state: SessionState) -> set[str]:
    """The activities the plan holds: all but the hidden ones, and hidden ones a written
    activity takes its items from (over any number of steps)."""
    written = {a.id for a in state.activities.values() if not a.hidden}
    todo = list(written)
    while todo:
        source = source_of(state.activities[todo.pop()])
        if source is not None and source in state.activities and source not in written:
            written.add(source)
            todo.append(source)
    return written


def _keys(state: SessionState, written: set[str]) -> dict[str, str]:
    """Plan keys: the one an activity came with from its plan, else for a source of items a
    slug of its title, unique in the plan."""
    keys = {a.id: a.key for a in state.activities.values() if a.id in written and a.key}
    taken = set(keys.values())
    for activity in state.activities.values():
        if activity.id not in written:
            continue
        source = source_of(activity)
        if source is None or source in keys:
            continue
        base = key_of(state.activities[source].title)
        key, n = base, 1
        while key in taken:
            n += 1
            suffix = f"-{n}"
            key = base[:40 - len(suffix)] + suffix
        keys[source] = key
        taken.add(key)
    return keys


def key_of(title: str) -> str:
    """A plan key from a title: "Maßnahmen sammeln" → "massnahmen-sammeln"."""
    text = unicodedata.normalize("NFKD", title.translate(_UMLAUTS))
    ascii_text = text.encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:40].strip("-")
    return slug if KEY.fullmatch(slug) else "activity"


def _spec(state: SessionState, activity: Activity, keys: Mapping[str, str],
          groups: bool) -> ActivitySpec:
    kind = KINDS[activity.kind]
    config = _plan_form(kind, activity.config)
    source = config.get("items")
    plain = None
    if isinstance(source, Mapping):
        plain = _source(state, source, keys)
    settings = minimal(kind, config)
    if plain is not None:
        settings["items"] = plain
    return ActivitySpec(activity.kind, activity.title, activity.prompt, settings,
                        key=keys.get(activity.id), per_group=activity.per_group and groups)


def _source(state: SessionState, wire: Mapping[str, str], keys: Mapping[str, str]
            ) -> dict[str, str]:
    """A source of items as a plan writes it: the source's key, a cluster by its name."""
    origin = state.activities[wire["from"]]
    take = wire["take"]
    if take.startswith("cluster:"):
        clusters = getattr(origin.data, "clusters", {})
        # A cluster deleted since keeps its id: the plan that names it will say so on loading.
        take = f"cluster:{clusters.get(take[len('cluster:'):], take[len('cluster:'):])}"
    return {"from": keys[origin.id], "take": take}


def _plan_form(kind: Kind, config: Mapping[str, Any]) -> dict[str, Any]:
    """The config with values in the shape a plan writes them (poll options as labels)."""
    out = copy.deepcopy(dict(config))
    if kind.name == "poll" and isinstance(out.get("options"), list):
        out["options"] = [o.get("label") if isinstance(o, Mapping) else o
                          for o in out["options"]]
    return out


def _wire_items(settings: dict[str, Any]) -> dict[str, Any]:
    """Settings the kind can check: a source written with plan keys gets a stand-in id."""
    items = settings.get("items")
    if not isinstance(items, Mapping) or re.fullmatch(r"a\d{1,5}", str(items.get("from"))):
        return settings
    try:
        source = read_source(items)
    except Problem:  # not a source load_plan accepts: the kind's check says so below
        return settings
    take = {"all": "all", "top": f"top:{source.top}", "cluster": "cluster:c1"}[source.take]
    return {**settings, "items": {"from": "a1", "take": take}}


def _same(kind: Kind, settings: dict[str, Any], target: dict[str, Any]) -> bool:
    try:
        return kind.make_config(_wire_items(settings)) == target
    except Refusal:
        return False


def minimal(kind: Kind, settings: Mapping[str, Any]) -> dict[str, Any]:
    """The settings without those the kind fills in with the same value anyway: a whole
    setting, or a part of a setting that is a table (an axis) or a list of tables (the
    fields of a sheet)."""
    current = copy.deepcopy(dict(settings))
    try:
        target = kind.make_config(_wire_items(current))
    except Refusal:
        return current  # not the server's to shorten: load_plan will say what is wrong
    for name in list(current):
        trial = {k: v for k, v in current.items() if k != name}
        if _same(kind, trial, target):
            current = trial
            continue
        value = current[name]
        if name == "items":
            continue  # a source keeps its take written out, as plans write it
        tables = [value] if isinstance(value, dict) else (
            [v for v in value if isinstance(v, dict)] if isinstance(value, list) else [])
        for table in tables:
            order = list(table)
            for part in order:
                kept = table.pop(part)
                if not _same(kind, current, target):
                    table[part] = kept
            kept_parts = {k: table[k] for k in order if k in table}  # in the written order
            table.clear()
            table.update(kept_parts)
    return current


def normalised(plan: Plan) -> Plan:
    """The plan as plan_of writes it back: every activity's settings in their shortest form
    (a setting written with its default value is left out, poll options as labels)."""
    def spec(activity: ActivitySpec) -> ActivitySpec:
        kind = KINDS[activity.kind]
        return ActivitySpec(activity.kind, activity.title, activity.prompt,
                            minimal(kind, _plan_form(kind, activity.config)), activity.key,
                            activity.per_group)
    return Plan(plan.title, plan.language, plan.names, plan.slug,
                tuple(Phase(p.title, p.minutes, p.notes, tuple(spec(a) for a in p.activities),
                            p.timer) for p in plan.phases),
                plan.groups, plan.group_choice, plan.place, plan.moderators,
                plan.organisation)
