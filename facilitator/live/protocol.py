"""Reading what clients send and encoding what the server sends. The messages themselves are
defined once, in live/messages.py (STYLE.md, point 7), and documented in docs/protocol.md;
tests/unit/test_docs.py fails when one is missing there.

A frame is decoded straight into its message type by msgspec: every well-formed frame takes
this path and is checked for nothing else but the depth of its free-form values. A frame that
msgspec refuses is read again the way it always was, with the json module and the checks of
`_diagnose` in a fixed order, so that each fault gets the code and the message it always got,
whatever the order of the fields in the frame: not JSON, or a number that overflows
(bad_json); a string that is no Unicode, or nesting too deep (invalid); no type or no id
(bad_message); an unknown type (unknown_type); unknown fields; then each field in the order
of its definition, missing or of the wrong type (bad_message). The field checks there are
msgspec's own, from the same definitions.

The domain gets `Inbound(type, id, args)`: args holds the fields that were sent, as plain
values; the domain checks their meaning (lengths, states, permissions).
"""

from __future__ import annotations

import functools
import json
import math
import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, cast, get_args

import msgspec
import msgspec.inspect as mi

from facilitator.domain.errors import N_
from facilitator.domain.model import Audience, valid_unicode
from facilitator.live import messages

ERROR_CODES = messages.ERROR_CODES
EVENT_TYPES = messages.EVENT_TYPES
MAX_INT = messages.MAX_INT

# 1.1: a resumed hello's seq is the point its replay starts from; every change of state is
# an event; command ids per credential. 1.2: the plan editor (activity.update, .delete, .hide,
# .move, .duplicate, phase.delete, .move, session.update) and files. 1.3: next steps
# (nextstep.add, .update, .delete) and the answer to a question (docs/protocol.md, "Versions").
VERSION = "1.3"
MAX_FRAME = 16 * 1024
ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")
# Nesting a message may have: a command's deepest value (a sheet's rows, a config's items) is
# four levels down; anything much deeper is an attack on the parser or on code that recurses.
MAX_DEPTH = 16
# JSON can escape half of a UTF-16 surrogate pair ("\ud800") on its own: the json module
# accepts it (msgspec does not), but it is no Unicode text and cannot be stored or sent on. A
# frame itself is UTF-8, so such a character can only come from an escape: look closer only
# when one is there.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89abcdefABCDEF]")
# A frame too large to read still names its command when the id is among its first members:
# only members with plain values may come before it, so an "id" of a nested object is never
# taken for it. No more than the first PEEK characters are looked at.
_LEADING_ID = re.compile(r'\s*\{(?:\s*"(?:[^"\\]|\\.)*"\s*:\s*(?:"(?:[^"\\]|\\.)*"|[-+.\w]+)'
                         r'\s*,)*?\s*"id"\s*:\s*"([A-Za-z0-9_-]{1,64})"')
PEEK = 200

SERVER_MESSAGES = tuple(messages.tag(cls) for cls in messages.SERVER)


@dataclass(frozen=True)
class Field:
    """A field of a client message as the checks of a refused frame see it: its check, the
    JSON type it wants (for the error message) and whether it must be there."""

    check: Callable[[Any], bool]
    what: str
    required: bool = True


@dataclass(frozen=True)
class _Kind:
    type: str
    command: bool
    fields: dict[str, Field]  # in order; a command's id is checked on its own, before them
    args: tuple[str, ...]  # what goes to the domain: every field but the id
    free: tuple[str, ...]  # fields holding any JSON, whose depth is checked


def _bare(annotation: Any) -> Any:
    """A field's type without UnsetType, the mark of a field that may be left out."""
    members = [t for t in get_args(annotation) if t is not msgspec.UnsetType]
    if not members or len(members) == len(get_args(annotation)):
        return annotation
    return functools.reduce(operator.or_, members)


def _what(info: mi.Type) -> str:
    if isinstance(info, mi.UnionType):
        names = [_SHORT[type(t)] for t in info.types if not isinstance(t, mi.NoneType)]
        null = len(names) < len(info.types)
        return " or ".join([*names, "null"] if null else names)
    if isinstance(info, mi.IntType):
        return "whole number (at most 2^53 - 1)"
    if isinstance(info, mi.StrType) and info.max_length is not None:
        return f"string of at most {info.max_length} characters"
    if isinstance(info, mi.ListType) and isinstance(info.item_type, mi.StrType):
        return "array of strings"
    return _SHORT[type(info)]


_SHORT: dict[type[mi.Type], str] = {mi.StrType: "string", mi.IntType: "whole number",
                                    mi.BoolType: "boolean", mi.DictType: "object",
                                    mi.ListType: "array"}


def _holds_any(info: mi.Type) -> bool:
    if isinstance(info, mi.AnyType):
        return True
    if isinstance(info, mi.UnionType):
        return any(_holds_any(t) for t in info.types)
    if isinstance(info, mi.ListType):
        return _holds_any(info.item_type)
    if isinstance(info, mi.DictType):
        return _holds_any(info.value_type)
    return False


