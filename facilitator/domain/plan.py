"""Plan files: the agenda of a session in TOML (docs/plans.md), read and checked in one go.

A moderator writes a plan by hand, so every error names the line and the field it is about.
tomllib gives values without positions, so plan_lines finds the line of a table, key or array
element when an error needs it, and plan_settings which setting a kind's refusal is about.
Items taken from an earlier activity are checked in plan_sources, group names in plan_groups.
dump_plan lives in plan_toml and is re-exported here, so that code which reads and writes plans
keeps one import.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from typing import Any, NoReturn

from facilitator.domain.activities import KINDS
from facilitator.domain.errors import N_, Invalid, Refusal
from facilitator.domain.model import ORGANISATION_LIMIT, clean_text
from facilitator.domain.plan_groups import read_groups
from facilitator.domain.plan_lines import (
    Positions,
    Where,
    dotted,
    header,
    syntax_position,
)
from facilitator.domain.plan_model import (
    ACTIVITY_KEYS,
    MAX_ACTIVITIES,
    MAX_MODERATORS,
    MAX_PHASES,
    MINUTES_LIMIT,
    MISPLACED_KEYS,
    MISPLACED_PHASE_KEYS,
    MODERATOR_LIMIT,
    NOTES_LIMIT,
    PHASE_KEYS,
    PLACE_LIMIT,
    PLAN_LIMIT,
    PLANNED_KEYS,
    PLANNED_KINDS,
    ROOT_KEYS,
    SLUG,
    ActivitySpec,
    Phase,
    Plan,
    PlanError,
)
from facilitator.domain.plan_settings import setting_of
from facilitator.domain.plan_sources import (
    KEY,
    Earlier,
    Problem,
    check_source,
    predicted_clusters,
    read_source,
    same_name,
)
from facilitator.domain.plan_toml import dump_plan as dump_plan
from facilitator.domain.session import LANGUAGES, PROMPT_LIMIT, TITLE_LIMIT

__all__ = ["ActivitySpec", "Phase", "Plan", "PlanError", "dump_plan", "load_plan"]


def load_plan(text: str, source: str = "plan.toml") -> Plan:
    """Read a plan from TOML text; raise PlanError naming the line and field of the first
    problem. ``source`` is the file's name as the moderator knows it, used in messages."""
    text = text.removeprefix("\ufeff")  # editors on Windows like to write one
    if len(text.encode("utf-8", "surrogatepass")) > PLAN_LIMIT:
        raise PlanError(N_("The plan is larger than {limit} KiB."), line=None, field="",
                        source=source, limit=PLAN_LIMIT // 1024)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line, column, reason = syntax_position(str(exc), text)
        raise PlanError(N_("This is not valid TOML: {reason}."), line=line, column=column,
                        field="", source=source, reason=reason) from None
    except RecursionError:  # arrays in arrays in arrays…: no plan looks like that
        raise PlanError(N_("This is not valid TOML: {reason}."), line=None, field="",
                        source=source, reason="values nested too deeply") from None
    return _Reader(text, source).plan(data)


class _Reader:
    def __init__(self, text: str, source: str) -> None:
        self.text = text
        self.source = source
        self._positions: Positions | None = None
        self.seen_activities = 0
        self.earlier: dict[str, Earlier] = {}  # activities read so far, by key
        self.data: dict[str, Any] = {}
        self.groups: tuple[str, ...] = ()

    def fail(self, path: Where, message: str, **params: Any) -> NoReturn:
        if self._positions is None:
            self._positions = Positions(self.text)
        raise PlanError(message, line=self._positions.line(path), field=dotted(path),
                        source=self.source, **params)

    def plan(self, data: dict[str, Any]) -> Plan:
        self.data = data
        self.keys(data, (), ROOT_KEYS, PLANNED_KEYS["root"])
        language = data.get("language", "de")
        if language not in LANGUAGES:
            self.fail(("language",), N_("The language must be one of: {choices}."),
                      choices=", ".join(LANGUAGES))
        slug = data.get("slug")
        if slug is not None and not (isinstance(slug, str) and SLUG.fullmatch(slug)):
            self.fail(("slug",), N_("The field {field} may contain only a-z, 0-9 and hyphens, "
                                    "at most 64 characters, not starting or ending with a "
                                    "hyphen."))
        try:
            self.groups = read_groups(data.get("groups"))
        except Problem as problem:
            self.fail(problem.where, problem.message, **problem.params)
        group_choice = self.flag(data, (), "group_choice")
        if group_choice and not self.groups:
            self.fail(("group_choice",), N_("Participants can choose a group only in a plan "
                                            "with groups: list them in groups."))
        phases = self.tables(data, "phases", ())
        if len(phases) > MAX_PHASES:
            self.fail(("phases", MAX_PHASES), N_("A plan can have at most {limit} phases."),
                      limit=MAX_PHASES)
        return Plan(
            title=self.text_of(data, (), "title", TITLE_LIMIT, required=True),
            language=language,
            names=self.flag(data, (), "names"),
            slug=slug,
            phases=tuple(self.phase(raw, ("phases", n)) for n, raw in enumerate(phases)),
            groups=self.groups,
            group_choice=group_choice,
            place=self.text_of(data, (), "place", PLACE_LIMIT),
            moderators=self.moderators(data.get("moderators")),
            organisation=self.text_of(data, (), "organisation", ORGANISATION_LIMIT),
        )

    def moderators(self, value: Any) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            self.fail(("moderators",), N_('The field {field} must be a list of names: '
                                          'moderators = ["…", "…"].'))
        if len(value) > MAX_MODERATORS:
            self.fail(("moderators", MAX_MODERATORS), N_("Name at most {limit} moderators."),
                      limit=MAX_MODERATORS)
        names: list[str] = []
        for n, entry in enumerate(value):
            try:
                names.append(clean_text(entry, MODERATOR_LIMIT, f"moderators[{n + 1}]"))
            except Invalid as refusal:
                params = {k: v for k, v in refusal.params.items() if k != "field"}
                self.fail(("moderators", n), refusal.message, **params)
        return tuple(names)

    def phase(self, raw: dict[str, Any], path: Where) -> Phase:
        for key in raw:
            if key in MISPLACED_PHASE_KEYS:
                self.fail((*path, key), MISPLACED_PHASE_KEYS[key])
        self.keys(raw, path, PHASE_KEYS, PLANNED_KEYS["phase"])
        title = self.text_of(raw, path, "title", TITLE_LIMIT, required=True)
        minutes = self.number(raw, path, "minutes", MINUTES_LIMIT)
        # A timer longer than its phase is a slip of the pen, not a plan.
        timer = self.number(raw, path, "timer", minutes or MINUTES_LIMIT)
        notes = self.text_of(raw, path, "notes", NOTES_LIMIT, multiline=True)
        activities = self.tables(raw, "activities", path)
        return Phase(title, minutes, notes, tuple(
            self.activity(a, (*path, "activities", n)) for n, a in enumerate(activities)),
            timer)

    def activity(self, raw: dict[str, Any], path: Where) -> ActivitySpec:
        self.seen_activities += 1
        if self.seen_activities > MAX_ACTIVITIES:
            self.fail(path, N_("A plan can have at most {limit} activities."),
                      limit=MAX_ACTIVITIES)
        name = raw.get("kind")
        if name is None:
            self.fail((*path, "kind"), N_("The field {field} is required."))
        if not isinstance(name, str):
            self.fail((*path, "kind"), N_("The field {field} must be a text."))
        if name not in KINDS:
            if name in PLANNED_KINDS:
                self.fail((*path, "kind"), N_("The activity kind {kind} is planned but not "
                                              "available yet."), kind=name)
            self.fail((*path, "kind"), N_("Unknown activity kind {kind}; known kinds: {kinds}."),
                      kind=name[:40], kinds=", ".join(KINDS))
        for key in raw:
            if key in PLANNED_KEYS["activity"]:
                self.fail((*path, key), N_("The field {field} is planned but not supported "
                                           "yet."))
            if key in MISPLACED_KEYS:
                self.fail((*path, key), MISPLACED_KEYS[key])
        own = self.activity_key(raw, path)
        title = self.text_of(raw, path, "title", TITLE_LIMIT, required=True)
        prompt = self.text_of(raw, path, "prompt", PROMPT_LIMIT, multiline=True)
        per_group = self.flag(raw, path, "per_group")
        if per_group and not self.groups:
            self.fail((*path, "per_group"), N_("An activity runs per group only in a plan "
                                               "with groups: list them at the top of the "
                                               "plan in groups."))
        settings = {k: v for k, v in raw.items() if k not in ACTIVITY_KEYS}
        kind = KINDS[name]
        checked = settings
        items = settings.get("items")
        if kind.uses_items and isinstance(items, Mapping):
            # Checked as the server will get it: with the ids of a new session.
            checked = {**settings, "items": self.items_source(items, (*path, "items"), own,
                                                              per_group)}
        try:
            kind.make_config(checked)
        except Refusal as refusal:
            self.refused(refusal, path, settings)
        clusters = self.clusters(settings, path) if name == "ideas" else ()
        if own is not None:
            self.earlier[own] = Earlier(self.seen_activities, name, clusters, per_group)
        return ActivitySpec(name, title, prompt, settings, key=own, per_group=per_group)

    def activity_key(self, raw: Mapping[str, Any], path: Where) -> str | None:
        key = raw.get("key")
        if key is None:
            return None
        if not (isinstance(key, str) and KEY.fullmatch(key)):
            self.fail((*path, "key"), N_("The field {field} may contain only a-z, 0-9, hyphens "
                                         "and underscores, at most 40 characters, starting "
                                         "with a letter or digit."))
        if key in self.earlier:
            self.fail((*path, "key"), N_("The key {key} is the key of an earlier activity "
                                         "already."), key=key)
        return key

    def items_source(self, raw: Mapping[str, Any], path: Where, own: str | None,
                     per_group: bool) -> dict[str, str]:
        """Check `items = { from, take }` against the activities before this one; return the
        source as a new session would get it."""
        try:
            source = read_source(raw)
            found = check_source(source, own, self.earlier, self.all_keys(), per_group)
        except Problem as problem:
            self.fail((*path, *problem.where), problem.message, **problem.params)
        return source.wire(f"a{found.number}", predicted_clusters(found))

    def all_keys(self) -> list[Any]:
        phases = self.data.get("phases")
        return [a.get("key") for p in (phases if isinstance(phases, list) else ())
                if isinstance(p, dict) and isinstance(p.get("activities"), list)
                for a in p["activities"] if isinstance(a, dict)]

    def clusters(self, settings: Mapping[str, Any], path: Where) -> tuple[str, ...]:
        """The cluster names of an ideas activity its kind has accepted, for later sources,
        which name them: two with the same name would make such a name ambiguous."""
        raw = settings.get("clusters")
        names: list[str] = []
        for n, entry in enumerate(raw if isinstance(raw, list) else ()):
            name = entry.get("name") if isinstance(entry, Mapping) else entry
            if isinstance(name, str):
                if any(same_name(name, other) for other in names):
                    self.fail((*path, "clusters", n), N_("Two clusters have the same name."))
                names.append(" ".join(name.split()))
        return tuple(names)

    def refused(self, refusal: Refusal, path: Where, settings: Mapping[str, Any]) -> NoReturn:
        """A kind refused its settings: point at the setting the refusal is about."""
        params = {k: v for k, v in refusal.params.items() if k != "field"}
        self.fail((*path, *setting_of(refusal, settings)), refusal.message, **params)

    # -- fields ------------------------------------------------------------------------------

    def keys(self, table: Mapping[str, Any], path: Where, allowed: tuple[str, ...],
             planned: tuple[str, ...]) -> None:
        for key in table:
            if key in planned:
                self.fail((*path, key), N_("The field {field} is planned but not supported "
                                           "yet."))
            if key not in allowed:
                self.fail((*path, key), N_("Unknown field {field}; allowed here: {allowed}."),
                          allowed=", ".join(allowed))

    def tables(self, table: Mapping[str, Any], key: str, path: Where) -> list[dict[str, Any]]:
        value = table.get(key, [])
        where = (*path, key)
        if not isinstance(value, list):
            self.fail(where, N_("The field {field} must be a list of tables: write "
                                "[[{header}]] before each entry."), header=header(where))
        for n, item in enumerate(value):
            if not isinstance(item, dict):
                self.fail((*where, n), N_("The field {field} must be a table."))
        return value

    def text_of(self, table: Mapping[str, Any], path: Where, key: str, limit: int, *,
                required: bool = False, multiline: bool = False) -> str:
        value = table.get(key)
        where = (*path, key)
        if value is None and required:
            self.fail(where, N_("The field {field} is required."))
        if value is None or (not required and isinstance(value, str) and not value.strip()):
            return ""
        try:
            return clean_text(value, limit, dotted(where), multiline=multiline)
        except Invalid as refusal:
            params = {k: v for k, v in refusal.params.items() if k != "field"}
            self.fail(where, refusal.message, **params)

    def number(self, table: Mapping[str, Any], path: Where, key: str, high: int) -> int | None:
        value = table.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                  or not 1 <= value <= high):
            self.fail((*path, key),
                      N_("The field {field} must be a whole number from {low} to {high}."),
                      low=1, high=high)
        return value

    def flag(self, table: Mapping[str, Any], path: Where, key: str) -> bool:
        value = table.get(key, False)
        if not isinstance(value, bool):
            self.fail((*path, key), N_("The field {field} must be true or false."))
        return value

