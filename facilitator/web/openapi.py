"""The OpenAPI 3.1 document of the HTTP side, made from the route table (app.routes()) and the
documentation the handler modules keep beside their handlers (their DOCS lists), with the
bodies' JSON Schemas generated from web/schemas.py. Served at /api/openapi.json.

A route without a Doc is left out, not guessed at; tests/integration/test_openapi.py fails
when one is missing. The WebSocket has its own document (docs/protocol.md).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route

from facilitator import __version__
from facilitator.live import schema
from facilitator.web import api, archive, console_plans, metrics, pages, plans
from facilitator.web import media_docs as uploads
from facilitator.web.common import STATUS
from facilitator.web.routedoc import ANYONE, PARAMS, Answer, Doc
from facilitator.web.schemas import ErrorBody

SCHEMAS = "#/components/schemas/{name}"

DESCRIPTION = """\
The HTTP side of a facilitator server: the JSON API (creating and joining sessions), the
pages a browser uses, the documentation downloads, QR codes, the health and readiness
checks and the metrics. The prose
version, with the rules for clients, is `docs/http.md` in the facilitator sources.

**The live session is not here.** Everything that happens in a session (activities, votes,
results) goes over one WebSocket per client, `GET /ws/{code}` upgraded to a WebSocket: see
[docs/protocol.md](docs/protocol.md) in the facilitator sources, and the AsyncAPI 3.0 document
served at `/api/asyncapi.json`.

**Credentials.** The organiser key as `Authorization: Bearer <key>` (creating sessions); the
participant's cookie `fp_<CODE>` (set by joining); the moderator's and the presenter's tokens,
which are part of their URLs' paths (`/moderate/{code}/{token}`, `/present/{code}/{token}`): a
wrong token is the same 404 as an unknown code. Failed guesses of codes, tokens and keys are
counted per network address: past `guesses_per_minute` (30 by default) the address gets 429
with `Retry-After` on every route that takes one, until its allowance refills.

**Errors.** Under `/api/` a refusal is JSON, `{"error": {"code", "message"}}` (`ErrorBody`);
elsewhere it is an HTML page with the same status. Besides the statuses listed per operation,
any request may get `405` for a method the route does not take (JSON `invalid` under
`/api/`), `500` (`text/plain`) on a defect of the server, and `503` (`text/plain`) when the
server is at its limit of open connections; a request whose headers do not arrive within
`header_timeout` is cut off (`408` when part of it had arrived), one whose body does not arrive
within `body_timeout` gets `408` `timeout`. `HEAD` is answered wherever `GET` is.

