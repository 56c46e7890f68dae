"""Files in a session: the deck of a slides activity, photos of the room's work, and the logo
at the top of its documentation.

The upload routes (facilitator/web/media.py) check and convert a file, store it as a blob and
then submit ``slides.attach`` or ``photo.add``: commands of the domain like every other, so
the event that adds a file names it, and the log and the archive tell who added what when.
The logo route submits ``session.logo`` likewise. None of these is a message of the WebSocket
protocol, so no client can name files the server did not make; ``photo.remove`` is one (the
moderator takes a photo down).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from facilitator.domain.activities.slides import blob_name, read_deck, side
from facilitator.domain.errors import (
    N_,
    ActivityClosed,
    Forbidden,
    Invalid,
    LimitReached,
    NotFound,
    find,
)
from facilitator.domain.model import Audience, Command, Decision

if TYPE_CHECKING:
    from facilitator.domain.session import SessionState

MAX_PHOTOS = 1000  # per session; the server's setting max_photos is usually lower
PHOTO_POLICIES = ("members", "spokespersons", "off")
IMAGES = ("jpg", "png", "webp")


@dataclass
class Photo:
    id: str
    image: str
    thumb: str
    width: int
    height: int
    participant: str | None  # None: the moderation added it
    group: str | None
    activity: str | None
    phase: str | None
    at: float

    def view(self, audience: Audience) -> dict[str, Any]:
        out = {"id": self.id, "image": self.image, "thumb": self.thumb, "width": self.width,
               "height": self.height, "group": self.group, "activity": self.activity,
               "phase": self.phase, "by_moderator": self.participant is None}
        if audience == "moderator":
            out["participant"] = self.participant
        return out


def attach_slides(state: SessionState, command: Command) -> Decision:
    activity = state.activities.get(command.args.get("activity"))  # type: ignore[arg-type]
    if activity is None:
        raise NotFound(N_("This activity does not exist."))
    if activity.kind != "slides":
        raise Invalid(N_("Slides can only be added to a slides activity."))
    deck = read_deck(command.args.get("deck"))
    return Decision([("slides.attached", {"activity": activity.id, "deck": deck})],
                    {"activity": activity.id, "pages": len(deck["pages"])})


def _where(state: SessionState, command: Command) -> dict[str, Any]:
    """What a photo belongs to: a phase, or an activity (and, per group, its group)."""
    args = command.args
    who = command.actor.participant
    ident, phase = args.get("activity"), args.get("phase")
    if who is not None:
        return _participant_target(state, who, ident)
    if ident is not None:
        activity = find(state.activities, ident, N_("This activity does not exist."))
        group = args.get("group")
        if group is not None and (not activity.per_group or group not in state.groups):
            raise NotFound(N_("This group does not exist."))
        return {"activity": activity.id, "group": group, "phase": activity.phase}
    if not isinstance(phase, str) or phase not in state.phases:
        raise NotFound(N_("This phase does not exist."))
    return {"activity": None, "group": None, "phase": phase}


def _participant_target(state: SessionState, who: str, ident: Any) -> dict[str, Any]:
    policy = state.photo_policy
    if policy == "off":
        raise Forbidden(N_("Photos are switched off in this session."))
    group = state.members.get(who)
    if group is None:
        raise Invalid(N_("You are not in a group yet."))
    if policy == "spokespersons" and state.groups[group].spokesperson != who:
        raise Forbidden(N_("Only your group's spokesperson can add photos."))
    activity = state.activities.get(ident) if isinstance(ident, str) else None
    if activity is None or activity.status == "draft":
        raise NotFound(N_("This activity does not exist."))
    if not activity.per_group:
        raise Invalid(N_("Photos go with the work of a small group."))
    if activity.status not in {"active", "locked"}:
        raise ActivityClosed(N_("This activity is not taking contributions right now."))
    return {"activity": activity.id, "group": group, "phase": activity.phase}


def add_photo(state: SessionState, command: Command) -> Decision:
    if len(state.photos) >= MAX_PHOTOS:
        raise LimitReached(N_("A session has at most {limit} photos."), limit=MAX_PHOTOS)
    args = command.args
    where = _where(state, command)
    ident = state.next_id("f")
    data = {"photo": ident, "image": blob_name(args.get("image"), *IMAGES),
            "thumb": blob_name(args.get("thumb"), *IMAGES),
            "width": side(args.get("width"), "width"), "height": side(args.get("height"),
                                                                      "height"),
            "participant": command.actor.participant, **where}
    return Decision([("photo.added", data)], {"photo": ident})


def remove_photo(state: SessionState, command: Command) -> Decision:
    ident = command.args.get("photo")
    if not isinstance(ident, str) or ident not in state.photos:
        raise NotFound(N_("This photo does not exist."))
    return Decision([("photo.removed", {"photo": ident})])


def apply(state: SessionState, kind: str, d: dict[str, Any], at: float) -> None:
    if kind == "photo.added":
        state.photos[d["photo"]] = Photo(d["photo"], d["image"], d["thumb"], d["width"],
                                         d["height"], d["participant"], d["group"],
                                         d["activity"], d["phase"], at)
    elif kind == "photo.removed":
        state.photos.pop(d["photo"], None)


def project(state: SessionState, kind: str, d: dict[str, Any],
            audience: Audience) -> dict[str, Any]:
    if kind == "photo.added":
        return {"photo": state.photos[d["photo"]].view(audience)}
    return {"photo": d["photo"]}


def set_logo(state: SessionState, command: Command) -> Decision:
    """The session's own logo for its documentation (a PNG the logo route made), or None:
    the server's."""
    logo = command.args.get("logo")
    if logo is not None:
        logo = blob_name(logo, "png")
    if logo == state.logo:
        return Decision(result={"logo": logo})
    return Decision([("session.logo_set", {"logo": logo})], {"logo": logo})


def blobs_of(state: SessionState) -> set[str]:
    """The names of every file the session's current state refers to."""
    names: set[str] = set() if state.logo is None else {state.logo}
    for photo in state.photos.values():
        names |= {photo.image, photo.thumb}
    for activity in state.activities.values():
        deck = getattr(activity.data, "deck", None) if activity.kind == "slides" else None
        if deck:
            names.add(deck["pdf"]["blob"])
            names |= {n for page in deck["pages"] for n in (page["image"], page["thumb"])}
    return names


HANDLERS = {"slides.attach": attach_slides, "photo.add": add_photo, "photo.remove": remove_photo,
            "session.logo": set_logo}
# Events after which a file may be named by nothing any more (the runtime collects it then).
FREES = frozenset({"photo.removed", "session.logo_set"})
# Commands only the server's own routes submit: not messages of the WebSocket protocol.
INTERNAL = frozenset({"slides.attach", "photo.add", "session.logo"})
