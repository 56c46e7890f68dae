"""The JSON API: creating sessions (organiser key) and joining (anyone with the code)."""

from __future__ import annotations

import hmac
import logging

from starlette.requests import Request
from starlette.responses import Response

from facilitator.domain.errors import N_, Refusal
from facilitator.web import auth, cookies, guard, qr
from facilitator.web.body import read
from facilitator.web.common import WebError
from facilitator.web.routedoc import FIND, GUESSES, JSON_BODY, Answer, Body, Doc
from facilitator.web.schemas import (
    CreateSession,
    Health,
    Joined,
    JoinSession,
    Ready,
    SessionCreated,
    answer,
)
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
    body = await read(request, CreateSession)
    settings = request.app.state.settings
    try:
        runtime = await request.app.state.registry.create(
            body.title, body.language or settings.language, body.names, place=body.place,
            moderators=body.moderators)
    except Refusal as refusal:
        raise WebError.from_refusal(refusal) from None
    return answer(session_answer(settings.base_url, request.app.state.secret, runtime), 201)


async def join_session(request: Request) -> Response:
    runtime = await find(request, request.path_params["code"])
    body = await read(request, JoinSession)
    participant = await join(request, runtime, body.name, body.where)
    token = auth.participant_token(request.app.state.secret, runtime.state.id, participant)
    response = answer(Joined(participant=participant, token=token, code=runtime.code,
                             ws=f"/ws/{runtime.code}"), 201)
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
        return answer(Health(ok=False, error=str(error) or type(error).__name__), 503,
                      {"Cache-Control": "no-store"})
    return answer(Health(ok=True), headers={"Cache-Control": "no-store"})


async def readyz(request: Request) -> Response:
    """Readiness, beside /healthz's liveness: 503 while the app starts or drains before a
    shutdown (facilitator/drain.py), so that a load balancer sends phones to another
    process, and when the store takes no writes."""
    state = request.app.state
    reason = None
    if state.draining:
        reason = "shutting down"
    elif not state.started:
        reason = "starting"
    else:
        try:
            await state.store.check_writable()
        except Exception as error:  # any failure is the answer, as for /healthz
            reason = f"store: {error or type(error).__name__}"
    headers = {"Cache-Control": "no-store"}
    if reason is not None:
        return answer(Ready(ready=False, reason=reason), 503, headers)
    return answer(Ready(ready=True), headers=headers)


# -- What the routes above do, for the OpenAPI document (web/openapi.py) -----------------------

BASE = "https://workshop.example.org"
SESSION = "klimaschutz-im-quartier-k7mxr4"
MODERATOR = "Hu6LKTyHue6g1uKMVxWAH4cXI91sWKtc"
PRESENTER = "s4wL0sNnxg0-k5zpazIQsMMSguNE7ZyP"

