"""A client of the wire protocol written from docs/protocol.md alone, as a client in another
language would be written: it never looks at the server's code.

It holds what a `hello` gives (`session`, `you`, `mine`) and applies every documented `event`,
`tally` and `mine` message to it, per audience (moderator, presenter, participant), plus the
answers to its own commands ("Changes a participant makes itself come with the ack of its
command; changes by others come as a mine message"). The promise it checks, the page's
guarantee: "a client that applies the messages as this page describes them (hello, then each
event, tally and mine, and its own acks) holds exactly what a fresh hello would give it at that
moment, for every audience" — except a participant's `session.participants` counts, which are
those of its last hello.

Where the page leaves something open, the model does the most reasonable documented thing and
the choice is marked `GAP:` in a comment. When a message cannot be applied at all (an unknown
event, an activity the client does not hold, a message for another audience), the model notes
it in `notes` instead of guessing, and goes on.
"""

from __future__ import annotations

import copy
import re
from typing import Any

JSON = dict[str, Any]


def number(ident: Any) -> int:
    """The running number of an id like `a12`, `i4` (GAP: the page shows ids as a letter and
    a running number, and says so for `t1`, `c1`, `o1`, but not that the ids of activities,
    ideas and questions follow the order of creation; the model needs it to place an activity
    that becomes visible "in creation order", and supported ideas and upvoted questions of
    `mine` "in the order they were posted" / "in the order asked")."""
    digits = re.sub(r"\D", "", str(ident))
    return int(digits) if digits else 0


def normal_word(word: str) -> str:
    """Words are counted normalised: trimmed, inner spaces collapsed, case-folded."""
    return " ".join(word.split()).casefold()


# Events that name an activity without being an event of its kind.
NOT_KIND_EVENTS = ("session.", "participant.", "group.", "groups.", "phase.", "timer.",
                   "activity.", "photo.")


def _upsert(records: list[JSON], record: JSON, key: str = "id") -> None:
    for index, old in enumerate(records):
        if old.get(key) == record.get(key):
            records[index] = record
            return
    records.append(record)


def _remove(records: list[JSON], ident: Any, key: str = "id") -> None:
    records[:] = [r for r in records if r.get(key) != ident]


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


