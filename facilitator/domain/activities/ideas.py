"""Idea collection: participants post short ideas, edit or withdraw their own, and may support
others' ideas; the moderator hides, corrects, approves (pre-moderation), pins, clusters and
merges duplicates. The wall is live on the beamer (unless ``live_wall`` is off) and reaches
participants' phones once the moderator reveals it.

A merge is a link, not a copy: the duplicate keeps its text, author and supporters and points
at the idea it was merged into, so the merged idea's support is the sum over its duplicates
(votes are conserved) and an unmerge restores exactly what was there."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from facilitator.domain.activities.base import ANY_STATUS, OPEN, Activity, IdSource, Kind, Rule
from facilitator.domain.activities.ideas_model import (
    Idea,
    IdeasData,
    _ancestors,
    _full,
    _public,
    _root,
)
from facilitator.domain.errors import N_, Invalid, LimitReached, NotFound, NotYours, find
from facilitator.domain.model import Audience, Command, Decision, Event, clean_text

TEXT_LIMIT = 280
CLUSTER_LIMIT = 60
MAX_CLUSTERS = 30


def _flag(name: str) -> Any:
    def check(value: Any) -> bool:
        if not isinstance(value, bool):
            raise Invalid(N_("The field {field} must be true or false."), field=name)
        return value
    return check


_MODERATE = Rule({"moderator": ANY_STATUS})


class Ideas(Kind):
    name = "ideas"
    adds = frozenset({"idea.add"})
    rules = {
        "idea.add": Rule({"participant": OPEN}),
        "idea.edit": Rule({"participant": OPEN, "moderator": ANY_STATUS}),
        "idea.withdraw": Rule({"participant": OPEN}),
        "idea.support": Rule({"participant": OPEN}),
        "idea.hide": _MODERATE,
        "idea.restore": _MODERATE,
        "idea.approve": _MODERATE,
        "idea.pin": _MODERATE,
        "idea.merge": _MODERATE,
        "idea.unmerge": _MODERATE,
        "idea.move": _MODERATE,
        "cluster.create": _MODERATE,
        "cluster.rename": _MODERATE,
        "cluster.delete": _MODERATE,
    }

    def affected(self, activity: Activity, event: Event) -> tuple[str, ...]:
        # The text, pending flag and merged_into of an author's own ideas are in `mine`.
        if event.type in {"idea.edited", "idea.approved", "idea.merged", "idea.unmerged"}:
            data: IdeasData = activity.data
            author = data.ideas[event.data["idea"]].author
            return (author,) if author else ()
        return ()

    def entries(self, activity: Activity) -> int:
        data: IdeasData = activity.data
        return len(data.ideas)

    def make_config(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        known = {"live_wall", "max_per_participant", "premoderation", "support", "clusters"}
        unknown = set(raw) - known
        if unknown:
            raise Invalid(N_("Unknown setting: {name}."), name=sorted(unknown)[0])
        limit = raw.get("max_per_participant", 20)
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 100:
            raise Invalid(N_("The field {field} must be a whole number from {low} to {high}."),
                          field="max_per_participant", low=1, high=100)
        clusters = raw.get("clusters", [])
        if not isinstance(clusters, list) or len(clusters) > MAX_CLUSTERS:
            raise Invalid(N_("Give at most {limit} clusters."), limit=MAX_CLUSTERS)
        names = [clean_text(name, CLUSTER_LIMIT, "clusters") for name in clusters]
        if len({n.casefold() for n in names}) != len(names):
            raise Invalid(N_("Two clusters have the same name."))
        return {"live_wall": _flag("live_wall")(raw.get("live_wall", True)),
                "max_per_participant": limit,
                "premoderation": _flag("premoderation")(raw.get("premoderation", False)),
                "support": _flag("support")(raw.get("support", False)),
                "clusters": names}

    def new_data(self, config: Mapping[str, Any]) -> IdeasData:
        clusters = {f"c{n}": name for n, name in enumerate(config.get("clusters", []), 1)}
        return IdeasData(clusters=clusters)

    def is_tallied(self, activity: Activity) -> bool:
        return bool(activity.config.get("support"))

    # -- deciding ------------------------------------------------------------------------

    def decide(self, activity: Activity, command: Command, ids: IdSource) -> Decision:
        data: IdeasData = activity.data
        args = command.args
        base = {"activity": activity.id}
        kind = command.type
        if kind == "idea.add":
            return self._add(activity, command, ids)
        if kind.startswith("cluster."):
            return self._cluster(activity, command)
        who = command.actor.participant
        idea = self._idea(data, args.get("idea"), who)
        if who is not None and kind in {"idea.edit", "idea.withdraw"} and idea.author != who:
            raise NotYours(N_("You can only change your own ideas."))
        base["idea"] = idea.id
        if kind == "idea.edit":
            text = clean_text(args.get("text"), TEXT_LIMIT, "text")
            return Decision() if text == idea.text else Decision(
                [("idea.edited", {**base, "text": text})])
        if kind == "idea.support":
            assert who is not None
            if not idea.visible:
                raise NotFound(N_("This idea does not exist."))
            want = _flag("support")(args.get("support", True))
            if want and idea.author == who:
                raise Invalid(N_("You cannot support your own idea."))
            if not activity.config["support"]:
                raise Invalid(N_("Supporting ideas is not switched on here."))
            if (who in idea.supporters) == want:
                return Decision(result={"support": want})
            return Decision([("idea.supported", {**base, "participant": who,
                                                 "support": want})], {"support": want})
        if kind == "idea.pin":
            pinned = _flag("pinned")(args.get("pinned", True))
            return Decision() if idea.pinned == pinned else Decision(
                [("idea.pinned", {**base, "pinned": pinned})])
        if kind == "idea.move":
            cluster = args.get("cluster")
            if cluster is not None and cluster not in data.clusters:
                raise NotFound(N_("This cluster does not exist."))
            return Decision() if idea.cluster == cluster else Decision(
                [("idea.moved", {**base, "cluster": cluster})])
        if kind == "idea.merge":
            return self._merge(data, idea, args.get("into"), base)
        if kind == "idea.unmerge":
            if idea.merged_into is None:
                return Decision()
            return Decision([("idea.unmerged", {**base, "from": idea.merged_into})])
        attr, value, event = {"idea.withdraw": ("withdrawn", True, "idea.withdrawn"),
                              "idea.hide": ("hidden", True, "idea.hidden"),
                              "idea.restore": ("hidden", False, "idea.restored"),
                              "idea.approve": ("pending", False, "idea.approved")}[kind]
        if getattr(idea, attr) == value:
            return Decision()  # already so: nothing to record
        return Decision([(event, base)])

    def _idea(self, data: IdeasData, ident: Any, who: str | None) -> Idea:
        idea = data.ideas.get(ident) if isinstance(ident, str) else None
        if idea is None or (who is not None and (idea.withdrawn or idea.hidden)):
            raise NotFound(N_("This idea does not exist."))
        return idea

    def _add(self, activity: Activity, command: Command, ids: IdSource) -> Decision:
        data: IdeasData = activity.data
        text = clean_text(command.args.get("text"), TEXT_LIMIT, "text")
        who = command.actor.participant
        assert who is not None
        limit = activity.config["max_per_participant"]
        if data.posted[who] >= limit:
            raise LimitReached(N_("No more ideas are possible here (at most {limit})."),
                               limit=limit)
        ident = ids.next("i")
        pending = bool(activity.config.get("premoderation"))
        return Decision(
            [("idea.added", {"activity": activity.id, "idea": ident, "text": text,
                             "author": who, "pending": pending})],
            {"idea": ident, "pending": pending},
        )

    def _merge(self, data: IdeasData, idea: Idea, into: Any,
               base: dict[str, Any]) -> Decision:
        target = find(data.ideas, into, N_("This idea does not exist."))
        if target.id == idea.id or target.merged_into or idea.merged_into \
                or target.withdrawn or idea.withdrawn:
            raise Invalid(N_("These two ideas cannot be merged."))
        return Decision([("idea.merged", {**base, "into": target.id})])

    def _cluster(self, activity: Activity, command: Command) -> Decision:
        data: IdeasData = activity.data
        args = command.args
        base = {"activity": activity.id}
        if command.type == "cluster.create":
            if len(data.clusters) >= MAX_CLUSTERS:
                raise LimitReached(N_("Give at most {limit} clusters."), limit=MAX_CLUSTERS)
            name = self._cluster_name(data, args.get("name"))
            numbers = [int(c[1:]) for c in data.clusters]
            ident = f"c{max(numbers, default=0) + 1}"
            return Decision([("cluster.created", {**base, "cluster": ident, "name": name})],
                            {"cluster": ident})
        cluster = args.get("cluster")
        if not isinstance(cluster, str) or cluster not in data.clusters:
            raise NotFound(N_("This cluster does not exist."))
        if command.type == "cluster.delete":
            return Decision([("cluster.deleted", {**base, "cluster": cluster})])
        name = clean_text(args.get("name"), CLUSTER_LIMIT, "name")
        if name == data.clusters[cluster]:
            return Decision()
        self._cluster_name(data, name)
        return Decision([("cluster.renamed", {**base, "cluster": cluster, "name": name})])

    def _cluster_name(self, data: IdeasData, raw: Any) -> str:
        name = clean_text(raw, CLUSTER_LIMIT, "name")
        if name.casefold() in {n.casefold() for n in data.clusters.values()}:
            raise Invalid(N_("Two clusters have the same name."))
        return name

    # -- applying ------------------------------------------------------------------------

    def apply(self, activity: Activity, event: Event) -> None:
        data: IdeasData = activity.data
        d = event.data
        kind = event.type
        if kind == "idea.added":
            data.ideas[d["idea"]] = Idea(d["idea"], d["text"], d["author"], event.at,
                                         pending=d.get("pending", False))
            data.posted[d["author"]] += 1
        elif kind == "cluster.created":
            data.clusters[d["cluster"]] = d["name"]
        elif kind == "cluster.renamed":
            data.clusters[d["cluster"]] = d["name"]
        elif kind == "cluster.deleted":
            del data.clusters[d["cluster"]]
            for idea in data.ideas.values():
                if idea.cluster == d["cluster"]:
                    idea.cluster = None
        else:
            self._apply_idea(data, data.ideas[d["idea"]], kind, d)

    def _apply_idea(self, data: IdeasData, idea: Idea, kind: str, d: dict[str, Any]) -> None:
        if kind == "idea.edited":
            idea.text = d["text"]
            idea.edited = True
        elif kind == "idea.supported":
            if d["support"]:
                idea.supporters.add(d["participant"])
            else:
                idea.supporters.discard(d["participant"])
        elif kind == "idea.merged":
            idea.merged_into = d["into"]
            data.ideas[d["into"]].merged.append(idea.id)
        elif kind == "idea.unmerged":
            idea.merged_into = None
            data.ideas[d["from"]].merged.remove(idea.id)
        elif kind == "idea.moved":
            idea.cluster = d["cluster"]
        elif kind == "idea.pinned":
            idea.pinned = d["pinned"]
        else:
            attr, value = {"idea.withdrawn": ("withdrawn", True),
                           "idea.hidden": ("hidden", True),
                           "idea.restored": ("hidden", False),
                           "idea.approved": ("pending", False)}[kind]
            setattr(idea, attr, value)

    # -- seeing --------------------------------------------------------------------------

    def _wall_visible(self, activity: Activity, audience: Audience) -> bool:
        if audience == "moderator" or activity.revealed:
            return True
        return audience == "presenter" and bool(activity.config["live_wall"])

    def results(self, activity: Activity) -> dict[str, Any] | None:
        if not activity.config.get("support"):
            return None
        data: IdeasData = activity.data
        return {"support": {i.id: data.support(i) for i in data.ideas.values()
                            if i.merged_into is None}}

    def view(self, activity: Activity, audience: Audience) -> dict[str, Any]:
        data: IdeasData = activity.data
        clusters = [{"id": c, "name": name} for c, name in data.clusters.items()]
        if audience == "moderator":
            return {"ideas": [_full(data, i) for i in data.ideas.values()],
                    "clusters": clusters}
        if not self._wall_visible(activity, audience):
            return {"ideas": [], "clusters": clusters}
        return {"ideas": [_public(data, i) for i in data.wall()], "clusters": clusters}

    def project(
        self, activity: Activity, event: Event, audience: Audience
    ) -> dict[str, Any] | None:
        data: IdeasData = activity.data
        d = event.data
        base: dict[str, Any] = {"activity": activity.id}
        if event.type.startswith("cluster."):
            if event.type == "cluster.deleted":
                return {**base, "cluster": d["cluster"]}
            return {**base, "cluster": {"id": d["cluster"], "name": d["name"]}}
        if event.type == "idea.supported":
            return None  # support travels as results
        idea = data.ideas[d["idea"]]
        if audience == "moderator":
            out = {**base, "idea": _full(data, idea)}
            for key in ("into", "from"):
                if key in d:
                    out[key] = _full(data, data.ideas[d[key]])
            # A change to a duplicate (or a merge or unmerge) changes the `merged` list and the
            # support of every idea it is (or was) merged into, up to the one on the wall.
            below = data.ideas[d["from"]] if event.type == "idea.unmerged" else idea
            ancestors = _ancestors(data, below)
            if ancestors:
                out["ancestors"] = [_full(data, a) for a in ancestors]
            return out
        if not self._wall_visible(activity, audience):
            return None
        if event.type == "idea.merged":
            into = _root(data, data.ideas[d["into"]])
            return {**base, "idea": idea.id, "into": _public(data, into)} \
                if into.visible else {**base, "idea": idea.id}
        if event.type == "idea.unmerged":
            return {**base, "idea": _public(data, idea),
                    "from": _public(data, data.ideas[d["from"]])}
        if idea.merged_into is not None:
            # A change to a duplicate shows on the card of the idea it is merged into.
            root = _root(data, idea)
            return {**base, "idea": _public(data, root)} if root.visible else None
        if event.type in {"idea.withdrawn", "idea.hidden"}:
            return {**base, "idea": idea.id}
        if not idea.visible:
            return None  # pending or hidden: it stays with the moderator
        return {**base, "idea": _public(data, idea)}

    def mine(self, activity: Activity, participant: str) -> dict[str, Any] | None:
        data: IdeasData = activity.data
        own = []
        for idea in data.ideas.values():
            if idea.author != participant or idea.withdrawn:
                continue
            record: dict[str, Any] = {"id": idea.id, "text": idea.text}
            if idea.pending:
                record["pending"] = True
            if idea.merged_into:
                record["merged_into"] = idea.merged_into
            own.append(record)
        supported = [i.id for i in data.ideas.values() if participant in i.supporters]
        out: dict[str, Any] = {}
        if own:
            out["ideas"] = own
        if supported:
            out["supported"] = supported
        return out or None

    # -- as a source of items ------------------------------------------------------------

    def source_items(self, activity: Activity, take: str) -> list[dict[str, str]] | None:
        data: IdeasData = activity.data
        wall = data.wall()
        if take == "all":
            return [{"id": i.id, "label": i.text} for i in wall]
        if take.startswith("cluster:"):
            cluster = take.split(":", 1)[1]
            if cluster not in data.clusters:
                return None
            return [{"id": i.id, "label": i.text} for i in wall if i.cluster == cluster]
        return None

    def ranked(self, activity: Activity) -> list[tuple[dict[str, str], float]] | None:
        data: IdeasData = activity.data
        wall = data.wall()
        scores = [float(data.support(i)) if activity.config.get("support")
                  else float(-index) for index, i in enumerate(wall)]
        ranked = sorted(zip(wall, scores, strict=True), key=lambda pair: -pair[1])
        return [({"id": i.id, "label": i.text}, score) for i, score in ranked]
