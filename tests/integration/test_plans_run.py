"""Every plan under sessions/ becomes a session on a real server and runs from start to end.

First its phases and activities arrive in the moderator's hello, in plan order, each activity
under its phase, with the plan's keys and cluster names turned into the server's ids. Then the
workshop is acted out over WebSockets: the moderator opens and starts the session, puts the
phones into the plan's groups, starts each phase with its timer, activates every activity in
order; four to six phones give valid input to each kind (in their own group's instance for
per-group activities); the moderator reveals each result and closes the session. Every command
must be acknowledged.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
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


async def create(server: LiveServer, plan: Plan, ident: str) -> dict[str, str]:
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
        return {"code": runtime.code, "moderator_token": found.moderator_token,
                "presenter_token": found.presenter_token}
    finally:
        await registry.close()
        await store.close()


def load(path: Path) -> Plan:
    return load_plan(path.read_text("utf-8"), source=str(path))


def ids_by_key(plan: Plan, activities: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {spec.key: view for spec, view in zip(plan.activities, activities, strict=True)
            if spec.key}


@pytest.mark.parametrize("path", PLANS, ids=lambda p: p.parent.name)
async def test_a_plan_arrives_in_the_moderators_hello(live_server: LiveServer,
                                                      path: Path) -> None:
    plan = load(path)
    created = await create(live_server, plan, plan.slug or path.parent.name)
    mod = await Client.open(live_server.ws_url, created["code"], created["moderator_token"])
    session = mod.hello["session"]
    await mod.close()

    assert (session["title"], session["language"], session["status"]) == (
        plan.title, plan.language, "draft")
    assert [g["name"] for g in session["groups"]] == list(plan.groups)
    assert all(g["members"] == [] for g in session["groups"])
    assert session["choice"] is plan.group_choice
    phases = session["phases"]
    assert [(p["title"], p["minutes"], p["timer"], p["notes"]) for p in phases] == [
        (p.title, p.minutes, p.timer, p.notes or None) for p in plan.phases]
    activities = session["activities"]
    assert [(a["kind"], a["title"], a["prompt"], a["status"], a["per_group"])
            for a in activities] == [
        (s.kind, s.title, s.prompt, "draft", s.per_group) for s in plan.activities]
    under = [phase["id"] for phase, spec in zip(phases, plan.phases, strict=True)
             for _ in spec.activities]
    assert [a["phase"] for a in activities] == under
    by_key = ids_by_key(plan, activities)
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


# -- acting a plan out -----------------------------------------------------------------------


@dataclass
class Phone:
    client: Client
    participant: str
    group: str | None = None


@dataclass
class Workshop:
    """A session from a plan with its moderator and phones, for acting it out."""

    server: LiveServer
    plan: Plan
    code: str
    mod: Client
    token: str  # the moderator's
    phones: list[Phone] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)  # group ids in plan order
    # per activity id: idea id -> (author's participant id, group or None)
    ideas: dict[str, dict[str, tuple[str, str | None]]] = field(default_factory=dict)

    @classmethod
    async def start(cls, server: LiveServer, path: Path, phones: int | None = None) -> Workshop:
        plan = load(path)
        created = await create(server, plan, plan.slug or path.parent.name)
        mod = await Client.open(server.ws_url, created["code"], created["moderator_token"])
        workshop = cls(server, plan, created["code"], mod, created["moderator_token"],
                       groups=[g["id"] for g in mod.hello["session"]["groups"]])
        await mod.ok("session.open")
        await mod.ok("session.start")
        count = phones or (6 if plan.groups else 4)
        for n in range(count):
            status, joined = server.request(
                "POST", f"/api/sessions/{workshop.code}/join",
                {"name": f"Person {n + 1}", "where": ("room", "online")[n % 2]})
            assert status == 201, joined
            client = await Client.open(server.ws_url, workshop.code, joined["token"])
            workshop.phones.append(Phone(client, joined["participant"]))
        return workshop

    @property
    def activities(self) -> list[dict[str, Any]]:
        activities: list[dict[str, Any]] = self.mod.hello["session"]["activities"]
        return activities

    async def form_groups(self) -> None:
        """Into the plan's groups: by their own choice when the plan opens it, else by the
        moderator's shuffle; then a spokesperson for each group."""
        if not self.groups:
            return
        if self.plan.group_choice:
            for n, phone in enumerate(self.phones):
                await phone.client.ok("group.choose", group=self.groups[n % len(self.groups)])
            await self.mod.ok("groups.choice", open=False)
        else:
            shuffled = await self.mod.ok("groups.shuffle")
            assert shuffled["result"] == {"assigned": len(self.phones)}
        for phone in self.phones:
            # A new group means a fresh hello for that phone, with its group in `you`.
            hello = await phone.client.wait(lambda m: m["type"] == "hello"
                                            and m["you"]["group"] is not None)
            phone.group = hello["you"]["group"]
        sizes = [sum(p.group == g for p in self.phones) for g in self.groups]
        assert max(sizes) - min(sizes) <= 1, sizes
        for group in self.groups:
            members = [p for p in self.phones if p.group == group]
            if members:
                await self.mod.ok("group.spokesperson", group=group,
                                  participant=members[0].participant)

    async def run(self) -> None:
        await self.form_groups()
        views = iter(self.activities)
        for phase, spec in zip(self.mod.hello["session"]["phases"], self.plan.phases,
                               strict=True):
            await self.mod.ok("phase.start", phase=phase["id"])
            minutes = spec.timer or spec.minutes
            if minutes:
                await self.mod.ok("timer.start", seconds=minutes * 60, label=spec.title)
            for _ in spec.activities:
                await self.activity(next(views)["id"])
        await self.mod.ok("session.close")

    async def activity(self, ident: str) -> None:
        since = len(self.mod.messages)
        await self.mod.ok("activity.activate", activity=ident)
        activated = await self.mod.wait(
            lambda m: m.get("event") == "activity.activated"
            and m["data"]["activity"]["id"] == ident, since=since)
        view = activated["data"]["activity"]
        if view["kind"] in {"dots", "ranking", "scale", "matrix"}:
            assert len(view["items"]) >= 2
        for n, phone in enumerate(self.phones):
            await INPUT[view["kind"]](self, view, phone, n)
        await AFTER.get(view["kind"], _nothing)(self, view)
        await self.mod.ok("activity.reveal", activity=ident)

    def group_args(self, view: dict[str, Any], group: str | None) -> dict[str, Any]:
        """The moderator names the instance of a per-group activity it means."""
        return {"group": group} if view["per_group"] else {}


