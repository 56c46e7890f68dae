"""Ideas: own edits and withdrawals, moderation, what each audience sees."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from facilitator.domain.errors import LimitReached, NotFound, NotYours
from facilitator.domain.session import SessionState
from tests.unit.helpers import Scene


def wall(scene: Scene, audience: str) -> list[str]:
    view = scene.state.view(audience)  # type: ignore[arg-type]
    return [i["text"] for i in view["activities"][0]["ideas"]]


def test_authors_change_only_their_own_ideas() -> None:
    scene = Scene().live()
    ana, ben = scene.join(2)
    ideas = scene.activity("ideas")
    idea = scene.run("idea.add", ana, activity=ideas, text="  Mehr   Radwege ")["idea"]
    assert wall(scene, "moderator") == ["Mehr   Radwege"]
    assert isinstance(scene.attempt("idea.edit", ben, activity=ideas, idea=idea, text="x"),
                      NotYours)
    assert isinstance(scene.attempt("idea.withdraw", ben, activity=ideas, idea=idea), NotYours)
    scene.run("idea.edit", ana, activity=ideas, idea=idea, text="Mehr Radwege")
    assert scene.state.view("presenter")["activities"][0]["ideas"][0]["edited"] is True
    scene.run("idea.withdraw", ana, activity=ideas, idea=idea)
    assert wall(scene, "presenter") == []
    assert isinstance(scene.attempt("idea.edit", ana, activity=ideas, idea=idea, text="y"),
                      NotFound)
    assert scene.state.mine(ana.participant or "") == {}


def test_walls_per_audience() -> None:
    scene = Scene().live()
    (ana,) = scene.join()
    ideas = scene.activity("ideas", live_wall=False)
    scene.run("idea.add", ana, activity=ideas, text="Solar auf Schulen")
    second = scene.run("idea.add", ana, activity=ideas, text="<script>alert(1)</script>")["idea"]
    scene.run("idea.hide", activity=ideas, idea=second)
    assert wall(scene, "moderator") == ["Solar auf Schulen", "<script>alert(1)</script>"]
    assert wall(scene, "presenter") == [] and wall(scene, "participant") == []
    scene.run("activity.reveal", activity=ideas)
    assert wall(scene, "presenter") == ["Solar auf Schulen"]
    assert wall(scene, "participant") == ["Solar auf Schulen"]
    for audience in ("presenter", "participant"):
        for idea in scene.state.view(audience)["activities"][0]["ideas"]:  # type: ignore[arg-type]
            assert "author" not in idea
    scene.run("idea.restore", activity=ideas, idea=second)
    assert len(wall(scene, "participant")) == 2


def test_limit_per_participant() -> None:
    scene = Scene().live()
    (ana,) = scene.join()
    ideas = scene.activity("ideas", max_per_participant=2)
    scene.run("idea.add", ana, activity=ideas, text="eins")
    first = scene.state.activities[ideas].data.ideas["i1"].id
    scene.run("idea.withdraw", ana, activity=ideas, idea=first)
    scene.run("idea.add", ana, activity=ideas, text="zwei")
    assert isinstance(scene.attempt("idea.add", ana, activity=ideas, text="drei"), LimitReached)


action = st.tuples(st.sampled_from(["add", "edit", "withdraw", "hide", "restore"]),
                   st.integers(0, 2), st.integers(1, 8), st.text(max_size=12))


@settings(max_examples=100, deadline=None)
@given(st.lists(action, max_size=50))
def test_views_are_consistent_and_rebuildable(actions: list[tuple[str, int, int, str]]) -> None:
    scene = Scene().live()
    phones = scene.join(3)
    ideas = scene.activity("ideas")
    for verb, who, number, text in actions:
        idea = f"i{number}"
        if verb == "add":
            scene.attempt("idea.add", phones[who], activity=ideas, text=text)
        elif verb in {"edit", "withdraw"}:
            scene.attempt(f"idea.{verb}", phones[who], activity=ideas, idea=idea,
                          **({"text": text} if verb == "edit" else {}))
        else:
            scene.attempt(f"idea.{verb}", activity=ideas, idea=idea)
    data = scene.state.activities[ideas].data
    visible = [i.text for i in data.ideas.values() if not i.hidden and not i.withdrawn]
    assert wall(scene, "presenter") == visible
    assert len(wall(scene, "moderator")) == len(data.ideas)
    assert SessionState.from_events(scene.log).view("moderator") == scene.state.view("moderator")
