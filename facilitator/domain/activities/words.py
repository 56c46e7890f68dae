"""Words: each participant sends one to three words; the result is a word cloud. A new
submission replaces the participant's earlier one. Words are counted in a normalised form
(so "Radverkehr", "radverkehr " and "RADVERKEHR" are one word) and shown in the spelling most
people used. The moderator can hide a word: it stays counted (restoring it loses nothing) but
leaves the results that the beamer and the phones get."""

from __future__ import annotations

import heapq
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from facilitator.domain.activities.base import ANY_STATUS, OPEN, Activity, IdSource, Kind, Rule
from facilitator.domain.errors import N_, Invalid
from facilitator.domain.model import Audience, Command, Decision, Event, clean_text

MAX_WORDS = 3
WORD_LIMIT = 40
# A cloud of more words is unreadable, and a tally must stay small for thousands of phones.
SHOWN = 100
_SPACES = re.compile(r"\s+")


def normalise(word: str) -> str:
    """The form in which a word is counted, hidden and restored."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", word).strip()).casefold()


def counted(words: list[str]) -> dict[str, str]:
    """Normalised form -> spelling of one submission; a word sent twice counts once (the
    first spelling)."""
    out: dict[str, str] = {}
    for word in words:
        out.setdefault(normalise(word), word)
    return out


def _word(raw: Any, name: str) -> str:
    word = clean_text(raw, WORD_LIMIT, name)
    if any(ch.isspace() for ch in word):
        raise Invalid(N_("A word cannot contain spaces."))
    return word


@dataclass
class WordsData:
    submissions: dict[str, list[str]] = field(default_factory=dict)  # as sent, trimmed
    counts: Counter[str] = field(default_factory=Counter)  # normalised -> participants
    spellings: dict[str, Counter[str]] = field(default_factory=dict)
    seen: dict[str, int] = field(default_factory=dict)  # spelling -> when first seen
    hidden: set[str] = field(default_factory=set)
    # Results are computed once per change, not once per tally and audience; `public` is
    # the presenter's and participants' form of the results object it was derived from.
    cache: dict[str, Any] | None = None
    public: tuple[dict[str, Any], dict[str, Any]] | None = None

    def shown(self, norm: str) -> str:
        """The most frequent spelling; among equally frequent ones the first seen."""
        spellings = self.spellings[norm]
        return max(spellings, key=lambda s: (spellings[s], -self.seen[s]))


class Words(Kind):
    name = "words"
    tallied = True
    rules = {
        "words.submit": Rule({"participant": OPEN}),
        "words.hide": Rule({"moderator": ANY_STATUS}),
        "words.restore": Rule({"moderator": ANY_STATUS}),
    }

    def make_config(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        unknown = set(raw) - {"max_words"}
        if unknown:
            raise Invalid(N_("Unknown setting: {name}."), name=sorted(unknown)[0])
        limit = raw.get("max_words", MAX_WORDS)
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_WORDS:
            raise Invalid(N_("The field {field} must be a whole number from {low} to {high}."),
                          field="max_words", low=1, high=MAX_WORDS)
        return {"max_words": limit}

    def new_data(self, config: Mapping[str, Any]) -> WordsData:
        return WordsData()

    def decide(self, activity: Activity, command: Command, ids: IdSource) -> Decision:
        data: WordsData = activity.data
        base = {"activity": activity.id}
        if command.type != "words.submit":
            word = normalise(_word(command.args.get("word"), "word"))
            hide = command.type == "words.hide"
            if (word in data.hidden) == hide:
                return Decision()  # already so: nothing to record
            return Decision([("words.hidden" if hide else "words.restored",
                              {**base, "word": word})])
        raw = command.args.get("words")
        if not isinstance(raw, list):
            raise Invalid(N_("The field {field} must be a list of words."), field="words")
        limit = activity.config["max_words"]
        if len(raw) > limit:
            raise Invalid(N_("Too many words (at most {limit})."), limit=limit)
        words = [_word(w, "words") for w in raw]
        who = command.actor.participant
        assert who is not None
        result = {"words": words}
        if data.submissions.get(who, []) == words:
            return Decision(result=result)
        return Decision([("words.submitted", {**base, "participant": who, "words": words})],
                        result)

    def apply(self, activity: Activity, event: Event) -> None:
        data: WordsData = activity.data
        data.cache = None
        d = event.data
        if event.type == "words.hidden":
            data.hidden.add(d["word"])
            return
        if event.type == "words.restored":
            data.hidden.discard(d["word"])
            return
        for norm, spelling in counted(data.submissions.pop(d["participant"], [])).items():
            data.counts[norm] -= 1
            data.spellings[norm][spelling] -= 1
            if not data.spellings[norm][spelling]:
                del data.spellings[norm][spelling]
            if not data.counts[norm]:
                del data.counts[norm], data.spellings[norm]
        if d["words"]:
            data.submissions[d["participant"]] = d["words"]
        for norm, spelling in counted(d["words"]).items():
            data.counts[norm] += 1
            data.spellings.setdefault(norm, Counter())[spelling] += 1
            data.seen.setdefault(spelling, len(data.seen))

    def results(self, activity: Activity) -> dict[str, Any]:
        """The moderator's form: the best words that are not hidden, and the hidden ones
        marked as such (so they can be restored)."""
        data: WordsData = activity.data
        if data.cache is None:
            def order(norm: str) -> tuple[int, str]:
                return -data.counts[norm], norm
            best = heapq.nsmallest(SHOWN, (n for n in data.counts if n not in data.hidden),
                                   key=order)
            listed = sorted(best + [n for n in data.counts if n in data.hidden], key=order)
            data.cache = {"voters": len(data.submissions), "words": [
                {"word": data.shown(n), "count": data.counts[n],
                 **({"hidden": True} if n in data.hidden else {})} for n in listed]}
        return data.cache

    def results_for(self, activity: Activity, audience: Audience,
                    results: dict[str, Any] | None) -> dict[str, Any] | None:
        if audience == "moderator" or results is None:
            return results
        data: WordsData = activity.data
        if data.public is None or data.public[0] is not results:
            words = [w for w in results["words"] if not w.get("hidden")]
            # The same object when nothing is hidden, so one tally text serves everyone.
            public = results if len(words) == len(results["words"]) else {**results,
                                                                          "words": words}
            data.public = (results, public)
        return data.public[1]

    def view(self, activity: Activity, audience: Audience) -> dict[str, Any]:
        if audience != "moderator":
            return {}
        data: WordsData = activity.data
        # Also the hidden words nobody currently sends, which the results do not list.
        return {"hidden_words": sorted(data.hidden)}

    def project(
        self, activity: Activity, event: Event, audience: Audience
    ) -> dict[str, Any] | None:
        # Submissions reach everyone only as results; a hidden word must not be broadcast to
        # the phones and the beamer it was hidden from.
        if audience == "moderator" and event.type != "words.submitted":
            return dict(event.data)
        return None

    def mine(self, activity: Activity, participant: str) -> dict[str, Any] | None:
        data: WordsData = activity.data
        words = data.submissions.get(participant)
        return {"words": list(words)} if words else None
