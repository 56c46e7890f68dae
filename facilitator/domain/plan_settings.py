"""Which setting of an activity a kind's refusal is about, so that a plan error points at it.

A kind checks its config for the console and the wire too, where a field name is enough; a plan
needs the line. Refusals that name a field (``field="criteria[2].label"``) are found by that
path; for those that name none, the table below says which setting they are about. A refused
field of a measure sheet is found by checking the sheet's fields one by one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from facilitator.domain.activities import KINDS
from facilitator.domain.errors import Refusal
from facilitator.domain.plan_lines import Where

SHEET_KEYS = ("id", "label", "type", "limit")  # a field of a measure sheet (measure.py)


def _axis(settings: Mapping[str, Any], params: Mapping[str, Any]) -> Where:
    """The axis (x or y) that is not a table of label, low and high; at its unknown part."""
    for name in ("x", "y"):
        value = settings.get(name)
        if value is None:
            continue
        if not isinstance(value, Mapping):
            return (name,)
        for part in value:
            if part not in ("label", "low", "high"):
                return (name, part)
    return ("x",)


def _point_label(settings: Mapping[str, Any], params: Mapping[str, Any]) -> Where:
    """The label of a scale point outside min..max."""
    labels = settings.get("labels")
    for key in labels if isinstance(labels, Mapping) else ():
        if not (key.isdigit() and params.get("low", 0) <= int(key) <= params.get("high", 0)):
            return ("labels", key)
    return ("labels",)


def _same_field_id(settings: Mapping[str, Any], params: Mapping[str, Any]) -> Where:
    """The field of a measure sheet whose id an earlier field has already."""
    seen: set[Any] = set()
    for n, entry in enumerate(_fields(settings)):
        ident = entry.get("id") if isinstance(entry, Mapping) else None
        if ident in seen:
            return ("fields", n, "id")
        seen.add(ident)
    return ("fields",)


def _fields(settings: Mapping[str, Any]) -> list[Any]:
    fields = settings.get("fields")
    return fields if isinstance(fields, list) else []


def sheet_field(settings: Mapping[str, Any]) -> Where | None:
    """The entry of a measure sheet's `fields` the kind refused, and in it the key at fault.

    The kind checks entries for the wire, where "label" says enough; a plan needs the line of
    the entry, so each entry is checked alone until one is refused."""
    for n, entry in enumerate(_fields(settings)):
        try:
            KINDS["measure"].make_config({"fields": [entry]})
        except Refusal as refusal:
            if not isinstance(entry, Mapping):
                return ("fields", n)
            unknown = [key for key in entry if key not in SHEET_KEYS]
            named = refusal.params.get("field")
            key = next((k for k in (*unknown, named) if isinstance(k, str)), None)
            for part in SHEET_KEYS:  # messages that name the key in their words
                if key is None and re.search(rf"\b{part}\b", refusal.message):
                    key = part
            return ("fields", n) if key is None else ("fields", n, key)
    return None


# Refusals of make_config that name no field, and the setting they are about (or a function
# of the settings and the refusal's params that finds it).
SETTING_OF_MESSAGE: dict[str, str | Callable[[Mapping[str, Any], Mapping[str, Any]], Where]] = {
    "A poll needs between {low} and {high} options.": "options",
    "Two options of a poll have the same label.": "options",
    "Give between {low} and {high} items, or a source of items.": "items",
    "Two items have the same label.": "items",
    "A source of items needs exactly the fields from and take.": "items",
    "The source of items must name an activity.": "items",
    "Take items as all, cluster:<id> or top:<n> (n from 1 to 50).": "items",
    "Two clusters have the same name.": "clusters",
    "Give at most {limit} clusters.": "clusters",
    "Give between {low} and {high} criteria.": "criteria",
    "A criterion needs exactly the fields id and label.": "criteria",
    "The id of a criterion may contain only a-z, 0-9, hyphens and underscores, at most 30 "
    "characters.": "criteria",
    "Two criteria have the same id or label.": "criteria",
    "Labels of the scale are for the values from {low} to {high}.": _point_label,
    "The majority must be one of: {choices}.": "majority",
    "An axis has the fields label, low and high.": _axis,
    "Give between {low} and {high} fields.": "fields",
    "Two fields have the same id.": _same_field_id,
}


def setting_of(refusal: Refusal, settings: Mapping[str, Any]) -> Where:
    """The path inside the activity the refusal is about; () for the activity itself."""
    where = setting_path(refusal.params.get("field"), settings)
    if where is None and refusal.message == "Unknown setting: {name}.":
        where = setting_path(refusal.params.get("name"), settings)
    if where is None and refusal.message in SETTING_OF_MESSAGE:
        found = SETTING_OF_MESSAGE[refusal.message]
        where = (found,) if isinstance(found, str) else found(settings, refusal.params)
    if where is None and _fields(settings):
        where = sheet_field(settings)
    return where or ()


_FIELD_PART = re.compile(r"\.?([A-Za-z0-9_-]+)|\[(\d{1,4})\]")


def setting_path(name: Any, settings: Mapping[str, Any]) -> Where | None:
    """A kind's field name as a path inside the activity: "criteria[2].label" is
    ("criteria", 1, "label"), so the error gets the line of that very element."""
    if not isinstance(name, str):
        return None
    parts: list[str | int] = []
    at = 0
    while at < len(name):
        found = _FIELD_PART.match(name, at)
        if found is None or found.end() == at:
            break
        parts.append(found[1] if found[1] is not None else int(found[2]) - 1)
        at = found.end()
    if at < len(name) or not parts or parts[0] not in settings:
        return (name,) if name in settings else None
    return tuple(parts)

