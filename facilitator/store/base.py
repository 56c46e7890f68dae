"""What the rest of the server needs from persistence. SQLite implements it today; a
PostgreSQL store would implement the same methods without touching domain, live or web."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from facilitator.domain.model import Event


def encode_data(data: object) -> str:
    """An event's data as stored: the same text for the same data (sorted keys)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


@dataclass(frozen=True)
class SessionRecord:
    id: str
    code: str
    title: str
    status: str
    created: float


@dataclass(frozen=True)
class Answer:
    """The first answer (an encoded ack or error message) to one client command id."""

    actor: str
    id: str
    message: str


@dataclass(frozen=True)
class SessionDump:
    """Everything a store holds of one session, as stored: the events' data as its text, the
    answers oldest first. `facilitator migrate-store` copies these between stores and compares
    them; equal dumps are equal logs."""

    record: SessionRecord
    events: tuple[tuple[int, str, str, float], ...]  # (seq, type, data as text, at)
    answers: tuple[Answer, ...]


class StoreConflict(Exception):
    """A session with this id or code already exists."""


class StoreUnavailable(Exception):
    """The store cannot take writes (read-only, disk full, closed); the message says why in a
    sentence for the person who runs the server."""


class Store(Protocol):
    async def open(self) -> None: ...

    async def close(self) -> None: ...

    async def create_session(self, record: SessionRecord, first: Event) -> None: ...

    async def find_session(self, *, code: str | None = None,
                           ident: str | None = None) -> SessionRecord | None: ...

    async def list_sessions(self, *, deleted: bool = False) -> list[SessionRecord]:
        """Newest first; deleted sessions only when asked for."""
        ...

    async def load_events(self, session: str, after: int = 0) -> list[Event]: ...

    async def load_answers(self, session: str) -> list[Answer]: ...

    async def check_writable(self) -> None:
        """Raise StoreUnavailable unless a write commits and there is room to spare."""
        ...

    async def append(self, session: str, events: Sequence[Event], answers: Sequence[Answer],
                     status: str | None = None, title: str | None = None, *,
                     encoded: Sequence[str] | None = None,
                     forget: Sequence[tuple[str, str]] = ()) -> None:
        """Commit events and answers in one transaction; return only once they are durable.
        A failure fails this call alone, never another session's writes."""
        ...

    async def dump_session(self, ident: str) -> SessionDump | None: ...

    async def restore_session(self, dump: SessionDump) -> None:
        """Store a dumped session in one transaction; StoreConflict when its id or code is
        taken."""
        ...

    async def purge_session(self, ident: str) -> None:
        """Delete the session with its events and answers for good, in one transaction."""
        ...

    async def ended_before(self, cutoff: float) -> list[SessionRecord]:
        """Sessions closed or deleted whose last event is older than cutoff (a Unix time)."""
        ...
