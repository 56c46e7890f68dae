"""Idea collection: participants post short ideas, edit or withdraw their own; the moderator
hides, restores and corrects them. The wall is live on the beamer (unless ``live_wall`` is off)
and reaches participants' phones once the moderator reveals it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from facilitator.domain.activities.base import ANY_STATUS, OPEN, Activity, IdSource, Kind, Rule
from facilitator.domain.errors import N_, Invalid, LimitReached, NotFound, NotYours
from facilitator.domain.model import Audience, Command, Decision, Event, clean_text, iso

TEXT_LIMIT = 280


@dataclass
class Idea:
    id: str
    text: str
    author: str | None
    at: float
    edited: bool = False
    hidden: bool = False
    withdrawn: bool = False

    @property
    def visible(self) -> bool:
        return not (self.hidden or self.withdrawn)


@dataclass
class IdeasData:
    ideas: dict[str, Idea] = field(default_factory=dict)
    posted: Counter[str] = field(default_factory=Counter)


def _full(idea: Idea) -> dict[str, Any]:
    out = asdict(idea)
    out["at"] = iso(idea.at)
    return out


def _public(idea: Idea) -> dict[str, Any]:
    return {"id": idea.id, "text": idea.text, "at": iso(idea.at), "edited": idea.edited}


class Ideas(Kind):
    name = "ideas"
    rules = {
        "idea.add": Rule({"participant": OPEN}),
        "idea.edit": Rule({"participant": OPEN, "moderator": ANY_STATUS}),
        "idea.withdraw": Rule({"participant": OPEN}),
        "idea.hide": Rule({"moderator": ANY_STATUS}),
        "idea.restore": Rule({"moderator": ANY_STATUS}),
    }

    def make_config(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        unknown = set(raw) - {"live_wall", "max_per_participant"}
        if unknown:
            raise Invalid(N_("Unknown setting: {name}."), name=sorted(unknown)[0])
        live_wall = raw.get("live_wall", True)
        limit = raw.get("max_per_participant", 20)
        if not isinstance(live_wall, bool):
            raise Invalid(N_("The field {field} must be true or false."), field="live_wall")
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 100:
            raise Invalid(N_("The field {field} must be a whole number from {low} to {high}."),
                          field="max_per_participant", low=1, high=100)
        return {"live_wall": live_wall, "max_per_participant": limit}

    def new_data(self, config: Mapping[str, Any]) -> IdeasData:
        return IdeasData()

    def decide(self, activity: Activity, command: Command, ids: IdSource) -> Decision:
        data: IdeasData = activity.data
        args = command.args
        who = command.actor.participant
        if command.type == "idea.add":
            text = clean_text(args.get("text"), TEXT_LIMIT, "text")
            assert who is not None
            if data.posted[who] >= activity.config["max_per_participant"]:
                raise LimitReached(N_("No more ideas are possible here (at most {limit})."),
                                   limit=activity.config["max_per_participant"])
            idea_id = ids.next("i")
            return Decision(
                [("idea.added", {"activity": activity.id, "idea": idea_id, "text": text,
                                 "author": who})],
                {"idea": idea_id},
            )
        idea = data.ideas.get(args.get("idea"))  # type: ignore[arg-type]
        if idea is None or (who is not None and idea.withdrawn):
            raise NotFound(N_("This idea does not exist."))
        if who is not None and idea.author != who:
            raise NotYours(N_("You can only change your own ideas."))
        base = {"activity": activity.id, "idea": idea.id}
        if command.type == "idea.edit":
            if who is not None and idea.hidden:
                raise NotFound(N_("This idea does not exist."))
            text = clean_text(args.get("text"), TEXT_LIMIT, "text")
            if text == idea.text:
                return Decision()
            return Decision([("idea.edited", {**base, "text": text})])
        flag = {"idea.withdraw": ("withdrawn", True, "idea.withdrawn"),
                "idea.hide": ("hidden", True, "idea.hidden"),
                "idea.restore": ("hidden", False, "idea.restored")}[command.type]
        attr, value, event = flag
        if getattr(idea, attr) == value:
            return Decision()  # already so: nothing to record
        return Decision([(event, base)])

    def apply(self, activity: Activity, event: Event) -> None:
        data: IdeasData = activity.data
        d = event.data
        if event.type == "idea.added":
            data.ideas[d["idea"]] = Idea(d["idea"], d["text"], d["author"], event.at)
            data.posted[d["author"]] += 1
            return
        idea = data.ideas[d["idea"]]
        if event.type == "idea.edited":
            idea.text = d["text"]
            idea.edited = True
        elif event.type == "idea.withdrawn":
            idea.withdrawn = True
        elif event.type == "idea.hidden":
            idea.hidden = True
        elif event.type == "idea.restored":
            idea.hidden = False

    def _wall_visible(self, activity: Activity, audience: Audience) -> bool:
        if audience == "moderator" or activity.revealed:
            return True
        return audience == "presenter" and bool(activity.config["live_wall"])

    def view(self, activity: Activity, audience: Audience) -> dict[str, Any]:
        data: IdeasData = activity.data
        if audience == "moderator":
            return {"ideas": [_full(i) for i in data.ideas.values()]}
        if not self._wall_visible(activity, audience):
            return {"ideas": []}
        return {"ideas": [_public(i) for i in data.ideas.values() if i.visible]}

    def project(
        self, activity: Activity, event: Event, audience: Audience
    ) -> dict[str, Any] | None:
        data: IdeasData = activity.data
        idea = data.ideas[event.data["idea"]]
        if audience == "moderator":
            return {"activity": activity.id, "idea": _full(idea)}
        if not self._wall_visible(activity, audience):
            return None
        if event.type in {"idea.withdrawn", "idea.hidden"}:
            return {"activity": activity.id, "idea": idea.id}
        if not idea.visible:
            return None  # an edit of a hidden idea stays with the moderator
        return {"activity": activity.id, "idea": _public(idea)}

    def mine(self, activity: Activity, participant: str) -> dict[str, Any] | None:
        data: IdeasData = activity.data
        # With the texts: a phone that lost its storage, or another device, shows them again.
        own = [{"id": i.id, "text": i.text} for i in data.ideas.values()
               if i.author == participant and not i.withdrawn]
        return {"ideas": own} if own else None
