"""The hand-written parser and encoder of the wire protocol before issue 9: facilitator/live/
protocol.py of commit 81a822f with the current protocol version (1.3) and event type
phase.ended, the last state before its messages became msgspec types (live/messages.py). Kept
only so that bench/codec.py can compare the two, and tests/unit/test_messages.py can hold the
new parser to the old one's answers; the server does not use it."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from facilitator.domain.errors import N_
from facilitator.domain.model import valid_unicode

# The version of today's protocol (live/protocol.py), so that hellos compare: 1.1 and 1.2
# changed no message's encoding (docs/protocol.md, "Versions").
VERSION = "1.3"
MAX_FRAME = 16 * 1024
ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")
# Nesting a message may have: a command's deepest value (a sheet's rows, a config's items) is
# four levels down; anything much deeper is an attack on the parser or on code that recurses.
MAX_DEPTH = 16
# Integers a message may carry: what every JSON implementation holds exactly (2**53 - 1).
MAX_INT = 2**53 - 1
# JSON can escape half of a UTF-16 surrogate pair ("\ud800") on its own: the parser accepts
# it, but it is no Unicode text and cannot be stored or sent on. A frame itself is UTF-8, so
# such a character can only come from an escape: look closer only when one is there.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89abcdefABCDEF]")


def _is_str(v: Any) -> bool:
    return isinstance(v, str)


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and -MAX_INT <= v <= MAX_INT


def _is_bool(v: Any) -> bool:
    return isinstance(v, bool)


def _is_str_list(v: Any) -> bool:
    return isinstance(v, list) and len(v) <= 100 and all(isinstance(x, str) for x in v)


def _is_object(v: Any) -> bool:
    return isinstance(v, dict)


def _is_opt_str(v: Any) -> bool:
    return v is None or isinstance(v, str)


def _is_opt_int(v: Any) -> bool:
    return v is None or _is_int(v)


def _is_sheet_value(v: Any) -> bool:
    # A text, or the rows of a rows field; the measure kind checks the details.
    return isinstance(v, str) or (isinstance(v, list) and len(v) <= 100
                                  and all(isinstance(row, dict) for row in v))


@dataclass(frozen=True)
class Field:
    check: Callable[[Any], bool]
    what: str  # for the error message: the JSON type expected
    required: bool = True


STR = Field(_is_str, "string")
OPT_STR = Field(_is_opt_str, "string or null", required=False)
# Texts and lists may be missing; the domain says what is wrong with them in words.
TEXT = Field(_is_str, "string", required=False)
INT = Field(_is_int, "whole number (at most 2^53 - 1)")
STR_LIST = Field(_is_str_list, "array of strings")
OBJECT = Field(_is_object, "object", required=False)
BOOL = Field(_is_bool, "boolean", required=False)
OPT_INT = Field(_is_opt_int, "whole number or null", required=False)
NULLABLE_STR = Field(_is_opt_str, "string or null")  # required, null has a meaning

# Client → server: control messages, then commands (which also need an `id`).
CONTROL_MESSAGES: dict[str, dict[str, Field]] = {
    "ping": {"id": Field(lambda v: isinstance(v, str) and len(v) <= 64, "string of at most "
                         "64 characters", required=False)},
}

# Activity transitions name the activity; commands on its content may also name the group
# whose instance of a per-group activity the moderator means.
_ON = {"activity": STR}
_ACT = {"activity": STR, "group": OPT_STR}
_IDEA = {**_ACT, "idea": STR}
_QUESTION = {**_ACT, "question": STR}
COMMAND_MESSAGES: dict[str, dict[str, Field]] = {
    "session.open": {},
    "session.start": {},
    "session.close": {},
    "session.delete": {},
    "session.notes": {"notes": OPT_STR},
    "session.limits": {"limits": Field(_is_object, "object")},
    "participant.rename": {"name": OPT_STR},
    "participant.where": {"where": STR},
    "group.create": {"name": TEXT},
    "group.rename": {"group": STR, "name": TEXT},
    "group.delete": {"group": STR},
    "group.assign": {"participant": STR, "group": NULLABLE_STR},
    "groups.shuffle": {"only_unassigned": BOOL},
    "groups.choice": {"open": BOOL},
    "group.spokesperson": {"group": STR, "participant": NULLABLE_STR},
    "group.choose": {"group": NULLABLE_STR},
    "phase.create": {"title": TEXT, "minutes": OPT_INT, "notes": OPT_STR, "timer": OPT_INT},
    "phase.update": {"phase": STR, "title": TEXT, "minutes": OPT_INT, "notes": OPT_STR,
                     "timer": OPT_INT},
    "phase.start": {"phase": STR},
    "timer.start": {"seconds": INT, "label": OPT_STR},
    "timer.pause": {},
    "timer.resume": {},
    "timer.extend": {"seconds": INT},
    "timer.stop": {},
    "activity.create": {"kind": STR, "title": TEXT, "prompt": OPT_STR, "config": OBJECT,
                        "phase": OPT_STR, "per_group": BOOL},
    "activity.activate": _ON,
    "activity.lock": _ON,
    "activity.unlock": _ON,
    "activity.reveal": _ON,
    "activity.conceal": _ON,
    "idea.add": {**_ACT, "text": TEXT},
    "idea.edit": {**_IDEA, "text": TEXT},
    "idea.withdraw": _IDEA,
    "idea.support": {**_IDEA, "support": BOOL},
    "idea.hide": _IDEA,
    "idea.restore": _IDEA,
    "idea.approve": _IDEA,
    "idea.pin": {**_IDEA, "pinned": BOOL},
    "idea.merge": {**_IDEA, "into": STR},
    "idea.unmerge": _IDEA,
    "idea.move": {**_IDEA, "cluster": OPT_STR},
    "cluster.create": {**_ACT, "name": TEXT},
    "cluster.rename": {**_ACT, "cluster": STR, "name": TEXT},
    "cluster.delete": {**_ACT, "cluster": STR},
    "vote.cast": {**_ACT, "choices": STR_LIST},
    "dots.set": {**_ACT, "item": STR, "count": INT},
    "ranking.set": {**_ACT, "order": STR_LIST},
    "scale.rate": {**_ACT, "item": STR, "criterion": STR, "value": OPT_INT, "clear": BOOL},
    "matrix.place": {**_ACT, "item": STR, "x": OPT_INT, "y": OPT_INT, "clear": BOOL},
    "consent.cast": {**_ACT, "vote": NULLABLE_STR},
    "words.submit": {**_ACT, "words": STR_LIST},
    "words.hide": {**_ACT, "word": STR},
    "words.restore": {**_ACT, "word": STR},
    "question.ask": {**_ACT, "text": TEXT},
    "question.withdraw": _QUESTION,
    "question.upvote": {**_QUESTION, "up": BOOL},
    "question.answer": {**_QUESTION, "answered": BOOL},
    "question.hide": _QUESTION,
    "question.restore": _QUESTION,
    "question.pin": {**_QUESTION, "pinned": BOOL},
    "question.approve": _QUESTION,
    "sheet.edit": {**_ACT, "field": STR, "value": Field(_is_sheet_value, "string or array"),
                   "version": INT},
}

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
                            limit=MAX_FRAME)
    message = loads(text)
    if not isinstance(message, dict):
        raise ProtocolError("bad_json", N_("The message must be a JSON object."))
    kind = message.get("type")
    raw_id = message.get("id")
    ident = raw_id if isinstance(raw_id, str) and ID_PATTERN.fullmatch(raw_id) else None
    if not well_formed(message, _SURROGATE_ESCAPE.search(text) is not None):
        raise ProtocolError("invalid", N_("The message holds text that is not valid Unicode "
                                          "or is nested too deeply."), ident)
    if not isinstance(kind, str):
        raise ProtocolError("bad_message", N_("The message has no type."), ident)
    if kind in COMMAND_MESSAGES:
        schema = COMMAND_MESSAGES[kind]
        if ident is None:
            raise ProtocolError(
                "bad_message", N_("A command needs an id of 1 to 64 letters, digits, _ or -."))
    elif kind in CONTROL_MESSAGES:
        schema = CONTROL_MESSAGES[kind]
    else:
        raise ProtocolError("unknown_type", N_("Unknown message type: {type}."), ident,
                            type=kind[:40])
    args = {k: v for k, v in message.items() if k not in {"type", "id"}}
    unknown = sorted(set(args) - set(schema))
    if unknown:
        raise ProtocolError("bad_message", N_("Unknown field: {key}."), ident,
                            key=unknown[0][:40])
    for name, field in schema.items():
        if name not in args:
            if field.required:
                raise ProtocolError("bad_message", N_("The field {key} is missing."), ident,
                                    key=name)
            continue
        if not field.check(args[name]):
            raise ProtocolError("bad_message", N_("The field {key} must be a {what}."), ident,
                                key=name, what=field.what)
    if kind == "ping":
        ident = message.get("id")
    return Inbound(kind, ident, args)


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


def well_formed(value: Any, check_text: bool) -> bool:
    """No container deeper than MAX_DEPTH; with check_text, every string (keys included) is
    valid Unicode. Iterative, so that checking a deep value cannot exhaust the stack."""
    stack: list[tuple[Any, int]] = [(value, 0)]
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


def encode(message: Mapping[str, Any]) -> str:
    return json.dumps(message, ensure_ascii=False, separators=(",", ":"))


def hello(role: str, seq: int, session: dict[str, Any] | None, you: dict[str, Any] | None,
          mine: dict[str, Any] | None, *, now: str, resumed: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "hello", "protocol": VERSION, "role": role, "seq": seq,
                           "now": now, "resumed": resumed, "you": you, "session": session}
    if mine is not None:
        out["mine"] = mine
    return out


def event(seq: int, at: str, name: str, data: dict[str, Any]) -> dict[str, Any]:
    return {"type": "event", "seq": seq, "at": at, "event": name, "data": data}


def tally(seq: int, activity: str, results: dict[str, Any],
          group: str | None = None) -> dict[str, Any]:
    out = {"type": "tally", "seq": seq, "activity": activity, "results": results}
    if group is not None:
        out["group"] = group  # one group's instance of a per-group activity
    return out


def ack(ident: str | None, seq: int | None, result: dict[str, Any]) -> dict[str, Any]:
    return {"type": "ack", "id": ident, "seq": seq, "result": result}


def error(ident: str | None, code: str, message: str,
          details: dict[str, Any] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "error", "id": ident, "code": code, "message": message}
    if details is not None:
        out["details"] = details
    return out


def pong(ident: str | None) -> dict[str, Any]:
    return {"type": "pong", "id": ident}


def notice(refused: dict[str, int]) -> dict[str, Any]:
    """To moderators: joins refused by the session's limits so far, by limit."""
    return {"type": "notice", "refused": dict(refused)}
