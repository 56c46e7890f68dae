"""Measure sheet: a group fills in one sheet together (title, goal, steps with dates, lead,
cost, ...), field by field, from several phones at once.

Each field has a version. An editor sends the version they started from; if someone else has
changed the field since, the edit is refused with the field's current state, so the phone can
show both texts and nothing is overwritten silently (optimistic concurrency per field, not a
lock: a group talks across the table, a lock held by a phone in a pocket would stall it).

A sheet is shared work, not a ballot: every audience sees every field and who changed it last.
Values are kept whole per field (a text, a date, the list of steps), which is small enough to
send on every change and makes the last edit of a field its value, for replay and archive."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from facilitator.domain.activities.base import ANY_STATUS, OPEN, Activity, IdSource, Kind, Rule
from facilitator.domain.errors import N_, Conflict, Invalid, NotFound
from facilitator.domain.model import Audience, Command, Decision, Event, clean_text, iso

FIELD_ID = re.compile(r"[a-z0-9_]{1,30}")
LABEL_LIMIT = 80
MAX_FIELDS = 20
STEP_LIMIT = 300
TYPES = ("text", "long", "rows", "date")
# type: (default limit, highest limit). For rows the limit counts rows, else characters.
# Long texts stop at 5,000 characters so one edit stays well inside a 16 KiB frame.
LIMITS: dict[str, tuple[int, int]] = {"text": (300, 1000), "long": (2000, 5000),
                                      "rows": (30, 30)}
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # not \d: that takes any script's digits

# Config data, not interface text: a sheet is written in the language of its workshop, and
# the ids stay stable so plans and the archive can refer to them.
DEFAULT_FIELDS: tuple[dict[str, Any], ...] = (
    {"id": "title", "label": "Titel der Maßnahme", "type": "text", "limit": 200},
    {"id": "goal", "label": "Ziel und Inhalt", "type": "long", "limit": 4000},
    {"id": "steps", "label": "Umsetzungsschritte und Meilensteine", "type": "rows",
     "limit": 30},
    {"id": "lead", "label": "Federführung / Verantwortliche", "type": "text", "limit": 300},
    {"id": "cost", "label": "Kostenschätzung", "type": "text", "limit": 300},
    {"id": "target_groups", "label": "Zielgruppen", "type": "text", "limit": 1000},
    {"id": "conflicts", "label": "Zielkonflikte", "type": "long", "limit": 2000},
    {"id": "indicators", "label": "Indikatoren für das Monitoring", "type": "long",
     "limit": 2000},
)
_DEFAULTS = {f["id"]: f for f in DEFAULT_FIELDS}


@dataclass
class Entry:
    """One field of the sheet as it is now; version 0 is the empty field nobody touched."""

    value: Any
    version: int = 0
    by: str | None = None  # participant id; None for the moderator or nobody yet
    at: float | None = None

    def view(self) -> dict[str, Any]:
        return {"value": self.value, "version": self.version, "by": self.by,
                "at": iso(self.at) if self.at is not None else None}


@dataclass
class SheetData:
    entries: dict[str, Entry] = field(default_factory=dict)  # in the config's field order


def _empty(kind: str) -> Any:
    return [] if kind == "rows" else ""


def _filled(value: Any) -> bool:
    return bool(value)  # "" and [] are the only empty values a field can hold


def _field(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, Mapping) or not set(raw) <= {"id", "label", "type", "limit"}:
        raise Invalid(N_("A field of the sheet has only the keys id, label, type and limit."))
    ident = raw.get("id")
    if not isinstance(ident, str) or not FIELD_ID.fullmatch(ident):
        raise Invalid(N_("The id of a field may contain only a-z, 0-9 and underscores, at "
                         "most 30 characters."))
    # A default id may be listed alone to pick that field: plans choose a subset in one line.
    default = _DEFAULTS.get(ident, {})
    kind = raw.get("type", default.get("type"))
    if kind is None or ("label" not in raw and "label" not in default):
        raise Invalid(N_("The field {field} is required."),
                      field="type" if kind is None else "label")
    if kind not in TYPES:
        raise Invalid(N_("The type of a field must be one of: {choices}."),
                      choices=", ".join(TYPES))
    label = clean_text(raw.get("label", default.get("label")), LABEL_LIMIT, "label")
    limit = raw.get("limit")
    if kind == "date":
        if limit is not None:
            raise Invalid(N_("A date field has no limit."))
        return {"id": ident, "label": label, "type": kind, "limit": None}
    if limit is None:
        # The default's limit only fits the default's type (a "title" made long gets more).
        limit = default["limit"] if default.get("type") == kind else LIMITS[kind][0]
    high = LIMITS[kind][1]
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= high:
        raise Invalid(N_("The field {field} must be a whole number from {low} to {high}."),
                      field="limit", low=1, high=high)
    return {"id": ident, "label": label, "type": kind, "limit": limit}


def _text(value: Any, limit: int, name: str, *, multiline: bool = False) -> str:
    # Unlike a title or an idea, a sheet field may be emptied again: "" clears it.
    if isinstance(value, str) and not value.strip():
        return ""
    return clean_text(value, limit, name, multiline=multiline)


def date_field(value: Any, name: str) -> str:
    """A date as typed into a form: "" or a real YYYY-MM-DD (also next steps' `due`)."""
    text = value.strip() if isinstance(value, str) else None
    if text == "":
        return ""
    try:
        # The pattern first: fromisoformat also takes 20260331 and week dates.
        if text is not None and DATE.fullmatch(text):
            return date.fromisoformat(text).isoformat()
    except ValueError:
        pass
    raise Invalid(N_("The field {field} must be a date (YYYY-MM-DD) or empty."), field=name)


def _rows(value: Any, limit: int, name: str) -> list[dict[str, str]]:
    if not isinstance(value, list):
        raise Invalid(N_("The field {field} must be a list of rows with step and date."),
                      field=name)
    rows = []
    for row in value:
        if not isinstance(row, Mapping) or not set(row) <= {"step", "date"}:
            raise Invalid(N_("The field {field} must be a list of rows with step and date."),
                          field=name)
        step = _text(row.get("step", ""), STEP_LIMIT, name)
        when = date_field(row.get("date", ""), name)
        # A blank row is a phone's empty input line, not content: it would make an empty
        # list of steps count as filled in.
        if step or when:
            rows.append({"step": step, "date": when})
    if len(rows) > limit:
        raise Invalid(N_("Too many rows in the field {field} (at most {limit})."),
                      field=name, limit=limit)
    return rows


def clean_value(spec: Mapping[str, Any], value: Any) -> Any:
    """The value normalised as it is stored, or Invalid naming the field by its label."""
    kind, limit, name = spec["type"], spec["limit"], spec["label"]
    if kind == "date":
        return date_field(value, name)
    if kind == "rows":
        return _rows(value, limit, name)
    return _text(value, limit, name, multiline=kind == "long")


def _version(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise Invalid(N_("The field {field} must be a whole number, 0 or more."),
                      field="version")
    return value


class Measure(Kind):
    name = "measure"
    # The view and every event carry the sheet itself; a tally would only repeat it.
    tallied = False
    rules = {"sheet.edit": Rule({"participant": OPEN, "moderator": ANY_STATUS})}

    def make_config(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        unknown = set(raw) - {"fields"}
        if unknown:
            raise Invalid(N_("Unknown setting: {name}."), name=sorted(unknown)[0])
        given = raw.get("fields")
        if given is None:
            return {"fields": [dict(f) for f in DEFAULT_FIELDS]}
        if not isinstance(given, list) or not 1 <= len(given) <= MAX_FIELDS:
            raise Invalid(N_("Give between {low} and {high} fields."), low=1, high=MAX_FIELDS)
        fields = [_field(f) for f in given]
        if len({f["id"] for f in fields}) != len(fields):
            raise Invalid(N_("Two fields have the same id."))
        return {"fields": fields}

    def new_data(self, config: Mapping[str, Any]) -> SheetData:
        return SheetData({f["id"]: Entry(_empty(f["type"])) for f in config["fields"]})

    def decide(self, activity: Activity, command: Command, ids: IdSource) -> Decision:
        data: SheetData = activity.data
        args = command.args
        ident = args.get("field")
        specs = {f["id"]: f for f in activity.config["fields"]}
        if not isinstance(ident, str) or ident not in specs:
            raise NotFound(N_("This field does not exist."))
        value = clean_value(specs[ident], args.get("value"))
        version = _version(args.get("version"))
        entry = data.entries[ident]
        if value == entry.value:
            # Two phones typing the same thing do not conflict: nothing to record, and the
            # sender learns the version to continue from.
            return Decision(result={"version": entry.version})
        if version != entry.version:
            raise Conflict(N_("Someone else changed this field meanwhile."),
                           details={"field": ident, "current": entry.view()})
        new = entry.version + 1
        return Decision([("sheet.edited", {
            "activity": activity.id, "field": ident, "value": value, "version": new,
            "participant": command.actor.participant})], {"version": new})

    def apply(self, activity: Activity, event: Event) -> None:
        data: SheetData = activity.data
        d = event.data
        entry = data.entries[d["field"]]
        value = d["value"]
        # Copied so the state never shares a list with the log's event.
        entry.value = [dict(row) for row in value] if isinstance(value, list) else value
        entry.version = d["version"]
        entry.by = d["participant"]
        entry.at = event.at

    def results(self, activity: Activity) -> dict[str, Any]:
        data: SheetData = activity.data
        filled = sum(_filled(e.value) for e in data.entries.values())
        return {"sheet": {ident: e.value for ident, e in data.entries.items()},
                "complete": filled == len(data.entries), "filled": filled,
                "total": len(data.entries)}

    def results_public(self, activity: Activity) -> bool:
        # The view shows every audience the sheet itself; hiding how full it is would be
        # pointless, and the group wants to see what is still missing.
        return True

    def view(self, activity: Activity, audience: Audience) -> dict[str, Any]:
        data: SheetData = activity.data
        return {"sheet": {ident: e.view() for ident, e in data.entries.items()}}

    def project(
        self, activity: Activity, event: Event, audience: Audience
    ) -> dict[str, Any] | None:
        d = event.data
        out = {"activity": d["activity"], "field": d["field"], "value": d["value"],
               "version": d["version"], "by": d["participant"], "at": iso(event.at)}
        if "group" in d:  # an instance of a per-group activity: its events name the group
            out["group"] = d["group"]
        return out
