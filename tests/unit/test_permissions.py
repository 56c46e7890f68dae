"""The permission matrix: every command, for every role, in every session and activity state.
Only the cells this table allows change anything; the others get a clear refusal."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from facilitator.domain.activities import KINDS
from facilitator.domain.activities.items import static_items
from facilitator.domain.errors import ActivityClosed, Forbidden, Refusal, SessionStateError
from facilitator.domain.model import ROLES, Actor, Command, Event
from facilitator.domain.session import COMMAND_TYPES, SessionState, new_session

SESSION = ("draft", "open", "live", "closed")
ACTIVITY = ("draft", "active", "locked")
ANY = set(ACTIVITY)
PREPARE = {"draft", "open", "live"}
RUNNING = {"open", "live"}
MODERATE = {"moderator": (RUNNING, ANY)}

# command: {role: (session states, activity states)} — written out by hand as the spec.
ALLOWED: dict[str, dict[str, tuple[set[str], set[str]]]] = {
    "session.open": {"moderator": ({"draft"}, ANY)},
    "session.start": {"moderator": ({"open"}, ANY)},
    "session.close": {"moderator": ({"open", "live"}, ANY)},
    "participant.join": {"system": ({"open", "live"}, ANY)},
    "participant.rename": {"participant": ({"open", "live"}, ANY)},
    "participant.where": {"participant": (RUNNING, ANY)},
    "session.delete": {"moderator": ({"draft", "closed"}, ANY)},
    "session.notes": {"moderator": (set(SESSION), ANY)},
    "session.limits": {"moderator": (PREPARE, ANY)},
    "session.screen": {"moderator": (PREPARE, ANY)},
    "group.create": {"moderator": (PREPARE, ANY)},
    "group.rename": {"moderator": (PREPARE, ANY)},
    "group.delete": {"moderator": (PREPARE, ANY)},
    "groups.choice": {"moderator": (PREPARE, ANY)},
    "group.assign": {"moderator": (RUNNING, ANY)},
    "groups.shuffle": {"moderator": (RUNNING, ANY)},
    "group.spokesperson": {"moderator": (RUNNING, ANY)},
    "group.choose": {"participant": (RUNNING, ANY)},
    "activity.create": {"moderator": (PREPARE, ANY)},
    "activity.activate": {"moderator": ({"live"}, ANY)},
    "activity.lock": {"moderator": (PREPARE, {"active", "locked"})},
    "activity.unlock": {"moderator": ({"live"}, {"active", "locked"})},
    "activity.reveal": {"moderator": (PREPARE, ANY)},
    "activity.conceal": {"moderator": (PREPARE, ANY)},
    "phase.create": {"moderator": (PREPARE, ANY)},
    "phase.update": {"moderator": (PREPARE, ANY)},
    "phase.start": {"moderator": ({"live"}, ANY)},
    "timer.start": {"moderator": (RUNNING, ANY)},
    "timer.pause": {"moderator": (RUNNING, ANY)},
    "timer.resume": {"moderator": (RUNNING, ANY)},
    "timer.extend": {"moderator": (RUNNING, ANY)},
    "timer.stop": {"moderator": (RUNNING, ANY)},
    "idea.add": {"participant": ({"live"}, {"active"})},
    "idea.edit": {"participant": ({"live"}, {"active"}), "moderator": (RUNNING, ANY)},
    "idea.withdraw": {"participant": ({"live"}, {"active"})},
    "idea.support": {"participant": ({"live"}, {"active"})},
    "idea.hide": MODERATE,
    "idea.restore": MODERATE,
    "idea.approve": MODERATE,
    "idea.pin": MODERATE,
    "idea.merge": MODERATE,
    "idea.unmerge": MODERATE,
    "idea.move": MODERATE,
    "cluster.create": MODERATE,
    "cluster.rename": MODERATE,
    "cluster.delete": MODERATE,
    "vote.cast": {"participant": ({"live"}, {"active"})},
    "dots.set": {"participant": ({"live"}, {"active"})},
    "ranking.set": {"participant": ({"live"}, {"active"})},
    "scale.rate": {"participant": ({"live"}, {"active"})},
    "matrix.place": {"participant": ({"live"}, {"active"})},
    "consent.cast": {"participant": ({"live"}, {"active"})},
    "words.submit": {"participant": ({"live"}, {"active"})},
    "words.hide": MODERATE,
    "words.restore": MODERATE,
    "question.ask": {"participant": ({"live"}, {"active"})},
    "question.withdraw": {"participant": ({"live"}, {"active"})},
    "question.upvote": {"participant": ({"live"}, {"active"})},
    # Once the activity ran, also after the session closed (the documentation's answer).
    "question.answer": {"moderator": (RUNNING | {"closed"}, {"active", "locked"})},
    "question.hide": MODERATE,
    "question.restore": MODERATE,
    "question.pin": MODERATE,
    "question.approve": MODERATE,
    "sheet.edit": {"participant": ({"live"}, {"active"}), "moderator": (RUNNING, ANY)},
    # Files (domain/media.py): attach and add come from the upload routes, which act as the
    # moderator or the participant whose credential the upload carried.
    "slides.attach": {"moderator": (PREPARE, ANY)},
    "slides.show": {"moderator": (RUNNING, {"active", "locked"})},
    "photo.add": {"moderator": (PREPARE, ANY), "participant": (PREPARE, {"active", "locked"})},
    "photo.remove": {"moderator": (set(SESSION), ANY)},
    "session.logo": {"moderator": (set(SESSION), ANY)},  # the logo route: also after closing
    # Next steps for the documentation (domain/next_steps.py): also after closing.
    "nextstep.add": {"moderator": (RUNNING | {"closed"}, ANY)},
    "nextstep.update": {"moderator": (RUNNING | {"closed"}, ANY)},
    "nextstep.delete": {"moderator": (RUNNING | {"closed"}, ANY)},
    # The plan editor (domain/editing.py): what an activity's state allows is checked there.
    "session.update": {"moderator": (PREPARE, ANY)},
    "activity.update": {"moderator": (PREPARE, ANY)},
    "activity.delete": {"moderator": (PREPARE, ANY)},
    "activity.hide": {"moderator": (PREPARE, {"draft", "locked"})},  # lock it first
    "activity.move": {"moderator": (PREPARE, ANY)},
    "activity.duplicate": {"moderator": (PREPARE, ANY)},
    "phase.delete": {"moderator": (PREPARE, ANY)},
    "phase.move": {"moderator": (PREPARE, ANY)},
}

BLOB = "0123456789abcdef" * 4 + "."
OTHER = "fedcba9876543210" * 4 + "."
DECK = {"name": "Input", "pdf": {"blob": BLOB + "pdf", "bytes": 1000},
        "pages": [{"image": BLOB + "webp", "thumb": OTHER + "webp", "width": 1920,
                   "height": 1080, "text": f"Seite {n}"} for n in (1, 2)]}

ARGS: dict[str, dict[str, Any]] = {
    "session.open": {}, "session.start": {}, "session.close": {}, "session.delete": {},
    "participant.join": {}, "participant.rename": {"name": "Kim"},
    "activity.create": {"kind": "ideas", "title": "Neu"},
    "idea.add": {"activity": "a1", "text": "neu"},
    "idea.edit": {"activity": "a1", "idea": "i1", "text": "geändert"},
    "idea.withdraw": {"activity": "a1", "idea": "i1"},
    "idea.hide": {"activity": "a1", "idea": "i1"},
    "idea.restore": {"activity": "a1", "idea": "i1"},
    "idea.support": {"activity": "a1", "idea": "i2", "support": True},
    "idea.approve": {"activity": "a1", "idea": "i1"},
    "idea.pin": {"activity": "a1", "idea": "i1", "pinned": True},
    "idea.merge": {"activity": "a1", "idea": "i1", "into": "i2"},
    "idea.unmerge": {"activity": "a1", "idea": "i1"},
    "idea.move": {"activity": "a1", "idea": "i1", "cluster": "c1"},
    "cluster.create": {"activity": "a1", "name": "Neu"},
    "cluster.rename": {"activity": "a1", "cluster": "c1", "name": "Anders"},
    "cluster.delete": {"activity": "a1", "cluster": "c1"},
    "phase.create": {"title": "Abschluss", "minutes": 10},
    "phase.update": {"phase": "h1", "title": "Einstieg"},
    "phase.start": {"phase": "h1"},
    "timer.start": {"seconds": 60},
    "timer.pause": {}, "timer.resume": {}, "timer.stop": {},
    "timer.extend": {"seconds": 30},
    "participant.where": {"where": "online"},
    "session.notes": {"notes": "Nächstes Treffen im März."},
    "session.limits": {"limits": {"participants": 3000}},
    "session.screen": {"screen": {"blank": True}},
    "group.create": {"name": "Zwei"},
    "group.rename": {"group": "g1", "name": "Neu"},
    "group.delete": {"group": "g1"},
    "groups.choice": {"open": False},
    "group.assign": {"participant": "p2", "group": "g1"},
    "groups.shuffle": {},
    "group.spokesperson": {"group": "g1", "participant": "p1"},
    "group.choose": {"group": "g1"},
    "vote.cast": {"activity": "a2", "choices": ["o1"]},
    "dots.set": {"activity": "a3", "item": "t1", "count": 1},
    "ranking.set": {"activity": "a4", "order": ["t2", "t1"]},
    "scale.rate": {"activity": "a5", "item": "t1", "criterion": "rating", "value": 4},
    "matrix.place": {"activity": "a6", "item": "t1", "x": 2, "y": 3},
    "consent.cast": {"activity": "a7", "vote": "yes"},
    "words.submit": {"activity": "a8", "words": ["Radverkehr"]},
    "words.hide": {"activity": "a8", "word": "Radverkehr"},
    "words.restore": {"activity": "a8", "word": "Radverkehr"},
    "question.ask": {"activity": "a9", "text": "Wann?"},
    "question.withdraw": {"activity": "a9", "question": "q1"},
    "question.upvote": {"activity": "a9", "question": "q2", "up": True},
    "question.answer": {"activity": "a9", "question": "q1", "answered": True,
                        "answer": "Ab März im Haushalt."},
    "question.hide": {"activity": "a9", "question": "q1"},
    "question.restore": {"activity": "a9", "question": "q1"},
    "question.pin": {"activity": "a9", "question": "q1", "pinned": True},
    "question.approve": {"activity": "a9", "question": "q1"},
    "sheet.edit": {"activity": "a10", "field": "title", "value": "Klimahaus", "version": 0},
    "slides.attach": {"activity": "a11", "deck": DECK},
    "slides.show": {"activity": "a11", "page": 2},
    "photo.add": {"activity": "a12", "image": BLOB + "jpg", "thumb": OTHER + "jpg",
                  "width": 800, "height": 600},
    "photo.remove": {"photo": "f1"},
    "session.logo": {"logo": OTHER + "png"},
    "nextstep.add": {"what": "Förderantrag stellen", "who": "Klimaschutzmanagement",
                     "due": "2027-03-31", "activity": "a9", "group": "g1"},
    "nextstep.update": {"step": "n1", "what": "Förderantrag stellen", "who": "Kämmerei",
                        "due": "", "activity": "a1"},
    "nextstep.delete": {"step": "n1"},
    "session.update": {"title": "Neu", "photos": "off"},
    "activity.update": {"activity": "a2", "title": "Neu"},
    "activity.delete": {"activity": "a2"},  # the poll: untouched, no photo, no taker
    "activity.hide": {"activity": "a2", "hidden": True},
    "activity.move": {"activity": "a2", "before": "a1"},
    "activity.duplicate": {"activity": "a2"},
    "phase.delete": {"phase": "h2"},
    "phase.move": {"phase": "h2", "before": "h1"},
}

ITEMS = ["Carsharing", "Wärmenetz"]
# Kinds 3-10 in the order of their activity ids; configs as activity.create would get them.
LATER_KINDS = [("dots", {"items": ITEMS}), ("ranking", {"items": ITEMS}),
               ("scale", {"items": ITEMS}), ("matrix", {"items": ITEMS}),
               ("consent", {}), ("words", {}), ("qa", {}), ("measure", {})]


def test_the_table_covers_every_command() -> None:
    assert set(ALLOWED) == set(COMMAND_TYPES)


def build(session_status: str, activity_status: str) -> SessionState:
    kind, data = new_session("s", "ACEFHJ", "Test", names=True)
    events = [Event(1, kind, data, 0.0)]
    script = [
        ("session.opened", {}),
        ("participant.joined", {"participant": "p1", "name": None}),
        ("participant.joined", {"participant": "p2", "name": None}),
        ("phase.created", {"phase": "h1", "title": "Start", "minutes": 5, "notes": None}),
        ("phase.created", {"phase": "h2", "title": "Ende", "minutes": None, "notes": None}),
        ("timer.started", {"seconds": 60, "label": None, "ends_at": 61.0}),
        ("group.created", {"group": "g1", "name": "Mobilität"}),
        ("groups.choice_changed", {"open": True}),
        ("group.assigned", {"participant": "p1", "group": "g1", "previous": None}),
        ("activity.created", {"activity": "a1", "kind": "ideas", "title": "Ideen", "prompt": "",
                              "config": {"live_wall": True, "max_per_participant": 20,
                                         "premoderation": False, "support": True,
                                         "clusters": ["Mobilität"]}}),
        ("activity.created", {"activity": "a2", "kind": "poll", "title": "Wahl", "prompt": "",
                              "config": {"multiple": False, "max_choices": 1, "options": [
                                  {"id": "o1", "label": "A"}, {"id": "o2", "label": "B"}]}}),
        ("idea.added", {"activity": "a1", "idea": "i1", "text": "alt", "author": "p1"}),
        ("idea.hidden", {"activity": "a1", "idea": "i1"}),
        ("idea.added", {"activity": "a1", "idea": "i2", "text": "neu", "author": "p2"}),
    ]
    for name, payload in script:
        events.append(Event(len(events) + 1, name, payload, 1.0))
    for number, (kind, raw) in enumerate(LATER_KINDS, start=3):
        config = KINDS[kind].make_config(raw)
        events.append(Event(len(events) + 1, "activity.created", {
            "activity": f"a{number}", "kind": kind, "title": kind, "prompt": "",
            "config": config}, 1.0))
    events.append(Event(len(events) + 1, "question.asked", {
        "activity": "a9", "question": "q1", "text": "Wer?", "author": "p1", "approved": True},
        1.0))
    events.append(Event(len(events) + 1, "question.asked", {
        "activity": "a9", "question": "q2", "text": "Wie?", "author": "p2", "approved": True},
        1.0))
    for name, payload in [  # a11: slides with a deck; a12: ideas in every group; f1: a photo
        ("activity.created", {"activity": "a11", "kind": "slides", "title": "Input",
                              "prompt": "", "config": {}}),
        ("slides.attached", {"activity": "a11", "deck": DECK}),
        ("activity.created", {"activity": "a12", "kind": "ideas", "title": "Gruppen",
                              "prompt": "", "config": KINDS["ideas"].make_config({}),
                              "per_group": True}),
        ("photo.added", {"photo": "f1", "image": BLOB + "jpg", "thumb": BLOB + "jpg",
                         "width": 10, "height": 10, "participant": None, "group": None,
                         "activity": None, "phase": "h1"}),
        ("nextstep.added", {"step": {"id": "n1", "what": "Bericht", "who": "", "due": ""}})]:
        events.append(Event(len(events) + 1, name, payload, 1.0))
    state = SessionState.from_events(events)
    for activity in state.activities.values():  # as if activated once: items are frozen
        if KINDS[activity.kind].uses_items:
            activity.items = static_items(ITEMS)
    state.status = session_status  # type: ignore[assignment]
    for activity in state.activities.values():
        activity.status = activity_status  # type: ignore[assignment]
    return state


def actor(role: str) -> Actor:
    return Actor(role, "p1" if role == "participant" else None)  # type: ignore[arg-type]


CELLS = list(itertools.product(COMMAND_TYPES, ROLES, SESSION, ACTIVITY))


@pytest.mark.parametrize(("command", "role", "session_status", "activity_status"), CELLS)
def test_cell(command: str, role: str, session_status: str, activity_status: str) -> None:
    state = build(session_status, activity_status)
    # A hidden idea cannot be edited or withdrawn by its author; make it visible for those.
    if role == "participant":
        state.activities["a1"].data.ideas["i1"].hidden = False
    args = ARGS.get(command, {"activity": "a1"})
    rule = ALLOWED[command].get(role)
    allowed = (rule is not None and session_status in rule[0] and activity_status in rule[1])
    before = state.seq
    try:
        decision = state.decide(Command(command, args, actor(role), 2.0, "c1"))
    except Refusal as refusal:
        assert not allowed, f"{command} by {role} refused: {refusal} ({refusal.code})"
        # The reason is the right one, and a message a person can read.
        assert isinstance(refusal, Forbidden | SessionStateError | ActivityClosed) or (
            role == "participant" and activity_status == "draft"), refusal
        assert str(refusal)
        assert state.seq == before
        return
    assert allowed, f"{command} by {role} in {session_status}/{activity_status} was accepted"
    for name, data in decision.events:
        state.apply(Event(state.seq + 1, name, data, 2.0))
