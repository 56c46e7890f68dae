"""Plan files: the agenda of a session in TOML (docs/plans.md), read and checked in one go.

A moderator writes a plan by hand, so every error names the line and the field it is about.
tomllib gives values without positions, so plan_lines finds the line of a table, key or array
element when an error needs it. dump_plan lives in plan_toml and is re-exported here, so that
code which reads and writes plans keeps one import.
"""

from __future__ import annotations

import copy
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NoReturn

from facilitator.domain.activities import KINDS
from facilitator.domain.errors import N_, Invalid, Refusal
from facilitator.domain.model import clean_text
from facilitator.domain.plan_lines import Positions, Where
from facilitator.domain.plan_toml import dump_plan as dump_plan
from facilitator.domain.session import LANGUAGES, PROMPT_LIMIT, TITLE_LIMIT

PLAN_LIMIT = 256 * 1024  # bytes of UTF-8; a three-hour workshop needs a few KiB
NOTES_LIMIT = 4000
MINUTES_LIMIT = 600
MAX_PHASES = 50
MAX_ACTIVITIES = 100
SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?")

ROOT_KEYS = ("title", "language", "names", "slug", "phases")
PHASE_KEYS = ("title", "minutes", "notes", "activities")
# Keys every activity has; all other keys of an activity are the settings of its kind.
ACTIVITY_KEYS = ("kind", "title", "prompt")
# Named in docs/plans.md as coming next: refused with a message that says so, not "unknown".
PLANNED_KEYS = {"root": ("groups",), "phase": ("groups",),
                "activity": ("id", "minutes", "group", "per_group", "items")}
PLANNED_KINDS = ("dots", "ranking", "scale", "matrix", "consent", "words", "qa", "measure")
# Refusals of make_config that name no field, and the setting they are about.
_SETTING_OF_MESSAGE = {
    "A poll needs between {low} and {high} options.": "options",
    "Two options of a poll have the same label.": "options",
}


def _same(text: str) -> str:
    return text


class PlanError(Invalid):
    """A plan that cannot be used. ``message`` is an English msgid with ``params``; ``field`` is
    a dotted path with 1-based indices (``phases[2].activities[1].options``), "" for the file."""

    def __init__(self, message: str, *, line: int | None, field: str,
                 source: str = "plan.toml", column: int | None = None, **params: Any) -> None:
        super().__init__(message, field=field, **params)
        self.line = line
        self.column = column
        self.field = field
        self.source = source

    def describe(self, gettext: Callable[[str], str] = _same) -> str:
        """The whole error for people: where, then what, translated by ``gettext``."""
        if self.line is None:
            where = self.source
        elif self.column is None:
            where = gettext(N_("{source}, line {line}")).format(source=self.source, line=self.line)
        else:
            where = gettext(N_("{source}, line {line}, column {column}")).format(
                source=self.source, line=self.line, column=self.column)
        if self.field and "{field}" not in self.message:  # say the path once, not twice
            where = f"{where}, {self.field}"
        return f"{where}: {gettext(self.message).format(**self.params)}"

    def __str__(self) -> str:
        return self.describe()


@dataclass(frozen=True)
class ActivitySpec:
    kind: str
    title: str
    prompt: str = ""
    # The kind's settings as written in the plan; the server fills in defaults on create.
    config: dict[str, Any] = field(default_factory=dict, hash=False)

    def command_args(self) -> dict[str, Any]:
        """The fields of an ``activity.create`` command (docs/protocol.md)."""
        return {"kind": self.kind, "title": self.title, "prompt": self.prompt,
                "config": copy.deepcopy(self.config)}


@dataclass(frozen=True)
class Phase:
    title: str
    minutes: int | None = None
    notes: str = ""
    activities: tuple[ActivitySpec, ...] = ()


@dataclass(frozen=True)
class Plan:
    title: str
    language: str = "de"
    names: bool = False
    slug: str | None = None
    phases: tuple[Phase, ...] = ()

    @property
    def activities(self) -> tuple[ActivitySpec, ...]:
        return tuple(a for phase in self.phases for a in phase.activities)


