"""Failed guesses of secrets, counted per network address: join codes, the moderator's and the
beamer's link tokens, the organiser key.

A join code has 20^6 = 64 million values and a handful of them are live at a time, so a script
that tries codes at full speed would find a session in hours; at `guesses_per_minute` per
address it would take years. Only failures count: a room of phones opening the right link
never comes near the limit. The check comes before the secret is compared, so a blocked
address learns nothing, not even whether its next guess would have been right.

The live socket (web/ws.py) uses `blocked` and `failed` the same way for its credentials.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.requests import HTTPConnection

from facilitator.domain.errors import N_
from facilitator.web.common import WebError
from facilitator.web.limiter import RateLimiter


def client_address(conn: HTTPConnection) -> str:
    """The address of the other end. Behind a trusted proxy uvicorn's proxy_headers has
    already put the phone's address from X-Forwarded-For here."""
    return conn.client.host if conn.client else "unknown"


def _guesses(conn: HTTPConnection) -> RateLimiter:
    limiter: RateLimiter = conn.app.state.guesses
    return limiter


def blocked(conn: HTTPConnection) -> bool:
    """Whether this address has guessed wrong too often to be heard now."""
    return not _guesses(conn).available(client_address(conn))


def failed(conn: HTTPConnection) -> None:
    """Count one failed guess of this address."""
    _guesses(conn).take(client_address(conn))


def check(conn: HTTPConnection) -> None:
    """Refuse (429 with Retry-After) an address that guessed wrong too often; call it before
    comparing any secret."""
    if blocked(conn):
        wait = _guesses(conn).retry_after(client_address(conn))
        raise WebError("rate_limited", N_("Too many wrong attempts from your network. Please "
                                          "wait a minute and try again."),
                       headers={"Retry-After": str(wait)})


def foreign_origin(conn: HTTPConnection) -> bool:
    """Whether a browser says this request comes from a page of another site: its Origin
    (or, without one, its Referer) names another host than ours. A request without either
    is not from a browser's form on another site, so it is let through."""
    source = conn.headers.get("origin") or conn.headers.get("referer")
    if source is None:
        return False
    if source == "null":  # an opaque origin: a sandboxed frame, a data: URL, a file
        return True
    base_url: str = conn.app.state.settings.base_url
    ours = {urlsplit(base_url).netloc, conn.headers.get("host", "")}
    return urlsplit(source).netloc not in ours
