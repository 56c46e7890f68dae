"""Every message of the WebSocket protocol, both directions, defined once as msgspec types
(STYLE.md, point 7; docs/protocol.md is their prose). The inbound validation of
live/protocol.py, the JSON Schema and AsyncAPI document of live/schema.py and the encoding of
everything the server sends all derive from these classes.

msgspec rather than pydantic: it decodes a frame straight into these types and encodes the
server's messages in C, with no model layer in between, which matters where every vote is
parsed and every event and tally is encoded once per audience (bench/codec.py measures it).
Its strict mode takes JSON types as they are ("5" is no whole number, as before, where
pydantic coerces unless told not to), and it derives the JSON Schema from the same types, in
one small package without dependencies.

A command's fields are shapes only (a string, a whole number, an object); the domain checks
their meaning (lengths, states, permissions). Fields the client may leave out default to
UNSET, so that the domain gets exactly the fields that were sent.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, TypedDict

from msgspec import UNSET, Meta, Struct, UnsetType

from facilitator.domain.model import Audience

# Integers a message may carry: what every JSON implementation holds exactly (2**53 - 1).
MAX_INT = 2**53 - 1
# A command id. `(?!\n)` because Python's `$` also matches before a final newline; in a
# JSON Schema (ECMA-262) it changes nothing.
ID_REGEX = r"^[A-Za-z0-9_-]{1,64}$(?!\n)"

ERROR_CODES = (
    "bad_json", "bad_message", "unknown_type", "too_large", "rate_limited", "forbidden",
    "not_found", "session_state", "activity_closed", "invalid", "not_yours", "limit_reached",
    "busy", "conflict",
)

# The event types of the log. Input events of the voting kinds reach nobody (results travel
# as tallies), except consent.voted to the moderator of an open (not secret) vote.
EVENT_TYPES = (
    "session.created", "session.opened", "session.started", "session.closed",
    "session.deleted", "session.noted", "session.limits_set", "session.screen_set",
    "participant.joined", "participant.renamed", "participant.where",
    "group.created", "group.renamed", "group.deleted", "group.assigned",
    "groups.choice_changed", "group.spokesperson_set", "sheet.edited",
    "activity.created", "activity.activated", "activity.locked", "activity.unlocked",
    "activity.revealed", "activity.concealed",
    "activity.updated", "activity.deleted", "activity.hidden", "activity.moved",
    "phase.moved", "phase.deleted", "session.updated",
    "phase.created", "phase.updated", "phase.started", "phase.ended",
    "timer.started", "timer.paused", "timer.resumed", "timer.extended", "timer.stopped",
    "idea.added", "idea.edited", "idea.withdrawn", "idea.hidden", "idea.restored",
    "idea.approved", "idea.pinned", "idea.merged", "idea.unmerged", "idea.moved",
    "idea.supported", "cluster.created", "cluster.renamed", "cluster.deleted",
    "vote.cast", "dots.placed", "ranking.submitted", "scale.rated", "matrix.placed",
    "consent.voted", "words.submitted", "words.hidden", "words.restored",
    "question.asked", "question.withdrawn", "question.upvoted", "question.answered",
    "question.hidden", "question.restored", "question.pinned", "question.approved",
    "slides.attached", "slides.shown", "photo.added", "photo.removed", "session.logo_set",
    "nextstep.added", "nextstep.updated", "nextstep.deleted",
)

# -- field types ------------------------------------------------------------------------------

Int = Annotated[int, Meta(ge=-MAX_INT, le=MAX_INT)]
StrList = Annotated[list[str], Meta(max_length=100)]
Object = dict[str, Any]  # any JSON object; its content is the domain's to judge
# A measure sheet's value: a text, or the rows of a rows field.
SheetValue = str | Annotated[list[Object], Meta(max_length=100)]
CommandId = Annotated[str, Meta(pattern=ID_REGEX)]
Time = Annotated[str, Meta(extra_json_schema={"format": "date-time"})]  # ISO 8601, UTC
Seq = Annotated[int, Meta(ge=0)]
# Strings from a list: a Literal of the tuple would be a second copy of it.
EventType = Annotated[str, Meta(extra_json_schema={"enum": list(EVENT_TYPES)})]
ErrorCode = Annotated[str, Meta(extra_json_schema={"enum": list(ERROR_CODES)})]
Role = Audience

# -- client → server --------------------------------------------------------------------------


class ClientMessage(Struct, tag_field="type", tag=False, forbid_unknown_fields=True):
    """Every client message is an object with a `type`; unknown fields are refused."""


class Ping(ClientMessage, tag="ping"):
    """Answered with `pong` carrying the same id."""

    id: Annotated[str, Meta(max_length=64)] | UnsetType = UNSET


class Command(ClientMessage, tag=False):
    """A change of the session, answered with one `ack` or one `error` with its id."""

    id: CommandId


class SessionOpen(Command, tag="session.open"): ...
class SessionStart(Command, tag="session.start"): ...
class SessionClose(Command, tag="session.close"): ...
class SessionDelete(Command, tag="session.delete"): ...
class TimerPause(Command, tag="timer.pause"): ...
class TimerResume(Command, tag="timer.resume"): ...
class TimerStop(Command, tag="timer.stop"): ...


class SessionNotes(Command, tag="session.notes"):
    notes: str | None | UnsetType = UNSET


class SessionLimits(Command, tag="session.limits"):
    limits: Object


class SessionScreen(Command, tag="session.screen"):
    screen: Object


class ParticipantRename(Command, tag="participant.rename"):
    name: str | None | UnsetType = UNSET


class ParticipantWhere(Command, tag="participant.where"):
    where: str


class GroupCreate(Command, tag="group.create"):
    name: str | UnsetType = UNSET


class GroupRename(Command, tag="group.rename"):
    group: str
    name: str | UnsetType = UNSET


class GroupDelete(Command, tag="group.delete"):
    group: str


class GroupAssign(Command, tag="group.assign"):
    participant: str
    group: str | None  # required: null has a meaning (no group)


class GroupsShuffle(Command, tag="groups.shuffle"):
    only_unassigned: bool | UnsetType = UNSET


class GroupsChoice(Command, tag="groups.choice"):
    open: bool | UnsetType = UNSET


class GroupSpokesperson(Command, tag="group.spokesperson"):
    group: str
    participant: str | None


class GroupChoose(Command, tag="group.choose"):
    group: str | None


class PhaseCreate(Command, tag="phase.create"):
    title: str | UnsetType = UNSET
    minutes: Int | None | UnsetType = UNSET
    notes: str | None | UnsetType = UNSET
    timer: Int | None | UnsetType = UNSET


class PhaseUpdate(Command, tag="phase.update"):
    phase: str
    title: str | UnsetType = UNSET
    minutes: Int | None | UnsetType = UNSET
    notes: str | None | UnsetType = UNSET
    timer: Int | None | UnsetType = UNSET


class PhaseStart(Command, tag="phase.start"):
    phase: str


class TimerStart(Command, tag="timer.start"):
    seconds: Int
    label: str | None | UnsetType = UNSET


class TimerExtend(Command, tag="timer.extend"):
    seconds: Int


class ActivityCreate(Command, tag="activity.create"):
    kind: str
    title: str | UnsetType = UNSET
    prompt: str | None | UnsetType = UNSET
    config: Object | UnsetType = UNSET
    phase: str | None | UnsetType = UNSET
    per_group: bool | UnsetType = UNSET


class OnActivity(Command, tag=False):
    """A transition of one activity."""

    activity: str


# -- the plan editor (protocol 1.2) ------------------------------------------------------------


class SessionUpdate(Command, tag="session.update"):
    title: str | UnsetType = UNSET
    place: str | None | UnsetType = UNSET
    organisation: str | None | UnsetType = UNSET
    moderators: StrList | UnsetType = UNSET
    names: bool | UnsetType = UNSET
    language: str | UnsetType = UNSET
    photos: str | UnsetType = UNSET


class ActivityUpdate(OnActivity, tag="activity.update", kw_only=True):
    title: str | UnsetType = UNSET
    prompt: str | None | UnsetType = UNSET
    config: Object | UnsetType = UNSET
    per_group: bool | UnsetType = UNSET


class ActivityDelete(OnActivity, tag="activity.delete"): ...
class ActivityDuplicate(OnActivity, tag="activity.duplicate"): ...


class ActivityHide(OnActivity, tag="activity.hide", kw_only=True):
    hidden: bool


class ActivityMove(OnActivity, tag="activity.move", kw_only=True):
    phase: str | None | UnsetType = UNSET  # null: no phase; left out: the phase it has
    before: str | None | UnsetType = UNSET  # null or left out: the end of the list


class PhaseDelete(Command, tag="phase.delete"):
    phase: str


class PhaseMove(Command, tag="phase.move"):
    phase: str
    before: str | None | UnsetType = UNSET


class ActivityActivate(OnActivity, tag="activity.activate"): ...
class ActivityLock(OnActivity, tag="activity.lock"): ...
class ActivityUnlock(OnActivity, tag="activity.unlock"): ...
class ActivityReveal(OnActivity, tag="activity.reveal"): ...
class ActivityConceal(OnActivity, tag="activity.conceal"): ...


class InActivity(OnActivity, tag=False):
    """On the content of an activity; the moderator names the group whose instance of a
    per-group activity is meant. Every class below is kw_only, so that its own fields may be
    required after this optional one and keep the order they are written in (checked in
    that order, as before)."""

    group: str | None | UnsetType = UNSET


class IdeaAdd(InActivity, tag="idea.add", kw_only=True):
    text: str | UnsetType = UNSET


class OnIdea(InActivity, kw_only=True, tag=False):
    idea: str


class IdeaEdit(OnIdea, tag="idea.edit", kw_only=True):
    text: str | UnsetType = UNSET


class IdeaWithdraw(OnIdea, tag="idea.withdraw"): ...
class IdeaHide(OnIdea, tag="idea.hide"): ...
class IdeaRestore(OnIdea, tag="idea.restore"): ...
class IdeaApprove(OnIdea, tag="idea.approve"): ...
class IdeaUnmerge(OnIdea, tag="idea.unmerge"): ...


class IdeaSupport(OnIdea, tag="idea.support", kw_only=True):
    support: bool | UnsetType = UNSET


class IdeaPin(OnIdea, tag="idea.pin", kw_only=True):
    pinned: bool | UnsetType = UNSET


class IdeaMerge(OnIdea, tag="idea.merge", kw_only=True):
    into: str


class IdeaMove(OnIdea, tag="idea.move", kw_only=True):
    cluster: str | None | UnsetType = UNSET


class ClusterCreate(InActivity, tag="cluster.create", kw_only=True):
    name: str | UnsetType = UNSET


class ClusterRename(InActivity, tag="cluster.rename", kw_only=True):
    cluster: str
    name: str | UnsetType = UNSET


class ClusterDelete(InActivity, tag="cluster.delete", kw_only=True):
    cluster: str


class VoteCast(InActivity, tag="vote.cast", kw_only=True):
    choices: StrList


class DotsSet(InActivity, tag="dots.set", kw_only=True):
    item: str
    count: Int


class RankingSet(InActivity, tag="ranking.set", kw_only=True):
    order: StrList


class ScaleRate(InActivity, tag="scale.rate", kw_only=True):
    item: str
    criterion: str
    value: Int | None | UnsetType = UNSET
    clear: bool | UnsetType = UNSET


class MatrixPlace(InActivity, tag="matrix.place", kw_only=True):
    item: str
    x: Int | None | UnsetType = UNSET
    y: Int | None | UnsetType = UNSET
    clear: bool | UnsetType = UNSET


class ConsentCast(InActivity, tag="consent.cast", kw_only=True):
    vote: str | None


class WordsSubmit(InActivity, tag="words.submit", kw_only=True):
    words: StrList


class WordsHide(InActivity, tag="words.hide", kw_only=True):
    word: str


class WordsRestore(InActivity, tag="words.restore", kw_only=True):
    word: str


class QuestionAsk(InActivity, tag="question.ask", kw_only=True):
    text: str | UnsetType = UNSET


class OnQuestion(InActivity, kw_only=True, tag=False):
    question: str


class QuestionWithdraw(OnQuestion, tag="question.withdraw"): ...
class QuestionHide(OnQuestion, tag="question.hide"): ...
class QuestionRestore(OnQuestion, tag="question.restore"): ...
class QuestionApprove(OnQuestion, tag="question.approve"): ...


class QuestionUpvote(OnQuestion, tag="question.upvote", kw_only=True):
    up: bool | UnsetType = UNSET


class QuestionAnswer(OnQuestion, tag="question.answer", kw_only=True):
    answered: bool | UnsetType = UNSET
    answer: str | UnsetType = UNSET  # protocol 1.3; "" removes a recorded answer


class QuestionPin(OnQuestion, tag="question.pin", kw_only=True):
    pinned: bool | UnsetType = UNSET


class SheetEdit(InActivity, tag="sheet.edit", kw_only=True):
    field: str
    value: SheetValue
    version: Int


class SlidesShow(OnActivity, tag="slides.show", kw_only=True):
    page: Int


class PhotoRemove(Command, tag="photo.remove"):
    photo: str


# -- next steps for the documentation (protocol 1.3) --------------------------------------------


class NextStepAdd(Command, tag="nextstep.add"):
    what: str | UnsetType = UNSET
    who: str | UnsetType = UNSET
    due: str | UnsetType = UNSET  # "" or YYYY-MM-DD
    activity: str | None | UnsetType = UNSET
    group: str | None | UnsetType = UNSET


class NextStepUpdate(Command, tag="nextstep.update"):
    """The whole step anew: a field left out is empty (who, due) or none (activity, group)."""

    step: str
    what: str | UnsetType = UNSET
    who: str | UnsetType = UNSET
    due: str | UnsetType = UNSET
    activity: str | None | UnsetType = UNSET
    group: str | None | UnsetType = UNSET


class NextStepDelete(Command, tag="nextstep.delete"):
    step: str

# slides.attach, photo.add and session.logo are commands of the domain that only the upload
# routes submit (facilitator/web/media.py): they are not messages, so no client can name a
# stored file.


# -- server → client --------------------------------------------------------------------------


class ServerMessage(Struct, tag_field="type", tag=False, forbid_unknown_fields=True,
                    kw_only=True):
    """Every server message is an object with a `type`."""


class You(TypedDict):
    participant: str
    name: str | None
    group: str | None
    spokesperson: bool
    where: Literal["room", "online"] | None


class Hello(ServerMessage, tag="hello"):
    """The first message on every connection: the state the audience may see, as of seq."""

    protocol: str
    role: Role
    seq: Seq
    now: Time
    resumed: bool
    you: You | None  # participants only
    session: Object | None  # the session view; null on a resumed hello
    mine: Object | UnsetType = UNSET  # participants only: their contributions per activity


class Event(ServerMessage, tag="event"):
    """One thing that happened, as the audience may see it (data: per event type)."""

    seq: Seq
    at: Time
    event: EventType
    data: Object


class Tally(ServerMessage, tag="tally"):
    """The current results of one activity (or of one group's instance of it); to the
    presenter while they are hidden from it, only how many have answered."""

    seq: Seq
    activity: str
    results: Object | None
    group: str | UnsetType = UNSET
    responses: int | UnsetType = UNSET


class Ack(ServerMessage, tag="ack"):
    """The command with this id was accepted and its events are committed."""

    id: str | None
    seq: Seq | None  # the last event it produced; null when it produced none
    result: Object


class Error(ServerMessage, tag="error"):
    """A command or message was refused; nothing changed."""

    id: str | None
    code: ErrorCode
    message: str
    details: Object | UnsetType = UNSET


class Pong(ServerMessage, tag="pong"):
    """The answer to ping."""

    id: str | None


class Mine(ServerMessage, tag="mine"):
    """To one participant: what it contributed to one activity, after someone else (the
    moderation) changed it; it replaces `mine[activity]` (null: nothing any more)."""

    seq: Seq
    activity: str
    mine: Object | None


class YouMessage(ServerMessage, tag="you"):
    """To every connection of a participant that changed its own name, place or group on
    one of them: it replaces `you`."""

    seq: Seq
    you: You


class Notice(ServerMessage, tag="notice"):
    """To moderators: joins refused by the session's limits so far, by limit."""

    refused: dict[str, Annotated[int, Meta(ge=0)]]


def _leaves(base: type[Struct]) -> tuple[type[Struct], ...]:
    """The classes under base that are messages (those with a tag), in definition order."""
    out: list[type[Struct]] = []
    for cls in base.__subclasses__():
        if isinstance(cls.__struct_config__.tag, str):
            out.append(cls)
        out += _leaves(cls)
    return tuple(out)


CLIENT: tuple[type[Struct], ...] = _leaves(ClientMessage)
COMMANDS: tuple[type[Struct], ...] = _leaves(Command)
SERVER: tuple[type[Struct], ...] = _leaves(ServerMessage)


def tag(cls: type[Struct]) -> str:
    """A message class's `type`."""
    value = cls.__struct_config__.tag
    assert isinstance(value, str), cls
    return value
