"""Limits that protect a room from one participant: how many people, how many ideas, how fast
people may join. They are part of the session (set at creation from the server's settings,
shown to the moderator, lifted by the moderator with `session.limits`), so that a restart or
another process applies the same ones.

Rates (joins per minute) are enforced at the edge, where addresses are known; counts
(participants, ideas) are enforced here, in the domain, where the state is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from facilitator.domain.errors import N_, Invalid


@dataclass(frozen=True)
class Limits:
    participants: int = 2000  # participants in the session
    ideas: int = 500  # ideas or questions in one activity (one group's instance)
    joins_per_minute: int = 600  # joins to the session per minute
    joins_per_address: int = 120  # joins from one network address per minute

    def view(self) -> dict[str, int]:
        return asdict(self)

    def changed(self, raw: Any) -> Limits:
        """These limits with some of them changed; raise Invalid for an unknown name or a
        value out of range (every limit stays finite: a lifted limit is still a limit)."""
        if not isinstance(raw, Mapping) or not raw:
            raise Invalid(N_("The field {field} must be an object."), field="limits")
        known = {f.name for f in fields(self)}
        values: dict[str, int] = {}
        for name, value in raw.items():
            if name not in known:
                raise Invalid(N_("Unknown limit: {name}."), name=str(name)[:40])
            high = CEILINGS[name]
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= high:
                raise Invalid(N_("The limit {name} must be a whole number from 1 to {high}."),
                              name=name, high=high)
            values[name] = value
        return replace(self, **values)

    @classmethod
    def of(cls, data: Mapping[str, Any] | None) -> Limits:
        """Limits from an event's data (older sessions without them get the defaults)."""
        if not data:
            return cls()
        known = {f.name for f in fields(cls)}
        return cls(**{k: int(v) for k, v in data.items() if k in known})


# How far a moderator may lift each limit.
CEILINGS: dict[str, int] = {
    "participants": 50_000,
    "ideas": 10_000,
    "joins_per_minute": 100_000,
    "joins_per_address": 100_000,
}
