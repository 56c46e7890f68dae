"""Issue 9: the wire messages are msgspec types (live/messages.py); frames are decoded into
them and the server's messages encoded from them (live/protocol.py). Every command decodes,
each fault gets its code and sentence, and for any frame the answer is the one the hand-written
parser before issue 9 gave (bench/codec_before.py), but for the two changes of issue 9."""

from __future__ import annotations

import json
from typing import Any

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench import codec_before as before
from facilitator.i18n import translate
from facilitator.live import messages, protocol
from facilitator.live.protocol import ProtocolError, parse

# A value of each field type the protocol knows, for a well-formed command.
SAMPLE = {"string": "x", "string or null": None, "whole number (at most 2^53 - 1)": 7,
          "whole number or null": None, "array of strings": ["o1"], "object": {"a": [1]},
          "boolean": True, "string or array": [{"step": "x", "date": "2026-05-01"}]}


def _refusal(frame: str | bytes | None) -> ProtocolError:
    with pytest.raises(ProtocolError) as caught:
        parse(frame)
    return caught.value


# -- every command decodes ----------------------------------------------------------------

@pytest.mark.parametrize("cls", messages.COMMANDS, ids=messages.tag)
def test_every_command_decodes_with_its_required_fields_only(cls: type[msgspec.Struct]) -> None:
    fields = protocol.COMMAND_MESSAGES[messages.tag(cls)]
    args = {name: SAMPLE[field.what] for name, field in fields.items() if field.required}
    inbound = parse(json.dumps({"type": messages.tag(cls), "id": "c-1", **args}))
    assert (inbound.type, inbound.id, inbound.args) == (messages.tag(cls), "c-1", args)


@pytest.mark.parametrize("cls", messages.COMMANDS, ids=messages.tag)
def test_every_command_decodes_with_every_field(cls: type[msgspec.Struct]) -> None:
    fields = protocol.COMMAND_MESSAGES[messages.tag(cls)]
    args = {name: SAMPLE[field.what] for name, field in fields.items()}
    # the fields in another order than defined: order is no meaning
    frame = json.dumps({**dict(reversed(args.items())), "id": "c_2", "type": messages.tag(cls)})
    inbound = parse(frame)
    assert (inbound.type, inbound.id, inbound.args) == (messages.tag(cls), "c_2", args)


# Commands added after the hand-written tables were retired: the old parser never knew them.
NEWER = {"session.screen", "session.update", "activity.update", "activity.delete",
         "activity.hide", "activity.move", "activity.duplicate", "phase.delete", "phase.move",
         "slides.show", "photo.remove", "nextstep.add", "nextstep.update", "nextstep.delete"}
# Optional fields added to older commands since then (protocol 1.3: the answer to a question).
ADDED = {"question.answer": {"answer"}}


def test_the_tables_of_the_refusals_are_the_old_ones() -> None:
    """Field names, their order (the order faults are reported in), JSON types and whether
    they are required: as the hand-written tables had them."""
    def shape(table: dict[str, Any]) -> dict[str, list[tuple[str, str, bool]]]:
        return {name: [(key, f.what, f.required) for key, f in fields.items()
                       if key not in ADDED.get(name, ())]
                for name, fields in table.items()}

    newer = NEWER
    now = {k: v for k, v in protocol.COMMAND_MESSAGES.items() if k not in newer}
    assert shape(now) == shape(before.COMMAND_MESSAGES)
    assert list(protocol.CONTROL_MESSAGES) == list(before.CONTROL_MESSAGES) == ["ping"]
    assert set(protocol.CLIENT_MESSAGES) - newer == set(before.CLIENT_MESSAGES)


def test_ping_and_its_id() -> None:
    assert parse('{"type": "ping"}') == protocol.Inbound("ping", None, {})
    assert parse('{"type":"ping","id":"keepalive"}') == protocol.Inbound("ping", "keepalive", {})
    # any string up to 64 characters, as documented, even one no command may have
    assert parse('{"type":"ping","id":"has space"}').id == "has space"
    for bad in ('"' + "x" * 65 + '"', "5", "null", "[]"):
        refused = _refusal('{"type": "ping", "id": ' + bad + "}")
        assert (refused.code, refused.params) == (
            "bad_message", {"key": "id", "what": "string of at most 64 characters"})


