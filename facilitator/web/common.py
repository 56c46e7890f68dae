"""What every handler shares: rendering in the right language, errors as HTML or JSON."""

from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.templating import Jinja2Templates

from facilitator.domain.errors import N_, Refusal
from facilitator.i18n import negotiate, translate, translations
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


def language(request: Request) -> str:
    default: str = request.app.state.settings.language
    chosen = request.query_params.get("lang")
    if chosen in {"de", "en"}:
        return chosen
    return negotiate(request.headers.get("accept-language"), default)


def render(request: Request, name: str, context: dict[str, Any], *, lang: str,
           status: int = 200) -> HTMLResponse:
    templates: Jinja2Templates = request.app.state.templates
    # Rendering is synchronous, so installing the catalog right before it is safe.
    templates.env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
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
