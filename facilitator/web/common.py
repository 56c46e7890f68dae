"""What every handler shares: rendering in the right language, errors as HTML or JSON."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from jinja2 import BaseLoader, Environment, StrictUndefined, pass_context
from jinja2.runtime import Context
from starlette.datastructures import URL
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.templating import Jinja2Templates

from facilitator.domain.commands import LANGUAGES
from facilitator.domain.errors import N_, Refusal
from facilitator.i18n import negotiate, translate, translations
from facilitator.web.cookies import LANGUAGE_COOKIE
from facilitator.web.schemas import ErrorBody, ErrorDetail, answer

# HTTP status of each refusal code (STYLE.md, point 10): one table, used by every handler.
STATUS = {
    "invalid": 400, "bad_message": 400, "bad_json": 400, "too_large": 413,
    "forbidden": 403, "not_found": 404, "session_state": 409, "activity_closed": 409,
    "not_yours": 403, "limit_reached": 409, "rate_limited": 429, "busy": 503,
    "session_not_open": 409, "unauthorised": 401, "conflict": 409, "timeout": 408,
}


class WebError(Exception):
    """An error a handler raises; rendered as a page or as JSON by one handler below."""

    def __init__(self, code: str, message: str, params: dict[str, Any] | None = None, *,
                 headers: dict[str, str] | None = None, lang: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.params = params or {}
        self.headers = headers or {}  # e.g. Retry-After on a 429
        # The language of the answer when it concerns one session (its own language), else
        # the browser's.
        self.lang = lang

    @property
    def status(self) -> int:
        return STATUS.get(self.code, 400)

    @classmethod
    def from_refusal(cls, refusal: Refusal) -> WebError:
        return cls(refusal.code, refusal.message, refusal.params)




def chosen_language(request: Request) -> str | None:
    """The language this person chose: `?lang=` on the URL, else the language cookie."""
    for chosen in (request.query_params.get("lang"), request.cookies.get(LANGUAGE_COOKIE)):
        if chosen in LANGUAGES:
            return chosen
    return None


def person_language(request: Request, session_language: str) -> str:
    """A participant's page (join, live): the person's choice, else the session's language.
    The beamer and the console keep the session's: the room reads one language."""
    return chosen_language(request) or session_language


def language(request: Request) -> str:
    """A page outside any session: the person's choice, else the browser's, else the
    server's default."""
    default: str = request.app.state.settings.language
    return chosen_language(request) or negotiate(request.headers.get("accept-language"),
                                                 default)


def environments(loader: BaseLoader) -> dict[str, Environment]:
    """One Jinja environment per language, each with its catalogue installed once.

    One shared environment with the catalogue swapped before each render looked the same, but
    Jinja caches the templates that others import (the create forms' macros) together with the
    `_` of the language that rendered them first: an English console got German labels."""
    out = {}
    for lang in LANGUAGES:
        env = Environment(loader=loader, autoescape=True, extensions=["jinja2.ext.i18n"],
                          undefined=StrictUndefined)
        env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
        env.globals["url_for"] = _url_for
        env.globals["preloads"] = _preloads
        out[lang] = env
    return out


@pass_context
def _url_for(context: Context, name: str, /, **params: Any) -> URL:
    """Starlette's url_for, with the static files' version filled in (web/assets.py)."""
    request: Request = context["request"]
    if name == "static":
        # A path, not an absolute URL: the same cache entry whichever host name the phone
        # used, and right behind a proxy that rewrites it.
        params.setdefault("version", request.app.state.static.version)
        return URL(request.url_for(name, **params).path)
    return request.url_for(name, **params)


@pass_context
def _preloads(context: Context, entry: str, also: Sequence[str] = ()) -> list[URL]:
    """URLs of the modules a page's entry script imports (and of those in `also`, which it
    loads later), for <link rel="modulepreload">."""
    request: Request = context["request"]
    return [_url_for(context, "static", path=path)
            for path in request.app.state.static.preloads(entry, *also)]



def render(request: Request, name: str, context: dict[str, Any], *, lang: str,
           status: int = 200) -> HTMLResponse:
    templates: Jinja2Templates = request.app.state.templates[lang]
    context = {"lang": lang, "settings_base_url": request.app.state.settings.base_url,
               **context}
    response = templates.TemplateResponse(request, name, context, status_code=status)
    response.headers["Cache-Control"] = "no-store"
    return response


async def handle_error(request: Request, exc: Exception) -> Response:
    if isinstance(exc, HTTPException):
        error = WebError("not_found" if exc.status_code == 404 else "invalid",
                         N_("Page not found.") if exc.status_code == 404 else str(exc.detail))
        status = exc.status_code
    else:
        assert isinstance(exc, WebError)
        error, status = exc, exc.status
    lang = error.lang or language(request)
    message = translate(lang, error.message, error.params)
    response: Response
    if request.url.path.startswith("/api/"):
        response = answer(ErrorBody(ErrorDetail(error.code, message)),  # type: ignore[arg-type]
                          status)
    else:
        response = render(request, "site/error.html", {"message": message, "status": status},
                          lang=lang, status=status)
    response.headers.update(error.headers)
    return response
