"""The data of a plan file (docs/plans.md) and its error: what plan.py reads into."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from facilitator.domain.errors import N_, Invalid
from facilitator.domain.plan_sources import (
    Source,
    read_source,
)
from facilitator.domain.plan_toml import dump_plan as dump_plan

PLAN_LIMIT = 256 * 1024  # bytes of UTF-8; a three-hour workshop needs a few KiB
NOTES_LIMIT = 4000
MINUTES_LIMIT = 600
MAX_PHASES = 50
MAX_ACTIVITIES = 100
SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?")

ROOT_KEYS = ("title", "language", "names", "slug", "place", "organisation", "moderators",
             "groups", "group_choice", "phases")
# As the server checks them in session.created (domain/commands.py, new_session).
PLACE_LIMIT = 200
MODERATOR_LIMIT = 80
MAX_MODERATORS = 10
PHASE_KEYS = ("title", "minutes", "timer", "notes", "activities")
# Keys every activity has; all other keys of an activity are the settings of its kind.
ACTIVITY_KEYS = ("kind", "key", "title", "prompt", "per_group")
# Named in docs/plans.md as coming next: refused with a message that says so, not "unknown".
PLANNED_KEYS: dict[str, tuple[str, ...]] = {"root": (), "phase": (), "activity": ("group",)}
_GROUPS_AT_THE_TOP = N_("Groups are listed once, at the top of the plan; an activity runs in "
                        "every group with per_group = true.")
# Keys a moderator might guess for an activity, and where the plan has that instead.
MISPLACED_KEYS = {
    "id": N_("An activity is named with key, not id: the server gives the ids a1, a2, …"),
    "minutes": N_("An activity has no minutes of its own: give its phase minutes and a "
                  "timer."),
    "groups": _GROUPS_AT_THE_TOP,
}
# The same for a phase: groups belong to the whole session, not to one phase.
MISPLACED_PHASE_KEYS = {"groups": _GROUPS_AT_THE_TOP}
PLANNED_KINDS: tuple[str, ...] = ()


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
    key: str | None = None  # the plan's name of the activity, for later item sources
    per_group: bool = False  # runs once in every group instead of once for the plenary

    @property
    def source(self) -> Source | None:
        """Where the items come from, when `items` names an earlier activity."""
        items = self.config.get("items")
        if not isinstance(items, Mapping):
            return None
        return read_source(items)

    def command_args(self, source: Mapping[str, str] | None = None) -> dict[str, Any]:
        """The fields of an ``activity.create`` command (docs/protocol.md). An activity whose
        items come from an earlier one needs ``source``, the wire form with the server's ids
        (``Source.wire``); live/plans.py creates whole plans."""
        config = copy.deepcopy(self.config)
        if self.source is not None:
            if source is None:
                raise ValueError(f"the items of {self.title!r} need the id of their source")
            config["items"] = dict(source)
        args: dict[str, Any] = {"kind": self.kind, "title": self.title,
                                "prompt": self.prompt, "config": config}
        if self.per_group:
            args["per_group"] = True
        return args


@dataclass(frozen=True)
class Phase:
    title: str
    minutes: int | None = None
    notes: str = ""
    activities: tuple[ActivitySpec, ...] = ()
    # Minutes for the session timer the moderator starts with one click (docs/plans.md).
    timer: int | None = None


@dataclass(frozen=True)
class Plan:
    title: str
    language: str = "de"
    names: bool = False
    slug: str | None = None
    phases: tuple[Phase, ...] = ()
    groups: tuple[str, ...] = ()  # names of the small groups, made before the phases
    group_choice: bool = False  # participants pick their group themselves
    # For the documentation: where the workshop takes place ("" when not said) and who leads.
    place: str = ""
    moderators: tuple[str, ...] = ()
    # Who hands the documentation over ("": the server's setting `organisation`).
    organisation: str = ""

    @property
    def activities(self) -> tuple[ActivitySpec, ...]:
        return tuple(a for phase in self.phases for a in phase.activities)


# -- reading ---------------------------------------------------------------------------------