# -- each fault, its code ------------------------------------------------------------------

DOTS = '"type": "dots.set", "id": "c-9", "activity": "a1", "item": "t1"'


def dots(rest: str = "") -> str:
    """A dots.set frame with more members (its text, so that numbers can be written as no
    encoder would write them)."""
    return "{" + DOTS + rest + "}"


@pytest.mark.parametrize(("frame", "code", "message", "params", "ident"), [
    (b'{"type": "ping"}', "bad_message", "Only JSON text frames are accepted.", {}, None),
    (None, "bad_message", "Only JSON text frames are accepted.", {}, None),
    ("not json", "bad_json", "The message is not valid JSON.", {}, None),
    ("", "bad_json", "The message is not valid JSON.", {}, None),
    ('{"type": "ping"} {"type": "ping"}', "bad_json", "The message is not valid JSON.", {},
     None),
    ("[1, 2]", "bad_json", "The message must be a JSON object.", {}, None),
    ("null", "bad_json", "The message must be a JSON object.", {}, None),
    (dots(', "count": NaN'), "bad_json", "The message is not valid JSON.", {}, None),
    (dots(', "count": Infinity'), "bad_json", "The message is not valid JSON.", {}, None),
    (dots(', "count": 1e999'), "bad_json", "The message is not valid JSON.", {}, None),
    (dots(', "count": ' + "9" * 5000), "bad_json", "The message is not valid JSON.",
     {}, None),
    ("[" * 5000 + "]" * 5000, "bad_json", "The message is not valid JSON.", {}, None),
    # a fault of JSON anywhere wins over a field of the wrong type before it
    ('{"type": "timer.start", "id": "t", "seconds": "x", "label": NaN}', "bad_json",
     "The message is not valid JSON.", {}, None),
    (dots(', "count": 9007199254740992'), "bad_message",
     "The field {key} must be a {what}.",
     {"key": "count", "what": "whole number (at most 2^53 - 1)"}, "c-9"),
    (dots(', "count": -9007199254740992'), "bad_message",
     "The field {key} must be a {what}.",
     {"key": "count", "what": "whole number (at most 2^53 - 1)"}, "c-9"),
    (dots(', "count": 1.0'), "bad_message", "The field {key} must be a {what}.",
     {"key": "count", "what": "whole number (at most 2^53 - 1)"}, "c-9"),
    (dots(', "count": true'), "bad_message", "The field {key} must be a {what}.",
     {"key": "count", "what": "whole number (at most 2^53 - 1)"}, "c-9"),
    (dots(), "bad_message", "The field {key} is missing.", {"key": "count"}, "c-9"),
    ('{"type": "dots.set", "id": "c-9", "activity": 5, "count": 1}', "bad_message",
     "The field {key} must be a {what}.", {"key": "activity", "what": "string"}, "c-9"),
    # faults are reported in the order of the definition, not of the frame
    ('{"type": "dots.set", "id": "c-9", "count": "x", "activity": "a1"}', "bad_message",
     "The field {key} is missing.", {"key": "item"}, "c-9"),
    (dots(', "count": 1, "zeta": 1, "alpha": 2'), "bad_message",
     "Unknown field: {key}.", {"key": "alpha"}, "c-9"),
    ('{"type": "vote.cast", "id": "v", "activity": "a1", "choices": "o1"}', "bad_message",
     "The field {key} must be a {what}.", {"key": "choices", "what": "array of strings"}, "v"),
    ('{"type": "vote.cast", "id": "v", "activity": "a1", "choices": ['
     + ", ".join(['"o"'] * 101) + "]}", "bad_message", "The field {key} must be a {what}.",
     {"key": "choices", "what": "array of strings"}, "v"),
    ('{"type": "sheet.edit", "id": "s", "activity": "a", "field": "f", "value": 5, '
     '"version": 0}', "bad_message", "The field {key} must be a {what}.",
     {"key": "value", "what": "string or array"}, "s"),
    ('{"type": "group.assign", "id": "g", "participant": "p1"}', "bad_message",
     "The field {key} is missing.", {"key": "group"}, "g"),
    ('{"id": "x"}', "bad_message", "The message has no type.", {}, "x"),
    ('{"type": 5, "id": "x"}', "bad_message", "The message has no type.", {}, "x"),
    ('{"type": "session.explode", "id": "c1"}', "unknown_type",
     "Unknown message type: {type}.", {"type": "session.explode"}, "c1"),
    ('{"type": "idea.add", "activity": "a1"}', "bad_message",
     "A command needs an id of 1 to 64 letters, digits, _ or -.", {}, None),
    ('{"type": "idea.add", "id": "has space", "activity": "a1"}', "bad_message",
     "A command needs an id of 1 to 64 letters, digits, _ or -.", {}, None),
    ('{"type": "idea.add", "id": "c1\\n", "activity": "a1"}', "bad_message",
     "A command needs an id of 1 to 64 letters, digits, _ or -.", {}, None),
    ('{"type": "idea.add", "id": "' + "x" * 65 + '", "activity": "a1"}', "bad_message",
     "A command needs an id of 1 to 64 letters, digits, _ or -.", {}, None),
])
def test_each_fault_gets_its_code(frame: str | bytes | None, code: str, message: str,
                                  params: dict[str, Any], ident: str | None) -> None:
    refused = _refusal(frame)
    assert (refused.code, refused.message, refused.params, refused.id) == (
        code, message, params, ident)