def _conforms(type_: Any) -> Callable[[Any], bool]:
    def check(value: Any) -> bool:
        try:
            msgspec.convert(value, type_, strict=True)
        except msgspec.ValidationError:
            return False
        return True
    return check


def _kind(cls: type[msgspec.Struct]) -> _Kind:
    command = issubclass(cls, messages.Command)
    fields: dict[str, Field] = {}
    free = []
    for field in msgspec.structs.fields(cls):
        type_ = _bare(field.type)
        info = mi.type_info(type_)
        if _holds_any(info):
            free.append(field.name)
        if field.name != "id" or not command:
            fields[field.name] = Field(_conforms(type_), _what(info), field.required)
    return _Kind(messages.tag(cls), command, fields,
                 tuple(name for name in fields if name != "id"), tuple(free))


_KINDS: dict[type[msgspec.Struct], _Kind] = {cls: _kind(cls) for cls in messages.CLIENT}
_BY_TYPE = {kind.type: kind for kind in _KINDS.values()}
_DECODER: msgspec.json.Decoder[Any] = msgspec.json.Decoder(
    functools.reduce(operator.or_, messages.CLIENT))
_ENCODER = msgspec.json.Encoder()

# Client → server: control messages, then commands (which also need an `id`).
CONTROL_MESSAGES = {kind.type: kind.fields for kind in _KINDS.values() if not kind.command}
COMMAND_MESSAGES = {kind.type: kind.fields for kind in _KINDS.values() if kind.command}
CLIENT_MESSAGES = (*CONTROL_MESSAGES, *COMMAND_MESSAGES)


class ProtocolError(Exception):
    """An inbound message is malformed: answered with an `error`, nothing changes."""

    def __init__(self, code: str, message: str, ident: str | None = None, **params: Any):
        super().__init__(message)
        self.code = code
        self.message = message
        self.params = params
        self.id = ident


@dataclass(frozen=True)
class Inbound:
    type: str
    id: str | None
    args: dict[str, Any]


def parse(text: str | bytes | None) -> Inbound:
    """Check one inbound frame; raise ProtocolError with a stable code when it is wrong."""
    if not isinstance(text, str):
        raise ProtocolError("bad_message", N_("Only JSON text frames are accepted."))
    # In bytes of UTF-8, as documented; encoding is needed only when the text could be over.
    if len(text) > MAX_FRAME or (len(text) * 4 > MAX_FRAME
                                 and len(text.encode("utf-8", "surrogatepass")) > MAX_FRAME):
        raise ProtocolError("too_large", N_("The message is larger than {limit} bytes."),
                            oversized_id(text), limit=MAX_FRAME)
    try:
        message = _DECODER.decode(text)
    except (msgspec.DecodeError, RecursionError, UnicodeEncodeError):
        return _diagnose(text)
    kind = _KINDS[type(message)]
    args = {}
    for name in kind.args:
        value = getattr(message, name)
        if value is not msgspec.UNSET:
            args[name] = value
    for name in kind.free:
        if name in args and not well_formed(args[name], False, depth=1):
            return _diagnose(text)
    ident = message.id
    return Inbound(kind.type, None if ident is msgspec.UNSET else ident, args)


def oversized_id(text: str) -> str | None:
    """The command id of a frame too large to parse, when it is among its first members."""
    match = _LEADING_ID.match(text, 0, PEEK)
    return match.group(1) if match else None


def _diagnose(text: str) -> Inbound:
    """A frame msgspec refused, checked in the order of the protocol's precedence; returns
    what it holds when it is fine after all (a repeated key, say, of which JSON takes the
    last)."""
    message = loads(text)
    if not isinstance(message, dict):
        raise ProtocolError("bad_json", N_("The message must be a JSON object."))
    name = message.get("type")
    raw_id = message.get("id")
    ident = raw_id if isinstance(raw_id, str) and ID_PATTERN.fullmatch(raw_id) else None
    if not well_formed(message, _SURROGATE_ESCAPE.search(text) is not None):
        raise ProtocolError("invalid", N_("The message holds text that is not valid Unicode "
                                          "or is nested too deeply."), ident)
    if not isinstance(name, str):
        raise ProtocolError("bad_message", N_("The message has no type."), ident)
    kind = _BY_TYPE.get(name)
    if kind is None:
        raise ProtocolError("unknown_type", N_("Unknown message type: {type}."), ident,
                            type=name[:40])
    if kind.command and ident is None:
        raise ProtocolError(
            "bad_message", N_("A command needs an id of 1 to 64 letters, digits, _ or -."))
    unknown = sorted(set(message) - {"type", "id"} - set(kind.fields))
    if unknown:
        raise ProtocolError("bad_message", N_("Unknown field: {key}."), ident,
                            key=unknown[0][:40])
    for key, field in kind.fields.items():
        if key not in message:
            if field.required:
                raise ProtocolError("bad_message", N_("The field {key} is missing."), ident,
                                    key=key)
        elif not field.check(message[key]):
            raise ProtocolError("bad_message", N_("The field {key} must be a {what}."), ident,
                                key=key, what=field.what)
    args = {k: v for k, v in message.items() if k not in {"type", "id"}}
    return Inbound(kind.type, ident if kind.command else message.get("id"), args)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError("the number is too large")
    return value


