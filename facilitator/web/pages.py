"""The HTML pages: home, join, participant, presenter, moderator, organiser console."""

from __future__ import annotations

import hmac

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from facilitator import library
from facilitator.domain.codes import normalise_code
from facilitator.domain.commands import LANGUAGES
from facilitator.domain.errors import N_, Refusal
from facilitator.domain.model import iso
from facilitator.i18n import translate, translations
from facilitator.live.runtime import SessionRuntime
from facilitator.web import archive, auth, cookies, guard
from facilitator.web.body import read_form_as
from facilitator.web.common import WebError, language, person_language, render
from facilitator.web.routedoc import (
    ANYONE,
    FIND,
    FORM_BODY,
    GUESSES,
    MODERATOR_TOKEN,
    PAGE_FORM,
    PRESENTER_TOKEN,
    UNKNOWN,
    Answer,
    Body,
    Doc,
)
from facilitator.web.schemas import CreateForm, JoinForm, LanguageForm, LoginForm
from facilitator.web.sessions import find, join, links, participant_of
from facilitator.web.strings import js_strings


async def home(request: Request) -> Response:
    return render(request, "site/home.html", {"error": None, "code": ""},
                  lang=language(request))


async def join_code(request: Request) -> Response:
    typed = request.query_params.get("code", "")[:40]
    guard.check(request)
    code = normalise_code(typed)
    registry = request.app.state.registry
    if code and await registry.get(code):
        return RedirectResponse(request.url_for("join", code=code), status_code=303)
    if typed.strip():
        guard.failed(request)
    lang = language(request)
    message = translate(lang, N_("There is no session with this code."))
    return render(request, "site/home.html", {"error": message, "code": typed}, lang=lang,
                  status=404)


async def join_page(request: Request) -> Response:
    if request.method == "POST" and guard.foreign_origin(request):
        # Another site's page posting our form would make its visitor join (and take part
        # under an identity that site chose) without seeing our page.
        raise WebError("forbidden", N_("This form was sent from another website. Please open "
                                       "the join link again."))
    runtime = await find(request, request.path_params["code"])
    state = runtime.state
    lang = person_language(request, state.language)
    error = None
    status = 200
    headers: dict[str, str] = {}
    if await participant_of(request, runtime):
        # Already in (the form sent twice, or from a tab opened before joining): keep this
        # identity rather than replace it silently with a new one.
        return RedirectResponse(request.url_for("participant", code=runtime.code),
                                status_code=303)
    if request.method == "POST":
        try:
            form = await read_form_as(request, JoinForm)
            participant = await join(request, runtime, form.name,
                                     form.where if form.where in {"room", "online"} else None)
        except WebError as exc:
            error = translate(lang, exc.message, exc.params)
            status, headers = exc.status, exc.headers
        else:
            joined = RedirectResponse(request.url_for("participant", code=runtime.code),
                                      status_code=303)
            token = auth.participant_token(request.app.state.secret, state.id, participant)
            cookies.set_participant(joined, request, runtime.code, token)
            return joined
    context = {
        "session": {"title": state.title, "code": state.code, "names": state.names,
                    "status": state.status},
        "error": error,
        "can_join": state.status in {"open", "live"},
    }
    response = render(request, "participant/join.html", context, lang=lang, status=status)
    response.headers.update(headers)
    return response


def _live_context(request: Request, runtime: SessionRuntime, entry: str,
                  lang: str | None = None) -> dict[str, object]:
    lang = lang or runtime.state.language
    texts = request.app.state.static.strings(entry, js_strings(translations(lang).gettext))
    return {"code": runtime.code, "title": runtime.state.title,
            "ws_path": f"/ws/{runtime.code}", "entry": entry, "strings": texts}


async def participant_page(request: Request) -> Response:
    runtime = await find(request, request.path_params["code"])
    if await participant_of(request, runtime) is None:
        return RedirectResponse(request.url_for("join", code=runtime.code), status_code=303)
    lang = person_language(request, runtime.state.language)
    context = _live_context(request, runtime, "js/participant.js", lang)
    # The phone loads a kind's widget when it needs it (static/js/phone/index.js); the one on
    # screen now is needed at once.
    state = runtime.state
    current = state.activities.get(state.current) if state.current else None
    if current is not None:
        context["also"] = [f"js/phone/{current.kind}.js"]
    return render(request, "participant/session.html", context, lang=lang)


def _same_site_path(value: str) -> str:
    """`next` of the language form: a path on this server, never another host."""
    if not value.startswith("/") or value.startswith("//") or "\\" in value \
            or any(ord(c) < 32 for c in value):
        return "/"
    return value[:500]