_NUMBERS = itertools.count(1)  # ideas of one wall must differ


async def _nothing(workshop: Workshop, view: dict[str, Any]) -> None:
    pass


# -- valid input of each kind, phone by phone ------------------------------------------------


async def _ideas(w: Workshop, view: dict[str, Any], phone: Phone, n: int) -> None:
    posted = w.ideas.setdefault(view["id"], {})
    for _ in range(2):
        text = f"Vorschlag {next(_NUMBERS)}: {view['title'][:60]}"
        answer = await phone.client.ok("idea.add", activity=view["id"], text=text)
        posted[answer["result"]["idea"]] = (phone.participant, phone.group)


async def _ideas_after(w: Workshop, view: dict[str, Any]) -> None:
    """The moderator approves, sorts into clusters round-robin; phones support others' ideas
    (of their own group for a per-group wall)."""
    config, ident = view["config"], view["id"]
    posted = w.ideas[ident]
    for idea, (_, group) in posted.items():
        if config["premoderation"]:
            await w.mod.ok("idea.approve", activity=ident, idea=idea,
                           **w.group_args(view, group))
    for n, (idea, (_, group)) in enumerate(posted.items()):
        # A per-group wall shows each group's instance, each with the clusters of the config.
        wall = view["groups"][group] if view["per_group"] else view
        clusters = [c["id"] for c in wall["clusters"]]
        if clusters:
            await w.mod.ok("idea.move", activity=ident, idea=idea,
                           cluster=clusters[n % len(clusters)], **w.group_args(view, group))
    if config["support"]:
        for phone in w.phones:
            others = [i for i, (author, group) in posted.items()
                      if author != phone.participant and group == phone.group]
            for idea in others[:2]:
                await phone.client.ok("idea.support", activity=ident, idea=idea, support=True)


async def _poll(w: Workshop, view: dict[str, Any], phone: Phone, n: int) -> None:
    options = [o["id"] for o in view["config"]["options"]]
    count = view["config"]["max_choices"] if n % 2 else 1
    choices = [options[(n + k) % len(options)] for k in range(count)]
    await phone.client.ok("vote.cast", activity=view["id"], choices=choices)


async def _dots(w: Workshop, view: dict[str, Any], phone: Phone, n: int) -> None:
    items = [i["id"] for i in view["items"]]
    left, per_item = view["config"]["dots"], view["config"]["per_item"]
    for k in range(len(items)):
        if left == 0:
            break
        count = min(per_item, left)
        await phone.client.ok("dots.set", activity=view["id"], item=items[(n + k) % len(items)],
                              count=count)
        left -= count


async def _ranking(w: Workshop, view: dict[str, Any], phone: Phone, n: int) -> None:
    items = [i["id"] for i in view["items"]]
    places = min(view["config"]["top"] or len(items), len(items))
    order = [items[(n + k) % len(items)] for k in range(places)]
    await phone.client.ok("ranking.set", activity=view["id"], order=order)


