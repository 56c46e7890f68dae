"""A session written back as a plan (domain/plan_export.py): every plan under sessions/ loads,
becomes a session (through live/plans.py, as the server makes it), is written back, and the
file loads to the same plan (settings written with their default value left out:
plan_export.normalised) and makes a session identical to the first; edits show in the plan."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from facilitator.domain.activities import KINDS
from facilitator.domain.errors import Refusal
from facilitator.domain.model import Actor, Command, Event
from facilitator.domain.plan import Plan, dump_plan, load_plan
from facilitator.domain.plan_export import key_of, normalised, plan_of
from facilitator.domain.session import SessionState, new_session
from facilitator.i18n import translate
from facilitator.live.plans import create_from_plan
from facilitator.live.registry import Registry, moderator
from facilitator.store.sqlite import SQLiteStore

SESSIONS = Path(__file__).resolve().parents[2] / "sessions"
PLANS = sorted(SESSIONS.glob("*/plan.toml"))
MOD = Actor("moderator")


@pytest.fixture
async def registry(tmp_path: Path) -> AsyncIterator[Registry]:
    store = SQLiteStore(tmp_path / "db.sqlite")
    await store.open()
    registry = Registry(store, translate)
    yield registry
    await registry.close()
    await store.close()


def comparable(state: SessionState) -> dict[str, Any]:
    """Every audience's view without what differs between two sessions anyway."""
    out = {}
    for audience in ("moderator", "presenter", "participant"):
        view = state.view(audience)
        out[audience] = {k: v for k, v in view.items() if k not in {"id", "code", "created"}}
    return out


def settings_seen_by_server(plan: Plan) -> list[dict[str, Any]]:
    """Each activity's config as the kind makes it (sources as plan keys: not compared)."""
    out = []
    for spec in plan.activities:
        raw = {k: v for k, v in spec.config.items() if k != "items" or not isinstance(v, dict)}
        if "items" in spec.config and isinstance(spec.config["items"], dict):
            raw["items"] = ["x", "y"]
        out.append(KINDS[spec.kind].make_config(raw))
    return out


@pytest.mark.parametrize("path", PLANS, ids=lambda p: p.parent.name)
async def test_every_ready_plan_comes_back_from_its_session(registry: Registry,
                                                            path: Path) -> None:
    original = load_plan(path.read_text("utf-8"), source=str(path))
    first = await create_from_plan(registry, original)
    text = dump_plan(plan_of(first.state))
    back = load_plan(text, source="export.toml")
    assert back == normalised(original)
    # The normalisation only leaves out settings with their default value: the kinds make
    # the same config of both.
    assert settings_seen_by_server(back) == settings_seen_by_server(original)
    assert normalised(back) == back  # written in its shortest form already
    second = await create_from_plan(registry, back)
    assert comparable(second.state) == comparable(first.state)
    assert dump_plan(plan_of(second.state)) == text


async def test_edits_show_in_the_plan(registry: Registry) -> None:
    original = load_plan((SESSIONS / "simulationslabor-klimaschutz" / "plan.toml")
                         .read_text("utf-8"))
    runtime = await create_from_plan(registry, original)
    state = runtime.state
    by_title = {a.title: a.id for a in state.activities.values()}
    words = by_title["Klimaschutz in unserer Verwaltung ist heute …"]
    qa = by_title["Ihre Fragen zum Input"]
    consent = next(a.id for a in state.activities.values() if a.kind == "consent")

    async def run(command: str, **args: Any) -> dict[str, Any]:
        answer = await runtime.submit(moderator(command, **args))
        assert answer["type"] == "ack", answer
        result: dict[str, Any] = answer["result"]
        return result

    await run("activity.update", activity=words, title="Wie geht es Ihnen?",
              config={"max_words": 2})
    await run("activity.move", activity=qa, before=words, phase=state.activities[words].phase)
    copy = (await run("activity.duplicate", activity=consent))["activity"]
    await run("activity.update", activity=copy, prompt="Zweite Lesung")
    await run("activity.delete", activity=consent)
    await run("session.update", title="Simulationslabor (überarbeitet)",
              organisation="Stadt Musterstadt")
    plan = load_plan(dump_plan(plan_of(state)))
    assert plan.title == "Simulationslabor (überarbeitet)"
    assert plan.organisation == "Stadt Musterstadt"
    first = plan.phases[0].activities
    assert [a.kind for a in first] == ["qa", "words"]
    assert first[1].title == "Wie geht es Ihnen?" and first[1].config == {"max_words": 2}
    assert [a.title for a in plan.phases[1].activities] == [
        a.title for a in original.phases[1].activities if a.kind != "qa"]
    last = plan.phases[-1].activities
    assert [(a.kind, a.title[-7:], a.prompt) for a in last] == [
        ("consent", "(Kopie)", "Zweite Lesung")]
    assert len(plan.activities) == len(original.activities)