async def choose_language(request: Request) -> Response:
    """The language switch of the join and participant pages (a form, no script needed)."""
    if guard.foreign_origin(request):
        raise WebError("forbidden", N_("This form was sent from another website. Please open "
                                       "the join link again."))
    form = await read_form_as(request, LanguageForm)
    if form.lang not in LANGUAGES:
        raise WebError("invalid", N_("The language must be one of: {choices}."),
                       {"choices": ", ".join(LANGUAGES)})
    response = RedirectResponse(_same_site_path(form.next), status_code=303)
    cookies.set_language(response, request, form.lang)
    return response


async def _role_page(request: Request, role: str, template: str, entry: str,
                     extra: dict[str, object] | None = None) -> Response:
    runtime = await find(request, request.path_params["code"])
    secret = request.app.state.secret
    token = request.path_params["token"]
    found_role = auth.identify(secret, runtime.state.id, token)
    if found_role is None or found_role.role != role:
        guard.failed(request)
        raise WebError("not_found", N_("There is no session with this code."))
    found = links(request.app.state.settings.base_url, secret, runtime)
    context = {**_live_context(request, runtime, entry), "token": token,
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
    return await _role_page(request, "presenter", "presenter/session.html", "js/presenter.js")


async def moderator_page(request: Request) -> Response:
    runtime = await find(request, request.path_params["code"])
    settings = request.app.state.settings
    archived = archive.written(request.app.state.archiver, runtime.state.id, settings.timezone)
    return await _role_page(request, "moderator", "moderator/session.html",
                            "js/moderator.js", {"archive_written": archived})


def organiser(request: Request) -> bool:
    key: str = request.app.state.organiser_key
    cookie = request.cookies.get(auth.ORGANISER_COOKIE, "")
    expected = auth.organiser_cookie(request.app.state.secret, key)
    return hmac.compare_digest(cookie.encode(), expected.encode())


async def console(request: Request, error: str | None = None, status: int = 200, *,
                  upload_error: str | None = None) -> Response:
    lang = language(request)
    sessions = []
    plans: dict[str, object] = {"ready": [], "templates": []}
    if organiser(request):
        plans = {"ready": library.ready_plans(),
                 "templates": library.templates(request.app.state.settings.data_dir)}
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
                  {"authorised": organiser(request), "error": error, "sessions": sessions,
                   "upload_error": upload_error, **plans},
                  lang=lang, status=status)


async def console_page(request: Request) -> Response:
    return await console(request)


async def console_login(request: Request) -> Response:
    guard.check(request)
    key = (await read_form_as(request, LoginForm)).key
    expected: str = request.app.state.organiser_key
    if not hmac.compare_digest(key.strip().encode(), expected.encode()):
        guard.failed(request)
        lang = language(request)
        return await console(request, translate(lang, N_("This organiser key is not right.")), 401)
    response = RedirectResponse(request.url_for("console"), status_code=303)
    cookies.set_organiser(response, request,
                          auth.organiser_cookie(request.app.state.secret, expected))
    return response


def console_post(request: Request) -> bool:
    """Whether a console form may go on: refused (403) when another site's page sent it,
    False (answer with the login) without the organiser cookie."""
    if guard.foreign_origin(request):
        raise WebError("forbidden", N_("This form was sent from another website. Please open "
                                       "the console again."))
    return organiser(request)


async def console_create(request: Request) -> Response:
    if not console_post(request):
        return RedirectResponse(request.url_for("console"), status_code=303)
    form = await read_form_as(request, CreateForm)
    lang = form.language if form.language in {"de", "en"} \
        else request.app.state.settings.language
    try:
        runtime = await request.app.state.registry.create(form.title, lang, form.names == "on")
    except Refusal as refusal:
        message = translate(language(request), refusal.message, refusal.params)
        return await console(request, message, 400)
    found = links(request.app.state.settings.base_url, request.app.state.secret, runtime)
    return RedirectResponse(found.moderator_url, status_code=303)


# -- What the pages do, for the OpenAPI document (web/openapi.py) --------------------------------

LANG = {"lang": "`de` or `en`: the page's language, over the browser's Accept-Language (and "
                "the server's `language` setting)."}
PAGE = "text/html"

