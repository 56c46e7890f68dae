"""Words: counting in the normalised form under any sequence of submissions, the shown
spelling, and hidden words (counted, but only the moderator sees them)."""

from __future__ import annotations

import unicodedata
from collections import Counter
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from facilitator.domain.activities import KINDS
from facilitator.domain.errors import ActivityClosed, Forbidden, Invalid, Refusal
from facilitator.domain.model import AUDIENCES, Actor, Audience, Event
from facilitator.domain.session import SessionState
from tests.unit.helpers import MOD, Scene

PUBLIC: tuple[Audience, ...] = ("presenter", "participant")


def norm(word: str) -> str:
    """The spec's normalisation, written out independently of the kind."""
    return " ".join(unicodedata.normalize("NFC", word).split()).casefold()


def recount(log: list[Event], activity: str) -> dict[str, Any]:
    """The moderator's results from the event log alone: the last submission of each
    participant, each word once per submission, the most frequent spelling shown (ties: the
    one seen first in the log)."""
    last: dict[str, list[str]] = {}
    first_seen: dict[str, int] = {}
    hidden: set[str] = set()
    for event in log:
        d = event.data
        if d.get("activity") != activity:
            continue
        if event.type == "words.submitted":
            last[d["participant"]] = d["words"]
            for word in d["words"]:
                first_seen.setdefault(word, len(first_seen))
        elif event.type == "words.hidden":
            hidden.add(d["word"])
        elif event.type == "words.restored":
            hidden.discard(d["word"])
    counts: Counter[str] = Counter()
    spellings: dict[str, Counter[str]] = {}
    for words in last.values():
        once: dict[str, str] = {}
        for word in words:
            once.setdefault(norm(word), word)
        for key, spelling in once.items():
            counts[key] += 1
            spellings.setdefault(key, Counter())[spelling] += 1
    order = sorted(counts, key=lambda k: (-counts[k], k))
    listed = [k for k in order if k not in hidden][:100] + [k for k in order if k in hidden]
    listed.sort(key=lambda k: (-counts[k], k))

    def shown(key: str) -> str:
        best = max(spellings[key].values())
        return min((s for s, n in spellings[key].items() if n == best), key=first_seen.__getitem__)

    return {"voters": sum(1 for words in last.values() if words),
            "words": [{"word": shown(k), "count": counts[k],
                       **({"hidden": True} if k in hidden else {})} for k in listed]}


def views(scene: Scene) -> dict[str, Any]:
    return {audience: scene.state.view(audience) for audience in AUDIENCES}


def refused(scene: Scene, expected: type[Refusal], type_: str, actor: Actor = MOD,
            **args: Any) -> None:
    before, seq = views(scene), scene.state.seq
    refusal = scene.attempt(type_, actor, **args)
    assert isinstance(refusal, expected), refusal
    assert str(refusal)
    assert scene.state.seq == seq and views(scene) == before


def results(scene: Scene, audience: str = "moderator") -> Any:
    return scene.state.view(audience)["activities"][0]["results"]  # type: ignore[arg-type]


# Spellings that meet in one normalised form ("Cafe\u0301" is "Café" after NFC), and some
# that are refused; most submissions are valid, so the counts have something to count.
VALID = ["Radverkehr", "radverkehr", " RADVERKEHR ", "Straße", "STRASSE", "strasse",
         "Cafe\u0301", "Café", "café", "Bus", "bus", "\tTram\n"]
INVALID = ["Rad verkehr", "", "x" * 41]
submission = st.one_of(st.lists(st.sampled_from(VALID), min_size=1, max_size=3),
                       st.lists(st.sampled_from(VALID + INVALID), max_size=4))
submit = st.tuples(st.just("submit"), st.integers(0, 4), submission)
action = st.one_of(
    submit, submit, submit,
    st.tuples(st.sampled_from(["hide", "restore"]), st.just(0),
              st.lists(st.sampled_from(VALID + INVALID), min_size=1, max_size=1)),
)


@settings(max_examples=150, deadline=None)
@given(max_words=st.sampled_from([1, 2, 3, 3]),
       actions=st.lists(action, min_size=4, max_size=50))
def test_results_equal_a_recount_from_the_log(
        max_words: int, actions: list[tuple[str, int, list[str]]]) -> None:
    scene = Scene().live()
    phones = scene.join(5)
    words = scene.activity("words", max_words=max_words)
    for verb, who, sent in actions:
        seq = scene.state.seq
        if verb == "submit":
            refusal = scene.attempt("words.submit", phones[who], activity=words, words=sent)
        else:
            refusal = scene.attempt(f"words.{verb}", activity=words, word=sent[0])
        if refusal is not None:
            assert scene.state.seq == seq
    expected = recount(scene.log, words)
    assert results(scene) == expected
    scene.run("activity.reveal", activity=words)
    public = {**expected, "words": [w for w in expected["words"] if not w.get("hidden")]}
    for audience in PUBLIC:
        assert results(scene, audience) == public
        # What a tally carries, computed as the runtime does.
        activity, kind = scene.state.activities[words], KINDS["words"]
        assert kind.results_for(activity, audience, kind.results(activity)) == public
    for phone in phones:
        sent = [e.data["words"] for e in scene.log if e.type == "words.submitted"
                and e.data["participant"] == phone.participant]
        mine = scene.state.mine(phone.participant or "").get(words)
        assert mine == ({"words": sent[-1]} if sent and sent[-1] else None)
    rebuilt = SessionState.from_events(scene.log)
    for audience in AUDIENCES:
        assert rebuilt.view(audience) == scene.state.view(audience)


