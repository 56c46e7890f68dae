"""Refusals a person can read.

Messages are English gettext message ids with ``{placeholders}``; the edge (WebSocket or HTTP)
translates them into the session's language. ``N_`` only marks them for extraction.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

T = TypeVar("T")


def N_(message: str) -> str:
    return message


def find(items: Mapping[str, T], ident: Any, missing: str) -> T:
    """The item a command names by its id, or NotFound with `missing` (an N_ message): the
    id comes from a client, so it may be anything, not only a string."""
    found = items.get(ident) if isinstance(ident, str) else None
    if found is None:
        raise NotFound(missing)
    return found


class Refusal(Exception):
    """A command was refused; nothing changed. ``code`` is stable, ``message`` is for people."""

    code = "invalid"

    def __init__(self, message: str, *, details: dict[str, Any] | None = None,
                 **params: Any) -> None:
        super().__init__(message.format(**params) if params else message)
        self.message = message
        self.params = params
        # Data for programs, sent as `details` of the error (e.g. a sheet field's current
        # value after a conflicting edit).
        self.details = details


class Invalid(Refusal):
    code = "invalid"


class Forbidden(Refusal):
    code = "forbidden"


class NotFound(Refusal):
    code = "not_found"


class SessionStateError(Refusal):
    code = "session_state"


class ActivityClosed(Refusal):
    code = "activity_closed"


class NotYours(Refusal):
    code = "not_yours"


class LimitReached(Refusal):
    code = "limit_reached"


class Conflict(Refusal):
    """Someone else changed the thing meanwhile; `details` carries its current state."""

    code = "conflict"


REFUSALS: tuple[type[Refusal], ...] = (
    Invalid, Forbidden, NotFound, SessionStateError, ActivityClosed, NotYours, LimitReached,
    Conflict,
)