INVALID = "The message holds text that is not valid Unicode or is nested too deeply."


@pytest.mark.parametrize("frame", [
    '{"type": "idea.add", "id": "c1", "activity": "a1", "text": "\\ud800"}',
    '{"type": "idea.add", "id": "c1", "activity": "a1", "text": "Tempo\\udbff30"}',
    '{"type": "idea.add", "id": "c1", "activity": "a1", "text": "\\ude00\\ud83d"}',
    '{"type": "idea.add", "id": "c1", "activity": "a1", "\\udfff": 1}',
    '{"type": "activity.create", "id": "c1", "kind": "ideas", "config": {"\\ud800": 1}}',
    '{"type": "sheet.edit", "id": "c1", "activity": "a", "field": "f", "version": 0, '
    '"value": [{"step": "\\udc00"}]}',
    # a fault of the Unicode wins over a field of the wrong type
    '{"type": "idea.add", "id": "c1", "activity": 5, "text": "\\ud800"}',
    # nesting: 17 levels (the message, the config and 15 more)
    '{"type": "activity.create", "id": "c1", "kind": "ideas", "config": '
    + '{"a": ' * 16 + "1" + "}" * 16 + "}",
    '{"type": "sheet.edit", "id": "c1", "activity": "a", "field": "f", "version": 0, '
    '"value": [{"step": ' + "[" * 14 + "]" * 14 + "}]}",
    '{"type": "idea.add", "id": "c1", "activity": "a1", "extra": ' + "[" * 200 + "]" * 200 + "}",
])
def test_text_that_is_no_unicode_and_deep_nesting_are_invalid(frame: str) -> None:
    refused = _refusal(frame)
    assert (refused.code, refused.message, refused.id) == ("invalid", INVALID, "c1")


def test_a_surrogate_in_the_id_is_invalid_without_an_id() -> None:
    refused = _refusal('{"type": "ping", "id": "\\ud800"}')
    assert (refused.code, refused.id) == ("invalid", None)


def test_a_surrogate_pair_is_text() -> None:
    inbound = parse('{"type": "idea.add", "id": "c1", "activity": "a1", "text": "\\ud83d\\ude00"}')
    assert inbound.args["text"] == "\U0001f600"


def test_sixteen_levels_are_allowed() -> None:
    config = '{"a": ' * 15 + "1" + "}" * 15  # and the message itself
    inbound = parse('{"type": "activity.create", "id": "c1", "kind": "ideas", "config": '
                    + config + "}")
    assert inbound.args["config"] == json.loads(config)


def test_the_largest_whole_numbers() -> None:
    for n in (2**53 - 1, -(2**53 - 1), 0):
        assert parse(dots(f', "count": {n}')).args["count"] == n


def test_a_repeated_key_counts_its_last_value_as_json_says() -> None:
    inbound = parse(dots(', "count": "x", "count": 2'))
    assert inbound.args["count"] == 2
    assert parse('{"type": "ping", "type": "session.open", "id": "s"}').type == "session.open"


