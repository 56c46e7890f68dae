"""The protocol's messages as JSON Schema and as an AsyncAPI 3.0 document, derived from the
msgspec types of live/messages.py. docs/protocol.md stays the prose: the event `data`, the
session view and the results of a tally are objects here, described there per event and kind.
"""

from __future__ import annotations

import functools
import operator
from typing import Any

import msgspec

from facilitator.live import messages
from facilitator.live.protocol import MAX_FRAME, VERSION

DOCS = "docs/protocol.md"


def _union(classes: tuple[type[msgspec.Struct], ...]) -> Any:
    return functools.reduce(operator.or_, classes)


def json_schema() -> dict[str, Any]:
    """Every message, both directions, as one JSON Schema (draft 2020-12): a frame is valid
    when it is one of them; each message is also in `$defs` by its class name."""
    (client, server), defs = msgspec.json.schema_components(
        [_union(messages.CLIENT), _union(messages.SERVER)], ref_template="#/$defs/{name}")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"facilitator wire protocol {VERSION}",
        "description": f"Every WebSocket message of facilitator; the prose is {DOCS}.",
        "anyOf": [{"title": "client to server", **client},
                  {"title": "server to client", **server}],
        "$defs": defs,
    }


def _summary(cls: type[msgspec.Struct]) -> dict[str, str]:
    doc = (cls.__doc__ or "").strip()
    return {"summary": " ".join(doc.split())} if doc else {}


def _messages(classes: tuple[type[msgspec.Struct], ...]) -> list[dict[str, str]]:
    return [{"$ref": f"#/channels/session/messages/{cls.__name__}"} for cls in classes]


def asyncapi() -> dict[str, Any]:
    """The protocol as an AsyncAPI 3.0 document, as seen from the server: it receives the
    clients' commands and pings on a session's socket and sends everything else there."""
    every = (*messages.CLIENT, *messages.SERVER)
    _, schemas = msgspec.json.schema_components(every,
                                                ref_template="#/components/schemas/{name}")
    commands = messages.COMMANDS
    pushed = tuple(cls for cls in messages.SERVER
                   if cls not in (messages.Ack, messages.Error, messages.Pong))
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "facilitator live protocol",
            "version": VERSION,
            "description": (
                "The WebSocket protocol between the facilitator server and its clients (the "
                "participant page, the beamer, the moderator console, your own). Every frame "
                f"is a UTF-8 JSON text frame of at most {MAX_FRAME} bytes holding one object "
                f"with a `type`. The contract in prose, with the data of every event, the "
                f"views and the results per activity kind, is {DOCS}."),
        },
        "defaultContentType": "application/json",
        "channels": {
            "session": {
                "address": "/ws/{code}",
                "title": "A session's live socket",
                "description": (
                    "One socket per client. The role follows from the credential: `?token=` "
                    "(moderator, co-moderator, presenter or participant token) or the "
                    "participant's cookie `fp_<CODE>`. `?resume=<seq>` asks for a replay of "
                    "what was missed instead of the whole state."),
                "parameters": {"code": {"description": "The session's join code: six "
                                                       "characters, upper case on the wire."}},
                "messages": {cls.__name__: {"$ref": f"#/components/messages/{cls.__name__}"}
                             for cls in every},
                "bindings": {"ws": {
                    "method": "GET",
                    "query": {"type": "object", "properties": {
                        "token": {"type": "string"},
                        "resume": {"type": "string", "pattern": "^[0-9]{1,15}$"}}},
                    "bindingVersion": "0.1.0"}},
            },
        },
        "operations": {
            "command": {
                "action": "receive", "channel": {"$ref": "#/channels/session"},
                "summary": "A command changes the session; exactly one ack or error with its "
                           "id answers it.",
                "messages": _messages(commands),
                "reply": {"channel": {"$ref": "#/channels/session"},
                          "messages": _messages((messages.Ack, messages.Error))},
            },
            "ping": {
                "action": "receive", "channel": {"$ref": "#/channels/session"},
                "summary": "Keeps the connection alive; answered with pong.",
                "messages": _messages((messages.Ping,)),
                "reply": {"channel": {"$ref": "#/channels/session"},
                          "messages": _messages((messages.Pong, messages.Error))},
            },
            "push": {
                "action": "send", "channel": {"$ref": "#/channels/session"},
                "summary": "hello first, then events, tallies and (to moderators) notices.",
                "messages": _messages(pushed),
            },
        },
        "components": {
            "messages": {cls.__name__: {"name": messages.tag(cls), "title": messages.tag(cls),
                                        **_summary(cls),
                                        "payload": {"$ref": f"#/components/schemas/"
                                                            f"{cls.__name__}"}}
                         for cls in every},
            "schemas": schemas,
        },
    }
