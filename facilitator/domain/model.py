"""The data that crosses the domain's border: who acts, commands in, events out."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from facilitator.domain.errors import N_, Invalid

Role = Literal["moderator", "presenter", "participant", "system"]
ROLES: tuple[Role, ...] = ("moderator", "presenter", "participant", "system")
# The audiences an event is projected for. Later: "participant:<group>" per small group.
Audience = Literal["moderator", "presenter", "participant"]
AUDIENCES: tuple[Audience, ...] = ("moderator", "presenter", "participant")


@dataclass(frozen=True)
class Actor:
    role: Role
    participant: str | None = None
    # False for a co-moderator: everything a moderator can do but delete the session.
    owner: bool = True

    @property
    def key(self) -> str:
        """The namespace of this actor's command ids (idempotency): each credential has its
        own, so that two consoles (the owner's and a co-moderator's) never answer each other's
        commands."""
        if self.participant:
            return self.participant
        return self.role if self.owner else f"co{self.role}"


@dataclass(frozen=True)
class Command:
    type: str
    args: Mapping[str, Any]
    actor: Actor
    at: float
    id: str | None = None


@dataclass(frozen=True)
class Event:
    seq: int
    type: str
    data: dict[str, Any]
    at: float


@dataclass
class Decision:
    """What a command does: events to append, and the result its sender gets in the ack."""

    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    result: dict[str, Any] = field(default_factory=dict)


def iso(at: float) -> str:
    """UTC time with milliseconds, as on the wire: 2026-11-21T09:14:03.120Z."""
    stamp = datetime.fromtimestamp(at, UTC)
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond // 1000:03d}Z"


# Names of fields people fill in; refusals name them in the reader's language. Other field
# names (settings of a plan) stay as they are written in the plan.
FIELD_LABELS = (N_("text"), N_("title"), N_("prompt"), N_("name"), N_("options"),
                N_("answer"), N_("what"), N_("who"), N_("due"))


# Who hands a session's documentation over (session.created, session.update, plans).
ORGANISATION_LIMIT = 120


def clean_text(value: Any, limit: int, name: str, *, multiline: bool = False) -> str:
    """Trim and normalise a user text; refuse empty, over-long or control characters."""
    if not isinstance(value, str):
        raise Invalid(N_("The field {field} must be a text."), field=name)
    if not valid_unicode(value):
        raise Invalid(N_("The field {field} holds characters that are not valid text."),
                      field=name)
    text = unicodedata.normalize("NFC", value).strip()
    allowed = {"\n"} if multiline else set()
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if any(unicodedata.category(ch) == "Cc" and ch not in allowed for ch in text):
        raise Invalid(N_("The field {field} contains control characters."), field=name)
    if not text:
        raise Invalid(N_("The field {field} must not be empty."), field=name)
    if len(text) > limit:
        raise Invalid(N_("The field {field} is longer than {limit} characters."),
                      field=name, limit=limit)
    return text


def valid_unicode(text: str) -> bool:
    """No lone UTF-16 surrogates: JSON escapes can carry them, but they are no text and
    cannot be stored or sent on (the edge refuses them first; this keeps the domain safe
    from every other way in, such as plan files and the command line)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def optional_name(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str) and not value.strip():
        return None
    return clean_text(value, 40, "name")