class ClientModel:
    """One connection's view of the session, kept by applying messages in order."""

    def __init__(self, name: str = "") -> None:
        self.name = name
        self.role: str | None = None
        self.protocol: Any = None
        self.seq: int | None = None  # from every hello and event: where to resume from
        self.applied: int | None = None  # the seq of the last event (or hello) applied
        self.session: JSON | None = None
        self.you: JSON | None = None
        self.mine: JSON | None = None
        self.hellos = 0
        self.events: list[JSON] = []  # every event applied, in order
        self.notes: list[str] = []  # messages the model could not apply

    # -- what the comparison looks at -----------------------------------------------------

    def snapshot(self) -> JSON:
        return copy.deepcopy({"session": self.session, "you": self.you, "mine": self.mine})

    # -- messages -------------------------------------------------------------------------

    def receive(self, message: JSON) -> None:
        kind = message.get("type")
        if kind == "hello":
            self._hello(message)
        elif kind == "event":
            self._event(message)
        elif kind == "tally":
            self._tally(message)
        elif kind == "mine":
            self._mine(message)
        elif kind == "you":
            self._you(message)
        elif kind in {"ack", "error", "pong", "notice"}:
            pass  # answers are applied with the command they answer (see `answered`)
        else:
            self.notes.append(f"unknown message type {kind!r}")

    def _hello(self, hello: JSON) -> None:
        self.hellos += 1
        self.role = hello["role"]
        self.protocol = hello.get("protocol")
        # Protocol 1.1: the seq of every hello, resumed or not (a resumed hello's seq is the
        # point its replay starts from).
        self.seq = hello["seq"]
        self.applied = hello["seq"]
        if not hello.get("resumed"):
            self.session = hello["session"]
        # `you` and `mine` are always complete, also on a resumed hello.
        self.you = hello.get("you")
        self.mine = hello.get("mine") if self.role == "participant" else None

    def _event(self, message: JSON) -> None:
        self.seq = message["seq"]
        self.applied = message["seq"]
        self.events.append(message)
        if self.session is None:
            self.notes.append(f"event {message['event']} before any complete hello")
            return
        name: str = message["event"]
        data: JSON = message["data"]
        handler = EVENTS.get(name)
        if handler is None:
            self.notes.append(f"undocumented event {name}")
            return
        try:
            handler(self, name, data)
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            # The data is not what the page documents: noted, not applied.
            self.notes.append(f"{name}: cannot apply {data!r} ({type(exc).__name__}: {exc})")
            return
        # "A moderator client sets `touched` on every event of an activity's kind it gets."
        if self.role == "moderator" and not name.startswith(NOT_KIND_EVENTS) \
                and isinstance(data.get("activity"), str):
            held = self.activity(data["activity"])
            if held is not None:
                held["touched"] = True

    # -- lookups --------------------------------------------------------------------------

    @property
    def s(self) -> JSON:
        assert self.session is not None
        return self.session

    def activity(self, ident: Any) -> JSON | None:
        for activity in self.s.get("activities") or []:
            if activity.get("id") == ident:
                found: JSON = activity
                return found
        return None

    def instance(self, data: JSON, event: str) -> tuple[JSON, JSON] | None:
        """The activity of an event and the object holding its kind fields: for an event of
        a group's instance, moderator and presenter hold it in `groups[<group>]`; a
        participant holds their own group's instance in the view itself."""
        activity = self.activity(data.get("activity"))
        if activity is None:
            self.notes.append(f"{event}: activity {data.get('activity')} not held")
            return None
        group = data.get("group")
        if group is None or self.role == "participant":
            return activity, activity
        groups = activity.get("groups")
        if not isinstance(groups, dict):
            self.notes.append(f"{event}: activity {activity['id']} has no groups")
            return None
        if group not in groups:
            # `group.created` brings the new instance with the new views of the per-group
            # activities: an instance the client does not hold is a message it cannot apply.
            self.notes.append(f"{event}: activity {activity['id']} has no instance {group}")
            return None
        return activity, groups[group]

    def put_activity(self, view: JSON, before: Any = None) -> None:
        """"Where an event carries a whole activity view, the client replaces its copy of
        that activity with it" (or adds it: presenter and phones see an activity once it is
        no longer a draft, "in front of `before`", at the end when it is null or not given:
        a new activity is the last one)."""
        activities = self.s.setdefault("activities", [])
        for index, old in enumerate(activities):
            if old.get("id") == view.get("id"):
                activities[index] = view
                return
        insert_before(activities, view, before)

    # -- tallies --------------------------------------------------------------------------

    def _tally(self, message: JSON) -> None:
        seq = message.get("seq")
        if self.seq is not None and isinstance(seq, int) and seq > self.seq:
            self.seq = seq  # "the highest seq it has seen on a hello, event or tally"
        if self.applied is not None and isinstance(seq, int) and seq < self.applied:
            return  # computed before the last event applied: stale, ignore it
        if self.session is None:
            return
        found = self.instance({"activity": message.get("activity"),
                               "group": message.get("group")}, "tally")
        if found is None:
            return
        activity, instance = found
        if (self.role == "participant" and message.get("group") is not None
                and activity.get("group") != message.get("group")):
            self.notes.append(f"tally of group {message.get('group')} on a phone of group "
                              f"{activity.get('group')}")
            return
        results = message.get("results")
        instance["results"] = results
        # "to the presenter while the results are hidden from it: `results` null and
        # `responses`, the number who answered"; the view has `responses` only then.
        if "responses" in message:
            instance["responses"] = message["responses"]
        else:
            instance.pop("responses", None)
        kind = activity.get("kind")
        if kind == "ideas" and self.role == "moderator" and isinstance(results, dict):
            # Support counts are results; the moderator's records carry them as `support`.
            support = results.get("support") or {}
            for idea in instance.get("ideas") or []:
                if idea.get("id") in support:
                    idea["support"] = support[idea["id"]]
        if kind == "qa" and isinstance(results, dict):
            votes = {q.get("id"): q.get("votes") for q in results.get("questions") or []}
            questions = instance.get("questions") or []
            for question in questions:
                if question.get("id") in votes:
                    question["votes"] = votes[question["id"]]
            sort_questions(questions)

    # -- `mine`: what others changed of this participant's contributions --------------------

    def _mine(self, message: JSON) -> None:
        """"mine replaces hello.mine[activity] (null: nothing of it any more, so remove the
        entry)". Its `seq` is "like a tally's", but the resume rule names only hello, event and
        tally, and nothing says a `mine` can be stale: the model applies every one in the order
        received and keeps its resume seq (GAP: whether a `mine` whose seq is below the last
        event applied is stale, as a tally would be, is not said)."""
        if self.role != "participant" or self.mine is None:
            self.notes.append(f"a mine message reached a {self.role}: {message!r}")
            return
        ident = message.get("activity")
        if not isinstance(ident, str) or "mine" not in message:
            self.notes.append(f"mine: cannot apply {message!r}")
            return
        value = message["mine"]
        if value is None:
            self.mine.pop(ident, None)
        elif isinstance(value, dict):
            self.mine[ident] = value
        else:
            self.notes.append(f"mine: cannot apply {message!r}")

    def _you(self, message: JSON) -> None:
        """`you`: to every connection of a participant with more than one, after it changed
        its own name, place or group on one of them; it replaces `hello.you`."""
        if self.role != "participant" or not isinstance(message.get("you"), dict):
            self.notes.append(f"you: cannot apply {message!r}")
            return
        self.you = message["you"]

    # -- answers to the participant's own commands ------------------------------------------

    def answered(self, command: JSON, answer: JSON) -> None:
        """Apply what the answer to one of this client's own commands tells: a participant's
        `mine` and `you` (the events of the command reach it too, if at all, as to anyone)."""
        if answer.get("type") != "ack" or self.role != "participant" or self.mine is None:
            return
        kind = command["type"]
        result = answer.get("result") or {}
        you = self.you or {}
        if kind == "participant.rename":
            name = command.get("name")
            you["name"] = name.strip() if isinstance(name, str) else None
            return
        if kind == "participant.where":
            you["where"] = command.get("where")
            return
        ident = command.get("activity")
        if not isinstance(ident, str):
            return
        mine: JSON = self.mine.setdefault(ident, {})
        if kind == "idea.add":
            entry: JSON = {"id": result["idea"], "text": command["text"].strip()}
            if result.get("pending"):
                entry["pending"] = True
            mine.setdefault("ideas", []).append(entry)
        elif kind == "idea.edit":
            for idea in mine.get("ideas") or []:
                if idea["id"] == command["idea"]:
                    idea["text"] = command["text"].strip()
        elif kind == "idea.withdraw":
            _remove(mine.setdefault("ideas", []), command["idea"])
        elif kind == "idea.support":
            supported = mine.setdefault("supported", [])
            if result.get("support", command.get("support", True)):
                if command["idea"] not in supported:
                    supported.append(command["idea"])
            elif command["idea"] in supported:
                supported.remove(command["idea"])
            supported.sort(key=number)  # "supported ideas in the order they were posted"
        elif kind == "vote.cast":
            mine["choices"] = list(result.get("choices", command.get("choices")) or [])
        elif kind == "dots.set":
            mine["placed"] = dict(result.get("placed") or {})
            mine["left"] = result.get("left")
            if not mine["placed"]:
                mine.clear()  # GAP: no dot placed is taken as "no contribution"
        elif kind == "consent.cast":
            mine["vote"] = result.get("vote", command.get("vote"))
            if mine["vote"] is None:
                del mine["vote"]  # "a withdrawn consent vote (null) ... remove[s] it"
        elif kind == "words.submit":
            mine["words"] = list(result.get("words", command.get("words")) or [])
        elif kind == "question.ask":
            entry = {"id": result["question"], "text": command["text"].strip()}
            # GAP: the ack of question.ask says nothing of pre-moderation; the activity's
            # config says whether the question awaits approval.
            activity = self.activity(ident)
            if activity is not None and (activity.get("config") or {}).get("premoderation"):
                entry["pending"] = True
            mine.setdefault("questions", []).append(entry)
        elif kind == "question.withdraw":
            _remove(mine.setdefault("questions", []), command["question"])
        elif kind == "question.upvote":
            # "every question this participant upvoted (also one hidden or withdrawn since),
            # in the order asked": only the participant's own upvote changes it.
            upvoted = mine.setdefault("upvoted", [])
            if result.get("up", command.get("up", True)):
                if command["question"] not in upvoted:
                    upvoted.append(command["question"])
            elif command["question"] in upvoted:
                upvoted.remove(command["question"])
            upvoted.sort(key=number)
        self.tidy_mine(ident)

    def tidy_mine(self, ident: str) -> None:
        """"omitting activities without a contribution": for ideas and qa "either key is left
        out when empty"; "an empty ballot (vote.cast with no choices), a withdrawn consent vote
        (null), withdrawn words or order remove it". GAP: for dots the page does not say
        whether `{"placed": {}, "left": n}` is a contribution; the model takes no dot placed
        as none (see dots.set above)."""
        assert self.mine is not None
        mine = self.mine.get(ident)
        if mine is None:
            return
        for key in [k for k, v in mine.items() if isinstance(v, list) and not v]:
            del mine[key]
        if not mine or (set(mine) == {"left"}):
            del self.mine[ident]


