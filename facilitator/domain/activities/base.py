"""The interface every activity kind implements.

A kind is a vertical slice: its config, its commands with the roles and activity states that
allow them (as data, so tests can run the whole matrix), how events change its state, its
results, and what each audience sees of it. The session (domain/session.py) does the checks
common to all kinds (role, activity state, session state) before calling ``decide``.

The ten kinds of DESIGN.md fit this shape: every input (idea, ballot, dots, order, rating,
position, word, question, sheet field) is a command checked against the activity's config and
the participant's earlier input, results are a pure function of the applied events, and each
audience has its own view and event projection.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from facilitator.domain.model import Audience, Command, Decision, Event, Role

Status = Literal["draft", "active", "locked"]
STATUSES: tuple[Status, ...] = ("draft", "active", "locked")
ANY_STATUS: frozenset[Status] = frozenset(STATUSES)
OPEN: frozenset[Status] = frozenset({"active"})


@dataclass
class Activity:
    id: str
    kind: str
    title: str
    prompt: str
    config: dict[str, Any]
    data: Any
    status: Status = "draft"
    revealed: bool = False
    phase: str | None = None
    # What the activity rates or orders (dots, ranking, scale, matrix): resolved from the
    # config when first activated, then frozen. [{"id": "i4", "label": "…"}, …]
    items: list[dict[str, str]] | None = None
    # Runs once per small group: each group's instance has its own data (session.instance).
    per_group: bool = False
    groups: dict[str, Any] = field(default_factory=dict)
    # Whether anything happened to it that a plan cannot undo: activated once, or an event of
    # its kind applied (input, moderation). Only an untouched activity can be deleted or have
    # its settings changed (domain/editing.py).
    touched: bool = False
    # Hidden by the moderator: participants and the beamer no longer see it, the archive
    # lists it apart. Its data stays.
    hidden: bool = False
    # The plan's name of the activity (its `key`), when a plan made it: kept so that the
    # plan written back (plan_export.py) names it the same.
    key: str | None = None


@dataclass(frozen=True)
class Rule:
    """Which roles may send a command, in which activity states."""

    roles: Mapping[Role, frozenset[Status]] = field(default_factory=dict)

    def allows(self, role: Role, status: Status) -> bool:
        return status in self.roles.get(role, frozenset())


class Kind(ABC):
    name: str
    rules: Mapping[str, Rule]
    # Whether results change with input and are sent as throttled `tally` messages.
    tallied: bool = False
    # Whether the activity works on items (config "items": a list or a source).
    uses_items: bool = False
    # Commands that add an entry (an idea, a question); the session caps their number.
    adds: frozenset[str] = frozenset()
    # Moderator commands that stay possible after the session closed: the documentation is
    # written again on each (e.g. the answer to a question, recorded afterwards).
    after_close: frozenset[str] = frozenset()

    @abstractmethod
    def make_config(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        """Validate the config of activity.create (or a plan); raise Invalid."""

    @abstractmethod
    def new_data(self, config: Mapping[str, Any]) -> Any:
        """The empty state of a new activity."""

    @abstractmethod
    def decide(self, activity: Activity, command: Command, ids: IdSource) -> Decision:
        """Check the command against the activity's state; raise a Refusal or return events."""

    @abstractmethod
    def apply(self, activity: Activity, event: Event) -> None:
        """Change the activity's state by one of its events."""

    def results(self, activity: Activity) -> dict[str, Any] | None:
        return None

    def affected(self, activity: Activity, event: Event) -> tuple[str, ...]:
        """Participants whose own contributions (`mine`) this event changes, when someone
        other than they may have sent it (an idea the moderation edits, approves, merges):
        they are told, since no event of their audience may show it."""
        return ()

    def entries(self, activity: Activity) -> int:
        """How many entries the commands in `adds` have made (withdrawn ones included: they
        were stored all the same)."""
        return 0

    def results_for(self, activity: Activity, audience: Audience,
                    results: dict[str, Any] | None) -> dict[str, Any] | None:
        """The results as an audience may see them (e.g. without words the moderator hid).
        By default the same object for all, so a tally is encoded once for everyone."""
        return results

    def view(self, activity: Activity, audience: Audience) -> dict[str, Any]:
        """Kind-specific fields of the activity view (besides config and results)."""
        return {}

    def public_config(self, activity: Activity) -> dict[str, Any]:
        return dict(activity.config)

    def project(
        self, activity: Activity, event: Event, audience: Audience
    ) -> dict[str, Any] | None:
        """The event's data as the audience may see it, or None when it must not see it."""
        return event.data if audience == "moderator" else None

    def mine(self, activity: Activity, participant: str) -> dict[str, Any] | None:
        """What this participant contributed, for their own phone."""
        return None

    def results_public(self, activity: Activity) -> bool:
        """Whether everyone sees the results live, without a reveal (Q&A vote counts)."""
        return False

    def is_tallied(self, activity: Activity) -> bool:
        """Whether this activity's results go out as tallies (some kinds only by config)."""
        return self.tallied

    def ranked(self, activity: Activity) -> list[tuple[dict[str, str], float]] | None:
        """Items with a score, best first, for `top:<n>` sources of later activities; None
        when the kind has no ranking."""
        return None

    def source_items(self, activity: Activity, take: str) -> list[dict[str, str]] | None:
        """Items this activity offers to a later one for `all` or `cluster:<id>`; None when
        it offers none for that `take`."""
        if take == "all" and activity.items is not None:
            return list(activity.items)
        return None


class IdSource(ABC):
    """Hands out the next id of a kind of thing ("i" for ideas); ids are unique per session."""

    @abstractmethod
    def next(self, prefix: str) -> str: ...
