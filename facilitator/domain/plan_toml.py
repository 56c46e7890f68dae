"""Plans written back as TOML, for the console to save; plan.py reads them (load_plan)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # plan.py re-exports dump_plan: a runtime import of Plan would be circular
    from facilitator.domain.plan_model import Plan


def dump_plan(plan: Plan) -> str:
    """The plan as TOML that load_plan reads back to an equal Plan (for the console to save)."""
    out = [f"title = {_toml(plan.title)}", f"language = {_toml(plan.language)}",
           f"names = {_toml(plan.names)}"]
    if plan.slug is not None:
        out.append(f"slug = {_toml(plan.slug)}")
    if plan.place:
        out.append(f"place = {_toml(plan.place)}")
    if plan.organisation:
        out.append(f"organisation = {_toml(plan.organisation)}")
    if plan.moderators:
        out.append(f"moderators = {_toml(list(plan.moderators))}")
    if plan.groups:
        out.append(f"groups = {_toml(list(plan.groups))}")
    if plan.group_choice:
        out.append("group_choice = true")
    for phase in plan.phases:
        out += ["", "[[phases]]", f"title = {_toml(phase.title)}"]
        if phase.minutes is not None:
            out.append(f"minutes = {phase.minutes}")
        if phase.timer is not None:
            out.append(f"timer = {phase.timer}")
        if phase.notes:
            out.append(f"notes = {_toml(phase.notes)}")
        for activity in phase.activities:
            fields: dict[str, Any] = {"kind": activity.kind, "title": activity.title}
            if activity.key is not None:
                fields = {"kind": activity.kind, "key": activity.key, "title": activity.title}
            if activity.prompt:
                fields["prompt"] = activity.prompt
            if activity.per_group:
                fields["per_group"] = True
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