# -- sorting ----------------------------------------------------------------------------------


def sort_wall(ideas: list[JSON]) -> None:
    """The public wall: "pinned first, then in the order of posting" (GAP: the posting order
    is taken from `at`, then the id's number; see `number`)."""
    ideas.sort(key=lambda i: (not i.get("pinned"), i.get("at") or "", number(i.get("id"))))


def sort_questions(questions: list[JSON]) -> None:
    """Views: "sorted pinned first, then open before answered, then by votes, then by time";
    the qa kind: "most votes first, then in the order they were asked; the view's questions
    are in that order too" (read as the same tie-breaks under pinned and answered)."""
    questions.sort(key=lambda q: (not q.get("pinned"), bool(q.get("answered")),
                                  -(q.get("votes") or 0), q.get("at") or "",
                                  number(q.get("id"))))


def sheet_results(sheet: JSON) -> JSON:
    """A measure sheet's results, computed by the client ("Not tallied: every edit is an
    event"). GAP: the page does not say when a field counts as filled nor what `complete`
    means; the model takes a field with a non-empty value as filled and complete as all
    filled."""
    values = {field: cell.get("value") for field, cell in sheet.items()}
    filled = sum(1 for value in values.values() if not _empty(value))
    return {"sheet": values, "complete": filled == len(values), "filled": filled,
            "total": len(values)}


