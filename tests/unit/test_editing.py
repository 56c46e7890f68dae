"""The plan editor in the domain: update, delete, hide, move and duplicate activities, delete
and move phases, change the session's details; what each audience sees of it."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from facilitator.domain.errors import (
    ActivityClosed,
    Invalid,
    NotFound,
    Refusal,
    SessionStateError,
)
from facilitator.domain.model import Actor, Event
from facilitator.domain.session import SessionState
from tests.unit.helpers import Scene


def draft(scene: Scene, kind: str = "poll", title: str = "P", **args: Any) -> str:
    config = args.pop("config", {"options": ["A", "B"]} if kind == "poll" else {})
    ident: str = scene.run("activity.create", kind=kind, title=title, config=config,
                           **args)["activity"]
    return ident


def order(scene: Scene) -> list[str]:
    return list(scene.state.activities)


def ids(view: dict[str, Any]) -> list[str]:
    return [a["id"] for a in view["activities"]]


def test_update_changes_only_what_is_given_and_says_only_that() -> None:
    scene = Scene()
    a = draft(scene)
    scene.run("activity.update", activity=a, title=" Neu ", prompt="Frage?",
              config={"options": ["A", "B", "C"], "multiple": True})
    event = scene.log[-1]
    assert event.type == "activity.updated"
    assert set(event.data) == {"activity", "title", "prompt", "config"}
    assert event.data["config"]["max_choices"] == 3  # the whole config after make_config
    activity = scene.state.activities[a]
    assert (activity.title, activity.prompt) == ("Neu", "Frage?")
    seq = scene.state.seq
    scene.run("activity.update", activity=a, title="Neu")  # no change: no event
    assert scene.state.seq == seq
    assert isinstance(scene.attempt("activity.update", activity=a, title=""), Invalid)
    assert isinstance(scene.attempt("activity.update", activity="a9", title="X"), NotFound)
    assert isinstance(scene.attempt("activity.update", activity=a, config={"options": ["A"]}),
                      Invalid)
    assert scene.state.seq == seq


def test_a_touched_activity_keeps_its_settings_but_not_its_title() -> None:
    scene = Scene().live()
    a = draft(scene)
    scene.run("activity.activate", activity=a)
    assert scene.state.activities[a].touched
    refusal = scene.attempt("activity.update", activity=a, config={"options": ["X", "Y"]})
    assert isinstance(refusal, Invalid) and "only its title and prompt" in refusal.message
    assert isinstance(scene.attempt("activity.update", activity=a, per_group=True), Invalid)
    scene.run("activity.update", activity=a, title="Umbenannt",
              config={"options": ["A", "B"]})  # the same config is no change
    assert scene.state.activities[a].title == "Umbenannt"


def test_input_touches_an_activity_and_delete_says_hide_instead() -> None:
    scene = Scene().live()
    ideas = draft(scene, "ideas")
    scene.run("cluster.create", activity=ideas, name="Mobilität")  # moderation on a draft
    assert scene.state.activities[ideas].touched
    refusal = scene.attempt("activity.delete", activity=ideas)
    assert isinstance(refusal, Invalid) and refusal.message.endswith("hide it instead.")
    other = draft(scene)
    scene.run("activity.delete", activity=other)
    assert other not in scene.state.activities and scene.log[-1].data == {"activity": other}


def test_a_source_of_items_cannot_be_deleted_while_an_activity_takes_them() -> None:
    scene = Scene()
    ideas = draft(scene, "ideas", title="Sammeln")
    dots = draft(scene, "dots", title="Punkten",
                 config={"items": {"from": ideas, "take": "all"}})
    refusal = scene.attempt("activity.delete", activity=ideas)
    assert isinstance(refusal, Invalid) and refusal.params == {"title": "Punkten"}
    scene.run("activity.delete", activity=dots)
    scene.run("activity.delete", activity=ideas)
    assert scene.state.activities == {}


def test_config_update_checks_its_source() -> None:
    scene = Scene()
    ideas = draft(scene, "ideas")
    dots = draft(scene, "dots", config={"items": ["A", "B"]})
    for source, error in (("a9", NotFound), (dots, Invalid)):
        refused = scene.attempt("activity.update", activity=dots,
                                config={"items": {"from": source, "take": "all"}})
        assert isinstance(refused, error)
    scene.run("activity.update", activity=dots, config={"items": {"from": ideas,
                                                                  "take": "all"}})
    # Now dots takes from ideas: ideas cannot move behind it.
    refusal = scene.attempt("activity.move", activity=ideas, before=None)
    assert isinstance(refusal, Invalid) and "cannot stand before it" in refusal.message


def test_move_reorders_and_changes_phase_and_the_views_follow() -> None:
    scene = Scene()
    h1 = scene.run("phase.create", title="Eins")["phase"]
    h2 = scene.run("phase.create", title="Zwei")["phase"]
    a, b, c = (draft(scene, title=t, phase=h1) for t in "ABC")
    scene.run("activity.move", activity=c, before=a)
    assert order(scene) == [c, a, b]
    assert scene.log[-1].data == {"activity": c, "phase": h1, "before": a}
    scene.run("activity.move", activity=c, phase=h2)  # to the end, into phase two
    assert order(scene) == [a, b, c] and scene.state.activities[c].phase == h2
    assert scene.log[-1].data == {"activity": c, "phase": h2, "before": None}
    scene.run("activity.move", activity=b, phase=None, before=a)
    assert order(scene) == [b, a, c] and scene.state.activities[b].phase is None
    assert ids(scene.state.view("moderator")) == [b, a, c]
    seq = scene.state.seq
    scene.run("activity.move", activity=c)  # already last, same phase: nothing
    assert scene.state.seq == seq
    assert isinstance(scene.attempt("activity.move", activity=c, before=c), Invalid)
    assert isinstance(scene.attempt("activity.move", activity=c, phase="h9"), NotFound)
    assert isinstance(scene.attempt("activity.move", activity=c, before="a9"), NotFound)


def test_duplicate_puts_a_fresh_copy_right_after_the_original() -> None:
    scene = Scene().live()
    h1 = scene.run("phase.create", title="Eins")["phase"]
    a = draft(scene, title="Umfrage", phase=h1, per_group=False)
    b = draft(scene, title="Danach", phase=h1)
    scene.run("activity.activate", activity=a)
    copy = scene.run("activity.duplicate", activity=a)["activity"]
    assert order(scene) == [a, copy, b]
    created, moved = scene.log[-2:]
    assert created.type == "activity.created" and moved.type == "activity.moved"
    assert moved.data == {"activity": copy, "phase": h1, "before": b}
    new = scene.state.activities[copy]
    assert (new.title, new.status, new.touched) == ("Umfrage (Kopie)", "draft", False)
    assert new.config == scene.state.activities[a].config and new.phase == h1
    last = scene.run("activity.duplicate", activity=b)["activity"]
    assert order(scene)[-1] == last and scene.log[-1].data["before"] is None


def test_hide_keeps_the_activity_from_phones_and_beamer() -> None:
    scene = Scene().live()
    a = draft(scene)
    b = draft(scene, title="Q")
    scene.run("activity.activate", activity=a)
    refusal = scene.attempt("activity.hide", activity=a, hidden=True)
    assert isinstance(refusal, ActivityClosed) and refusal.message.startswith("Lock the")
    scene.run("activity.lock", activity=a)
    scene.run("activity.hide", activity=a, hidden=True)
    assert scene.state.current is None
    for audience in ("participant", "presenter"):
        assert ids(scene.state.view(audience)) == []
    view = scene.state.view("moderator")["activities"][0]
    assert (view["hidden"], view["touched"]) == (True, True)
    assert "hidden" not in scene.state.view("moderator")["activities"][1] or \
        scene.state.view("moderator")["activities"][1]["hidden"] is False
    event = scene.log[-1]
    assert scene.state.project(event, "participant") == {
        "activity": a, "hidden": True, "current": None}
    phone = Actor("participant", scene.join()[0].participant)
    assert isinstance(scene.attempt("vote.cast", phone, activity=a, options=["o1"]), NotFound)
    assert isinstance(scene.attempt("activity.activate", activity=a), Invalid)
    scene.run("activity.hide", activity=a, hidden=False)
    shown = scene.state.project(scene.log[-1], "participant")
    assert shown is not None and shown["view"]["id"] == a and shown["before"] is None
    # A draft's hiding is nobody's business but the moderator's.
    scene.run("activity.hide", activity=b, hidden=True)
    assert scene.state.project(scene.log[-1], "presenter") is None


def test_participants_learn_moves_only_of_what_they_see() -> None:
    scene = Scene().live()
    a, b, c = (draft(scene, title=t) for t in "ABC")
    scene.run("activity.activate", activity=a)
    scene.run("activity.activate", activity=c)
    scene.run("activity.move", activity=b, before=a)  # a draft: phones learn nothing
    assert scene.state.project(scene.log[-1], "participant") is None
    scene.run("activity.move", activity=c, before=b)
    assert scene.state.project(scene.log[-1], "participant") == {
        "activity": c, "phase": None, "before": a}  # b is a draft: a is next for them
    assert ids(scene.state.view("participant")) == [c, a]
    scene.run("activity.activate", activity=b)
    data = scene.state.project(scene.log[-1], "presenter")
    assert data is not None and data["before"] == a


def test_phase_delete_takes_its_untouched_activities_along() -> None:
    scene = Scene()
    h1 = scene.run("phase.create", title="Eins")["phase"]
    h2 = scene.run("phase.create", title="Zwei")["phase"]
    ideas = draft(scene, "ideas", phase=h1)
    draft(scene, "dots", phase=h1, config={"items": {"from": ideas, "take": "all"}})
    keep = draft(scene, phase=h2)
    scene.run("phase.delete", phase=h1)
    assert [e.type for e in scene.log[-3:]] == ["activity.deleted"] * 2 + ["phase.deleted"]
    assert list(scene.state.phases) == [h2] and order(scene) == [keep]
    assert scene.state.project(scene.log[-1], "participant") == {"phase": h1}
    scene.live()
    scene.run("phase.start", phase=h2)
    refusal = scene.attempt("phase.delete", phase=h2)
    assert isinstance(refusal, Invalid) and "run already" in refusal.message


def test_phase_delete_refuses_when_an_activity_elsewhere_takes_items() -> None:
    scene = Scene()
    h1 = scene.run("phase.create", title="Eins")["phase"]
    ideas = draft(scene, "ideas", phase=h1)
    draft(scene, "dots", title="Punkte", config={"items": {"from": ideas, "take": "all"}})
    refusal = scene.attempt("phase.delete", phase=h1)
    assert isinstance(refusal, Invalid) and refusal.params == {"title": "Punkte"}
    assert h1 in scene.state.phases


def test_phase_move() -> None:
    scene = Scene()
    h1, h2, h3 = (scene.run("phase.create", title=t)["phase"] for t in "ABC")
    scene.run("phase.move", phase=h3, before=h1)
    assert list(scene.state.phases) == [h3, h1, h2]
    assert [p["id"] for p in scene.state.view("presenter")["phases"]] == [h3, h1, h2]
    assert scene.state.project(scene.log[-1], "participant") == {"phase": h3, "before": h1}
    seq = scene.state.seq
    scene.run("phase.move", phase=h2)
    assert scene.state.seq == seq
    assert isinstance(scene.attempt("phase.move", phase=h2, before=h2), Invalid)
    # A source in phase one, its taker in phase two: phase two cannot go first.
    ideas = draft(scene, "ideas", phase=h1)
    draft(scene, "dots", phase=h2, config={"items": {"from": ideas, "take": "all"}})
    assert isinstance(scene.attempt("phase.move", phase=h2, before=h1), Invalid)


def test_session_update() -> None:
    scene = Scene()
    scene.run("session.update", title="Neuer Titel", place="Rathaus", moderators=["Anna"],
              photos="spokespersons", language="en", names=True)
    state = scene.state
    assert (state.title, state.place, state.moderators, state.photo_policy, state.language,
            state.names) == ("Neuer Titel", "Rathaus", ["Anna"], "spokespersons", "en", True)
    assert scene.state.view("moderator")["photo_policy"] == "spokespersons"
    seq = state.seq
    scene.run("session.update", title="Neuer Titel")
    assert state.seq == seq
    assert isinstance(scene.attempt("session.update", photos="alle"), Invalid)
    assert isinstance(scene.attempt("session.update", moderators="Anna"), Invalid)
    scene.run("session.open")
    refusal = scene.attempt("session.update", language="de")
    assert isinstance(refusal, SessionStateError) and "language" in refusal.message
    assert isinstance(scene.attempt("session.update", names=False), SessionStateError)
    scene.run("session.update", place=None, language="en")  # the same language is fine
    assert state.place is None
    assert scene.state.project(scene.log[-1], "participant") == {"place": None}


def test_session_update_organisation() -> None:
    """Who hands the documentation over, per session: set, cleared with "" or None, bounded,
    and in the session's view (the archive prints it in place of the server's setting)."""
    scene = Scene()
    scene.run("session.update", organisation="  Stadt Musterstadt  ")
    assert scene.state.organisation == "Stadt Musterstadt"
    assert scene.state.view("moderator")["organisation"] == "Stadt Musterstadt"
    seq = scene.state.seq
    scene.run("session.update", organisation="Stadt Musterstadt")
    assert scene.state.seq == seq  # unchanged: no event
    assert isinstance(scene.attempt("session.update", organisation="x" * 121), Invalid)
    assert isinstance(scene.attempt("session.update", organisation=5), Invalid)
    assert scene.state.organisation == "Stadt Musterstadt"
    scene.run("session.open")
    scene.run("session.update", organisation=" ")
    assert scene.state.organisation is None
    scene.run("session.update", organisation="Landkreis")
    scene.run("session.update", organisation=None)
    assert scene.state.organisation is None


def test_only_the_moderator_edits() -> None:
    scene = Scene().live()
    a = draft(scene)
    phone = scene.join()[0]
    for command in ("activity.update", "activity.delete", "activity.hide", "activity.move",
                    "activity.duplicate"):
        assert isinstance(scene.attempt(command, phone, activity=a), Refusal)
    scene.run("session.close")
    assert isinstance(scene.attempt("activity.move", activity=a), SessionStateError)


COMMANDS = st.sampled_from(["move", "duplicate", "delete", "hide", "phase.move",
                            "phase.delete", "update"])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(COMMANDS, st.integers(0, 20), st.integers(0, 20), st.booleans()),
                max_size=25))
def test_any_edits_replay_to_the_same_state_and_views(steps: list[tuple[str, int, int,
                                                                        bool]]) -> None:
    """Whatever edits run (refused ones change nothing), the log rebuilds the same state and
    every audience's view lists the activities in the order of the state."""
    scene = Scene()
    phases = [scene.run("phase.create", title=t)["phase"] for t in ("Eins", "Zwei")]
    ideas = draft(scene, "ideas", phase=phases[0])
    draft(scene, "dots", phase=phases[1], config={"items": {"from": ideas, "take": "all"}})
    draft(scene, phase=phases[1])
    for command, i, j, flag in steps:
        acts = list(scene.state.activities) or ["a99"]
        phs = list(scene.state.phases) or ["h99"]
        one, other = acts[i % len(acts)], acts[j % len(acts)]
        seq = scene.state.seq
        table: dict[str, tuple[str, dict[str, Any]]] = {
            "move": ("activity.move", {"activity": one, "before": other if flag else None,
                                       "phase": phs[j % len(phs)]}),
            "duplicate": ("activity.duplicate", {"activity": one}),
            "delete": ("activity.delete", {"activity": one}),
            "hide": ("activity.hide", {"activity": one, "hidden": flag}),
            "phase.move": ("phase.move", {"phase": phs[i % len(phs)],
                                          "before": phs[j % len(phs)] if flag else None}),
            "phase.delete": ("phase.delete", {"phase": phs[i % len(phs)]}),
            "update": ("activity.update", {"activity": one, "title": f"T{j}"}),
        }
        name, args = table[command]
        refusal = scene.attempt(name, **args)
        if refusal is not None:
            assert scene.state.seq == seq
    again = SessionState.from_events(scene.log)
    for audience in ("moderator", "presenter", "participant"):
        assert again.view(audience) == scene.state.view(audience)
    assert ids(scene.state.view("moderator")) == list(scene.state.activities)
    assert all(isinstance(e, Event) for e in scene.log)


def test_an_activity_is_created_after_its_source_of_items() -> None:
    scene = Scene()
    h1, h2 = (scene.run("phase.create", title=t)["phase"] for t in ("Eins", "Zwei"))
    ideas = draft(scene, "ideas", phase=h2)
    refusal = scene.attempt("activity.create", kind="dots", title="Zu früh", phase=h1,
                            config={"items": {"from": ideas, "take": "all"}})
    assert isinstance(refusal, Invalid) and refusal.params == {"title": "Zu früh"}
    draft(scene, "dots", phase=h2, config={"items": {"from": ideas, "take": "all"}})
    loose = draft(scene, "ideas")  # no phase: after every phase
    assert isinstance(scene.attempt("activity.create", kind="dots", title="X", phase=h2,
                                    config={"items": {"from": loose, "take": "all"}}),
                      Invalid)