# -- too large ---------------------------------------------------------------------------

def _big(head: str) -> str:
    return head + ', "text": "' + "x" * 17_000 + '"}'


@pytest.mark.parametrize(("frame", "ident"), [
    (_big('{"type": "idea.add", "id": "c-17", "activity": "a1"'), "c-17"),
    (_big('{"id":"c-17","type":"idea.add","activity":"a1"'), "c-17"),
    (_big('  {\n "type" : "idea.add" ,\n "n": -1.5e3, "ok": true, "id" : "c_17"'), "c_17"),
    # no usable id: none, a bad one, one inside a nested object, one too far in
    (_big('{"type": "idea.add", "activity": "a1"'), None),
    (_big('{"type": "idea.add", "id": "has space"'), None),
    (_big('{"type": "idea.add", "id": 5'), None),
    (_big('{"type": "activity.create", "config": {"id": "c-17"}'), None),
    (_big('{"type": "idea.add", "text0": "\\"id\\": \\"c-17\\""'), None),
    (_big('{"type": "idea.add", "pad": "' + "y" * 200 + '", "id": "c-17"'), None),
    # 6,000 "€" are under 16 Ki characters but over 16 KiB of UTF-8
    (json.dumps({"type": "session.notes", "id": "u1", "notes": "€" * 6000},
                ensure_ascii=False), "u1"),
])
def test_a_frame_too_large_names_its_command_when_it_can(frame: str, ident: str | None) -> None:
    refused = _refusal(frame)
    assert (refused.code, refused.message, refused.params, refused.id) == (
        "too_large", "The message is larger than {limit} bytes.", {"limit": 16384}, ident)


def test_refusals_translate_as_before() -> None:
    refused = _refusal(dots(', "count": "x"'))
    text = translate("en", refused.message, refused.params)
    assert text == "The field count must be a whole number (at most 2^53 - 1)."
    assert translate("de", refused.message, refused.params) != text


# -- the same answers as before issue 9 ----------------------------------------------------

def _answer(module: Any, frame: str) -> tuple[Any, ...]:
    try:
        inbound = module.parse(frame)
    except module.ProtocolError as refused:
        return ("error", refused.code, refused.message, refused.params, refused.id)
    return ("ok", inbound.type, inbound.id, inbound.args)


def _expected(frame: str) -> tuple[Any, ...]:
    """The old answer, with the two changes of issue 9: a frame too large names its command
    when it can; a ping's id must be a string of at most 64 characters, as documented (the
    old parser never checked it and echoed anything)."""
    old = _answer(before, frame)
    if old[:2] == ("error", "too_large"):
        return (*old[:4], protocol.oversized_id(frame))
    if old[:2] == ("ok", "ping") and not (old[2] is None or isinstance(old[2], str)
                                          and len(old[2]) <= 64):
        return ("error", "bad_message", "The field {key} must be a {what}.",
                {"key": "id", "what": "string of at most 64 characters"}, None)
    return old


LEAF = st.one_of(st.none(), st.booleans(), st.integers(-(2**60), 2**60),
                 st.sampled_from([2**53 - 1, 2**53, -(2**53), 2**70, 0]),
                 st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=8),
                 st.sampled_from(["\ud800", "a\udc00", "\ud83d\ude00", "x" * 65, "c-1"]))
VALUE = st.recursive(LEAF, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=4), inner, max_size=3)),
    max_leaves=12)


