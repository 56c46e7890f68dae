"""Creating and joining sessions: shared by the pages, the API and the CLI."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.requests import HTTPConnection

from facilitator.domain.codes import normalise_code
from facilitator.domain.errors import N_
from facilitator.live.registry import Registry, system
from facilitator.live.runtime import Busy, SessionRuntime
from facilitator.web import auth
from facilitator.web.common import WebError


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


def session_answer(base_url: str, secret: bytes, runtime: SessionRuntime) -> dict[str, Any]:
    found = links(base_url, secret, runtime)
    return {"id": runtime.state.id, "code": runtime.code, "join_url": found.join_url,
            "moderator_url": found.moderator_url, "presenter_url": found.presenter_url,
            "moderator_token": found.moderator_token,
            "presenter_token": found.presenter_token,
            "comoderator_url": found.comoderator_url}


async def find(conn: HTTPConnection, raw_code: str) -> SessionRuntime:
    code = normalise_code(raw_code)
    registry: Registry = conn.app.state.registry
    runtime = await registry.get(code) if code else None
    if runtime is None:
        raise WebError("not_found", N_("There is no session with this code."))
    return runtime


async def join(runtime: SessionRuntime, name: Any, where: Any = None) -> str:
    """Make a new participant (where: "room", "online" or None); return the id."""
    if runtime.state.status not in {"open", "live"}:
        raise WebError("session_not_open", N_("This session is not open for joining."))
    try:
        answer = await runtime.submit(system("participant.join", name=name, where=where))
    except Busy:
        raise WebError("busy", N_("The server is busy. Please try again.")) from None
    if answer["type"] == "error":
        raise WebError(answer["code"], answer["message"])
    participant: str = answer["result"]["participant"]
    return participant


def participant_of(conn: HTTPConnection, runtime: SessionRuntime) -> str | None:
    """The participant id of this browser's cookie for the session, if valid."""
    token = conn.cookies.get(auth.PARTICIPANT_COOKIE.format(code=runtime.code))
    found = auth.identify(conn.app.state.secret, runtime.state.id, token)
    if found is None or found.role != "participant" or found.participant is None:
        return None
    return found.participant if runtime.participant_exists(found.participant) else None
