"""What a route does, as data: each handler module keeps a `DOCS` list of these next to its
handlers, and web/openapi.py turns them and the route table into the OpenAPI document.

Refusals are listed by their error code with an example sentence (the server's English
wording); the HTTP status follows from the code (common.STATUS), so a route's statuses can
never disagree with what its handler answers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from msgspec import Struct


@dataclass(frozen=True)
class Answer:
    """One successful answer. `schema`: a JSON body of this type; else `media`: a body of
    this media type (None: no body). `headers`: names in openapi.HEADERS."""

    status: int
    description: str
    schema: type[Struct] | None = None
    media: str | None = None
    headers: tuple[str, ...] = ()
    example: Any = None


@dataclass(frozen=True)
class Body:
    """The request body: JSON of this type, or one of our url-encoded forms."""

    schema: type[Struct]
    media: str = "application/json"
    example: Any = None


@dataclass(frozen=True)
class Doc:
    route: str  # the name in app.routes()
    summary: str
    description: str
    tag: str
    method: str = "GET"
    answers: tuple[Answer, ...] = ()
    refusals: tuple[tuple[str, str], ...] = ()  # (error code, an example message)
    body: Body | None = None
    security: tuple[str, ...] = ()  # names of security schemes, any one of them suffices
    params: dict[str, str] = field(default_factory=dict)  # path parameters not in PARAMS
    query: dict[str, str] = field(default_factory=dict)  # optional query parameters


ANYONE = ""  # in Doc.security: the route also answers without a credential (differently)
PAGE_FORM = "application/x-www-form-urlencoded"

# Path parameters, described once.
CODE = ("The session's join code: six characters of ACEFHJKMNPRTVWXY3479; case, spaces and "
        "hyphens do not matter (`k7m-xr4` is `K7MXR4`). An unknown code is 404 and counts as "
        "a failed guess.")
MODERATOR_TOKEN = ("The moderator's (or a co-moderator's) token, as in `moderator_url`. A "
                   "wrong token is the same 404 as an unknown code and counts as a failed "
                   "guess.")
PRESENTER_TOKEN = ("The presenter's token, as in `presenter_url`. A wrong token is the same "
                   "404 as an unknown code and counts as a failed guess.")
PARAMS = {"code": CODE}

# Refusals several routes share, with the server's words.
GUESSES = (("rate_limited", "Too many wrong attempts from your network. Please wait a minute "
                            "and try again."),)
UNKNOWN = (("not_found", "There is no session with this code."),)
FIND = GUESSES + UNKNOWN  # a code (and a token) in the path
BODY = (("too_large", "The request is too large."),
        ("timeout", "The request took too long to arrive. Please try again."))
JSON_BODY = (("bad_json", "The request body is not valid JSON."),
             ("bad_json", "The request body must be a JSON object."),
             ("invalid", "The request contains text that is not valid Unicode or is nested "
                         "too deeply."),
             ("bad_message", "Unknown field: age."), *BODY)
FORM_BODY = (("invalid", "The form contains characters that are not allowed."),
             ("invalid", "The form could not be read."), *BODY)