**Headers.** Every answer carries `Content-Security-Policy` (nothing from other hosts),
`X-Content-Type-Options: nosniff` and `Referrer-Policy` (`no-referrer` where the URL holds a
token, else `same-origin`). There are no CORS headers: the API is for the same origin and for
programs that are not browsers.
"""

# Response headers, by the names the Docs use.
HEADERS: dict[str, tuple[str, str, dict[str, Any]]] = {
    "Retry-After": ("Retry-After", "Whole seconds to wait before trying again.",
                    {"type": "integer", "minimum": 1}),
    "Location": ("Location", "Where to go next (303 See Other: follow it with GET).",
                 {"type": "string"}),
    "Set-Cookie-fp": (
        "Set-Cookie", "The participant's cookie: `fp_<CODE>=<token>; HttpOnly; Max-Age=172800; "
        "Path=/; SameSite=lax`, with `Secure` when the server is reached over HTTPS (its "
        "public URL, or the scheme a trusted proxy reports).", {"type": "string"}),
    "Set-Cookie-lang": (
        "Set-Cookie", "The language chosen: `facilitator_lang=de` or `=en`; HttpOnly; "
        "Max-Age=31536000; Path=/; SameSite=lax` (and `Secure` over HTTPS).",
        {"type": "string"}),
    "Set-Cookie-organiser": (
        "Set-Cookie", "The organiser's cookie, for this browser session: "
        "`facilitator_organiser=<value>; HttpOnly; Path=/; SameSite=strict` (and `Secure` "
        "over HTTPS).", {"type": "string"}),
    "Content-Disposition": ("Content-Disposition", "`attachment; filename=\"<session id>.zip\"`",
                            {"type": "string"}),
    "Content-Disposition-plan": ("Content-Disposition",
                                 "`attachment; filename=\"<slug of the title>.toml\"`",
                                 {"type": "string"}),
    "Cache-Control-no-store": ("Cache-Control", "`no-store`", {"type": "string",
                                                               "const": "no-store"}),
    "Cache-Control-public": ("Cache-Control", "`public, max-age=3600`",
                             {"type": "string", "const": "public, max-age=3600"}),
    "Referrer-Policy": ("Referrer-Policy", "`no-referrer`: the URL holds a token.",
                        {"type": "string", "const": "no-referrer"}),
    "WWW-Authenticate": ("WWW-Authenticate", "`Bearer`: send the token as "
                         "`Authorization: Bearer <token>`.", {"type": "string"}),
    "Connection": ("Connection", "`close`: the rest of the body may still be on its way.",
                   {"type": "string", "const": "close"}),
}
# Headers that come with a refusal of this code.
REFUSAL_HEADERS = {"rate_limited": ("Retry-After",), "too_large": ("Connection",),
                   "timeout": ("Connection",)}

SECURITY = {
    "organiserKey": {
        "type": "http", "scheme": "bearer",
        "description": "The organiser key: `FACILITATOR_ORGANISER_KEY`, or the one generated "
                       "on first start into `DATA_DIR/organiser-key` and printed by "
                       "`facilitator serve`."},
    "organiserCookie": {
        "type": "apiKey", "in": "cookie", "name": "facilitator_organiser",
        "description": "Set by logging in to the organiser console (`POST /console/login`)."},
    "metricsToken": {
        "type": "http", "scheme": "bearer",
        "description": "The setting `metrics_token` (`FACILITATOR_METRICS_TOKEN`), when set."},
    "participantCookie": {
        "type": "apiKey", "in": "cookie", "name": "fp_<CODE>",
        "description": "The participant's device token, in a cookie named after the "
                       "session's code (`fp_K7MXR4`); set by joining, valid for two days."},
}

TAGS = [
    {"name": "API", "description": "JSON, for programs."},
    {"name": "Pages", "description": "HTML, for browsers."},
    {"name": "Documentation", "description": "The documentation of a session (docs/archive.md), "
                                             "for its moderators."},
    {"name": "Plans", "description": "The session's plan as a file or a template "
                                     "(docs/plans.md), for its moderators."},
    {"name": "Files", "description": "Slides and photos: uploads (JSON answers, also when "
                                      "refused) and the stored files."},
    {"name": "QR codes", "description": "The join URL as a picture."},
    {"name": "Operations", "description": "For monitors and for writing clients."},
]


async def openapi_json(request: Request) -> Response:
    # Made once per app: it depends only on the route table and the code.
    cached: bytes | None = getattr(request.app.state, "openapi", None)
    if cached is None:
        cached = json.dumps(document(request.app.routes), ensure_ascii=False,
                            separators=(",", ":")).encode()
        request.app.state.openapi = cached
    return Response(cached, media_type="application/json")


async def asyncapi_json(request: Request) -> Response:
    """The AsyncAPI 3.0 document of the WebSocket, made from the same message types that
    decode and encode the frames (facilitator/live/messages.py)."""
    cached: bytes | None = getattr(request.app.state, "asyncapi", None)
    if cached is None:
        cached = json.dumps(schema.asyncapi(), ensure_ascii=False,
                            separators=(",", ":")).encode()
        request.app.state.asyncapi = cached
    return Response(cached, media_type="application/json")


OWN_DOCS = [
    Doc("openapi", "This document",
        "The OpenAPI 3.1 document of every route, made from the server's route table.",
        "Operations", answers=(Answer(200, "The document.", media="application/json"),)),
    Doc("asyncapi", "The WebSocket protocol as AsyncAPI",
        "The AsyncAPI 3.0 document of the WebSocket `/ws/{code}`: every message in both "
        "directions with its JSON Schema, made from the same types that decode and encode "
        "them. The prose, with the rules per audience, is docs/protocol.md.",
        "Operations", answers=(Answer(200, "The document.", media="application/json"),)),
    Doc("static", "Static files, versioned",
        "The pages' scripts and styles as the pages link them: `/static/v/<VERSION>/js/…`, "
        "where the version is a hash of every static file when the server started, so a "
        "changed file gets a new URL. With the current version the answer may be kept for a "
        "year (`Cache-Control: public, max-age=31536000, immutable`); with another one it is "
        "the same file with `no-cache`. Scripts, styles and SVG come gzipped when the browser "
        "accepts it (compressed once and kept in memory; scripts without their comment lines "
        "and indentation). Answers `304` to a matching `If-None-Match` or "
        "`If-Modified-Since`; an unknown file is the 404 page.", "Pages",
        params={"path": "A file below the static folder.",
                "version": "The static files' version, as the pages link it."},
        answers=(Answer(200, "The file, with `ETag`, `Last-Modified` and `Cache-Control`; "
                             "its media type follows from its name.", media="*/*"),
                 Answer(304, "Not modified."),
                 Answer(404, "No such file: the error page.", media="text/html"))),
    Doc("static_latest", "Static files",
        "The same files without a version (`/static/js/…`, `/static/css/…`), for links from "
        "outside the pages: always `Cache-Control: no-cache` (the browser revalidates). "
        "Answers `304` to a matching `If-None-Match` or `If-Modified-Since`; an unknown file "
        "is the 404 page.", "Pages",
        params={"path": "A file below the static folder."},
        answers=(Answer(200, "The file, with `ETag` and `Last-Modified`; its media type "
                             "follows from its name.", media="*/*"),
                 Answer(304, "Not modified."),
                 Answer(404, "No such file: the error page.", media="text/html"))),
]


def all_docs() -> list[Doc]:
    return [*api.DOCS, *pages.DOCS, *console_plans.DOCS, *archive.DOCS, *plans.DOCS,
            *uploads.DOCS, *metrics.DOCS, *OWN_DOCS]


def document(routes: Sequence[BaseRoute], docs: Iterable[Doc] | None = None) -> dict[str, Any]:
    found = {(doc.route, doc.method): doc for doc in (all_docs() if docs is None else docs)}
    operations: list[tuple[str, str, Doc]] = []
    for route in routes:
        if isinstance(route, Route):
            methods = sorted((route.methods or set()) - {"HEAD"})
            for method in methods:
                doc = found.get((route.name, method))
                if doc is not None:
                    ident = route.name if len(methods) == 1 else f"{route.name}_{method.lower()}"
                    operations.append((route.path, ident, doc))
        elif isinstance(route, Mount) and (str(route.name), "GET") in found:
            # A mount is described as one GET of any path below it.
            operations.append((f"{route.path}/{{path}}", str(route.name),
                               found[(str(route.name), "GET")]))
    # JSON Schemas of every body type, once, as components.
    kinds: set[type[msgspec.Struct]] = {ErrorBody, uploads.UploadError}
    for _, _, doc in operations:
        kinds |= {answer.schema for answer in doc.answers if answer.schema is not None}
        if doc.body is not None:
            kinds.add(doc.body.schema)
    ordered = sorted(kinds, key=lambda kind: kind.__name__)
    refs, components = msgspec.json.schema_components(ordered, ref_template=SCHEMAS)
    schema_of = dict(zip(ordered, refs, strict=True))
    paths: dict[str, dict[str, Any]] = {}
    for path, ident, doc in operations:
        paths.setdefault(path, {})[doc.method.lower()] = _operation(path, ident, doc, schema_of)
    return {
        "openapi": "3.1.0",
        "info": {"title": "facilitator", "version": __version__, "description": DESCRIPTION,
                 "license": {"name": "AGPL-3.0-or-later", "identifier": "AGPL-3.0-or-later"}},
        "tags": TAGS,
        "paths": paths,
        "components": {"schemas": components, "securitySchemes": SECURITY,
                       "headers": {name: {"description": description, "schema": schema}
                                   for name, (_, description, schema) in HEADERS.items()}},
    }


def _operation(path: str, ident: str, doc: Doc, schema_of: dict[Any, Any]) -> dict[str, Any]:
    operation: dict[str, Any] = {"operationId": ident, "summary": doc.summary,
                                 "description": doc.description, "tags": [doc.tag]}
    parameters = [{"name": name, "in": "path", "required": True, "schema": {"type": "string"},
                   "description": doc.params.get(name) or PARAMS[name]}
                  for name in re.findall(r"{(\w+)}", path)]
    parameters += [{"name": name, "in": "query", "required": False,
                    "schema": {"type": "string"}, "description": description}
                   for name, description in doc.query.items()]
    if parameters:
        operation["parameters"] = parameters
    if doc.security:
        operation["security"] = [{} if name == ANYONE else {name: []} for name in doc.security]
    if doc.body is not None:
        media: dict[str, Any] = {"schema": schema_of[doc.body.schema]}
        if doc.body.example is not None:
            media["example"] = doc.body.example
        # A body without required fields may be left out: it is read as {}.
        operation["requestBody"] = {"required": _required(doc.body.schema),
                                    "content": {doc.body.media: media}}
    responses: dict[str, Any] = {}
    for answer in doc.answers:
        responses[str(answer.status)] = _answer(answer, schema_of)
    # Uploads answer their refusals as flat JSON (web/media.py, web/media_docs.py), the API as
    # ErrorBody.
    flat = doc.route in uploads.JSON_ERRORS
    json_errors = path.startswith("/api/") or flat
    error_schema = schema_of[uploads.UploadError if flat else ErrorBody]
    for status, refusals in _by_status(doc.refusals).items():
        if str(status) in responses:
            raise ValueError(f"{doc.route} {doc.method}: {status} is both an answer and a "
                             "refusal")
        responses[str(status)] = _refusal(refusals, json_errors, error_schema, flat)
    operation["responses"] = responses
    return operation


def _required(kind: type[msgspec.Struct]) -> bool:
    return any(field.required for field in msgspec.structs.fields(kind))


def _answer(answer: Answer, schema_of: dict[Any, Any]) -> dict[str, Any]:
    response: dict[str, Any] = {"description": answer.description}
    if answer.headers:
        response["headers"] = _headers(answer.headers)
    if answer.schema is not None:
        media: dict[str, Any] = {"schema": schema_of[answer.schema]}
        if answer.example is not None:
            media["example"] = answer.example
        response["content"] = {"application/json": media}
    elif answer.media is not None:
        text = answer.media.startswith("text/")
        response["content"] = {answer.media: {"schema": {"type": "string"}} if text else {}}
    return response


def _headers(names: Iterable[str]) -> dict[str, Any]:
    return {HEADERS[name][0]: {"$ref": f"#/components/headers/{name}"} for name in names}


def _by_status(refusals: Iterable[tuple[str, str]]) -> dict[int, list[tuple[str, str]]]:
    grouped: dict[int, list[tuple[str, str]]] = {}
    for code, message in refusals:
        grouped.setdefault(STATUS[code], []).append((code, message))
    return dict(sorted(grouped.items()))


def _refusal(refusals: list[tuple[str, str]], json_errors: bool,
             error_schema: dict[str, Any], flat: bool = False) -> dict[str, Any]:
    if json_errors:
        reasons = [f"- `{code}`: {message}" for code, message in refusals]
    else:  # the page says why in the session's (or the browser's) language
        reasons = ["A page saying why, such as:", *(f"- {message}" for _, message in refusals)]
    response: dict[str, Any] = {"description": "\n".join(reasons)}
    headers = [name for code, _ in refusals for name in REFUSAL_HEADERS.get(code, ())]
    if headers:
        response["headers"] = _headers(dict.fromkeys(headers))
    if json_errors:
        examples: dict[str, Any] = {}
        for code, message in refusals:
            name, n = code, 1
            while name in examples:
                n += 1
                name = f"{code}_{n}"
            value = ({"error": code, "message": message} if flat
                     else {"error": {"code": code, "message": message}})
            examples[name] = {"summary": message, "value": value}
        response["content"] = {"application/json": {"schema": error_schema,
                                                     "examples": examples}}
    else:
        response["content"] = {"text/html": {"schema": {"type": "string"}}}
    return response