# -- the events -------------------------------------------------------------------------------


def insert_before(records: list[JSON], record: JSON, before: Any) -> None:
    """Protocol 1.2: "takes it out of its list and puts it in front of `before` (at the end
    for null)"; a `before` the client does not hold is noted (it cannot be placed)."""
    records[:] = [r for r in records if r.get("id") != record.get("id")]
    at = next((n for n, r in enumerate(records) if r.get("id") == before), None)
    if before is not None and at is None:
        raise ValueError(f"before {before} is not held")
    records.insert(len(records) if at is None else at, record)


def _activity_edited(model: ClientModel, name: str, data: JSON) -> None:
    """activity.updated, .deleted, .hidden and .moved (protocol 1.2)."""
    session = model.s
    activities = session.setdefault("activities", [])
    if name == "activity.updated":
        model.put_activity(data["activity"])
        return
    if name == "activity.deleted":
        _remove(activities, data["activity"])
        return
    if name == "activity.hidden":
        session["current"] = data["current"]
        if model.role == "moderator":
            held = model.activity(data["activity"])
            if held is None:
                raise ValueError(f"activity {data['activity']} not held")
            held["hidden"] = data["hidden"]
        elif data["hidden"]:
            _remove(activities, data["activity"])  # `mine` stays
        else:
            model.put_activity(data["view"], data["before"])
        return
    held = model.activity(data["activity"])  # activity.moved
    if held is None:
        raise ValueError(f"activity {data['activity']} not held")
    held["phase"] = data["phase"]
    insert_before(activities, held, data["before"])


def _phase_edited(model: ClientModel, name: str, data: JSON) -> None:
    phases = model.s.setdefault("phases", [])
    if name == "phase.deleted":
        _remove(phases, data["phase"])
        return
    held = next((p for p in phases if p.get("id") == data["phase"]), None)
    if held is None:
        raise ValueError(f"phase {data['phase']} not held")
    insert_before(phases, held, data["before"])