@st.composite
def frames(draw: st.DrawFn) -> str:
    """Random messages of every type: fields good, missing or of any JSON value (lone
    surrogates, NaN, big numbers, deep values), unknown fields, ids good and bad, any order;
    now and then too large."""
    type_ = draw(st.one_of(st.sampled_from(sorted(set(protocol.CLIENT_MESSAGES) - NEWER)),
                           st.sampled_from(["nope", ""]), VALUE))
    message: dict[str, Any] = {"type": type_}
    how = draw(st.sampled_from(["good", "good", "none", "bad", "value"]))
    if how == "good":
        message["id"] = draw(st.from_regex(r"[A-Za-z0-9_-]{1,64}", fullmatch=True))
    elif how == "bad":
        message["id"] = draw(st.sampled_from(["", "a b", "x" * 65, "ü", "\ud800", "c1\n"]))
    elif how == "value":
        message["id"] = draw(VALUE)
    fields = protocol.COMMAND_MESSAGES.get(type_, {}) if isinstance(type_, str) else {}
    for name, field in fields.items():
        if name in ADDED.get(type_, ()):  # the old parser refused it as unknown
            continue
        choice = draw(st.sampled_from(["good"] * 12 + ["missing"] * 2 + ["wrong"]))
        if choice == "good":
            message[name] = SAMPLE[field.what]
        elif choice == "wrong":
            message[name] = draw(VALUE)
    if draw(st.integers(0, 5)) == 5:
        message[draw(st.text(max_size=4))] = draw(VALUE)
    if draw(st.integers(0, 19)) == 19:
        message["pad"] = "x" * 16_400
    keys = draw(st.permutations(list(message)))
    return json.dumps({key: message[key] for key in keys}, allow_nan=True)


DEEP = st.integers(1, 40).map(lambda n: '{"type": "activity.create", "id": "d", "kind": "k", '
                              '"config": ' + '{"a": ' * n + "1" + "}" * n + "}")
FRAMES = st.one_of(frames(), DEEP, st.text(max_size=30))


@settings(max_examples=600, deadline=None, suppress_health_check=list(HealthCheck))
@given(frame=FRAMES)
def test_the_answer_is_the_one_before_issue_9(frame: str) -> None:
    assert _answer(protocol, frame) == _expected(frame)


# -- encoding ------------------------------------------------------------------------------

IDEA = {"id": "i4", "text": "Tempo 30 vor Schulen – „sofort“", "at": "2026-11-21T09:14:03.120Z",
        "merged": [], "support": 0, "score": None}
ENCODED = [
    ("hello", ("participant", 42, {"id": "s", "activities": []},
               {"participant": "p7", "name": None, "group": None, "spokesperson": False,
                "where": "room"}, {"a2": {"ideas": [IDEA]}}),
     {"now": "2026-11-21T09:14:03.120Z"}),
    ("hello", ("moderator", 42, None, None, None), {"now": "2026-11-21T09:14:03.120Z",
                                                   "resumed": True}),
    ("event", (43, "2026-11-21T09:14:03.120Z", "idea.added", {"activity": "a2", "idea": IDEA}),
     {}),
    ("tally", (57, "a3", {"voters": 12, "options": [{"id": "o1", "count": 7}]}), {}),
    ("tally", (57, "a3", {"voters": 1}, "g1"), {}),
    ("ack", ("c-5f1e", 43, {"idea": "i10"}), {}),
    ("ack", ("c-5f1e", None, {}), {}),
    ("error", ("c-5f1e", "activity_closed", "Nicht jetzt."), {}),
    ("error", (None, "conflict", "Schon geändert.", {"field": "title"}), {}),
    ("pong", ("x1",), {}),
    ("pong", (None,), {}),
    ("notice", ({"rate": 12, "full": 0},), {}),
]


@pytest.mark.parametrize(("name", "args", "kwargs"), ENCODED, ids=[e[0] for e in ENCODED])
def test_encoding_gives_the_same_text_as_before(name: str, args: tuple[Any, ...],
                                                kwargs: dict[str, Any]) -> None:
    new = protocol.encode(getattr(protocol, name)(*args, **kwargs))
    assert new == before.encode(getattr(before, name)(*args, **kwargs))
    # and what is sent is a message of the schema's type
    kind = next(cls for cls in messages.SERVER if messages.tag(cls) == name)
    msgspec.json.decode(new, type=kind)


def test_acks_and_errors_are_of_their_types() -> None:
    """protocol.ack() and error() give dicts (the writer's answers, which the HTTP side reads);
    they are exactly messages.Ack and messages.Error."""
    for answer in (protocol.ack("c1", 3, {"idea": "i1"}), protocol.ack(None, None, {}),
                   protocol.error("c1", "invalid", "Nein."),
                   protocol.error(None, "conflict", "Nein.", {"field": "title"})):
        kind = messages.Ack if answer["type"] == "ack" else messages.Error
        typed = msgspec.convert(answer, kind, strict=True)
        assert msgspec.to_builtins(typed) == answer
        assert list(msgspec.to_builtins(typed)) == list(answer)  # the same order of keys
