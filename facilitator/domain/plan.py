"""Plan files: the agenda of a session in TOML (docs/plans.md), read and checked in one go.

A moderator writes a plan by hand, so every error names the line and the field it is about.
tomllib gives values without positions; ``_Positions`` scans the (already valid) text once more
to find the line of each table, key and array element, and only when an error needs it.
"""

from __future__ import annotations

import bisect
import copy
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NoReturn

from facilitator.domain.activities import KINDS
from facilitator.domain.errors import N_, Invalid, Refusal
from facilitator.domain.model import clean_text
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

Where = tuple[str | int, ...]  # ("phases", 1, "title"): array indices count from 0 inside


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
        self._positions: _Positions | None = None
        self.seen_activities = 0

    def fail(self, path: Where, message: str, **params: Any) -> NoReturn:
        if self._positions is None:
            self._positions = _Positions(self.text)
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


# -- writing ---------------------------------------------------------------------------------


def dump_plan(plan: Plan) -> str:
    """The plan as TOML that load_plan reads back to an equal Plan (for the console to save)."""
    out = [f"title = {_toml(plan.title)}", f"language = {_toml(plan.language)}",
           f"names = {_toml(plan.names)}"]
    if plan.slug is not None:
        out.append(f"slug = {_toml(plan.slug)}")
    for phase in plan.phases:
        out += ["", "[[phases]]", f"title = {_toml(phase.title)}"]
        if phase.minutes is not None:
            out.append(f"minutes = {phase.minutes}")
        if phase.notes:
            out.append(f"notes = {_toml(phase.notes)}")
        for activity in phase.activities:
            fields = {"kind": activity.kind, "title": activity.title}
            if activity.prompt:
                fields["prompt"] = activity.prompt
            out += ["", "  [[phases.activities]]"]
            out += [f"  {_toml_key(k)} = {_toml(v)}"
                    for k, v in {**fields, **activity.config}.items()]
    return "\n".join(out) + "\n"


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _toml(key)


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_toml_key(k)} = {_toml(v)}" for k, v in value.items()) + " }"
    if not isinstance(value, str):
        raise TypeError(f"cannot write {type(value).__name__} to a plan")
    multiline = "\n" in value
    escaped = "".join(_escape(ch, multiline) for ch in value)
    # A multi-line string drops the newline right after its opening quotes.
    return f'"""\n{escaped}"""' if multiline else f'"{escaped}"'


def _escape(ch: str, multiline: bool) -> str:
    if ch in "\\\"":
        return "\\" + ch
    if ch == "\n" and multiline:
        return ch
    if ch < " " or ch == "\x7f":
        return {"\n": "\\n", "\t": "\\t", "\r": "\\r"}.get(ch, f"\\u{ord(ch):04x}")
    return ch


# -- where things are ------------------------------------------------------------------------


