"""Issue 9: the JSON Schema and the AsyncAPI 3.0 document of the wire protocol, derived from
live/messages.py; and every example message in docs/protocol.md is valid by them."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from bench.archive import LOG, load
from facilitator.domain import views
from facilitator.domain.session import SessionState
from facilitator.live import messages, protocol
from facilitator.live.fanout import encode_event, tallies_for
from facilitator.live.schema import asyncapi, json_schema

ROOT = Path(__file__).parent.parent.parent
PROTOCOL_MD = ROOT / "docs" / "protocol.md"
# The JSON Schema of the AsyncAPI 3.0.0 specification, from the AsyncAPI initiative (npm
# @asyncapi/specs, installed with the other test tools of package.json).
ASYNCAPI_SPEC = ROOT / "node_modules" / "@asyncapi" / "specs" / "schemas" / "3.0.0-without-$id.json"
CLASS = {messages.tag(cls): cls.__name__ for cls in (*messages.CLIENT, *messages.SERVER)}


def _resolve(document: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), ref
    node: Any = document
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [node["$ref"]] if "$ref" in node else [r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


# -- AsyncAPI -----------------------------------------------------------------------------

def test_asyncapi_is_an_asyncapi_3_document() -> None:
    doc = asyncapi()
    assert doc["asyncapi"] == "3.0.0"
    assert doc["info"]["title"] and doc["info"]["version"] == protocol.VERSION
    assert set(doc["channels"]) == {"session"}
    channel = doc["channels"]["session"]
    assert channel["address"] == "/ws/{code}" and set(channel["parameters"]) == {"code"}
    for name, operation in doc["operations"].items():
        assert operation["action"] in {"send", "receive"}, name
        assert operation["channel"] == {"$ref": "#/channels/session"}, name
        for ref in [*operation["messages"], *operation.get("reply", {}).get("messages", [])]:
            # an operation's messages are those of its channel
            assert ref["$ref"].startswith("#/channels/session/messages/"), (name, ref)
    received = {m["$ref"].rsplit("/", 1)[1] for o in doc["operations"].values()
                if o["action"] == "receive" for m in o["messages"]}
    sent = {m["$ref"].rsplit("/", 1)[1] for o in doc["operations"].values()
            for m in (o["messages"] if o["action"] == "send"
                      else o.get("reply", {}).get("messages", []))}
    assert received == {cls.__name__ for cls in messages.CLIENT}
    assert sent == {cls.__name__ for cls in messages.SERVER}
    components = doc["components"]
    assert set(components["messages"]) == set(CLASS.values())
    for tag, name in CLASS.items():
        message = components["messages"][name]
        assert message["name"] == tag
        assert message["payload"] == {"$ref": f"#/components/schemas/{name}"}
        assert components["schemas"][name]["properties"]["type"] == {"enum": [tag]}
    for ref in _refs(doc):
        _resolve(doc, ref)  # every reference leads somewhere
    json.dumps(doc)  # served as JSON as it is


@pytest.mark.parametrize("name", sorted(CLASS.values()))
def test_every_payload_schema_is_a_json_schema(name: str) -> None:
    """Each payload schema, with the components it refers to, is a valid schema of draft
    2020-12 (what json_schema() publishes) and of draft 07 (what AsyncAPI schemas extend)."""
    doc = asyncapi()
    payload = _resolve(doc, doc["components"]["messages"][name]["payload"]["$ref"])
    schema = {**payload, "components": {"schemas": doc["components"]["schemas"]}}
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft7Validator.check_schema(schema)


@pytest.mark.skipif(not ASYNCAPI_SPEC.exists(), reason="npm install (package.json) puts it there")
def test_asyncapi_is_valid_by_the_asyncapi_specification() -> None:
    spec = json.loads(ASYNCAPI_SPEC.read_text("utf-8"))
    validator = jsonschema.Draft7Validator(spec)
    errors = [f"{list(e.absolute_path)}: {e.message[:300]}"
              for e in validator.iter_errors(asyncapi())]
    assert not errors, "\n".join(errors)
    broken = asyncapi()
    broken["operations"]["push"]["action"] = "publish"  # AsyncAPI 2's word
    assert not validator.is_valid(broken)


def test_json_schema_holds_every_message() -> None:
    schema = json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert set(CLASS.values()) <= set(schema["$defs"])
    validator = jsonschema.Draft202012Validator(schema)
    assert validator.is_valid({"type": "ping"})
    assert validator.is_valid({"type": "vote.cast", "id": "c1", "activity": "a3",
                               "choices": ["o1"]})
    assert not validator.is_valid({"type": "vote.cast", "id": "c1", "activity": "a3"})
    assert not validator.is_valid({"type": "vote.cast", "id": "c 1", "activity": "a3",
                                   "choices": []})
    assert not validator.is_valid({"type": "ack", "id": "c1", "seq": 1})


def test_what_the_server_sends_through_a_whole_workshop_is_valid() -> None:
    """The recorded simulation lab (every kind, groups, a phase plan): every event as each
    channel gets it, then every hello and tally at the end, are valid by the schema."""
    defs = json_schema()["$defs"]
    valid = {name: jsonschema.Draft202012Validator({"$ref": f"#/$defs/{name}", "$defs": defs})
             for name in ("Event", "Hello", "Tally")}
    events = load(LOG)
    state = SessionState.from_events(events[:1])
    sent: list[tuple[str, str]] = []
    for event in events[1:]:
        state.apply(event)
        sent += [("Event", text) for text in encode_event(state, event).values() if text]
    for audience in ("moderator", "presenter"):
        sent.append(("Hello", protocol.encode(protocol.hello(
            audience, state.seq, state.view(audience), None, None, now="2026-11-21T12:00:00Z"))))
        sent += [("Tally", text) for text in tallies_for(state, audience, None)]
    for who in state.participants:
        you = views.you(state, who)
        sent.append(("Hello", protocol.encode(protocol.hello(
            "participant", state.seq, state.view("participant", you["group"]), you,
            state.mine(who), now="2026-11-21T12:00:00Z"))))
        sent += [("Tally", text) for text in tallies_for(state, "participant", you["group"])]
    problems = [f"{name} {text[:120]}: {error.message[:200]}" for name, text in sent
                for error in valid[name].iter_errors(json.loads(text))]
    assert not problems, "\n".join(problems[:20])
    assert len(sent) > len(events)


# -- the examples of docs/protocol.md --------------------------------------------------------

# An example may stand for a part documented elsewhere with an ellipsis: `{ …session view… }`
# is an object, `[ …activity views… ]` an array.
PLACEHOLDERS = ((re.compile(r"\{\s*…[^{}\[\]]*\}"), "{}"),
                (re.compile(r"\[\s*…[^{}\[\]]*\]"), "[]"))


def examples(markdown: str) -> list[tuple[int, str, Any]]:
    """(line, text, parsed) of every example of a wire message: each ```json block holding
    an object with a `type`, each inline `{"type": …}`, and each message `→ {…}` / `← {…}` of
    the other code blocks (transcripts; a message may go on over the next, indented lines,
    and one abbreviated with … is left out). parsed is None for an example that is no JSON
    (a json block even with its placeholders filled)."""
    found: list[tuple[int, str, Any]] = []
    fence: str | None = None
    block: list[str] = []
    start = 0
    said: list[tuple[int, str]] = []  # the messages of a transcript
    going = False  # the last line was (part of) one
    for number, line in enumerate(markdown.splitlines(), 1):
        if line.startswith("```"):
            if fence is None:
                fence, block, said, start = line[3:].strip(), [], [], number
                continue
            if fence == "json":
                found += _block(start, "\n".join(block))
            else:
                found += [_message(n, text) for n, text in said if "…" not in text]
            fence = None
        elif fence is None:
            found += [(number, span, json.loads(span))
                      for span in re.findall(r'`(\{"type"[^`]*\})`', line)]
        elif fence == "json":
            block.append(line)
        elif arrow := re.match(r"\s*[→←]\s*(\{.*)", line):
            said.append((number, arrow.group(1)))
            going = True
        elif going and line.startswith(" "):
            said[-1] = (said[-1][0], f"{said[-1][1]} {line.strip()}")
        else:
            going = False
    return found