DOCS = [
    Doc("api_create", "Create a session",
        "Creates a session in draft with the server's limits and answers its links. Send "
        "the organiser key as `Authorization: Bearer <key>`; a wrong or missing key is 401 "
        "and counts as a failed guess of the address (429 once there are too many). The "
        "title, place and names are trimmed; the domain refuses what is blank, too long, "
        "holds control characters or is not valid Unicode (400 `invalid`, the message names "
        "the field). The first refusal in this order is answered: key, body, unknown "
        "field, language, names, title, place, moderators.",
        "API", "POST",
        answers=(Answer(201, "The session was created (in draft).", SessionCreated, example={
            "id": SESSION, "code": "K7MXR4", "join_url": f"{BASE}/j/K7MXR4",
            "moderator_url": f"{BASE}/moderate/K7MXR4/{MODERATOR}",
            "presenter_url": f"{BASE}/present/K7MXR4/{PRESENTER}",
            "moderator_token": MODERATOR, "presenter_token": PRESENTER,
            "comoderator_url": f"{BASE}/moderate/K7MXR4/TkUh6Wgv2Lf2sWE-fjKrySjzljIFYBy0"}),),
        refusals=(*GUESSES, ("unauthorised", "The organiser key is missing or wrong."),
                  *JSON_BODY,
                  ("invalid", "The language must be one of: de, en."),
                  ("invalid", "The field names must be true or false."),
                  ("invalid", "The field title must be a text."),
                  ("invalid", "The field title is longer than 200 characters."),
                  ("invalid", "Name at most 10 moderators.")),
        body=Body(CreateSession, example={
            "title": "Klimaschutz im Quartier", "language": "de", "names": False,
            "place": "Rathaus, Saal 2", "moderators": ["Kim Adler", "Lu Berger"]}),
        security=("organiserKey",)),
    Doc("api_join", "Join a session",
        "Makes a new participant of an open or live session and answers its device token, "
        "also set as the cookie `fp_<CODE>`. Every call makes a new participant; keep the "
        "token to come back as the same one. Checked in this order: the code (429 after too "
        "many failed guesses, 404), the body, the session's status (409 "
        "`session_not_open` for a draft or closed session), the session's join rates (429 "
        "with Retry-After: `joins_per_address` from one address, `joins_per_minute` in all), "
        "then the participant limit (409 `limit_reached`) and the fields (400 `invalid`). "
        "A session closed while the join was decided is 409 `session_state`.",
        "API", "POST",
        answers=(Answer(201, "The participant joined.", Joined, headers=("Set-Cookie-fp",),
                        example={"participant": "p7",
                                 "token": "p7.xb8ZKA-5_ytthNK0IBLxq92PFCbBlGmx",
                                 "code": "K7MXR4", "ws": "/ws/K7MXR4"}),),
        refusals=(*FIND, *JSON_BODY,
                  ("session_not_open", "This session is not open for joining."),
                  ("rate_limited", "Too many people from your network are joining this "
                                   "workshop right now. Please try again in a minute."),
                  ("rate_limited", "Too many people are joining this workshop right now. "
                                   "Please try again in a minute."),
                  ("limit_reached", "This session is full."),
                  ("session_state", "The session is closed."),
                  ("invalid", "The field name is longer than 40 characters."),
                  ("invalid", "Say room or online."),
                  ("busy", "The server is busy. Please try again.")),
        body=Body(JoinSession, example={"name": "Ada", "where": "room"})),
    Doc("qr_svg", "The join QR code as SVG",
        "A QR code of the join URL (`<public URL>/j/<CODE>`), for pages and the beamer.",
        "QR codes",
        answers=(Answer(200, "The QR code.", media="image/svg+xml",
                        headers=("Cache-Control-public",)),),
        refusals=FIND),
    Doc("qr_png", "The join QR code as PNG",
        "The same QR code as a black-and-white PNG, 10 pixels a module with a quiet zone of "
        "four modules, for slides and print.",
        "QR codes",
        answers=(Answer(200, "The QR code.", media="image/png",
                        headers=("Cache-Control-public",)),),
        refusals=FIND),
    Doc("healthz", "Whether the server can record votes",
        "Writes a probe row to the database and checks the free disk (`min_free_disk`). "
        "For monitors and load balancers: check it before a workshop day.",
        "Operations",
        answers=(Answer(200, "The store takes writes and the disk has room.", Health,
                        headers=("Cache-Control-no-store",), example={"ok": True}),
                 Answer(503, "The server cannot record votes now; `error` says why.", Health,
                        headers=("Cache-Control-no-store",),
                        example={"ok": False, "error": "database or disk is full"}))),
    Doc("readyz", "Whether to send this process new clients",
        "Readiness, where `/healthz` is liveness: `503` while the server starts, from the "
        "moment a shutdown begins (SIGTERM: it then closes every WebSocket with `1012` and "
        "stops), and when the store takes no write (as `/healthz` checks it). For load "
        "balancers and orchestrators that route phones among several processes.",
        "Operations",
        answers=(Answer(200, "Ready.", Ready, headers=("Cache-Control-no-store",),
                        example={"ready": True}),
                 Answer(503, "Not ready; `reason` says why.", Ready,
                        headers=("Cache-Control-no-store",),
                        example={"ready": False, "reason": "shutting down"}))),
]