class _Positions:
    """Lines of tables, keys and array elements of a valid TOML text, by path.

    Only as much of TOML as finding positions needs: strings are skipped (so a header inside
    a multi-line string is no header), values are not decoded. ``[[x]]`` headers are counted
    per array, so ``phases[2].activities[1]`` is the first ``[[phases.activities]]`` after the
    second ``[[phases]]``; keys inside inline tables and arrays get the line they are on.
    """

    _BARE = re.compile(r"[A-Za-z0-9_-]+")
    _SCALAR = re.compile(r"[^,\]}\r\n#]*")  # numbers, booleans, dates (which may hold a space)

    def __init__(self, text: str) -> None:
        self.s = text
        self.i = 0
        self.newlines = [n for n, ch in enumerate(text) if ch == "\n"]
        self.lines: dict[Where, int] = {}
        self.arrays: dict[Where, int] = {}  # array-of-tables path -> entries so far
        try:
            self._document()
        except (IndexError, ValueError, RecursionError, tomllib.TOMLDecodeError):
            pass  # a locator never fails a plan: an error without a line is still an error

    def line(self, path: Where) -> int | None:
        for end in range(len(path), 0, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return None

    def _line_at(self, pos: int) -> int:
        return bisect.bisect_left(self.newlines, pos) + 1

    def _mark(self, path: Where, pos: int) -> None:
        self.lines.setdefault(path, self._line_at(pos))

    def _skip(self, newlines: bool) -> None:
        while self.i < len(self.s):
            ch = self.s[self.i]
            if ch == "#":
                end = self.s.find("\n", self.i)
                self.i = len(self.s) if end < 0 else end
            elif ch in " \t" or (newlines and ch in "\r\n"):
                self.i += 1
            else:
                return

    def _document(self) -> None:
        table: Where = ()
        while True:
            self._skip(newlines=True)
            if self.i >= len(self.s):
                return
            start = self.i
            if self.s.startswith("[[", self.i):
                self.i += 2
                table = self._header(start, many=True)
            elif self.s[self.i] == "[":
                self.i += 1
                table = self._header(start, many=False)
            else:
                self._keyval(table)
            if self.i == start:
                raise ValueError("no progress")  # a misread must never become an endless loop

    def _header(self, start: int, many: bool) -> Where:
        keys = self._key()
        self.i += 2 if many else 1
        path: Where = ()
        for key in keys[:-1]:
            path = (*path, key)
            if path in self.arrays:  # a header key naming an array means its last table
                path = (*path, self.arrays[path] - 1)
        path = (*path, keys[-1])
        if many:
            self._mark(path, start)
            self.arrays[path] = self.arrays.get(path, 0) + 1
            path = (*path, self.arrays[path] - 1)
        self._mark(path, start)
        return path

    def _key(self) -> list[str]:
        keys = []
        while True:
            self._skip(newlines=False)
            ch = self.s[self.i]
            if ch in "\"'":
                begin = self.i
                self._string()
                keys.append(tomllib.loads("k = " + self.s[begin:self.i])["k"])
            else:
                found = self._BARE.match(self.s, self.i)
                if found is None:
                    raise ValueError("no key")
                keys.append(found[0])
                self.i = found.end()
            self._skip(newlines=False)
            if self.s[self.i] != ".":
                return keys
            self.i += 1

    def _keyval(self, table: Where) -> None:
        start = self.i
        path = table
        for key in self._key():
            path = (*path, key)
            self._mark(path, start)
        self.i += 1  # "="
        self._skip(newlines=False)
        self._value(path)

    def _value(self, path: Where) -> None:
        ch = self.s[self.i]
        if ch in "\"'":
            self._string()
        elif ch == "[":
            self._items(path, "]", keyed=False)
        elif ch == "{":
            self._items(path, "}", keyed=True)
        else:
            found = self._SCALAR.match(self.s, self.i)
            assert found is not None
            self.i = found.end()

    def _items(self, path: Where, close: str, keyed: bool) -> None:
        self.i += 1
        count = 0
        while True:
            self._skip(newlines=True)
            start = self.i
            if self.s[self.i] == close:
                self.i += 1
                return
            if keyed:
                self._keyval(path)
            else:
                self._mark((*path, count), self.i)
                self._value((*path, count))
                count += 1
            self._skip(newlines=True)
            if self.s[self.i] == ",":
                self.i += 1
            if self.i == start:
                raise ValueError("no progress")

    def _string(self) -> None:
        quote = self.s[self.i]
        triple = self.s.startswith(quote * 3, self.i)
        self.i += 3 if triple else 1
        while True:
            ch = self.s[self.i]
            if ch == "\\" and quote == '"':
                self.i += 2
            elif triple and self.s.startswith(quote * 3, self.i):
                self.i += 3
                while self.i < len(self.s) and self.s[self.i] == quote:  # """a"""" ends in a "
                    self.i += 1
                return
            elif not triple and ch == quote:
                self.i += 1
                return
            else:
                self.i += 1
