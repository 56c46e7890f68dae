"""The JSON API: creating sessions (organiser key) and joining (anyone with the code)."""

from __future__ import annotations

import hmac
import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from facilitator.domain.errors import N_, Refusal
from facilitator.web import auth, qr
from facilitator.web.common import WebError
from facilitator.web.sessions import find, join, session_answer

BODY_LIMIT = 16 * 1024


async def _json(request: Request) -> dict[str, Any]:
    body = await request.body()
    if len(body) > BODY_LIMIT:
        raise WebError("too_large", N_("The request is too large."))
    if not body:
        return {}
    try:
        value = json.loads(body)
    except ValueError:
        raise WebError("bad_json", N_("The request body is not valid JSON.")) from None
    if not isinstance(value, dict):
        raise WebError("bad_json", N_("The request body must be a JSON object."))
    return value


async def create_session(request: Request) -> Response:
    scheme, _, key = request.headers.get("authorization", "").partition(" ")
    expected: str = request.app.state.organiser_key
    if scheme.lower() != "bearer" or not hmac.compare_digest(key.strip(), expected):
        raise WebError("unauthorised", N_("The organiser key is missing or wrong."))
    body = await _json(request)
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
    body = await _json(request)
    unknown = set(body) - {"name", "where"}
    if unknown:
        raise WebError("bad_message", N_("Unknown field: {key}."), {"key": sorted(unknown)[0]})
    participant = await join(runtime, body.get("name"), body.get("where"))
    token = auth.participant_token(request.app.state.secret, runtime.state.id, participant)
    response = JSONResponse({"participant": participant, "token": token, "code": runtime.code,
                             "ws": f"/ws/{runtime.code}"}, status_code=201)
    response.set_cookie(auth.PARTICIPANT_COOKIE.format(code=runtime.code), token,
                        httponly=True, samesite="lax")
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
    return JSONResponse({"ok": True})
