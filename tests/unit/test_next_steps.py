"""Next steps (domain/next_steps.py): what, who, by when, recorded by the moderator for the
documentation; ids never given twice; only the moderator's view has them."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from facilitator.domain.errors import (
    Forbidden,
    Invalid,
    LimitReached,
    NotFound,
    Refusal,
    SessionStateError,
)
from facilitator.domain.model import Actor
from facilitator.domain.next_steps import MAX_STEPS
from facilitator.domain.session import SessionState
from tests.unit.helpers import Scene


def steps(scene: Scene) -> list[dict[str, Any]]:
    return scene.state.view("moderator")["next_steps"]  # type: ignore[no-any-return]


def refused(scene: Scene, expected: type[Refusal], type_: str, actor: Actor | None = None,
            **args: Any) -> Refusal:
    before, seq = steps(scene) if scene.state.status != "draft" else None, scene.state.seq
    refusal = scene.attempt(type_, actor or Actor("moderator"), **args)
    assert isinstance(refusal, expected), refusal
    assert str(refusal)
    assert scene.state.seq == seq
    if before is not None:
        assert steps(scene) == before
    return refusal


def test_add_update_delete_and_what_each_audience_gets() -> None:
    scene = Scene().live()
    group = scene.run("group.create", name="Mobilität")["group"]
    ideas = scene.activity("ideas")
    assert scene.run("nextstep.add", what="  Förderantrag stellen ", who="Kämmerei",
                     due="2027-03-31", activity=ideas, group=group) == {"step": "n1"}
    added = scene.log[-1]
    first = {"id": "n1", "what": "Förderantrag stellen", "who": "Kämmerei",
             "due": "2027-03-31", "activity": ideas, "group": group}
    assert (added.type, added.data) == ("nextstep.added", {"step": first})
    # who and due may be empty or left out; activity and group too.
    scene.run("nextstep.add", what="Bericht an den Rat")
    second = {"id": "n2", "what": "Bericht an den Rat", "who": "", "due": ""}
    assert steps(scene) == [first, second]
    assert scene.state.project(added, "moderator") == {"step": first}
    for audience in ("presenter", "participant"):
        assert "next_steps" not in scene.state.view(audience)
        assert scene.state.project(added, audience) is None
    # An update replaces the whole step and keeps its place; the same again is no event.
    scene.run("nextstep.update", step="n1", what="Förderantrag stellen", who="", due="")
    updated = {"id": "n1", "what": "Förderantrag stellen", "who": "", "due": ""}
    assert (scene.log[-1].type, scene.log[-1].data) == ("nextstep.updated", {"step": updated})
    assert steps(scene) == [updated, second]
    seq = scene.state.seq
    assert scene.run("nextstep.update", step="n1", what="Förderantrag stellen ", who=" ",
                     due="") == {}
    assert scene.state.seq == seq
    scene.run("nextstep.delete", step="n1")
    assert (scene.log[-1].type, scene.log[-1].data) == ("nextstep.deleted", {"step": "n1"})
    assert scene.state.project(scene.log[-1], "participant") is None
    assert steps(scene) == [second]
    # The time of recording stays with an update.
    recorded = scene.state.next_steps["n2"].at
    scene.run("nextstep.update", step="n2", what="Bericht an den Kreistag")
    assert scene.state.next_steps["n2"].at == recorded
    assert SessionState.from_events(scene.log).view("moderator") == scene.state.view(
        "moderator")


def test_bad_steps_are_refused_and_change_nothing() -> None:
    scene = Scene().live()
    scene.run("nextstep.add", what="Erster Schritt")
    refused(scene, Invalid, "nextstep.add", what="")
    refused(scene, Invalid, "nextstep.add", what="   ")
    refused(scene, Invalid, "nextstep.add")
    refused(scene, Invalid, "nextstep.add", what="x" * 301)
    refused(scene, Invalid, "nextstep.add", what="a\nb")  # one line
    refused(scene, Invalid, "nextstep.add", what="ok", who="y" * 121)
    refused(scene, Invalid, "nextstep.add", what="ok", who=7)
    for due in ("2027-02-30", "31.03.2027", "20270331", "2027-W05-1", "２０２７-03-31", 2027):
        refused(scene, Invalid, "nextstep.add", what="ok", due=due)
    refused(scene, NotFound, "nextstep.add", what="ok", activity="a99")
    refused(scene, NotFound, "nextstep.add", what="ok", group="g9")
    refused(scene, NotFound, "nextstep.update", step="n7", what="ok")
    refused(scene, NotFound, "nextstep.update", step=None, what="ok")
    refused(scene, NotFound, "nextstep.delete", step="n7")
    refused(scene, Invalid, "nextstep.update", step="n1", what="")
    (kim,) = scene.join()
    refused(scene, Forbidden, "nextstep.add", kim, what="Ich auch")
    refused(scene, Forbidden, "nextstep.delete", Actor("presenter"), step="n1")
    assert scene.run("nextstep.add", what="w" * 300, who="v" * 120, due=" 2028-02-29 ") == {
        "step": "n2"}
    assert steps(scene)[-1]["due"] == "2028-02-29"


def test_session_states() -> None:
    scene = Scene()
    refused(scene, SessionStateError, "nextstep.add", what="Zu früh")
    scene.run("session.open")
    scene.run("nextstep.add", what="In der Lobby")
    scene.run("session.start")
    scene.run("session.close")
    # After the close, as the closing notes: the documentation is written again.
    scene.run("nextstep.add", what="Nach dem Workshop")
    scene.run("nextstep.update", step="n1", what="In der Lobby notiert")
    scene.run("nextstep.delete", step="n2")
    assert [s["what"] for s in steps(scene)] == ["In der Lobby notiert"]


def test_at_most_a_hundred_steps() -> None:
    scene = Scene().live()
    for n in range(MAX_STEPS):
        scene.run("nextstep.add", what=f"Schritt {n}")
    refusal = refused(scene, LimitReached, "nextstep.add", what="Einer zu viel")
    assert refusal.params == {"limit": MAX_STEPS}
    scene.run("nextstep.delete", step="n5")
    assert scene.run("nextstep.add", what="Wieder Platz") == {"step": f"n{MAX_STEPS + 1}"}


def test_what_a_step_names_cannot_be_deleted() -> None:
    scene = Scene()
    scene.run("session.open")
    group = scene.run("group.create", name="Energie")["group"]
    draft = scene.run("activity.create", kind="poll", title="Wahl",
                      config={"options": ["A", "B"]})["activity"]
    scene.run("nextstep.add", what="Auswerten", activity=draft, group=group)
    refused(scene, Invalid, "activity.delete", activity=draft)
    refused(scene, Invalid, "group.delete", group=group)
    scene.run("nextstep.update", step="n1", what="Auswerten")  # from nowhere now
    scene.run("activity.delete", activity=draft)
    scene.run("group.delete", group=group)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["add", "add", "delete", "update"]),
                          st.integers(0, 20)), max_size=40))
def test_ids_are_never_given_twice(script: list[tuple[str, int]]) -> None:
    """Whatever is added and deleted, a new step gets a new id, also after a restart from
    the log; the list holds the steps not deleted, in the order they were added."""
    scene = Scene().live()
    given_out: list[str] = []
    alive: list[str] = []
    for verb, pick in script:
        if verb == "add" or not alive:
            ident = scene.run("nextstep.add", what=f"Schritt {len(given_out)}")["step"]
            assert ident not in given_out
            given_out.append(ident)
            alive.append(ident)
        elif verb == "delete":
            scene.run("nextstep.delete", step=alive.pop(pick % len(alive)))
        else:
            scene.run("nextstep.update", step=alive[pick % len(alive)], what=f"Neu {pick}")
        assert [s["id"] for s in steps(scene)] == alive
        # A restart from the log goes on with the next number too.
        again = SessionState.from_events(scene.log)
        assert again.next_id("n") == scene.state.next_id("n")
    assert given_out == [f"n{n}" for n in range(1, len(given_out) + 1)]
