"""Ideas: own edits and withdrawals, moderation, what each audience sees."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from facilitator.domain.errors import Invalid, LimitReached, NotFound, NotYours
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


def test_premoderation_support_pin_and_clusters() -> None:
    scene = Scene().live()
    ana, ben = scene.join(2)
    ideas = scene.activity("ideas", premoderation=True, support=True,
                           clusters=["Mobilität", "Energie"])
    first = scene.run("idea.add", ana, activity=ideas, text="Radwege")
    assert first == {"idea": "i1", "pending": True}
    assert wall(scene, "presenter") == []
    assert scene.state.mine(ana.participant or "")[ideas]["ideas"] == [
        {"id": "i1", "text": "Radwege", "pending": True}]
    assert isinstance(scene.attempt("idea.support", ben, activity=ideas, idea="i1"), NotFound)
    scene.run("idea.approve", activity=ideas, idea="i1")
    assert wall(scene, "presenter") == ["Radwege"]
    assert isinstance(scene.attempt("idea.support", ana, activity=ideas, idea="i1"), Invalid)
    scene.run("idea.support", ben, activity=ideas, idea="i1", support=True)
    scene.run("idea.add", ben, activity=ideas, text="Solar")
    scene.run("idea.approve", activity=ideas, idea="i2")
    scene.run("idea.pin", activity=ideas, idea="i2", pinned=True)
    assert wall(scene, "presenter") == ["Solar", "Radwege"], "pinned first"
    scene.run("idea.move", activity=ideas, idea="i1", cluster="c1")
    created = scene.run("cluster.create", activity=ideas, name="Ernährung")
    assert created == {"cluster": "c3"}
    assert isinstance(scene.attempt("cluster.create", activity=ideas, name="energie"), Invalid)
    scene.run("cluster.delete", activity=ideas, cluster="c1")
    view = scene.state.view("presenter")["activities"][0]
    assert [c["name"] for c in view["clusters"]] == ["Energie", "Ernährung"]
    assert all(i["cluster"] is None for i in view["ideas"])
    assert view["results"] is None, "support counts are results: hidden until reveal"
    assert all("support" not in i for i in view["ideas"])
    moderator = scene.state.view("moderator")["activities"][0]
    assert moderator["results"] == {"support": {"i1": 1, "i2": 0}}


def test_merge_is_visible_and_reversible() -> None:
    scene = Scene().live()
    ana, ben, cem = scene.join(3)
    ideas = scene.activity("ideas", support=True)
    for who, text in ((ana, "Mehr Radwege"), (ben, "Radwege ausbauen"), (cem, "Radnetz")):
        scene.run("idea.add", who, activity=ideas, text=text)
    scene.run("idea.support", cem, activity=ideas, idea="i1", support=True)
    scene.run("idea.support", ana, activity=ideas, idea="i2", support=True)
    scene.run("idea.merge", activity=ideas, idea="i3", into="i2")
    scene.run("idea.merge", activity=ideas, idea="i2", into="i1")  # i3 moves along
    public = scene.state.view("presenter")["activities"][0]["ideas"]
    assert [i["id"] for i in public] == ["i1"]
    assert [m["text"] for m in public[0]["merged"]] == ["Radwege ausbauen", "Radnetz"]
    results = scene.state.view("moderator")["activities"][0]["results"]
    assert results == {"support": {"i1": 2}}
    assert scene.state.mine(ben.participant or "")[ideas]["ideas"] == [
        {"id": "i2", "text": "Radwege ausbauen", "merged_into": "i1"}]
    for bad in ({"idea": "i1", "into": "i1"}, {"idea": "i1", "into": "i2"},
                {"idea": "i3", "into": "i1"}):
        assert isinstance(scene.attempt("idea.merge", activity=ideas, **bad), Invalid), bad
    scene.run("idea.unmerge", activity=ideas, idea="i2")
    assert wall(scene, "presenter") == ["Mehr Radwege", "Radwege ausbauen"]
    assert scene.state.view("moderator")["activities"][0]["results"] == {
        "support": {"i1": 1, "i2": 1}}


merge_step = st.tuples(st.sampled_from(["merge", "unmerge", "support", "unsupport"]),
                       st.integers(1, 5), st.integers(1, 5), st.integers(0, 3))


@settings(max_examples=120, deadline=None)
@given(st.lists(merge_step, max_size=40))
def test_merges_conserve_support_and_authorship(steps: list[tuple[str, int, int, int]]) -> None:
    scene = Scene().live()
    phones = scene.join(4)
    ideas = scene.activity("ideas", support=True)
    for n in range(5):
        scene.run("idea.add", phones[n % 4], activity=ideas, text=f"Idee {n}")
    for verb, a, b, who in steps:
        if verb == "merge":
            scene.attempt("idea.merge", activity=ideas, idea=f"i{a}", into=f"i{b}")
        elif verb == "unmerge":
            scene.attempt("idea.unmerge", activity=ideas, idea=f"i{a}")
        else:
            scene.attempt("idea.support", phones[who], activity=ideas, idea=f"i{a}",
                          support=verb == "support")
    data = scene.state.activities[ideas].data
    # Every support given is counted exactly once, on the idea its idea was merged into.
    given_total = sum(len(i.supporters) for i in data.ideas.values())
    results = scene.state.view("moderator")["activities"][0]["results"]["support"]
    assert sum(results.values()) == given_total
    # Every idea is on the wall or reachable from one that is (no idea is lost by merging).
    reachable = {i.id for root in data.wall() for i in [root, *data.duplicates(root)]}
    assert reachable == set(data.ideas)
    assert SessionState.from_events(scene.log).view("moderator") == scene.state.view("moderator")


def test_changes_to_a_duplicate_show_on_its_card_and_hidden_ones_disappear() -> None:
    scene = Scene().live()
    ana, ben = scene.join(2)
    ideas = scene.activity("ideas")
    scene.run("idea.add", ana, activity=ideas, text="Radwege")
    scene.run("idea.add", ben, activity=ideas, text="Radwegee")
    scene.run("idea.merge", activity=ideas, idea="i2", into="i1")
    scene.run("idea.edit", ben, activity=ideas, idea="i2", text="Radwege ausbauen")
    edited = scene.state.project(scene.log[-1], "presenter")
    assert edited is not None and edited["idea"]["id"] == "i1"
    assert edited["idea"]["merged"] == [{"id": "i2", "text": "Radwege ausbauen"}]
    scene.run("idea.hide", activity=ideas, idea="i2")
    hidden = scene.state.project(scene.log[-1], "presenter")
    assert hidden == {"activity": ideas, "idea": {**edited["idea"], "merged": []}}
    assert scene.state.view("presenter")["activities"][0]["ideas"][0]["merged"] == []
    full = scene.state.view("moderator")["activities"][0]["ideas"][0]["merged"]
    assert full == [{"id": "i2", "text": "Radwege ausbauen"}], "the moderator still sees it"
