"""Every JSON body of the HTTP API, defined once: what the handlers read and write, and what
the OpenAPI document (web/openapi.py) and docs/http.md describe.

The request types name the fields a body may have, their defaults and the types a client
should send. The domain judges the values, as it does for every other way in (plan files, the
command line), and words the refusal in the session's language; a body of the wrong types is
therefore handed to it as it came, so that it is refused with the same sentence as ever (see
`body.read`). The constraints below are the domain's limits, for clients; the domain measures a
text after trimming it.
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from msgspec import UNSET, Meta, Struct, UnsetType
from starlette.responses import Response

# -- Requests ---------------------------------------------------------------------------------

Moderators = Annotated[list[Annotated[str, Meta(min_length=1, max_length=80)]],
                       Meta(max_length=10)]


class CreateSession(Struct, forbid_unknown_fields=True, kw_only=True):
    """A new session, in draft: open it on the moderator console (or with `session.open` over
    the WebSocket) before anyone can join."""

    title: Annotated[str, Meta(
        min_length=1, max_length=200,
        description="The workshop's title: not blank, at most 200 characters after trimming, "
                    "no control characters.")]
    language: Annotated[Literal["de", "en"] | None, Meta(
        description="The session's language: its pages, messages and documentation. "
                    "Left out or null: the server's default language (its `language` "
                    "setting, \"de\" unless set).")] = None
    names: Annotated[bool, Meta(
        description="Whether participants may give a name when they join; otherwise "
                    "everyone is anonymous.")] = False
    place: Annotated[Annotated[str, Meta(max_length=200)] | None, Meta(
        description="Where the workshop takes place, for the documentation: at most 200 "
                    "characters after trimming; blank or null for none.")] = None
    moderators: Annotated[Moderators | None, Meta(
        description="The moderators' names, for the documentation: at most 10, each not "
                    "blank and at most 80 characters; null or [] for none.")] = None


class JoinSession(Struct, forbid_unknown_fields=True, kw_only=True):
    """A new participant. Both fields may be left out; `{}` (or an empty body) joins
    anonymously without saying where."""

    name: Annotated[Annotated[str, Meta(max_length=40)] | None, Meta(
        description="The participant's name, at most 40 characters after trimming, no "
                    "control characters; blank or null for anonymous. Ignored (stored as "
                    "null) unless the session allows names.")] = None
    where: Annotated[Literal["room", "online", ""] | None, Meta(
        description="Where the participant takes part, in hybrid workshops: \"room\" or "
                    "\"online\"; \"\" or null for not saying.")] = None


# -- Answers ----------------------------------------------------------------------------------

Code = Annotated[str, Meta(pattern="^[ACEFHJKMNPRTVWXY3479]{6}$",
                           description="The join code: six characters, upper case.")]
Url = Annotated[str, Meta(description="An absolute URL under the server's public URL.")]
Token = Annotated[str, Meta(pattern="^[A-Za-z0-9_-]{32}$")]


class SessionCreated(Struct, kw_only=True):
    """The new session and its links. The tokens are secrets: whoever has one has its role in
    this session until the server's secret changes."""

    id: Annotated[str, Meta(
        pattern="^[a-z0-9][a-z0-9-]*$",
        description="The session's id: a slug of the title and the code. It names the "
                    "documentation's folder and its zip.")]
    code: Code
    join_url: Annotated[str, Meta(
        description="The join page for phones (`/j/<code>`); the QR codes encode it.")]
    moderator_url: Annotated[str, Meta(
        description="The moderator console (`/moderate/<code>/<moderator_token>`): runs the "
                    "session. Keep it to yourself.")]
    presenter_url: Annotated[str, Meta(
        description="The beamer page (`/present/<code>/<presenter_token>`): shows the join "
                    "code and the results; sends no commands.")]
    moderator_token: Annotated[Token, Meta(
        description="The moderator's credential, as in moderator_url: for a WebSocket "
                    "client, `/ws/<code>?token=<moderator_token>`.")]
    presenter_token: Annotated[Token, Meta(
        description="The presenter's credential, as in presenter_url.")]
    comoderator_url: Annotated[str, Meta(
        description="The invite link for co-moderators: the moderator console with a token "
                    "of its own, which may do everything except delete the session.")]


