"""The two cookies the server sets, set in one place so that both get the same protections.

`Secure` whenever the phone reaches us over HTTPS: the public URL says so, or the request came
over TLS (directly, or through a trusted proxy whose X-Forwarded-Proto uvicorn applied).
`HttpOnly`: no script needs them. The participant cookie is `SameSite=Lax`, so following the
join link from a chat or a QR code keeps the identity; the organiser's is `Strict`.
"""

from __future__ import annotations

from starlette.requests import HTTPConnection
from starlette.responses import Response

from facilitator.web import auth

LANGUAGE_COOKIE = "facilitator_lang"  # a person's choice of language (POST /language)

PARTICIPANT_AGE = 2 * 24 * 3600  # a workshop day, and the day after for the results


def secure(conn: HTTPConnection) -> bool:
    base_url: str = conn.app.state.settings.base_url
    return base_url.startswith("https:") or conn.url.scheme == "https"


def set_participant(response: Response, conn: HTTPConnection, code: str, token: str) -> None:
    response.set_cookie(auth.PARTICIPANT_COOKIE.format(code=code), token,
                        max_age=PARTICIPANT_AGE, httponly=True, samesite="lax",
                        secure=secure(conn))


def set_language(response: Response, conn: HTTPConnection, lang: str) -> None:
    # Not secret: a preference, kept for a year, sent on links from other sites too.
    response.set_cookie(LANGUAGE_COOKIE, lang, max_age=365 * 24 * 3600, httponly=True,
                        samesite="lax", secure=secure(conn))


def set_organiser(response: Response, conn: HTTPConnection, value: str) -> None:
    # No max_age: it ends with the browser session, on a shared computer too.
    response.set_cookie(auth.ORGANISER_COOKIE, value, httponly=True, samesite="strict",
                        secure=secure(conn))