def test_normalisation_and_shown_spelling() -> None:
    scene = Scene().live()
    a, b, c, d = scene.join(4)
    words = scene.activity("words")
    assert scene.run("words.submit", a, activity=words, words=[" radverkehr", "Bus"]) == {
        "words": ["radverkehr", "Bus"]}
    scene.run("words.submit", b, activity=words, words=["Radverkehr", "Radverkehr"])
    assert results(scene)["words"] == [{"word": "radverkehr", "count": 2},
                                       {"word": "Bus", "count": 1}], "ties: first seen"
    scene.run("words.submit", c, activity=words, words=["RADVERKEHR"])
    scene.run("words.submit", d, activity=words, words=["Radverkehr", "bus"])
    assert results(scene) == {"voters": 4, "words": [{"word": "Radverkehr", "count": 4},
                                                     {"word": "Bus", "count": 2}]}
    scene.run("words.submit", d, activity=words, words=[])
    assert results(scene)["voters"] == 3
    assert results(scene)["words"][0] == {"word": "radverkehr", "count": 3}
    assert scene.state.mine(d.participant or "") == {}
    seq = scene.state.seq
    scene.run("words.submit", a, activity=words, words=["radverkehr", "Bus"])
    assert scene.state.seq == seq, "the same words again record nothing"


def test_at_most_a_hundred_words_are_listed() -> None:
    scene = Scene().live()
    phones = scene.join(40)
    words = scene.activity("words")
    for n, phone in enumerate(phones):
        scene.run("words.submit", phone, activity=words,
                  words=[f"w{n:02d}a", f"w{n:02d}b", f"w{n:02d}c"])
    scene.run("words.submit", phones[0], activity=words, words=["w39c", "w00a", "w00b"])
    listed = results(scene)["words"]
    assert len(listed) == 100
    assert listed[0] == {"word": "w39c", "count": 2}
    scene.run("words.hide", activity=words, word="W39C")
    scene.run("activity.reveal", activity=words)
    public = results(scene, "presenter")["words"]
    assert len(public) == 100 and all(w["count"] == 1 for w in public)
    assert len(results(scene)["words"]) == 101


def test_word_rules() -> None:
    scene = Scene().live()
    (kim,) = scene.join()
    words = scene.activity("words", max_words=2)
    for sent in (["a", "b", "c"], ["Rad verkehr"], ["x" * 41], [""], ["   "], ["a\x00b"],
                 "Radverkehr", [3]):
        refused(scene, Invalid, "words.submit", kim, activity=words, words=sent)
    refused(scene, Forbidden, "words.submit", MOD, activity=words, words=["Bus"])
    refused(scene, Forbidden, "words.hide", kim, activity=words, word="bus")
    refused(scene, Invalid, "words.hide", activity=words, word="zwei worte")
    refused(scene, Invalid, "words.hide", activity=words, word="")
    refused(scene, Invalid, "words.hide", activity=words, word=None)
    assert scene.run("words.submit", kim, activity=words, words=["x" * 40]) == {
        "words": ["x" * 40]}
    scene.run("activity.lock", activity=words)
    refused(scene, ActivityClosed, "words.submit", kim, activity=words, words=["Bus"])
    scene.run("words.hide", activity=words, word="X" * 40)  # the moderator: any state
    assert results(scene)["words"] == [{"word": "x" * 40, "count": 1, "hidden": True}]


def test_words_config_is_checked() -> None:
    scene = Scene().live()
    for config in ({"max_words": 0}, {"max_words": 4}, {"max_words": True},
                   {"max_words": "3"}, {"colour": "red"}):
        refused(scene, Invalid, "activity.create", kind="words", title="W", config=config)


def test_hidden_words_are_seen_by_the_moderator_only() -> None:
    scene = Scene().live()
    kim, lea = scene.join(2)
    words = scene.activity("words")
    scene.run("words.submit", kim, activity=words, words=["Radverkehr", "Mist"])
    scene.run("words.submit", lea, activity=words, words=["mist"])
    seq = scene.state.seq
    scene.run("words.hide", activity=words, word=" MIST")
    scene.run("words.hide", activity=words, word="Mist")
    assert scene.state.seq == seq + 1, "hiding a hidden word records nothing"
    scene.run("words.hide", activity=words, word="Unsinn")  # before anybody sends it
    scene.run("activity.reveal", activity=words)
    moderator = scene.state.view("moderator")["activities"][0]
    assert moderator["results"]["words"] == [{"word": "Mist", "count": 2, "hidden": True},
                                             {"word": "Radverkehr", "count": 1}]
    assert moderator["hidden_words"] == ["mist", "unsinn"]
    for audience in PUBLIC:
        activity = scene.state.view(audience)["activities"][0]
        assert activity["results"] == {"voters": 2, "words": [
            {"word": "Radverkehr", "count": 1}]}
        assert "hidden_words" not in activity
    for event in scene.log:
        if event.type.startswith("words."):
            for audience in PUBLIC:
                assert scene.state.project(event, audience) is None
            expected = None if event.type == "words.submitted" else event.data
            assert scene.state.project(event, "moderator") == expected
    # The author still sees what they sent: hiding is about the screens of others.
    assert scene.state.mine(lea.participant or "") == {words: {"words": ["mist"]}}
    scene.run("words.restore", activity=words, word="mist")
    assert results(scene, "presenter")["words"][0] == {"word": "Mist", "count": 2}
