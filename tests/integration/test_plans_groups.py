"""Plans with small groups, on a real server: the groups a plan names exist before anyone
joins, self-selection is open when the plan says so, a per-group activity keeps each group's
input to that group, the plenary then votes on the union of all groups' ideas, and a group's
measure sheet never loses an edit. Also the advisory board's recorded vote of a plan."""

from __future__ import annotations

from typing import Any

from tests.conftest import LiveServer
from tests.integration.test_plans_run import PLANS, SESSIONS, Workshop, ids_by_key, load

LAB = SESSIONS / "simulationslabor-klimaschutz" / "plan.toml"
VISION = SESSIONS / "zielbild-interkommunal" / "plan.toml"
CONTACT_POINT = SESSIONS / "konzeptworkshop-anlaufstelle" / "plan.toml"


def _by_key(workshop: Workshop) -> dict[str, dict[str, Any]]:
    return ids_by_key(workshop.plan, workshop.activities)


def _plenary_after(workshop: Workshop, key: str) -> dict[str, Any]:
    """The first activity after `key` that takes its items from it."""
    return next(view for spec, view in zip(workshop.plan.activities, workshop.activities,
                                           strict=True)
                if spec.source is not None and spec.source.key == key)


async def _close(workshop: Workshop) -> None:
    await workshop.mod.close()
    for phone in workshop.phones:
        await phone.client.close()


async def test_groups_choose_themselves_and_keep_their_ideas(live_server: LiveServer) -> None:
    workshop = await Workshop.start(live_server, LAB, phones=5)
    mod, phones = workshop.mod, workshop.phones
    assert mod.hello["session"]["choice"] is True
    assert [g["name"] for g in mod.hello["session"]["groups"]] == list(workshop.plan.groups)
    ideas = _by_key(workshop)["massnahmen"]
    await mod.ok("activity.activate", activity=ideas["id"])

    # Nobody has chosen yet: a per-group wall takes nothing from a phone without a group.
    refused = await phones[0].client.command("idea.add", activity=ideas["id"], text="Radweg")
    assert (refused["type"], refused["code"]) == ("error", "invalid")

    await workshop.form_groups()  # they choose, then the moderator closes the choice
    late = await phones[0].client.command("group.choose", group=workshop.groups[1])
    assert (late["type"], late["code"]) == ("error", "invalid")
    mobility, energy = workshop.groups[:2]
    assert [p.group for p in phones] == [mobility, energy, *workshop.groups[2:], mobility]

    # Two phones of the Mobilität group and one of the Energieversorgung group post.
    texts = {0: "Carsharing für Dienstfahrten", 4: "Lastenräder ausleihen",
             1: "Solares Wärmenetz im Ortsteil"}
    for n, text in texts.items():
        await phones[n].client.ok("idea.add", activity=ideas["id"], text=text)
    await mod.wait(lambda m: m.get("event") == "idea.added"
                   and m["data"]["idea"]["text"] == texts[1])
    await mod.ok("activity.reveal", activity=ideas["id"])
    # Each group's phones see their own wall only; the moderator sees every group's.
    seen = await phones[4].client.wait(lambda m: m.get("event") == "activity.revealed")
    wall = seen["data"]["activity"]
    added = {e["data"]["idea"]["text"]: e["data"]["group"] for e in mod.events("idea.added")}
    assert added == {texts[0]: mobility, texts[4]: mobility, texts[1]: energy}
    assert (wall["per_group"], wall["group"]) == (True, mobility)
    assert [i["text"] for i in wall["ideas"]] == [texts[0], texts[4]]
    assert not any(texts[1] in str(m) for m in phones[0].client.messages)
    assert not any(texts[0] in str(m) for m in phones[1].client.messages)

    # The plenary dot vote takes the ideas of all groups, in group order, each marked.
    dots = _plenary_after(workshop, "massnahmen")
    await mod.ok("activity.activate", activity=dots["id"])
    activated = await phones[2].client.wait(
        lambda m: m.get("event") == "activity.activated"
        and m["data"]["activity"]["id"] == dots["id"])
    items = activated["data"]["activity"]["items"]
    assert [(i["label"], i["group"]) for i in items] == [
        (texts[0], mobility), (texts[4], mobility), (texts[1], energy)]
    # A phone of another group votes on them all.
    await phones[2].client.ok("dots.set", activity=dots["id"], item=items[2]["id"], count=2)
    await _close(workshop)


