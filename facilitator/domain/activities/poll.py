"""Polls: one or several choices among options. A participant's latest ballot is the one that
counts; counts are kept up to date on every ballot, so a tally costs nothing to compute."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from facilitator.domain.activities.base import OPEN, Activity, IdSource, Kind, Rule
from facilitator.domain.errors import N_, Invalid, NotFound
from facilitator.domain.model import Audience, Command, Decision, Event, clean_text

MAX_OPTIONS = 20
LABEL_LIMIT = 120


@dataclass
class PollData:
    ballots: dict[str, tuple[str, ...]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


class Poll(Kind):
    name = "poll"
    tallied = True
    rules = {"vote.cast": Rule({"participant": OPEN})}

    def make_config(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        unknown = set(raw) - {"options", "multiple", "max_choices"}
        if unknown:
            raise Invalid(N_("Unknown setting: {name}."), name=sorted(unknown)[0])
        labels = raw.get("options")
        if not isinstance(labels, list) or not 2 <= len(labels) <= MAX_OPTIONS:
            raise Invalid(N_("A poll needs between {low} and {high} options."),
                          low=2, high=MAX_OPTIONS)
        options = []
        for number, label in enumerate(labels, start=1):
            if isinstance(label, Mapping):  # a config coming back from a view or a plan
                label = label.get("label")
            options.append({"id": f"o{number}",
                            "label": clean_text(label, LABEL_LIMIT, "options")})
        if len({o["label"].casefold() for o in options}) != len(options):
            raise Invalid(N_("Two options of a poll have the same label."))
        multiple = raw.get("multiple", False)
        if not isinstance(multiple, bool):
            raise Invalid(N_("The field {field} must be true or false."), field="multiple")
        default = len(options) if multiple else 1
        max_choices = raw.get("max_choices", default)
        if (isinstance(max_choices, bool) or not isinstance(max_choices, int)
                or not 1 <= max_choices <= len(options) or (not multiple and max_choices != 1)):
            raise Invalid(N_("The field {field} must be a whole number from {low} to {high}."),
                          field="max_choices", low=1, high=len(options) if multiple else 1)
        return {"multiple": multiple, "max_choices": max_choices, "options": options}

    def new_data(self, config: Mapping[str, Any]) -> PollData:
        return PollData(counts={o["id"]: 0 for o in config["options"]})

    def decide(self, activity: Activity, command: Command, ids: IdSource) -> Decision:
        data: PollData = activity.data
        choices = command.args.get("choices")
        if not isinstance(choices, list) or not all(isinstance(c, str) for c in choices):
            raise Invalid(N_("The field {field} must be a list of option ids."), field="choices")
        if len(set(choices)) != len(choices):
            raise Invalid(N_("An option was chosen twice."))
        for choice in choices:
            if choice not in data.counts:
                raise NotFound(N_("This option does not exist."))
        limit = activity.config["max_choices"]
        if len(choices) > limit:
            raise Invalid(N_("Too many answers chosen (at most {limit})."), limit=limit)
        who = command.actor.participant
        assert who is not None
        # Keep the options in their configured order, so equal ballots compare equal.
        ordered = tuple(o["id"] for o in activity.config["options"] if o["id"] in choices)
        result = {"choices": list(ordered)}
        if data.ballots.get(who, ()) == ordered:
            return Decision(result=result)
        return Decision(
            [("vote.cast", {"activity": activity.id, "participant": who,
                            "choices": list(ordered)})],
            result,
        )

    def apply(self, activity: Activity, event: Event) -> None:
        data: PollData = activity.data
        who = event.data["participant"]
        for old in data.ballots.pop(who, ()):
            data.counts[old] -= 1
        new = tuple(event.data["choices"])
        if new:
            data.ballots[who] = new
            for choice in new:
                data.counts[choice] += 1

    def results(self, activity: Activity) -> dict[str, Any]:
        data: PollData = activity.data
        return {
            "voters": len(data.ballots),
            "options": [{"id": oid, "count": n} for oid, n in data.counts.items()],
        }

    def project(
        self, activity: Activity, event: Event, audience: Audience
    ) -> dict[str, Any] | None:
        return None  # ballots are secret; everyone sees them only summed up, as a tally

    def source_items(self, activity: Activity, take: str) -> list[dict[str, str]] | None:
        if take != "all":
            return None
        return [{"id": o["id"], "label": o["label"]} for o in activity.config["options"]]

    def ranked(self, activity: Activity) -> list[tuple[dict[str, str], float]] | None:
        data: PollData = activity.data
        options = [({"id": o["id"], "label": o["label"]}, float(data.counts[o["id"]]))
                   for o in activity.config["options"]]
        return sorted(options, key=lambda pair: -pair[1])  # stable: ties keep option order

    def mine(self, activity: Activity, participant: str) -> dict[str, Any] | None:
        data: PollData = activity.data
        ballot = data.ballots.get(participant)
        return {"choices": list(ballot)} if ballot else None
