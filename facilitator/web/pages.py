"""The HTML pages: home, join, participant, presenter, moderator, organiser console."""

from __future__ import annotations

import hmac

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from facilitator.domain.codes import normalise_code
from facilitator.domain.errors import N_, Refusal
from facilitator.domain.model import iso
from facilitator.i18n import translate, translations
from facilitator.live.runtime import SessionRuntime
from facilitator.web import archive, auth
from facilitator.web.common import WebError, language, render
from facilitator.web.sessions import find, join, links, participant_of
from facilitator.web.strings import js_strings

COOKIE_AGE = 2 * 24 * 3600  # a workshop day, and the day after for the results


async def home(request: Request) -> Response:
    return render(request, "site/home.html", {"error": None, "code": ""},
                  lang=language(request))


async def join_code(request: Request) -> Response:
    typed = request.query_params.get("code", "")[:40]
    code = normalise_code(typed)
    registry = request.app.state.registry
    if code and await registry.get(code):
        return RedirectResponse(request.url_for("join", code=code), status_code=303)
    lang = language(request)
    message = translate(lang, N_("There is no session with this code."))
    return render(request, "site/home.html", {"error": message, "code": typed}, lang=lang,
                  status=404)


async def join_page(request: Request) -> Response:
    runtime = await find(request, request.path_params["code"])
    state = runtime.state
    lang = state.language
    error = None
    if request.method == "GET" and participant_of(request, runtime):
        return RedirectResponse(request.url_for("participant", code=runtime.code),
                                status_code=303)
    if request.method == "POST":
        form = await request.form()
        name = form.get("name")
        where = form.get("where")
        try:
            participant = await join(runtime, name if isinstance(name, str) else None,
                                     where if where in {"room", "online"} else None)
        except WebError as exc:
            error = translate(lang, exc.message, exc.params)
        else:
            response = RedirectResponse(request.url_for("participant", code=runtime.code),
                                        status_code=303)
            settings = request.app.state.settings
            response.set_cookie(
                auth.PARTICIPANT_COOKIE.format(code=runtime.code),
                auth.participant_token(request.app.state.secret, state.id, participant),
                max_age=COOKIE_AGE, httponly=True, samesite="lax",
                secure=settings.base_url.startswith("https:"))
            return response
    context = {
        "session": {"title": state.title, "code": state.code, "names": state.names,
                    "status": state.status},
        "error": error,
        "can_join": state.status in {"open", "live"},
    }
    return render(request, "participant/join.html", context, lang=lang,
                  status=200 if error is None else 400)


def _live_context(runtime: SessionRuntime) -> dict[str, object]:
    lang = runtime.state.language
    return {"code": runtime.code, "title": runtime.state.title,
            "ws_path": f"/ws/{runtime.code}",
            "strings": js_strings(translations(lang).gettext)}


async def participant_page(request: Request) -> Response:
    runtime = await find(request, request.path_params["code"])
    if participant_of(request, runtime) is None:
        return RedirectResponse(request.url_for("join", code=runtime.code), status_code=303)
    return render(request, "participant/session.html", _live_context(runtime),
                  lang=runtime.state.language)


async def _role_page(request: Request, role: str, template: str,
                     extra: dict[str, object] | None = None) -> Response:
    runtime = await find(request, request.path_params["code"])
    secret = request.app.state.secret
    token = request.path_params["token"]
    found_role = auth.identify(secret, runtime.state.id, token)
    if found_role is None or found_role.role != role:
        raise WebError("not_found", N_("There is no session with this code."))
    found = links(request.app.state.settings.base_url, secret, runtime)
    context = {**_live_context(runtime), "token": token,
               "join_url": found.join_url, "presenter_url": found.presenter_url,
               "qr_svg_url": str(request.url_for("qr_svg", code=runtime.code)),
               # Only the owner hands out the co-moderator link.
               "owner": found_role.owner,
               "invite_url": found.comoderator_url if found_role.owner else None,
               **(extra or {})}
    response = render(request, template, context, lang=runtime.state.language)
    # The token is in the URL: keep it out of other sites' Referer headers.
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


async def presenter_page(request: Request) -> Response:
    return await _role_page(request, "presenter", "presenter/session.html")


async def moderator_page(request: Request) -> Response:
    runtime = await find(request, request.path_params["code"])
    settings = request.app.state.settings
    archived = archive.written(request.app.state.archiver, runtime.state.id, settings.timezone)
    return await _role_page(request, "moderator", "moderator/session.html",
                            {"archive_written": archived})


def organiser(request: Request) -> bool:
    key: str = request.app.state.organiser_key
    cookie = request.cookies.get(auth.ORGANISER_COOKIE, "")
    return hmac.compare_digest(cookie, auth.organiser_cookie(request.app.state.secret, key))


async def console(request: Request, error: str | None = None, status: int = 200) -> Response:
    lang = language(request)
    sessions = []
    if organiser(request):
        registry = request.app.state.registry
        base = request.app.state.settings.base_url
        secret = request.app.state.secret
        for record in await registry.store.list_sessions():
            token = auth.role_token(secret, record.id, "moderator")
            moderator_url = f"{base}/moderate/{record.code}/{token}"
            sessions.append({"title": record.title, "code": record.code,
                             "status": record.status, "created": iso(record.created),
                             "moderator_url": moderator_url,
                             "archive_url": f"{moderator_url}/archive.zip"
                             if request.app.state.archiver.exists(record.id) else None})
    return render(request, "moderator/console.html",
                  {"authorised": organiser(request), "error": error, "sessions": sessions},
                  lang=lang, status=status)


async def console_page(request: Request) -> Response:
    return await console(request)


async def console_login(request: Request) -> Response:
    form = await request.form()
    key = form.get("key")
    expected: str = request.app.state.organiser_key
    if not isinstance(key, str) or not hmac.compare_digest(key.strip(), expected):
        lang = language(request)
        return await console(request, translate(lang, N_("This organiser key is not right.")), 401)
    response = RedirectResponse(request.url_for("console"), status_code=303)
    response.set_cookie(auth.ORGANISER_COOKIE,
                        auth.organiser_cookie(request.app.state.secret, expected),
                        httponly=True, samesite="strict",
                        secure=request.app.state.settings.base_url.startswith("https:"))
    return response


async def console_create(request: Request) -> Response:
    if not organiser(request):
        return RedirectResponse(request.url_for("console"), status_code=303)
    form = await request.form()
    title = form.get("title")
    lang = form.get("language") if form.get("language") in {"de", "en"} else "de"
    try:
        runtime = await request.app.state.registry.create(
            title if isinstance(title, str) else "", lang, form.get("names") == "on")
    except Refusal as refusal:
        message = translate(language(request), refusal.message, refusal.params)
        return await console(request, message, 400)
    found = links(request.app.state.settings.base_url, request.app.state.secret, runtime)
    return RedirectResponse(found.moderator_url, status_code=303)
