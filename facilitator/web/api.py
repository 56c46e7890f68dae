"""The JSON API: creating sessions (organiser key) and joining (anyone with the code)."""

from __future__ import annotations

import hmac
import logging

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from facilitator.domain.errors import N_, Refusal
from facilitator.web import auth, cookies, guard, qr
from facilitator.web.body import read_json
from facilitator.web.common import WebError
from facilitator.web.sessions import find, join, session_answer

log = logging.getLogger(__name__)


async def create_session(request: Request) -> Response:
    scheme, _, key = request.headers.get("authorization", "").partition(" ")
    expected: str = request.app.state.organiser_key
    guard.check(request)
    if scheme.lower() != "bearer" or not hmac.compare_digest(key.strip().encode(),
                                                             expected.encode()):
        guard.failed(request)
        raise WebError("unauthorised", N_("The organiser key is missing or wrong."))
    body = await read_json(request)
    unknown = set(body) - {"title", "language", "names", "place", "moderators"}
    if unknown:
        raise WebError("bad_message", N_("Unknown field: {key}."), {"key": sorted(unknown)[0]})
    try:
        runtime = await request.app.state.registry.create(
            body.get("title"), body.get("language", "de"), body.get("names", False),
            place=body.get("place"), moderators=body.get("moderators"))
    except Refusal as refusal:
        raise WebError.from_refusal(refusal) from None
    settings = request.app.state.settings
    return JSONResponse(session_answer(settings.base_url, request.app.state.secret, runtime),
                        status_code=201)


async def join_session(request: Request) -> Response:
    runtime = await find(request, request.path_params["code"])
    body = await read_json(request)
    unknown = set(body) - {"name", "where"}
    if unknown:
        raise WebError("bad_message", N_("Unknown field: {key}."), {"key": sorted(unknown)[0]})
    participant = await join(request, runtime, body.get("name"), body.get("where"))
    token = auth.participant_token(request.app.state.secret, runtime.state.id, participant)
    response = JSONResponse({"participant": participant, "token": token, "code": runtime.code,
                             "ws": f"/ws/{runtime.code}"}, status_code=201)
    cookies.set_participant(response, request, runtime.code, token)
    return response


async def qr_svg(request: Request) -> Response:
    runtime = await find(request, request.path_params["code"])
    url = f"{request.app.state.settings.base_url}/j/{runtime.code}"
    return Response(qr.svg(url), media_type="image/svg+xml",
                    headers={"Cache-Control": "public, max-age=3600"})


async def qr_png(request: Request) -> Response:
    runtime = await find(request, request.path_params["code"])
    url = f"{request.app.state.settings.base_url}/j/{runtime.code}"
    return Response(qr.png(url), media_type="image/png",
                    headers={"Cache-Control": "public, max-age=3600"})


async def healthz(request: Request) -> Response:
    """200 when the database takes a write and the disk has room, else 503 with the reason:
    what a monitor should page someone about before a workshop."""
    try:
        await request.app.state.store.check_writable()
    except Exception as error:  # any failure is the answer, not a crash of the check
        log.warning("health check failed: %s", error)
        return JSONResponse({"ok": False, "error": str(error) or type(error).__name__},
                            status_code=503, headers={"Cache-Control": "no-store"})
    return JSONResponse({"ok": True}, headers={"Cache-Control": "no-store"})