async def test_a_groups_sheet_loses_no_edit(live_server: LiveServer) -> None:
    workshop = await Workshop.start(live_server, LAB, phones=4)
    await workshop.form_groups()
    sheet = _by_key(workshop)["fahrplan"]
    assert sheet["kind"] == "measure" and sheet["per_group"]
    labels = [f["label"] for f in sheet["config"]["fields"]]
    assert labels[:2] == ["Maßnahme", "Was wollen wir erreichen, und für wen?"]
    await workshop.mod.ok("activity.activate", activity=sheet["id"])
    phone = workshop.phones[0]
    group = phone.group
    first = await phone.client.ok("sheet.edit", activity=sheet["id"], field="title",
                                  value="Carsharing für Dienstfahrten", version=0)
    assert first["result"] == {"version": 1}
    # The moderator corrects the same field of that group's sheet, from the same version.
    clash = await workshop.mod.command("sheet.edit", activity=sheet["id"], group=group,
                                       field="title", value="Carsharing", version=0)
    assert (clash["type"], clash["code"]) == ("error", "conflict")
    assert clash["details"]["current"]["value"] == "Carsharing für Dienstfahrten"
    await workshop.mod.ok("sheet.edit", activity=sheet["id"], group=group, field="title",
                          value="Carsharing für Verwaltung und Quartier", version=1)
    # The date field takes a date and nothing else.
    wrong = await phone.client.command("sheet.edit", activity=sheet["id"], field="first_step",
                                       value="bald", version=0)
    assert (wrong["type"], wrong["code"]) == ("error", "invalid")
    await phone.client.ok("sheet.edit", activity=sheet["id"], field="first_step",
                          value="2026-04-30", version=0)
    # Another group's sheet is untouched.
    other = next(p for p in workshop.phones if p.group != group)
    await other.client.ok("sheet.edit", activity=sheet["id"], field="title",
                          value="Entsiegelung von Schulhöfen", version=0)
    await _close(workshop)


async def test_the_moderator_mixes_the_tables(live_server: LiveServer) -> None:
    workshop = await Workshop.start(live_server, VISION, phones=6)
    assert workshop.mod.hello["session"]["choice"] is False
    choose = await workshop.phones[0].client.command("group.choose", group=workshop.groups[0])
    assert (choose["type"], choose["code"]) == ("error", "invalid")
    await workshop.form_groups()  # the moderator shuffles: tables of two, two, one and one
    assert sorted(sum(p.group == g for p in workshop.phones) for g in workshop.groups) == [
        1, 1, 2, 2]
    await _close(workshop)


async def test_the_board_votes_by_name(live_server: LiveServer) -> None:
    workshop = await Workshop.start(live_server, CONTACT_POINT, phones=4)
    [vote] = [view for view in workshop.activities if view["kind"] == "consent"]
    assert vote["config"] == {"secret": False, "majority": "two_thirds", "quorum": 10}
    await workshop.mod.ok("activity.activate", activity=vote["id"])
    for n, phone in enumerate(workshop.phones):
        await phone.client.ok("consent.cast", activity=vote["id"],
                              vote=("yes", "yes", "yes", "abstain")[n])
    tally = await workshop.mod.wait(lambda m: m["type"] == "tally"
                                    and m["activity"] == vote["id"]
                                    and m["results"]["voters"] == 4)
    # Four of ten needed votes: the board cannot decide, however clear the vote.
    assert tally["results"]["outcome"] == "no_quorum"
    cast = workshop.mod.events("consent.voted")
    assert {e["data"]["participant"] for e in cast} == {p.participant for p in workshop.phones}
    await _close(workshop)


def test_these_scenes_use_the_plans_with_groups() -> None:
    plans = {path.parent.name: load(path) for path in PLANS}
    assert {name for name, plan in plans.items() if plan.groups} == {
        LAB.parent.name, VISION.parent.name}
    assert plans[LAB.parent.name].group_choice and not plans[VISION.parent.name].group_choice