def _block(line: int, text: str) -> list[tuple[int, str, Any]]:
    filled = text
    for pattern, value in PLACEHOLDERS:
        filled = pattern.sub(value, filled)
    try:
        parsed = json.loads(filled)
    except ValueError:
        return [(line, text, None)] if '"type"' in text else []
    return [(line, text, parsed)] if isinstance(parsed, dict) and "type" in parsed else []


def _message(line: int, text: str) -> tuple[int, str, Any]:
    text = re.sub(r"\}\s+\([^(]*\)\s*$", "}", text)  # a remark after it
    try:
        return line, text, json.loads(text)
    except ValueError:
        return line, text, None


def faults(markdown: str) -> list[str]:
    """What is wrong with the examples: each is valid by the schema of its type, and a
    client's example is also accepted by the server's parser."""
    schema = json_schema()
    out = []
    for line, text, parsed in examples(markdown):
        if parsed is None:
            out.append(f"line {line}: not JSON: {text[:80]}")
            continue
        name = CLASS.get(parsed.get("type"))
        if name is None:
            out.append(f"line {line}: no message has the type {parsed.get('type')!r}")
            continue
        validator = jsonschema.Draft202012Validator({"$ref": f"#/$defs/{name}",
                                                     "$defs": schema["$defs"]})
        out += [f"line {line} ({parsed['type']}): {e.message[:200]}"
                for e in validator.iter_errors(parsed)]
        if parsed["type"] in protocol.CLIENT_MESSAGES:
            try:
                protocol.parse(json.dumps(parsed))
            except protocol.ProtocolError as refused:
                out.append(f"line {line} ({parsed['type']}): refused, {refused.code}")
    return out


def test_every_example_message_in_protocol_md_is_valid() -> None:
    markdown = PROTOCOL_MD.read_text("utf-8")
    problems = faults(markdown)
    assert not problems, "docs/protocol.md:\n" + "\n".join(problems)
    shown = {parsed["type"] for _, _, parsed in examples(markdown)}
    # each server message, ping and some commands have an example that was checked
    assert {messages.tag(cls) for cls in messages.SERVER} | {"ping"} <= shown
    assert shown & set(protocol.COMMAND_MESSAGES)


def test_a_wrong_example_is_found() -> None:
    markdown = "\n".join([
        "The answer: `{\"type\": \"pong\", \"id\": 5}`.", "",
        "```json", '{"type": "ack", "id": "c1", "result": {}}', "```", "",
        "```json", '{"type": "hello", "session": { …see below, "protocol": 1 }', "```", "",
        "```json", '{"type": "event", "seq": 1, "at": "x", "event": "idea.dropped", '
        '"data": {}}', "```", "",
        "```", '→ {"type":"vote.cast","id":"c2","activity":"a3","choices":"o1"}',
        '← {"type":"tally",…}', "```",
        "```json", '{"participant": "p7"}', "```",
    ])
    problems = faults(markdown)
    assert [p.split(":")[0] for p in problems] == [
        "line 1 (pong)", "line 3 (ack)", "line 7", "line 11 (event)", "line 16 (vote.cast)",
        "line 16 (vote.cast)"], problems