def _session_updated(model: ClientModel, name: str, data: JSON) -> None:
    for key, value in data.items():
        model.s["photo_policy" if key == "photos" else key] = value


def _status(model: ClientModel, name: str, data: JSON) -> None:
    model.s["status"] = data["status"]


def _created(model: ClientModel, name: str, data: JSON) -> None:
    model.session = data["session"]


def _participants(model: ClientModel, name: str, data: JSON) -> None:
    session = model.s
    counts = dict(data["participants"])
    if model.role == "moderator" and "list" not in counts:
        listed = copy.deepcopy((session.get("participants") or {}).get("list") or [])
        person = data["participant"]
        for entry in listed:
            if entry.get("id") == person["id"]:
                entry.update({k: v for k, v in person.items() if k != "id"})
                break
        else:
            listed.append({"id": person["id"], "name": person.get("name"), "group": None,
                           "where": person.get("where")})
        counts["list"] = listed
    session["participants"] = counts


def _renamed(model: ClientModel, name: str, data: JSON) -> None:
    person = data["participant"]
    for entry in (model.s.get("participants") or {}).get("list") or []:
        if entry.get("id") == person["id"]:
            entry["name"] = person.get("name")


def _groups(model: ClientModel, name: str, data: JSON) -> None:
    session = model.s
    session["groups"] = data["groups"]
    if "choice" in data:
        session["choice"] = data["choice"]
    if model.role == "moderator" and "participants" in data:
        session["participants"] = data["participants"]
    if model.role == "participant":
        return  # a participant whose group changed gets a fresh hello
    # group.created / group.deleted: "the new view of every per-group activity (the group's
    # instance came or went)"; the presenter's without drafts.
    for view in data.get("activities") or []:
        model.put_activity(view)


def _simple(key: str) -> Any:
    def apply(model: ClientModel, name: str, data: JSON) -> None:
        model.s[key] = data[key]
    return apply


def _phase(model: ClientModel, name: str, data: JSON) -> None:
    session = model.s
    phases = session.setdefault("phases", [])
    for key in ("previous", "phase"):
        record = data.get(key)
        if isinstance(record, dict):
            _upsert(phases, record)
    session["phase"] = data.get("current")


def _activity_view(model: ClientModel, name: str, data: JSON) -> None:
    model.put_activity(data["activity"], data.get("before"))
    if "current" in data:
        model.s["current"] = data["current"]


def _activity_status(model: ClientModel, name: str, data: JSON) -> None:
    activity = model.activity(data["activity"])
    if activity is None:
        model.notes.append(f"{name}: activity {data['activity']} not held")
    else:
        activity["status"] = data["status"]
    model.s["current"] = data["current"]


def _revealed(model: ClientModel, name: str, data: JSON) -> None:
    if isinstance(data.get("activity"), dict):
        model.put_activity(data["activity"])
        return
    activity = model.activity(data["activity"])
    if activity is None:
        model.notes.append(f"{name}: activity {data['activity']} not held")
    else:
        activity["revealed"] = data["revealed"]


def _idea(model: ClientModel, name: str, data: JSON) -> None:
    found = model.instance(data, name)
    if found is None:
        return
    activity, instance = found
    ideas = instance.setdefault("ideas", [])
    if model.role == "moderator":
        for key in ("idea", "into", "from"):
            if isinstance(data.get(key), dict):
                _upsert(ideas, data[key])
        for record in data.get("ancestors") or []:
            _upsert(ideas, record)
        return
    idea = data.get("idea")
    if isinstance(idea, str):
        _remove(ideas, idea)
        if name == "idea.merged":
            model_mine_merged(model, activity["id"], idea, data.get("into"))
    elif isinstance(idea, dict):
        _upsert(ideas, idea)
        model_mine_public(model, activity["id"], idea)
    for key in ("into", "from"):
        if isinstance(data.get(key), dict):
            _upsert(ideas, data[key])
            model_mine_public(model, activity["id"], data[key])
    sort_wall(ideas)


