"""Creating and joining sessions: shared by the pages, the API and the CLI."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.requests import HTTPConnection

from facilitator.domain.codes import normalise_code
from facilitator.domain.errors import N_
from facilitator.live.registry import Registry, system
from facilitator.live.runtime import Busy, SessionRuntime
from facilitator.web import auth, guard
from facilitator.web.common import WebError
from facilitator.web.limiter import RateLimiter
from facilitator.web.schemas import SessionCreated


@dataclass(frozen=True)
class Links:
    join_url: str
    moderator_url: str
    presenter_url: str
    moderator_token: str
    presenter_token: str
    comoderator_url: str


def links(base_url: str, secret: bytes, runtime: SessionRuntime) -> Links:
    state = runtime.state
    mod = auth.role_token(secret, state.id, "moderator")
    pres = auth.role_token(secret, state.id, "presenter")
    co = auth.comoderator_token(secret, state.id)
    return Links(f"{base_url}/j/{state.code}", f"{base_url}/moderate/{state.code}/{mod}",
                 f"{base_url}/present/{state.code}/{pres}", mod, pres,
                 f"{base_url}/moderate/{state.code}/{co}")


def session_answer(base_url: str, secret: bytes, runtime: SessionRuntime) -> SessionCreated:
    found = links(base_url, secret, runtime)
    return SessionCreated(id=runtime.state.id, code=runtime.code, join_url=found.join_url,
                          moderator_url=found.moderator_url,
                          presenter_url=found.presenter_url,
                          moderator_token=found.moderator_token,
                          presenter_token=found.presenter_token,
                          comoderator_url=found.comoderator_url)


async def find(conn: HTTPConnection, raw_code: str) -> SessionRuntime:
    """The session of a code in a URL; an unknown code counts as a failed guess."""
    guard.check(conn)
    code = normalise_code(raw_code)
    registry: Registry = conn.app.state.registry
    runtime = await registry.get(code) if code else None
    if runtime is None:
        guard.failed(conn)
        raise WebError("not_found", N_("There is no session with this code."))
    return runtime


def _admit(conn: HTTPConnection, runtime: SessionRuntime) -> None:
    """Count a join against the session's rates (per address and in all); refuse it with
    429 when either is spent. The moderator can change the rates at any time, so they are
    read from the session each time."""
    state = conn.app.state
    limits = runtime.state.limits
    by_address: RateLimiter = state.joins_per_address
    by_session: RateLimiter = state.joins_per_session
    address = (runtime.state.id, guard.client_address(conn))
    session = runtime.state.id
    if not by_address.available(address, limits.joins_per_address):
        message = N_("Too many people from your network are joining this workshop right now. "
                     "Please try again in a minute.")
        wait = by_address.retry_after(address, limits.joins_per_address)
    elif not by_session.available(session, limits.joins_per_minute):
        message = N_("Too many people are joining this workshop right now. Please try again "
                     "in a minute.")
        wait = by_session.retry_after(session, limits.joins_per_minute)
    else:
        # Both are available and nothing awaits in between, so both takes succeed.
        by_address.take(address, limits.joins_per_address)
        by_session.take(session, limits.joins_per_minute)
        return
    runtime.note_refused_join("rate")
    raise WebError("rate_limited", message, headers={"Retry-After": str(wait)},
                   lang=runtime.state.language)


async def join(conn: HTTPConnection, runtime: SessionRuntime, name: Any,
               where: Any = None) -> str:
    """Make a new participant (where: "room", "online" or None); return the id."""
    if runtime.state.status not in {"open", "live"}:
        raise WebError("session_not_open", N_("This session is not open for joining."),
                       lang=runtime.state.language)
    _admit(conn, runtime)
    try:
        answer = await runtime.submit(system("participant.join", name=name, where=where))
    except Busy:
        raise WebError("busy", N_("The server is busy. Please try again."),
                       lang=runtime.state.language) from None
    if answer["type"] == "error":
        if answer["code"] == "limit_reached":  # the session is full (max_participants)
            runtime.note_refused_join("full")
        raise WebError(answer["code"], answer["message"], lang=runtime.state.language)
    participant: str = answer["result"]["participant"]
    return participant


async def participant_of(conn: HTTPConnection, runtime: SessionRuntime) -> str | None:
    """The participant id of this browser's cookie for the session, if valid (with several
    processes, one that joined through another process a moment ago is known too)."""
    token = conn.cookies.get(auth.PARTICIPANT_COOKIE.format(code=runtime.code))
    found = auth.identify(conn.app.state.secret, runtime.state.id, token)
    if found is None or found.role != "participant" or found.participant is None:
        return None
    return found.participant if await runtime.knows(found.participant) else None
