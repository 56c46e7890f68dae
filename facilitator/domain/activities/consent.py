"""Consent: yes, no or abstain on a proposal (the activity's title and prompt). A participant's
latest vote counts; the three counters are kept up to date on every vote, so the outcome by
the configured majority and quorum costs nothing to compute.

Votes are recorded per participant even when the vote is secret: a vote must be changeable
and withdrawable, and the archive must recount it. Secret means nobody is shown who voted how;
an open vote (a board's recorded vote) shows the moderator, and only the moderator, each vote."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from facilitator.domain.activities.base import OPEN, Activity, IdSource, Kind, Rule
from facilitator.domain.errors import N_, Invalid
from facilitator.domain.model import Audience, Command, Decision, Event

VOTES = ("yes", "no", "abstain")
MAJORITIES = ("simple", "two_thirds")
# No workshop has more voters than a session has participants (commands.MAX_PARTICIPANTS).
MAX_QUORUM = 10_000


@dataclass
class ConsentData:
    votes: dict[str, str] = field(default_factory=dict)  # participant -> vote, in voting order
    counts: Counter[str] = field(default_factory=Counter)


def outcome(yes: int, no: int, abstain: int, majority: str, quorum: int) -> str:
    """accepted, rejected or no_quorum. Abstentions count only towards the quorum."""
    if yes + no + abstain < quorum:
        return "no_quorum"
    if majority == "two_thirds":
        # In integers: yes ≥ 2/3 (yes + no) without rounding; nobody in favour is no consent.
        accepted = yes > 0 and 3 * yes >= 2 * (yes + no)
    else:
        accepted = yes > no
    return "accepted" if accepted else "rejected"


def result_line(results: Mapping[str, Any], gettext: Callable[[str], str]) -> str:
    """The results in one line, for the archive: in German "Zustimmung 12 · Ablehnung 0 ·
    Enthaltung 3 — angenommen"."""
    outcomes = {"accepted": gettext("accepted"), "rejected": gettext("rejected"),
                "no_quorum": gettext("no quorum")}
    counts = " · ".join([gettext("Yes {n}").format(n=results["yes"]),
                         gettext("No {n}").format(n=results["no"]),
                         gettext("Abstain {n}").format(n=results["abstain"])])
    return f"{counts} — {outcomes[results['outcome']]}"


class Consent(Kind):
    name = "consent"
    tallied = True
    rules = {"consent.cast": Rule({"participant": OPEN})}

    def make_config(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        unknown = set(raw) - {"secret", "majority", "quorum"}
        if unknown:
            raise Invalid(N_("Unknown setting: {name}."), name=sorted(unknown)[0])
        # Secret unless said otherwise: an open vote is the exception a board decides on.
        secret = raw.get("secret", True)
        if not isinstance(secret, bool):
            raise Invalid(N_("The field {field} must be true or false."), field="secret")
        majority = raw.get("majority", "simple")
        if majority not in MAJORITIES:
            raise Invalid(N_("The majority must be one of: {choices}."),
                          choices=", ".join(MAJORITIES))
        quorum = raw.get("quorum", 0)
        if isinstance(quorum, bool) or not isinstance(quorum, int) \
                or not 0 <= quorum <= MAX_QUORUM:
            raise Invalid(N_("The field {field} must be a whole number from {low} to {high}."),
                          field="quorum", low=0, high=MAX_QUORUM)
        return {"secret": secret, "majority": majority, "quorum": quorum}

    def new_data(self, config: Mapping[str, Any]) -> ConsentData:
        return ConsentData()

    def decide(self, activity: Activity, command: Command, ids: IdSource) -> Decision:
        data: ConsentData = activity.data
        # A missing vote is a malformed command, not a withdrawal: only null withdraws.
        if "vote" not in command.args:
            raise Invalid(N_("The vote must be yes, no or abstain."))
        vote = command.args["vote"]
        if vote is not None and vote not in VOTES:
            raise Invalid(N_("The vote must be yes, no or abstain."))
        who = command.actor.participant
        assert who is not None
        result = {"vote": vote}
        if data.votes.get(who) == vote:
            return Decision(result=result)
        return Decision(
            [("consent.voted", {"activity": activity.id, "participant": who, "vote": vote})],
            result,
        )

    def apply(self, activity: Activity, event: Event) -> None:
        data: ConsentData = activity.data
        who = event.data["participant"]
        vote = event.data["vote"]
        # A changed vote keeps its place in the moderator's list (the order of first votes);
        # a withdrawn one leaves it.
        old = data.votes.get(who) if vote is not None else data.votes.pop(who, None)
        if old is not None:
            data.counts[old] -= 1
        if vote is not None:
            data.votes[who] = vote
            data.counts[vote] += 1

    def results(self, activity: Activity) -> dict[str, Any]:
        data: ConsentData = activity.data
        config = activity.config
        yes, no, abstain = (data.counts[v] for v in VOTES)
        voters = yes + no + abstain
        return {"yes": yes, "no": no, "abstain": abstain, "voters": voters,
                "quorum": config["quorum"], "quorate": voters >= config["quorum"],
                "outcome": outcome(yes, no, abstain, config["majority"], config["quorum"])}

    def view(self, activity: Activity, audience: Audience) -> dict[str, Any]:
        if audience != "moderator" or activity.config["secret"]:
            return {}
        data: ConsentData = activity.data
        # Names live in the session's participant list, which the moderator's page has;
        # the kind sees only the activity, so it names voters by id.
        return {"votes": [{"participant": who, "vote": vote}
                          for who, vote in data.votes.items()]}

    def project(
        self, activity: Activity, event: Event, audience: Audience
    ) -> dict[str, Any] | None:
        if audience == "moderator" and not activity.config["secret"]:
            return dict(event.data)
        return None  # a secret vote reaches everyone only summed up, as a tally

    def mine(self, activity: Activity, participant: str) -> dict[str, Any] | None:
        data: ConsentData = activity.data
        vote = data.votes.get(participant)
        return {"vote": vote} if vote else None