def model_mine_public(model: ClientModel, activity: str, record: JSON) -> None:
    """A public idea record tells a participant about its own ideas in it: the idea itself
    (its text; being on the wall it is neither pending nor merged) and the duplicates listed
    in its `merged` (their text, and that they are merged). The page sends `mine` after the
    moderation changed an own idea "when no event of its audience may show it" (GAP: read
    as: when an event shows the change, the client takes it from the event, so the model
    does both; a `mine` that also comes then replaces the entry with the same)."""
    if model.role != "participant" or model.mine is None:
        return
    own = {idea["id"]: idea for idea in (model.mine.get(activity) or {}).get("ideas") or []}
    if record.get("id") in own:
        entry = own[record["id"]]
        entry["text"] = record.get("text")
        entry.pop("pending", None)
        entry.pop("merged_into", None)
    for duplicate in record.get("merged") or []:
        if duplicate.get("id") in own:
            entry = own[duplicate["id"]]
            entry["text"] = duplicate.get("text")
            entry.pop("pending", None)
            # `merged` lists the duplicates of duplicates too ("its duplicates move along"),
            # so the record names the idea on the wall, not necessarily the one this idea was
            # merged into: a known target (from `idea.merged`) stays.
            entry.setdefault("merged_into", record.get("id"))


def model_mine_merged(model: ClientModel, activity: str, ident: str, into: Any) -> None:
    if model.role != "participant" or model.mine is None or not isinstance(into, dict):
        return
    for entry in (model.mine.get(activity) or {}).get("ideas") or []:
        if entry["id"] == ident:
            entry["merged_into"] = into.get("id")


def _cluster(model: ClientModel, name: str, data: JSON) -> None:
    found = model.instance(data, name)
    if found is None:
        return
    _, instance = found
    clusters = instance.setdefault("clusters", [])
    cluster = data["cluster"]
    if name == "cluster.deleted":
        _remove(clusters, cluster)
        for idea in instance.get("ideas") or []:
            if idea.get("cluster") == cluster:
                idea["cluster"] = None
    else:
        _upsert(clusters, cluster)


def _question(model: ClientModel, name: str, data: JSON) -> None:
    found = model.instance(data, name)
    if found is None:
        return
    activity, instance = found
    questions = instance.setdefault("questions", [])
    question = data["question"]
    if isinstance(question, str):
        _remove(questions, question)
    else:
        _upsert(questions, question)
        if model.role == "participant" and model.mine is not None:
            for entry in (model.mine.get(activity["id"]) or {}).get("questions") or []:
                if entry["id"] == question.get("id"):
                    entry["text"] = question.get("text")
                    # Visible to all: not awaiting approval (as for ideas, taken from the
                    # event too; see the GAP at model_mine_public).
                    entry.pop("pending", None)
    sort_questions(questions)


def _words(model: ClientModel, name: str, data: JSON) -> None:
    """Sent to the moderator only. Its view (or the group's instance) has `hidden_words`,
    "the normalised words it hid, sorted": `words.hidden` adds the event's word (normalised),
    `words.restored` removes it; the results mark a hidden word `"hidden": true`."""
    found = model.instance(data, name)
    if found is None:
        return
    _, instance = found
    hidden = set(instance.get("hidden_words") or [])
    if name == "words.hidden":
        hidden.add(normal_word(data["word"]))
    else:
        hidden.discard(normal_word(data["word"]))
    instance["hidden_words"] = sorted(hidden)
    results = instance.get("results")
    if not isinstance(results, dict):
        return
    word = normal_word(data["word"])
    for entry in results.get("words") or []:
        if normal_word(entry.get("word", "")) == word:
            if name == "words.hidden":
                entry["hidden"] = True
            else:
                entry.pop("hidden", None)  # "A restored word's result loses its hidden key."


def _sheet(model: ClientModel, name: str, data: JSON) -> None:
    found = model.instance(data, name)
    if found is None:
        return
    _, instance = found
    sheet = instance.setdefault("sheet", {})
    sheet[data["field"]] = {key: data.get(key) for key in ("value", "version", "by", "at")}
    instance["results"] = sheet_results(sheet)