async def _scale(w: Workshop, view: dict[str, Any], phone: Phone, n: int) -> None:
    config = view["config"]
    low, high = config["min"], config["max"]
    for k, item in enumerate(view["items"]):
        for c, criterion in enumerate(config["criteria"]):
            # The last phone cannot judge the first item: recorded, not counted.
            value = None if (n, k) == (len(w.phones) - 1, 0) else \
                low + (n + k + c) % (high - low + 1)
            await phone.client.ok("scale.rate", activity=view["id"], item=item["id"],
                                  criterion=criterion["id"], value=value)


async def _matrix(w: Workshop, view: dict[str, Any], phone: Phone, n: int) -> None:
    steps = view["config"]["steps"]
    for k, item in enumerate(view["items"]):
        await phone.client.ok("matrix.place", activity=view["id"], item=item["id"],
                              x=1 + (n + k) % steps, y=1 + (n * 2 + k) % steps)


async def _consent(w: Workshop, view: dict[str, Any], phone: Phone, n: int) -> None:
    await phone.client.ok("consent.cast", activity=view["id"],
                          vote=("yes", "yes", "no", "abstain")[n % 4])


async def _words(w: Workshop, view: dict[str, Any], phone: Phone, n: int) -> None:
    pool = ["Aufbruch", "Mut", "Zusammenarbeit", "Geduld", "Zukunft", "Verantwortung"]
    words = [pool[(n + k) % len(pool)] for k in range(view["config"]["max_words"])]
    await phone.client.ok("words.submit", activity=view["id"], words=words)


async def _qa(w: Workshop, view: dict[str, Any], phone: Phone, n: int) -> None:
    if n % 2 == 0:
        asked = await phone.client.ok("question.ask", activity=view["id"],
                                      text=f"Frage {n + 1}: Wie finanzieren andere das?")
        w.ideas.setdefault(view["id"], {})[asked["result"]["question"]] = (phone.participant,
                                                                            None)


async def _qa_after(w: Workshop, view: dict[str, Any]) -> None:
    asked = w.ideas.get(view["id"], {})
    for question in asked:
        if view["config"]["premoderation"]:
            await w.mod.ok("question.approve", activity=view["id"], question=question)
    for phone in w.phones:
        for question, (author, _) in asked.items():
            if author != phone.participant:
                await phone.client.ok("question.upvote", activity=view["id"],
                                      question=question, up=True)
    for question in list(asked)[:1]:
        await w.mod.ok("question.answer", activity=view["id"], question=question,
                       answered=True)


async def _measure(w: Workshop, view: dict[str, Any], phone: Phone, n: int) -> None:
    """Each member of a group writes other fields of the group's sheet, all from version 0."""
    fields = view["config"]["fields"]
    team = [p for p in w.phones if p.group == phone.group]
    place = team.index(phone)
    for spec in fields[place::len(team)]:
        await phone.client.ok("sheet.edit", activity=view["id"], field=spec["id"],
                              value=_sheet_value(spec, phone), version=0)


def _sheet_value(spec: dict[str, Any], phone: Phone) -> Any:
    if spec["type"] == "date":
        return "2026-03-31"
    if spec["type"] == "rows":
        return [{"step": "Beschluss der Amtsleitung einholen", "date": "2026-02-15"},
                {"step": "Partner ansprechen", "date": ""}]
    return f"Entwurf von {phone.participant}"[:spec["limit"]]


async def _slides(w: Workshop, view: dict[str, Any], phone: Phone, n: int) -> None:
    """Phones look at slides; stepping them is the moderator's (the deck is uploaded by HTTP,
    which a plan does not do: the activity runs without one)."""
    if n == 0:
        answer = await phone.client.command("slides.show", activity=view["id"], page=1)
        assert answer["type"] == "error" and answer["code"] == "forbidden", answer


INPUT = {"ideas": _ideas, "poll": _poll, "dots": _dots, "ranking": _ranking, "scale": _scale,
         "matrix": _matrix, "consent": _consent, "words": _words, "qa": _qa,
         "measure": _measure, "slides": _slides}
AFTER = {"ideas": _ideas_after, "qa": _qa_after}


def test_every_kind_is_acted_out() -> None:
    from facilitator.domain.activities import KINDS

    assert set(INPUT) == set(KINDS)


@pytest.mark.parametrize("path", PLANS, ids=lambda p: p.parent.name)
async def test_a_plan_runs_from_start_to_end(live_server: LiveServer, path: Path) -> None:
    workshop = await Workshop.start(live_server, path)
    await workshop.run()
    await workshop.mod.close()
    for phone in workshop.phones:
        await phone.client.close()

    # A console that opens the closed session finds every activity run and its result shown.
    mod = await Client.open(live_server.ws_url, workshop.code, workshop.token)
    session = mod.hello["session"]
    await mod.close()
    assert session["status"] == "closed"
    assert [(a["status"], a["revealed"]) for a in session["activities"]] == [
        ("locked", True)] * len(workshop.plan.activities)
    assert all(p["ended"] for p in session["phases"])