def loads(text: str | bytes) -> Any:
    """Parse JSON as every other JSON implementation would: no NaN or Infinity, no number
    that overflows, no nesting that exhausts the stack (each a bad_json ProtocolError)."""
    try:
        return json.loads(text, parse_constant=_no_constant, parse_float=_finite)
    except (ValueError, RecursionError):
        # ValueError also covers integers of more than 4,300 digits (Python refuses them).
        raise ProtocolError("bad_json", N_("The message is not valid JSON.")) from None


def well_formed(value: Any, check_text: bool, depth: int = 0) -> bool:
    """No container deeper than MAX_DEPTH (value itself is `depth` levels down); with
    check_text, every string (keys included) is valid Unicode. Iterative, so that checking a
    deep value cannot exhaust the stack."""
    stack: list[tuple[Any, int]] = [(value, depth)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            if depth >= MAX_DEPTH:
                return False
            for key, inner in item.items():
                if check_text and not valid_unicode(key):
                    return False
                stack.append((inner, depth + 1))
        elif isinstance(item, list):
            if depth >= MAX_DEPTH:
                return False
            stack.extend((inner, depth + 1) for inner in item)
        elif check_text and isinstance(item, str) and not valid_unicode(item):
            return False
    return True


def encode(message: messages.ServerMessage | dict[str, Any]) -> str:
    """One server message as the text of a frame (the dicts are acks and errors as the
    writer returns them, or remembered answers read back)."""
    return _ENCODER.encode(message).decode()


def raw(value: Any) -> msgspec.Raw:
    """A value encoded once, to be put into messages as it is (msgspec writes Raw verbatim)."""
    return msgspec.Raw(_ENCODER.encode(value))


def hello(role: Audience, seq: int, session: dict[str, Any] | msgspec.Raw | None,
          you: dict[str, Any] | None, mine: dict[str, Any] | None, *, now: str,
          resumed: bool = False) -> messages.Hello:
    # `you` is domain.views.you(); its shape is the You of the schema.
    return messages.Hello(protocol=VERSION, role=role, seq=seq, now=now, resumed=resumed,
                          you=cast("messages.You | None", you),
                          session=cast("dict[str, Any] | None", session),
                          mine=msgspec.UNSET if mine is None else mine)


def event(seq: int, at: str, name: str, data: dict[str, Any]) -> messages.Event:
    return messages.Event(seq=seq, at=at, event=name, data=data)


def tally(seq: int, activity: str, results: dict[str, Any] | None,
          group: str | None = None, responses: int | None = None) -> messages.Tally:
    # group: one group's instance of a per-group activity; responses: the presenter's count
    # while the results are hidden from it (results None then)
    return messages.Tally(seq=seq, activity=activity, results=results,
                          group=msgspec.UNSET if group is None else group,
                          responses=msgspec.UNSET if responses is None else responses)


# Acks and errors stay dicts: SessionRuntime.submit() answers with them, and the HTTP side,
# the command line and the plans read them. tests/unit/test_messages.py holds them to the
# shapes of messages.Ack and messages.Error.
def ack(ident: str | None, seq: int | None, result: dict[str, Any]) -> dict[str, Any]:
    return {"type": "ack", "id": ident, "seq": seq, "result": result}


def is_ack(text: str) -> bool:
    """Whether the text of an answer is an ack (as encode() writes one, `type` first), without
    decoding it: the socket counts its answers per command (web/metrics.py)."""
    return text.startswith('{"type":"ack"')


def error(ident: str | None, code: str, message: str,
          details: dict[str, Any] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "error", "id": ident, "code": code, "message": message}
    if details is not None:
        out["details"] = details
    return out


def pong(ident: str | None) -> messages.Pong:
    return messages.Pong(id=ident)


def mine(seq: int, activity: str, own: dict[str, Any] | None) -> messages.Mine:
    """To one participant: its contributions to one activity, changed by someone else."""
    return messages.Mine(seq=seq, activity=activity, mine=own)


def you(seq: int, who: dict[str, Any]) -> messages.YouMessage:
    """To a participant's connections: its `you`, after it changed it on one of them."""
    return messages.YouMessage(seq=seq, you=cast("messages.You", who))


def notice(refused: Mapping[str, int]) -> messages.Notice:
    """To moderators: joins refused by the session's limits so far, by limit."""
    return messages.Notice(refused=dict(refused))