def _consent(model: ClientModel, name: str, data: JSON) -> None:
    found = model.instance(data, name)
    if found is None:
        return
    _, instance = found
    votes = instance.setdefault("votes", [])
    # "in the order of first votes: a changed vote keeps its place (consent.voted replaces
    # it), a withdrawn one ("vote": null) leaves the list, and voting again after that
    # appends"; records are {"participant", "vote"} (names are in participants.list).
    if data.get("vote") is None:
        _remove(votes, data["participant"], key="participant")
    else:
        _upsert(votes, {"participant": data["participant"], "vote": data["vote"]},
                key="participant")


def _slides(model: ClientModel, name: str, data: JSON) -> None:
    """The moderator holds the deck and the page ("slides.attached: a new deck; the page is
    1"); presenter and phones hold only the `slides` record the event carries."""
    found = model.instance(data, name)
    if found is None:
        return
    _, instance = found
    if model.role != "moderator":
        instance["slides"] = data["slides"]
    elif name == "slides.attached":
        instance["deck"], instance["page"] = data["deck"], 1
    else:
        instance["page"] = data["page"]


def _photo(model: ClientModel, name: str, data: JSON) -> None:
    photos = model.s.setdefault("photos", [])
    if name == "photo.added":
        _upsert(photos, data["photo"])  # "every photo of the session, oldest first"
    else:
        _remove(photos, data["photo"])


def _next_step(model: ClientModel, name: str, data: JSON) -> None:
    """The moderator's `next_steps`, in the order recorded: an added step goes at the end,
    an updated one replaces its copy in place, a deleted one leaves."""
    steps = model.s.setdefault("next_steps", [])
    if name == "nextstep.deleted":
        _remove(steps, data["step"])
    else:
        _upsert(steps, data["step"])


def _nothing(model: ClientModel, name: str, data: JSON) -> None:
    """Events documented as reaching nobody ("–" for every audience)."""
    model.notes.append(f"{name} reached a {model.role}, though documented for no one")


EVENTS: dict[str, Any] = {
    "session.created": _created,
    "session.opened": _status, "session.started": _status, "session.closed": _status,
    "session.deleted": _status,
    "participant.joined": _participants, "participant.where": _participants,
    "participant.renamed": _renamed,
    "session.noted": _simple("notes"),
    "session.limits_set": _simple("limits"),
    "session.logo_set": _simple("logo"),
    "session.screen_set": _simple("screen"),
    "phase.created": _phase, "phase.updated": _phase, "phase.started": _phase,
    "phase.ended": _phase,
    "timer.started": _simple("timer"), "timer.paused": _simple("timer"),
    "timer.resumed": _simple("timer"), "timer.extended": _simple("timer"),
    "timer.stopped": _simple("timer"),
    "activity.created": _activity_view, "activity.activated": _activity_view,
    "activity.locked": _activity_status, "activity.unlocked": _activity_status,
    "activity.revealed": _revealed, "activity.concealed": _revealed,
    "activity.updated": _activity_edited, "activity.deleted": _activity_edited,
    "activity.hidden": _activity_edited, "activity.moved": _activity_edited,
    "phase.moved": _phase_edited, "phase.deleted": _phase_edited,
    "session.updated": _session_updated,
    "cluster.created": _cluster, "cluster.renamed": _cluster, "cluster.deleted": _cluster,
    "words.hidden": _words, "words.restored": _words,
    "sheet.edited": _sheet,
    "consent.voted": _consent,
    "slides.attached": _slides, "slides.shown": _slides,
    "photo.added": _photo, "photo.removed": _photo,
    "nextstep.added": _next_step, "nextstep.updated": _next_step,
    "nextstep.deleted": _next_step,
}
for _name in ("group.created", "group.renamed", "group.deleted", "group.assigned",
              "group.spokesperson_set", "groups.choice_changed"):
    EVENTS[_name] = _groups
for _name in ("idea.added", "idea.edited", "idea.restored", "idea.approved", "idea.pinned",
              "idea.moved", "idea.withdrawn", "idea.hidden", "idea.merged", "idea.unmerged"):
    EVENTS[_name] = _idea
for _name in ("question.asked", "question.answered", "question.restored", "question.pinned",
              "question.approved", "question.withdrawn", "question.hidden"):
    EVENTS[_name] = _question
for _name in ("vote.cast", "idea.supported", "dots.placed", "ranking.submitted", "scale.rated",
              "matrix.placed", "words.submitted", "question.upvoted"):
    EVENTS[_name] = _nothing