def test_hidden_activities_are_left_out_unless_a_written_one_needs_them() -> None:
    state = build(Plan("Test", phases=()))
    ideas = decide(state, "activity.create", kind="ideas", title="Ideen sammeln")["activity"]
    dots = decide(state, "activity.create", kind="dots", title="Punkten",
                  config={"items": {"from": ideas, "take": "top:3"}})["activity"]
    decide(state, "activity.create", kind="words", title="Weg damit")
    decide(state, "activity.hide", activity="a3", hidden=True)
    decide(state, "activity.hide", activity=ideas, hidden=True)
    plan = load_plan(dump_plan(plan_of(state)))
    # No phases in the session: everything goes into one last phase.
    assert [p.title for p in plan.phases] == ["Weitere"]
    assert [(a.kind, a.key) for a in plan.activities] == [("ideas", "ideen-sammeln"),
                                                          ("dots", None)]
    assert plan.activities[1].config["items"] == {"from": "ideen-sammeln", "take": "top:3"}
    decide(state, "activity.hide", activity=dots, hidden=True)
    assert load_plan(dump_plan(plan_of(state))).phases == ()


def test_keys_and_cluster_names() -> None:
    assert key_of("Maßnahmen: Übersicht!") == "massnahmen-uebersicht"
    assert key_of("???") == "activity"
    state = build(Plan("Test", language="en"))
    ideas = decide(state, "activity.create", kind="ideas", title="Ideas",
                   config={"clusters": ["Mobility", "Energy"]})["activity"]
    decide(state, "activity.create", kind="ideas", title="Ideas")
    decide(state, "activity.create", kind="dots", title="Dots",
           config={"items": {"from": ideas, "take": "cluster:c2"}})
    decide(state, "activity.create", kind="ranking", title="Rank",
           config={"items": {"from": "a2", "take": "all"}})
    plan = load_plan(dump_plan(plan_of(state)))
    assert plan.phases[0].title == "More"
    assert [a.key for a in plan.activities] == ["ideas", "ideas-2", None, None]
    assert plan.activities[2].config["items"] == {"from": "ideas", "take": "cluster:Energy"}


# -- the domain alone, for Hypothesis -------------------------------------------------------

def decide(state: SessionState, command: str, **args: Any) -> dict[str, Any]:
    decision = state.decide(Command(command, args, MOD, 1.0))
    for name, data in decision.events:
        state.apply(Event(state.seq + 1, name, data, 1.0))
    return decision.result


def build(plan: Plan) -> SessionState:
    """A session from a plan as live/plans.py makes it, with the domain's decide alone."""
    kind, data = new_session("s", "ACEFHJ", plan.title, plan.language, plan.names,
                             plan.place or None, list(plan.moderators) or None,
                             organisation=plan.organisation or None)
    state = SessionState.from_events([Event(1, kind, data, 0.0)])
    for name in plan.groups:
        decide(state, "group.create", name=name)
    if plan.group_choice:
        decide(state, "groups.choice", open=True)
    ids: dict[str, str] = {}
    for phase in plan.phases:
        h = decide(state, "phase.create", title=phase.title, minutes=phase.minutes,
                   timer=phase.timer, notes=phase.notes or None)["phase"]
        for spec in phase.activities:
            source = spec.source
            wire = None
            if source is not None:
                origin = state.activities[ids[source.key]]
                clusters = KINDS[origin.kind].view(origin, "moderator").get("clusters") or []
                wire = source.wire(origin.id, clusters)
            key = {"key": spec.key} if spec.key else {}
            made = decide(state, "activity.create", **spec.command_args(wire), phase=h, **key)
            if spec.key:
                ids[spec.key] = made["activity"]
    return state


EDITS = st.lists(st.tuples(st.sampled_from(["move", "duplicate", "delete", "hide", "update",
                                            "phase.move", "phase.delete"]),
                           st.integers(0, 30), st.integers(0, 30), st.booleans()),
                 max_size=12)


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(PLANS), EDITS)
def test_any_edited_session_writes_a_plan_that_makes_it_again(path: Path,
                                                              edits: list[Any]) -> None:
    """Edits in any order (refused ones change nothing): the plan written back always loads,
    and the session it makes writes the same plan again."""
    state = build(load_plan(path.read_text("utf-8")))
    for command, i, j, flag in edits:
        acts = list(state.activities) or ["a999"]
        phases = list(state.phases) or ["h999"]
        one, other = acts[i % len(acts)], acts[j % len(acts)]
        args: dict[str, Any] = {
            "move": {"activity": one, "before": other if flag else None,
                     "phase": phases[j % len(phases)]},
            "duplicate": {"activity": one}, "delete": {"activity": one},
            "hide": {"activity": one, "hidden": flag},
            "update": {"activity": one, "title": f"Neu {j}", "prompt": "" if flag else "P"},
            "phase.move": {"phase": phases[i % len(phases)],
                           "before": phases[j % len(phases)] if flag else None},
            "phase.delete": {"phase": phases[i % len(phases)]},
        }[command]
        name = command if command.startswith("phase.") else f"activity.{command}"
        with contextlib.suppress(Refusal):  # anything else fails the test
            decide(state, name, **args)
    text = dump_plan(plan_of(state))
    plan = load_plan(text)
    assert dump_plan(plan_of(build(plan))) == text
    written = [a for a in state.activities.values() if not a.hidden]
    assert len(plan.activities) >= len(written)


async def test_a_new_title_reaches_the_session_list(registry: Registry) -> None:
    runtime = await registry.create("Alt")
    answer = await runtime.submit(moderator("session.update", title="Neu"))
    assert answer["type"] == "ack"
    record = await registry.store.find_session(code=runtime.code)
    assert record is not None and record.title == "Neu"
