"""Every plan under sessions/ becomes a session on a real server: its phases and activities
arrive in the moderator's hello, in plan order, each activity under its phase, with the plan's
keys and cluster names turned into the server's ids. The example plan then runs: ideas go into
a cluster, and the activity that takes that cluster gets exactly those ideas."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from facilitator import secrets
from facilitator.domain.plan import Plan, load_plan
from facilitator.i18n import translate
from facilitator.live.plans import create_from_plan
from facilitator.live.registry import Registry
from facilitator.store.sqlite import SQLiteStore
from facilitator.web.sessions import links
from tests.conftest import LiveServer
from tests.support import Client

SESSIONS = Path(__file__).resolve().parents[2] / "sessions"
PLANS = sorted(SESSIONS.glob("*/plan.toml"))


async def _create(server: LiveServer, plan: Plan, ident: str) -> dict[str, str]:
    """The session made by the registry of a second process on the server's database (as
    `facilitator new` does while the server runs): the server finds it on first connect."""
    settings = server.settings
    store = SQLiteStore(settings.database)
    await store.open()
    registry = Registry(store, translate)
    try:
        runtime = await create_from_plan(registry, plan, ident)
        found = links(settings.base_url, secrets.server_secret(settings.data_dir,
                                                               settings.secret), runtime)
        return {"code": runtime.code, "moderator_token": found.moderator_token}
    finally:
        await registry.close()
        await store.close()


def _ids_by_key(plan: Plan, activities: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {spec.key: view for spec, view in zip(plan.activities, activities, strict=True)
            if spec.key}


@pytest.mark.parametrize("path", PLANS, ids=lambda p: p.parent.name)
async def test_a_plan_arrives_in_the_moderators_hello(live_server: LiveServer,
                                                      path: Path) -> None:
    plan = load_plan(path.read_text("utf-8"), source=str(path))
    created = await _create(live_server, plan, plan.slug or path.parent.name)
    mod = await Client.open(live_server.ws_url, created["code"], created["moderator_token"])
    session = mod.hello["session"]
    await mod.close()

    assert (session["title"], session["language"], session["status"]) == (
        plan.title, plan.language, "draft")
    phases = session["phases"]
    assert [(p["title"], p["minutes"], p["timer"], p["notes"]) for p in phases] == [
        (p.title, p.minutes, p.timer, p.notes or None) for p in plan.phases]
    activities = session["activities"]
    assert [(a["kind"], a["title"], a["prompt"], a["status"]) for a in activities] == [
        (s.kind, s.title, s.prompt, "draft") for s in plan.activities]
    under = [phase["id"] for phase, spec in zip(phases, plan.phases, strict=True)
             for _ in spec.activities]
    assert [a["phase"] for a in activities] == under
    by_key = _ids_by_key(plan, activities)
    for spec, view in zip(plan.activities, activities, strict=True):
        source = spec.source
        if source is None:
            continue
        origin = by_key[source.key]
        items = view["config"]["items"]
        assert items["from"] == origin["id"]
        if source.take == "cluster":
            [cluster] = [c for c in origin["clusters"]
                         if c["name"].casefold() == str(source.cluster).casefold()]
            assert items["take"] == f"cluster:{cluster['id']}"
        else:
            assert items["take"] == source.written()


async def test_the_example_plan_runs_its_cluster_source(live_server: LiveServer) -> None:
    path = SESSIONS / "beispiel-klimalabor" / "plan.toml"
    plan = load_plan(path.read_text("utf-8"))
    created = await _create(live_server, plan, "klimalabor-probe")
    code = created["code"]
    mod = await Client.open(live_server.ws_url, code, created["moderator_token"])
    activities = mod.hello["session"]["activities"]
    ideas = _ids_by_key(plan, activities)["massnahmen"]
    [ranking] = [a for a, s in zip(activities, plan.activities, strict=True)
                 if s.source is not None and s.source.take == "cluster"]
    [energy] = [c["id"] for c in ideas["clusters"] if c["name"] == "Energieversorgung"]
    await mod.ok("session.open")
    await mod.ok("session.start")
    await mod.ok("activity.activate", activity=ideas["id"])
    phone = await Client.open(live_server.ws_url, code, live_server.join(code)["token"])
    texts = ["Solares Wärmenetz im Neubaugebiet", "PV auf allen Schuldächern",
             "Carsharing für die Verwaltung", "Wärmepumpen in kommunalen Gebäuden"]
    posted = []
    for text in texts:
        answer = await phone.ok("idea.add", activity=ideas["id"], text=text)
        posted.append(answer["result"]["idea"])
    for idea in (posted[0], posted[1], posted[3]):
        await mod.ok("idea.move", activity=ideas["id"], idea=idea, cluster=energy)
    await mod.ok("activity.activate", activity=ranking["id"])
    activated = await mod.wait(lambda m: m.get("event") == "activity.activated"
                               and m["data"]["activity"]["id"] == ranking["id"])
    items = activated["data"]["activity"]["items"]
    assert [i["label"] for i in items] == [texts[0], texts[1], texts[3]]
    await phone.close()
    await mod.close()