DOCS = [
    Doc("home", "Home page",
        "A field for the join code; its form GETs `/join`.", "Pages",
        answers=(Answer(200, "The page.", media=PAGE),), query=LANG),
    Doc("join_code", "Find a session by its code",
        "Where the home page's form goes. An unknown code is answered with the home page "
        "again, saying so (404); it counts as a failed guess unless it was blank.", "Pages",
        answers=(Answer(303, "To the join page `/j/<CODE>`.", headers=("Location",)),),
        refusals=(*GUESSES, *UNKNOWN),
        query={"code": "The code as typed (case, spaces and hyphens do not matter; at most "
                       "40 characters are read).", **LANG}),
    Doc("join", "Join page",
        "The page a phone opens from the QR code: the join form while the session is open or "
        "live, else a notice. A browser that already holds a valid cookie `fp_<CODE>` is "
        "sent on to its participant page.", "Pages",
        answers=(Answer(200, "The page.", media=PAGE),
                 Answer(303, "Already a participant: to `/s/<CODE>`.", headers=("Location",))),
        refusals=FIND),
    Doc("join", "Join with the form",
        "The join form's POST, as `POST /api/sessions/<CODE>/join` but for browsers: the "
        "same checks and limits, an answer as a page. A POST whose Origin (or Referer) "
        "names another host is refused (403): another site cannot make its visitors join. "
        "A browser that already holds a valid cookie `fp_<CODE>` keeps its identity and is "
        "sent on without joining again.", "Pages", "POST",
        answers=(Answer(303, "Joined (or already a participant): to `/s/<CODE>`, with the "
                             "cookie `fp_<CODE>` when it joined now.",
                        headers=("Location", "Set-Cookie-fp")),),
        refusals=(("forbidden", "This form was sent from another website. Please open the "
                                "join link again."),
                  *FIND, *FORM_BODY,
                  ("session_not_open", "This session is not open for joining."),
                  ("rate_limited", "Too many people are joining this workshop right now. "
                                   "Please try again in a minute."),
                  ("limit_reached", "This session is full."),
                  ("session_state", "The session is closed."),
                  ("invalid", "The field name is longer than 40 characters."),
                  ("busy", "The server is busy. Please try again.")),
        body=Body(JoinForm, PAGE_FORM, {"name": "Ada", "where": "room"})),
    Doc("participant", "Participant page",
        "The phone's live page: it opens the WebSocket with the cookie `fp_<CODE>`. Without "
        "a valid cookie, the browser is sent to the join page.", "Pages",
        answers=(Answer(200, "The page.", media=PAGE),
                 Answer(303, "No valid cookie: to `/j/<CODE>`.", headers=("Location",))),
        refusals=FIND, security=("participantCookie", ANYONE)),
    Doc("language", "Choose the language of one's pages",
        "The language switch of the join and participant pages: sets the cookie "
        "`facilitator_lang`, which the home, join and participant pages then follow over "
        "the session's language (and `?lang=` over the cookie). Beamer and console keep the "
        "session's language. A POST whose Origin (or Referer) names another host is refused "
        "(403).", "Pages", "POST",
        answers=(Answer(303, "Back to `next`, with the cookie `facilitator_lang`.",
                        headers=("Location", "Set-Cookie-lang")),),
        refusals=(("forbidden", "This form was sent from another website. Please open the "
                                "join link again."),
                  ("invalid", "The language must be one of: de, en."), *FORM_BODY),
        body=Body(LanguageForm, PAGE_FORM, {"lang": "en", "next": "/s/K7MXR4"})),
    Doc("presenter", "Presenter (beamer) page",
        "The join code, the QR code and the revealed results, for the projector.", "Pages",
        answers=(Answer(200, "The page.", media=PAGE, headers=("Referrer-Policy",)),),
        refusals=FIND, params={"token": PRESENTER_TOKEN}),
    Doc("moderator", "Moderator console",
        "Runs the session over the WebSocket. The owner's console also shows the "
        "co-moderator invite link.", "Pages",
        answers=(Answer(200, "The page.", media=PAGE, headers=("Referrer-Policy",)),),
        refusals=FIND, params={"token": MODERATOR_TOKEN}),
    Doc("console", "Organiser console",
        "With the organiser cookie: every session with its moderator link and, once written, "
        "its documentation's zip, and a form for a new session. Without: the login form.",
        "Pages",
        answers=(Answer(200, "The page.", media=PAGE),), security=("organiserCookie", ANYONE),
        query=LANG),
    Doc("console_login", "Log in to the organiser console",
        "A wrong key is answered with the login form again, saying so (401), and counts as "
        "a failed guess.", "Pages", "POST",
        answers=(Answer(303, "Logged in: to `/console`, with the organiser cookie.",
                        headers=("Location", "Set-Cookie-organiser")),),
        refusals=(*GUESSES, ("unauthorised", "This organiser key is not right."), *FORM_BODY),
        body=Body(LoginForm, PAGE_FORM, {"key": "…"})),
    Doc("console_create", "Create a session from the organiser console",
        "As `POST /api/sessions` with the organiser cookie instead of the key. A title the "
        "domain refuses is answered with the console again, saying why (400).", "Pages",
        "POST",
        answers=(Answer(303, "Created: to the new session's moderator console (an absolute "
                             "URL); without the organiser cookie, to `/console`.",
                        headers=("Location",)),),
        refusals=(("forbidden", "This form was sent from another website. Please open the "
                                "console again."),
                  *FORM_BODY, ("invalid", "The field title must not be empty.")),
        security=("organiserCookie",),
        body=Body(CreateForm, PAGE_FORM, {"title": "Klimaschutz im Quartier",
                                          "language": "de", "names": "on"})),
]