# -- reading ---------------------------------------------------------------------------------


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
        raise _syntax_error(str(exc), text, source) from None
    except RecursionError:  # arrays in arrays in arrays…: no plan looks like that
        raise PlanError(N_("This is not valid TOML: {reason}."), line=None, field="",
                        source=source, reason="values nested too deeply") from None
    return _Reader(text, source).plan(data)


def _syntax_error(message: str, text: str, source: str) -> PlanError:
    found = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
    if found:
        line: int | None = int(found[1])
        column: int | None = int(found[2])
        reason = message[:found.start()]
    else:  # "(at end of document)": the last line that has something on it
        reason = re.sub(r"\s*\(at end of document\)$", "", message)
        lines = text.rstrip().splitlines()
        line, column = (len(lines) or None), None
    return PlanError(N_("This is not valid TOML: {reason}."), line=line, column=column,
                     field="", source=source, reason=reason)


def _dotted(path: Where) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            name = part if re.fullmatch(r"[A-Za-z0-9_-]+", part) else f'"{part}"'
            out += f".{name}" if out else name
    return out


class _Reader:
    def __init__(self, text: str, source: str) -> None:
        self.text = text
        self.source = source
        self._positions: Positions | None = None
        self.seen_activities = 0

    def fail(self, path: Where, message: str, **params: Any) -> NoReturn:
        if self._positions is None:
            self._positions = Positions(self.text)
        raise PlanError(message, line=self._positions.line(path), field=_dotted(path),
                        source=self.source, **params)

    def plan(self, data: dict[str, Any]) -> Plan:
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
        )

    def phase(self, raw: dict[str, Any], path: Where) -> Phase:
        self.keys(raw, path, PHASE_KEYS, PLANNED_KEYS["phase"])
        title = self.text_of(raw, path, "title", TITLE_LIMIT, required=True)
        minutes = raw.get("minutes")
        if minutes is not None and (isinstance(minutes, bool) or not isinstance(minutes, int)
                                    or not 1 <= minutes <= MINUTES_LIMIT):
            self.fail((*path, "minutes"),
                      N_("The field {field} must be a whole number from {low} to {high}."),
                      low=1, high=MINUTES_LIMIT)
        notes = self.text_of(raw, path, "notes", NOTES_LIMIT, multiline=True)
        activities = self.tables(raw, "activities", path)
        return Phase(title, minutes, notes, tuple(
            self.activity(a, (*path, "activities", n)) for n, a in enumerate(activities)))

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
        title = self.text_of(raw, path, "title", TITLE_LIMIT, required=True)
        prompt = self.text_of(raw, path, "prompt", PROMPT_LIMIT, multiline=True)
        settings = {k: v for k, v in raw.items() if k not in ACTIVITY_KEYS}
        try:
            KINDS[name].make_config(settings)
        except Refusal as refusal:
            self.refused(refusal, path, settings)
        return ActivitySpec(name, title, prompt, settings)

    def refused(self, refusal: Refusal, path: Where, settings: Mapping[str, Any]) -> NoReturn:
        """A kind refused its settings: point at the setting the refusal is about."""
        params = dict(refusal.params)
        key = params.get("field")
        if key not in settings:
            key = params.get("name") if refusal.message == "Unknown setting: {name}." else None
        if key is None:
            key = _SETTING_OF_MESSAGE.get(refusal.message)
        where = (*path, key) if isinstance(key, str) else path
        params.pop("field", None)
        self.fail(where, refusal.message, **params)

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
                                "[[{header}]] before each entry."), header=_header(where))
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
            return clean_text(value, limit, _dotted(where), multiline=multiline)
        except Invalid as refusal:
            params = {k: v for k, v in refusal.params.items() if k != "field"}
            self.fail(where, refusal.message, **params)

    def flag(self, table: Mapping[str, Any], path: Where, key: str) -> bool:
        value = table.get(key, False)
        if not isinstance(value, bool):
            self.fail((*path, key), N_("The field {field} must be true or false."))
        return value


def _header(path: Where) -> str:
    return ".".join(p for p in path if isinstance(p, str))
