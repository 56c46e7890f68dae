"""Reading request bodies at the edge: bounded in size and time, and only clean text gets in.

uvicorn waits for a body as long as the client takes to send it, so a few slow clients could
hold connections and handler tasks for ever; `body_timeout` bounds that (408). Whatever the
domain gets from here is text a person could have typed: no lone UTF-16 surrogates (which
cannot be encoded as UTF-8 and would fail later, when the event is written), no NaN.
"""

from __future__ import annotations

import asyncio
import contextlib
import unicodedata
from typing import Any, TypeVar
from urllib.parse import parse_qsl

import msgspec
from starlette.requests import Request

from facilitator.domain.errors import N_
from facilitator.live import protocol
from facilitator.web.common import WebError

Body = TypeVar("Body", bound=msgspec.Struct)

BODY_LIMIT = 16 * 1024  # the largest JSON or form we expect is far below (a title, a name)
FORM_FIELDS = 20


def _too_large() -> WebError:
    return WebError("too_large", N_("The request is too large."),
                    headers={"Connection": "close"})


async def read_body(request: Request, limit: int = BODY_LIMIT) -> bytes:
    """The body, refused with 413 past `limit` bytes (without reading the rest) and with 408
    when it has not arrived within the body_timeout setting."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_large()
    chunks: list[bytes] = []
    size = 0
    try:
        async with asyncio.timeout(request.app.state.settings.body_timeout), \
                contextlib.aclosing(request.stream()) as stream:
            async for chunk in stream:
                size += len(chunk)
                if size > limit:
                    raise _too_large()
                chunks.append(chunk)
    except TimeoutError:
        # Close the connection: the rest of the body may still be on its way.
        raise WebError("timeout", N_("The request took too long to arrive. Please try "
                                     "again."), headers={"Connection": "close"}) from None
    return b"".join(chunks)


def _unclean(text: str, controls: bool) -> bool:
    """Whether text holds a lone surrogate, or (with controls) a control character."""
    for char in text:
        category = unicodedata.category(char)
        if category == "Cs" or (controls and category == "Cc"):
            return True
    return False


async def read_json(request: Request) -> dict[str, Any]:
    """The body as a JSON object ({} when empty)."""
    body = await read_body(request)
    if not body:
        return {}
    # The same decoding as a WebSocket frame's (live/protocol.py): no NaN or Infinity, no
    # overflowing numbers, no nesting that exhausts the stack, and (control characters are
    # the domain's to judge, it names the field) no lone surrogates, which are no text.
    try:
        value = protocol.loads(body)
    except protocol.ProtocolError as error:
        raise WebError(error.code, N_("The request body is not valid JSON.")) from None
    if not isinstance(value, dict):
        raise WebError("bad_json", N_("The request body must be a JSON object."))
    if not protocol.well_formed(value, check_text=True):
        raise WebError("invalid", N_("The request contains text that is not valid Unicode "
                                     "or is nested too deeply."))
    return value


async def read(request: Request, kind: type[Body]) -> Body:
    """The JSON body as `kind` (one of web/schemas.py): a field `kind` does not have is
    refused with 400 bad_message. A value of the wrong type is handed on as it came, for the
    domain to refuse with its own sentence in the session's language (as it refuses a plan
    file's or the command line's); the few it tolerates (a name where the session takes no
    names, which it ignores; moderators empty in another way than [] or null) keep working."""
    body = await read_json(request)
    unknown = sorted(set(body) - set(kind.__struct_fields__))
    if unknown:
        raise WebError("bad_message", N_("Unknown field: {key}."), {"key": unknown[0]})
    try:
        return msgspec.convert(body, kind, strict=True)
    except msgspec.ValidationError:
        # A Struct's constructor checks no types; a missing required field is null, as
        # before the types were defined.
        missing = {f.name: None for f in msgspec.structs.fields(kind) if f.required}
        return kind(**{**missing, **body})


async def read_form_as(request: Request, kind: type[Body]) -> Body:
    """The fields of one of our forms (read_form) that `kind` names; others are ignored."""
    fields = await read_form(request)
    return kind(**{name: value for name, value in fields.items()
                   if name in kind.__struct_fields__})


async def read_form(request: Request) -> dict[str, str]:
    """The fields of one of our HTML forms (the first value of each), every one a line of
    clean text. Our forms are url-encoded UTF-8, which is all a browser sends for them; bytes
    that are not UTF-8 (an encoded lone surrogate among them) or a control character refuse
    the whole form with 400, where Starlette's parser would have turned them into U+FFFD."""
    body = await read_body(request)
    if not body:
        return {}
    media = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if media != "application/x-www-form-urlencoded":
        raise WebError("invalid", N_("The form could not be read."))
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True,
                          max_num_fields=FORM_FIELDS, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise WebError("invalid", N_("The form contains characters that are not allowed.")) \
            from None
    except ValueError:  # more than FORM_FIELDS fields
        raise WebError("invalid", N_("The form could not be read.")) from None
    fields: dict[str, str] = {}
    for name, value in pairs:
        if _unclean(name, controls=True) or _unclean(value, controls=True):
            raise WebError("invalid", N_("The form contains characters that are not allowed."))
        fields.setdefault(name, value)
    return fields