class Joined(Struct, kw_only=True):
    """The new participant. The same token is also set as the cookie `fp_<code>`."""

    participant: Annotated[str, Meta(
        pattern="^p[0-9]+$",
        description="The participant's public id in this session (p1, p2, ...).")]
    token: Annotated[str, Meta(
        pattern="^p[0-9]+\\.[A-Za-z0-9_-]{32}$",
        description="The participant's device token: secret. Send it as `?token=` (or the "
                    "cookie `fp_<code>`) on every WebSocket connection; the same token is "
                    "the same participant.")]
    code: Code
    ws: Annotated[str, Meta(
        pattern="^/ws/[ACEFHJKMNPRTVWXY3479]{6}$",
        description="The path of the session's WebSocket (docs/protocol.md).")]


class Health(Struct, kw_only=True):
    """Whether the server can record votes: the database takes a write and the disk has
    room."""

    ok: bool
    error: Annotated[str, Meta(
        description="Why not (only when ok is false): a read-only or full disk, a broken "
                    "database.")] | UnsetType = UNSET


class Ready(Struct, kw_only=True):
    """Whether this process should be sent new clients: started, not shutting down, and its
    store takes writes."""

    ready: bool
    reason: Annotated[str, Meta(
        description="Why not (only when ready is false): `starting`, `shutting down`, or "
                    "`store: ` and what the store said.")] | UnsetType = UNSET


ErrorCode = Literal[
    "invalid", "bad_message", "bad_json", "too_large", "forbidden", "not_found",
    "session_state", "activity_closed", "not_yours", "limit_reached", "rate_limited", "busy",
    "session_not_open", "unauthorised", "conflict", "timeout"]


class ErrorDetail(Struct):
    code: Annotated[ErrorCode, Meta(
        description="Stable, for programs; the HTTP status follows from it (docs/http.md).")]
    message: Annotated[str, Meta(
        description="For people: one sentence in the session's language (or the one the "
                    "request's Accept-Language prefers).")]


class ErrorBody(Struct):
    """Every refusal of a request under /api/."""

    error: ErrorDetail


# -- Forms of the pages (application/x-www-form-urlencoded, every value a text) ---------------


class JoinForm(Struct):
    """The join page's form. Other fields are ignored."""

    name: Annotated[str, Meta(description="As in the API: ignored unless the session "
                                          "allows names.")] = ""
    where: Annotated[str, Meta(description="\"room\" or \"online\"; anything else is "
                                           "taken as not saying.")] = ""


class LanguageForm(Struct):
    """The language switch of the join and participant pages."""

    lang: Annotated[str, Meta(description="\"de\" or \"en\".")] = ""
    next: Annotated[str, Meta(description="Where to go back to: a path on this server "
                                          "(anything else goes to `/`).")] = "/"


class LoginForm(Struct):
    """The organiser console's login form."""

    key: Annotated[str, Meta(description="The organiser key.")] = ""


class CreateForm(Struct):
    """The organiser console's form for a new session."""

    title: Annotated[str, Meta(description="As in the API.")] = ""
    language: Annotated[str, Meta(description="\"de\" or \"en\"; anything else is the "
                                              "server's default language.")] = ""
    names: Annotated[str, Meta(description="\"on\" to allow names; anything else (or "
                                           "leaving it out) does not.")] = ""


class PlanForm(Struct):
    """The organiser console's buttons for a new session from a plan of the library or from
    an earlier session's plan."""

    source: Annotated[str, Meta(description="\"ready\" (a ready plan), \"template\" (a "
                                            "template saved on this server) or \"session\" "
                                            "(a copy of an earlier session's plan).")] = ""
    name: Annotated[str, Meta(description="The ready plan's or template's name (as "
                                          "`facilitator plans` lists them), or the earlier "
                                          "session's join code.")] = ""


class UploadForm(Struct):
    """The organiser console's form for a new session from a plan file
    (multipart/form-data). Only documented: the handler reads the file itself."""

    plan: Annotated[str, Meta(
        description="The plan file (docs/plans.md): UTF-8 TOML, at most 256 KiB.",
        extra_json_schema={"contentMediaType": "application/toml"})]


# -- Writing ----------------------------------------------------------------------------------


def answer(value: Struct, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A JSON answer of one of the types above."""
    return Response(msgspec.json.encode(value), status, headers, media_type="application/json")


REQUESTS: tuple[type[Struct], ...] = (CreateSession, JoinSession)
ANSWERS: tuple[type[Struct], ...] = (SessionCreated, Joined, Health, Ready, ErrorBody)
FORMS: tuple[type[Struct], ...] = (JoinForm, LanguageForm, LoginForm, CreateForm, PlanForm,
                                   UploadForm)
