"""Heavy content for the screens: a simulation lab as it really gets, built over the server's
HTTP API and WebSocket, for the browser tests and the screenshot scripts.

    from tests.e2e.heavy import build, lobby, show, close, screen

    lab = build(server)                       # de; build(server, "en") for an English beamer
    show(lab, "dots", "revealed")             # plenary dots, voting closed, results shown
    show(lab, "matrix", "active", per_group=True)
    page.goto(lab.presenter_url)
    screen(lab, theme="dark")                 # what the console's screen switches send
    close(lab)                                # last: the session cannot be opened again

`build` makes a live session with 40 participants in four groups of ten (long group names),
and these activities (all created once, each run once with votes, then locked):

- "ideas": plenary wall of 30 long ideas in 3 clusters (one pinned, one merged duplicate)
- "ideas:groups": per-group wall, 15 ideas of about 200 characters per group
- "dots", "ranking", "scale", "matrix": plenary, items taken from "ideas:groups" (the first
  8 of every group: 32 items, each carrying its group, so they show group names)
- "poll", "consent", "words" (about 60 distinct words, long compounds), "qa" (30 questions
  with upvotes), "measure" (every field filled, long)
- the same ten kinds per group (key "<kind>:groups"); the per-group dots, ranking, scale and
  matrix have 30 typed long labels
- "consent:fresh": a consent that stays a draft (nobody voted), for "not yet opened"

23 of the 40 participants take part in each plenary activity, six of ten per group, so
"23 von 40 haben abgestimmt" is what a beamer should count. Building takes a few seconds.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import random
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from tests.support import Client

GROUPS = ("Mobilität und Verkehr", "Energie und Wärme", "Gebäude und Quartiere",
          "Klimaanpassung und Stadtgrün")
PARTICIPANTS = 40
VOTERS = 23  # plenary: 23 of 40 take part
GROUP_VOTERS = 6  # per group: 6 of 10
KINDS = ("ideas", "poll", "dots", "ranking", "scale", "matrix", "consent", "words", "qa",
         "measure")
STATES = ("active", "locked", "revealed")

LEADS = (
    (  # Mobilität und Verkehr
        "Verkehrsberuhigungsmaßnahmen in allen Wohnstraßen rund um die Grundschulen einführen",
        "Durchgängiges Radvorrangnetz zwischen Innenstadt, Bahnhof und Gewerbegebieten ausbauen",
        "Quartiersgaragen am Stadtrand bauen und dafür Parkplätze in der Altstadt zurückbauen",
        "Taktverdichtung der Buslinien auf zehn Minuten in den Hauptverkehrszeiten",
        "Sichere Fahrradabstellanlagen an allen Bushaltestellen und am Bahnhof schaffen",
        "Tempo 30 als Regelgeschwindigkeit innerorts beim Land beantragen",
        "Carsharing-Stationen in jedem Ortsteil mit Ladeinfrastruktur für Elektrofahrzeuge",
        "Schulstraßen mit zeitweiser Sperrung für den Autoverkehr vor Unterrichtsbeginn",
        "Mobilitätsstationen mit Lastenradverleih an den Stadtteilzentren einrichten",
        "Parkraumbewirtschaftung in der gesamten Innenstadt mit gestaffelten Gebühren",
        "Anruf-Sammeltaxi für die Ortsteile ohne regelmäßigen Busanschluss am Abend",
        "Betriebliches Mobilitätsmanagement für die Stadtverwaltung und die Stadtwerke",
        "Fußgängerfreundliche Ampelschaltungen an den großen Kreuzungen der Bundesstraße",
        "Jobticket für alle Beschäftigten der Kommune und der kommunalen Unternehmen",
        "Umgestaltung des Marktplatzes zu einer autofreien Begegnungszone mit Stadtgrün",
    ),
    (  # Energie und Wärme
        "Kommunale Wärmeplanung mit verbindlichem Zeitplan für jedes Quartier veröffentlichen",
        "Photovoltaikanlagen auf allen geeigneten Dächern von Schulen, Turnhallen und Rathaus",
        "Wärmepumpenförderprogramm für Ein- und Zweifamilienhäuser aus dem Klimaschutzfonds",
        "Nahwärmenetz mit Abwärme aus dem Gewerbegebiet und einer Großwärmepumpe am Klärwerk",
        "Bürgerenergiegenossenschaft für Freiflächen-Photovoltaik entlang der Autobahn gründen",
        "Energieberatung vor Ort in jedem Ortsteil, kostenlos und ohne lange Wartezeiten",
        "Balkonkraftwerke für Mieterinnen und Mieter mit einem Zuschuss der Stadtwerke fördern",
        "Straßenbeleuchtung vollständig auf LED umstellen und nachts bedarfsgerecht dimmen",
        "Windenergieanlagen auf Vorrangflächen mit finanzieller Beteiligung der Anwohnenden",
        "Energiemanagement für alle kommunalen Liegenschaften mit monatlichem Verbrauchsbericht",
        "Speicherlösungen für Photovoltaikstrom in Schulen und Kindertagesstätten erproben",
        "Fernwärmeanschlusspflicht für Neubaugebiete in der Bebauungsplanung festschreiben",
        "Biogasanlage der Landwirtschaft in das Wärmenetz des angrenzenden Ortsteils einbinden",
        "Solarkataster der Stadt bekannt machen und mit einer Beratungskampagne verbinden",
        "Heizungstausch in städtischen Wohnungen bis 2030 mit klarer Reihenfolge planen",
    ),
    (  # Gebäude und Quartiere
        "Quartierssanierungsmanagement für die Siedlungen der Sechziger- und Siebzigerjahre",
        "Sanierungsfahrplan für alle Schulgebäude mit Dämmung, Lüftung und neuen Fenstern",
        "Klimaneutrale Neubaugebiete nur noch mit Passivhausstandard und Gründächern ausweisen",
        "Leerstand in der Innenstadt für gemeinschaftliches Wohnen und Arbeiten umnutzen",
        "Förderprogramm für Fassadenbegrünung und Dachbegrünung bei privaten Gebäuden",
        "Baustoffbörse für wiederverwendbare Bauteile aus Abriss und Sanierung einrichten",
        "Holzbauweise bei allen kommunalen Neubauten als Standard festlegen",
        "Gebäudeenergieberatung für Eigentümergemeinschaften mit Moderation der Versammlungen",
        "Denkmalgerechte Sanierung mit Innendämmung in der Altstadt beispielhaft zeigen",
        "Flächensparen durch Nachverdichtung statt neuer Baugebiete am Ortsrand",
        "Hitzeschutz in Kindertagesstätten und Pflegeheimen mit Verschattung und Begrünung",
        "Sanierungsberatung für ältere Menschen, die ihr Haus barrierefrei umbauen wollen",
        "Klimaschutzhaus als Anlaufstelle für Beratung, Ausstellung und Veranstaltungen",
        "Mieterstrommodelle für die Wohnungsbaugesellschaft in zwei Pilotquartieren",
        "Graue Energie in den Ausschreibungen für kommunale Bauvorhaben bewerten",
    ),
    (  # Klimaanpassung und Stadtgrün
        "Regenwasserbewirtschaftung nach dem Schwammstadtprinzip in allen neuen Straßen",
        "Hitzeaktionsplan mit Trinkwasserbrunnen, kühlen Orten und Warnsystem erstellen",
        "Entsiegelung von Schulhöfen und Parkplätzen mit Beteiligung der Kinder und Jugendlichen",
        "Stadtbäume mit klimaresilienten Arten und Baumpatenschaften für die Bewässerung",
        "Starkregengefahrenkarte veröffentlichen und Eigentümerinnen und Eigentümer beraten",
        "Frischluftschneisen im Flächennutzungsplan sichern und von Bebauung freihalten",
        "Urban Gardening auf Brachflächen mit Vereinen und Nachbarschaftsinitiativen",
        "Bachrenaturierung im Stadtpark als Retentionsraum und Naherholungsgebiet",
        "Klimaanpassungskonzept mit Prioritäten für die besonders verwundbaren Stadtteile",
        "Blühstreifen und Wildblumenwiesen statt Rasen auf städtischen Grünflächen",
        "Zisternenförderung für private Grundstücke zur Gartenbewässerung im Sommer",
        "Verschattung der Bushaltestellen und Spielplätze mit Bäumen und Sonnensegeln",
        "Grünflächenpflege ohne Pestizide und mit torffreien Substraten umstellen",
        "Kaltluftentstehungsgebiete am Stadtrand schützen und extensiv bewirtschaften",
        "Bürgerbeteiligungsverfahren für die Umgestaltung der Uferpromenade starten",
    ),
)
REASONS = (
    ", weil damit sichtbar wird, dass die Kommune selbst vorangeht und alle mitnimmt.",
    "; dafür braucht es eine klare Zuständigkeit in der Verwaltung und ein jährliches Budget.",
    ", damit auch Haushalte mit kleinem Einkommen profitieren und niemand zurückbleibt.",
    " – zuerst als Pilotprojekt in einem Stadtteil, nach der Auswertung in der ganzen Stadt.",
    "; wichtig sind eine frühe Beteiligung der Anwohnenden und verständliche Informationen.",
    ", abgestimmt mit dem Landkreis, den Nachbargemeinden und dem regionalen Verkehrsverbund.",
    ", finanziert über Fördermittel von Bund und Land sowie über den Klimaschutzfonds.",
    "; die Umsetzung wird mit messbaren Indikatoren jährlich im Stadtrat überprüft.",
    ", verbunden mit einer Informationskampagne in Schulen, Vereinen und Betrieben.",
    " – die Verkehrsberuhigungsmaßnahmen und Sanierungen sollen sich dabei ergänzen.",
    "; Zielkonflikte mit Denkmalschutz und Naturschutz werden früh gemeinsam geklärt.",
    ", damit die Klimaschutzziele bis 2035 tatsächlich erreichbar bleiben.",
    "; die Stadtwerke übernehmen Planung, Betrieb und die Beratung der Haushalte.",
    ", auch wenn das kurzfristig Parkplätze und liebgewonnene Gewohnheiten kostet.",
    "; ein Beirat aus Bürgerschaft, Wirtschaft und Verwaltung begleitet das Vorhaben.",
)

# Thirty item labels for the per-group prioritising kinds: long compounds, some long lines.
ITEMS = (
    "Verkehrsberuhigungsmaßnahmen", "Radvorrangnetz zwischen Innenstadt und Bahnhof",
    "Quartiersgaragen statt Parkplätzen in der Altstadt", "Zehnminutentakt der Buslinien",
    "Fahrradabstellanlagen an allen Haltestellen", "Tempo 30 innerorts",
    "Kommunale Wärmeplanung mit verbindlichem Zeitplan für jedes einzelne Quartier der Stadt",
    "Photovoltaik auf allen Schuldächern", "Wärmepumpenförderprogramm",
    "Nahwärmenetz mit Abwärme aus dem Gewerbegebiet", "Bürgerenergiegenossenschaft",
    "Energieberatung vor Ort", "Balkonkraftwerke für Mieterinnen und Mieter",
    "LED-Straßenbeleuchtung", "Quartierssanierungsmanagement",
    "Sanierungsfahrplan für alle Schulgebäude mit Dämmung, Lüftung und neuen Fenstern",
    "Passivhausstandard für Neubaugebiete", "Fassadenbegrünung", "Baustoffbörse",
    "Holzbauweise als Standard", "Klimaschutzhaus als Anlaufstelle",
    "Regenwasserbewirtschaftung nach dem Schwammstadtprinzip", "Hitzeaktionsplan",
    "Entsiegelung von Schulhöfen", "Klimaresiliente Stadtbäume",
    "Starkregengefahrenkarte", "Frischluftschneisen sichern", "Bachrenaturierung im Stadtpark",
    "Kaltluftentstehungsgebiete schützen",
    "Bürgerbeteiligungsverfahren für die Umgestaltung der Uferpromenade und des Marktplatzes",
)
WORDS = (
    "Verkehrsberuhigungsmaßnahmen", "Radverkehr", "Wärmepumpenförderprogramm", "Solar",
    "Regenwasserbewirtschaftung", "Bürgerbeteiligungsverfahren", "Tempo30", "Nahwärme",
    "Quartierssanierungsmanagement", "Photovoltaikpflicht", "Fahrradabstellanlagen",
    "Kaltluftentstehungsgebiete", "Entsiegelung", "Stadtbäume", "Klimaschutzsofortprogramm",
    "Busverkehr", "Gründächer", "Schwammstadt", "Energieberatung", "Mut", "Zusammenarbeit",
    "Geld", "Tempo", "Geduld", "Wärmewende", "Verkehrswende", "Hitzeschutz", "Beteiligung",
    "Transparenz", "Fördermittel", "Personal", "Klimaneutralität", "Lastenrad", "Carsharing",
    "Windkraft", "Stadtwerke", "Denkmalschutz", "Sanierungsquote", "Dachbegrünung",
    "Trinkwasserbrunnen", "Nachverdichtung", "Flächenverbrauch", "Jugendbeteiligung",
    "Generationengerechtigkeit", "Klimaanpassungskonzept", "Mobilitätsstationen", "ÖPNV",
    "Bürokratieabbau", "Verwaltungsdigitalisierung", "Kreislaufwirtschaft", "Biodiversität",
    "Blühwiesen", "Baumpatenschaften", "Schulstraßen", "Jobticket", "Holzbau", "Speicher",
    "Netzausbau", "Akzeptanz", "Vorbildfunktion", "Haushaltsmittel",
)
QUESTIONS = tuple(
    f"{lead}: Wie wird das finanziert, wer ist in der Verwaltung zuständig und wann "
    f"erfahren die Bürgerinnen und Bürger, ob es umgesetzt wird?"
    for lead in (LEADS[0][:8] + LEADS[1][:8] + LEADS[2][:7] + LEADS[3][:7])
)
SHEET = {
    "title": "Klimaschutzhaus als Anlaufstelle für Beratung, Ausstellung und Veranstaltungen",
    "goal": "Ein zentraler Ort in der Innenstadt, an dem Bürgerinnen und Bürger kostenlose "
            "Energieberatung, Fördermittelberatung und Sanierungsberatung bekommen; mit "
            "wechselnden Ausstellungen, Werkstattabenden und einer Bauteilbörse. Das Haus "
            "soll selbst ein Vorbild sein: saniert nach Effizienzhausstandard, mit Wärmepumpe, "
            "Photovoltaik, Gründach und einem barrierefreien Zugang.",
    "steps": [{"step": "Standortsuche und Gespräche mit der Wohnungsbaugesellschaft",
               "date": "2027-03-31"},
              {"step": "Förderantrag beim Land und Beschluss im Stadtrat", "date": "2027-06-30"},
              {"step": "Sanierung des Gebäudes und Einrichtung der Beratungsräume",
               "date": "2028-03-31"},
              {"step": "Eröffnung mit einem Bürgerfest und erste Beratungswochen",
               "date": "2028-05-15"}],
    "lead": "Klimaschutzmanagement der Stadtverwaltung mit den Stadtwerken und der "
            "Verbraucherzentrale",
    "cost": "Etwa 850.000 Euro Investition, davon 60 % Fördermittel; 120.000 Euro im Jahr",
    "target_groups": "Eigentümerinnen und Eigentümer, Mieterinnen und Mieter, Handwerksbetriebe, "
                     "Schulen, Vereine und Eigentümergemeinschaften",
    "conflicts": "Konkurrenz um Räume in der Innenstadt; Personalgewinnung im Klimaschutz"
                 "management; Denkmalschutz bei einem Altbau.",
    "indicators": "Zahl der Beratungen im Jahr, daraus folgende Sanierungen und Heizungstausche, "
                  "eingesparte Tonnen CO2, Besucherinnen und Besucher bei Veranstaltungen.",
}


def idea_text(group: int, index: int) -> str:
    """About 200 characters: a measure and a reason (different per group)."""
    return LEADS[group][index] + REASONS[(index + 4 * group) % len(REASONS)]


@dataclass
class Lab:
    """A built session: `session` as the API created it (code, moderator_token,
    presenter_url, ...), the group ids, and the activity id of each key ("dots",
    "dots:groups", "consent:fresh", ...)."""

    server: Any
    session: dict[str, Any]
    groups: list[str] = field(default_factory=list)
    activities: dict[str, str] = field(default_factory=dict)

    @property
    def presenter_url(self) -> str:
        return str(self.session["presenter_url"])

    @property
    def moderator_url(self) -> str:
        return str(self.session["moderator_url"])

    @property
    def code(self) -> str:
        return str(self.session["code"])

    def activity(self, kind: str, per_group: bool = False) -> str:
        return self.activities[key(kind, per_group)]


async def _ok(client: Client, type_: str, **fields: Any) -> dict[str, Any]:
    """A command that must be acknowledged; waits and sends it again while the server says
    this connection sends too fast (20 a second)."""
    for _ in range(200):
        # An id of its own: the server answers a repeated id with its first answer, and
        # another process (a screenshot script) counts tests.support's ids from 1 again.
        answer = await client.command(type_, ident=f"h{uuid.uuid4().hex[:16]}", **fields)
        if answer.get("code") != "rate_limited":
            assert answer["type"] == "ack", answer
            return answer
        await asyncio.sleep(0.1)
    raise AssertionError(f"{type_}: still rate limited")


# What a participant does in an activity: act(index among the voters, client, view).
Act = Callable[[int, Client, dict[str, Any]], Awaitable[None]]
# Runs an activity: activate, every voter acts, lock; run(key, activity id, voters, act).
Runner = Callable[[str, str, list[Client], Act], Awaitable[None]]


def key(kind: str, per_group: bool = False) -> str:
    return f"{kind}:groups" if per_group else kind


def _run(coroutine: Callable[[], Awaitable[Any]]) -> Any:
    """Runs an async function from sync code, also while Playwright's loop runs."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine()).result()  # type: ignore[arg-type]


def _new_session(server: Any, language: str, title: str) -> dict[str, Any]:
    session = server.create_session(title=title, language=language)
    return dict(session)


async def _moderator(server: Any, session: dict[str, Any]) -> Client:
    return await Client.open(server.ws_url, session["code"], session["moderator_token"])


async def _prepare(server: Any, session: dict[str, Any], people: int,
                   groups: tuple[str, ...]) -> tuple[Client, list[str], list[dict[str, Any]]]:
    """Open and start the session, lift the join limits, make the groups, let `people` join
    and put them in the groups in turn. Returns the moderator, the group ids, the joins."""
    mod = await _moderator(server, session)
    await _ok(mod, "session.limits", limits={"joins_per_minute": 100_000,
                                            "joins_per_address": 100_000})
    await _ok(mod, "session.open")
    await _ok(mod, "session.start")
    ids = [(await _ok(mod, "group.create", name=name))["result"]["group"] for name in groups]
    loop = asyncio.get_running_loop()
    joins = [await loop.run_in_executor(None, server.join, session["code"])
             for _ in range(people)]
    for index, joined in enumerate(joins):
        if ids:
            await _ok(mod, "group.assign", participant=joined["participant"],
                         group=ids[index % len(ids)])
    return mod, ids, joins


def lobby(server: Any, language: str = "de", people: int = PARTICIPANTS,
          title: str = "Simulationslabor Klimaschutz: Maßnahmen für die Kommune") -> dict[str, Any]:
    """A live session with `people` joined into the four groups and nothing shown yet (the
    beamer's lobby). Returns the session as the API created it."""
    session = _new_session(server, language, title)

    async def run() -> None:
        mod, _, _ = await _prepare(server, session, people, GROUPS)
        await mod.close()

    _run(run)
    return session


async def _each(clients: list[Client], act: Callable[[int, Client], Awaitable[None]]) -> None:
    await asyncio.gather(*(act(index, client) for index, client in enumerate(clients)))


async def _create(mod: Client, kind: str, title: str, prompt: str = "", per_group: bool = False,
                  **config: Any) -> str:
    fields: dict[str, Any] = {"kind": kind, "title": title, "prompt": prompt, "config": config}
    if per_group:
        fields["per_group"] = True
    return str((await _ok(mod, "activity.create", **fields))["result"]["activity"])


def build(server: Any, language: str = "de",
          title: str = "Simulationslabor Klimaschutz: Maßnahmen für die Kommune") -> Lab:
    """The whole lab (see the module's docstring). The session is live; the last activity run
    is current and locked. Move it with show()."""
    session = _new_session(server, language, title)
    lab = Lab(server, session)

    async def run() -> None:
        mod, ids, joins = await _prepare(server, session, PARTICIPANTS, GROUPS)
        lab.groups = ids
        clients = [await Client.open(server.ws_url, session["code"], j["token"]) for j in joins]
        plenary = clients[:VOTERS]
        # Members by group, as assigned in turn; six of each group's ten take part.
        by_group = [clients[g::len(ids)] for g in range(len(ids))]
        grouped = [c for members in by_group for c in members[:GROUP_VOTERS]]

        async def run_activity(name: str, ident: str, voters: list[Client], act: Act) -> None:
            lab.activities[name] = ident
            await _ok(mod, "activity.activate", activity=ident)
            view = next(a for a in (await _view(lab))["activities"] if a["id"] == ident)
            await _each(voters, lambda i, c: act(i, c, view))
            await _ok(mod, "activity.lock", activity=ident)

        # -- ideas: per group (15 long ideas each), and a plenary wall with clusters --------
        walls = await _create(mod, "ideas", "Welche Maßnahmen schlagen Sie in Ihrem "
                              "Handlungsfeld vor?", "Eine Idee pro Karte, gern mit Begründung.",
                              per_group=True)

        async def post_group_ideas(i: int, c: Client, view: dict[str, Any]) -> None:
            group, member = i // GROUP_VOTERS, i % GROUP_VOTERS
            for n in range(member, 15, GROUP_VOTERS):
                await _ok(c, "idea.add", activity=view["id"], text=idea_text(group, n))

        await run_activity("ideas:groups", walls, grouped, post_group_ideas)

        wall = await _create(mod, "ideas", "Was brauchen wir, damit Klimaschutz in unserer "
                             "Kommune gelingt?", "Sammeln Sie Ideen für alle Handlungsfelder.",
                             clusters=["Mobilität", "Energie", "Gebäude"])

        async def post_ideas(i: int, c: Client, view: dict[str, Any]) -> None:
            for n in range(i, 30, VOTERS):
                await _ok(c, "idea.add", activity=view["id"], text=idea_text(n % 4, (n * 7) % 15))

        await run_activity("ideas", wall, plenary, post_ideas)
        await _arrange_wall(mod, lab, wall)

        # -- prioritising the groups' ideas in plenary ---------------------------------------
        source = {"from": walls, "take": "top:8"}
        await _prioritising(mod, run_activity, source, plenary, per_group=False)
        # -- per group, with thirty typed items ------------------------------------------------
        await _prioritising(mod, run_activity, list(ITEMS), grouped, per_group=True)

        # -- poll, consent, words, qa, measure: plenary and per group --------------------------
        for per_group, voters in ((False, plenary), (True, grouped)):
            await _deciding(mod, lab, run_activity, voters, per_group)
        fresh = await _create(mod, "consent", "Beschluss: Der Stadtrat richtet einen "
                              "Klimaschutzfonds ein", "Jährlich 500.000 Euro für Maßnahmen aus "
                              "diesem Labor.", majority="two_thirds", quorum=10)
        lab.activities["consent:fresh"] = fresh
        for c in clients:
            await c.close()
        await mod.close()

    _run(run)
    return lab


async def _view(lab: Lab) -> dict[str, Any]:
    """The moderator's current session view, from a fresh hello."""
    fresh = await _moderator(lab.server, lab.session)
    await fresh.close()
    return dict(fresh.hello["session"])


async def _arrange_wall(mod: Client, lab: Lab, wall: str) -> None:
    """Clusters for the plenary wall: ideas in turn into the three clusters, a few left out,
    one pinned, one merged into another."""
    view = await _view(lab)
    activity = next(a for a in view["activities"] if a["id"] == wall)
    clusters = [c["id"] for c in activity["clusters"]]
    ideas = [i["id"] for i in activity["ideas"]]
    for n, idea in enumerate(ideas[:-4]):
        await _ok(mod, "idea.move", activity=wall, idea=idea, cluster=clusters[n % len(clusters)])
    await _ok(mod, "idea.pin", activity=wall, idea=ideas[2])
    await _ok(mod, "idea.merge", activity=wall, idea=ideas[-1], into=ideas[0])


async def _prioritising(mod: Client, run_activity: Runner, items: Any, voters: list[Client],
                        per_group: bool) -> None:
    suffix = ":groups" if per_group else ""

    async def place_dots(i: int, c: Client, view: dict[str, Any]) -> None:
        ids = [item["id"] for item in view["items"]]
        chosen = random.Random(i).sample(ids, 3)
        for item, count in zip(chosen, (2, 2, 1), strict=True):
            await _ok(c, "dots.set", activity=view["id"], item=item, count=count)

    async def rank(i: int, c: Client, view: dict[str, Any]) -> None:
        ids = [item["id"] for item in view["items"]]
        r = random.Random(i * 31)
        order = sorted(ids, key=lambda item: ids.index(item) + r.random() * 12)
        await _ok(c, "ranking.set", activity=view["id"], order=order[:5])

    async def rate(i: int, c: Client, view: dict[str, Any]) -> None:
        r = random.Random(i)
        for n, item in enumerate(view["items"]):
            if n % 3 == i % 3 or i < 4:
                for criterion in ("wirkung", "machbarkeit"):
                    value = None if r.random() < 0.05 else \
                        max(1, min(5, 5 - n // 8 + r.randint(-1, 1)))
                    await _ok(c, "scale.rate", activity=view["id"], item=item["id"],
                               criterion=criterion, value=value)

    async def place(i: int, c: Client, view: dict[str, Any]) -> None:
        r = random.Random(i + 100)
        for n, item in enumerate(view["items"]):
            if n % 2 == i % 2 or i < 3:
                base_x, base_y = 1 + (n * 7) % 5, 1 + (n * 3) % 5
                await _ok(c, "matrix.place", activity=view["id"], item=item["id"],
                           x=max(1, min(5, base_x + r.randint(-1, 1))),
                           y=max(1, min(5, base_y + r.randint(-1, 1))))

    ident = await _create(mod, "dots", "Welche Maßnahmen sollen zuerst umgesetzt werden?",
                          "Verteilen Sie Ihre fünf Punkte, höchstens zwei pro Maßnahme.",
                          per_group, items=items, dots=5, per_item=2)
    await run_activity("dots" + suffix, ident, voters, place_dots)
    ident = await _create(mod, "ranking", "Reihenfolge der Umsetzung",
                          "Bringen Sie Ihre fünf wichtigsten Maßnahmen in eine Reihenfolge.",
                          per_group, items=items, top=5)
    await run_activity("ranking" + suffix, ident, voters, rank)
    ident = await _create(mod, "scale", "Wie bewerten Sie die Maßnahmen?",
                          "Klimawirkung und Umsetzbarkeit, jeweils von 1 bis 5.", per_group,
                          items=items, min=1, max=5,
                          criteria=[{"id": "wirkung", "label": "Klimawirkung"},
                                    {"id": "machbarkeit", "label": "Umsetzbarkeit"}],
                          labels={"1": "gering", "5": "hoch"})
    await run_activity("scale" + suffix, ident, voters, rate)
    ident = await _create(mod, "matrix", "Wirkung und Aufwand der Maßnahmen",
                          "Wo liegt jede Maßnahme?", per_group, items=items, steps=5,
                          x={"label": "Aufwand", "low": "gering", "high": "hoch"},
                          y={"label": "Klimawirkung", "low": "gering", "high": "hoch"})
    await run_activity("matrix" + suffix, ident, voters, place)


async def _deciding(mod: Client, lab: Lab, run_activity: Runner, voters: list[Client],
                    per_group: bool) -> None:
    suffix = ":groups" if per_group else ""
    options = ["Mobilität und Verkehr", "Energieversorgung und Wärmewende",
               "Gebäudesanierung und Quartiersentwicklung", "Klimaanpassung und Stadtgrün",
               "Beteiligung, Bildung und Öffentlichkeitsarbeit",
               "Verwaltung als Vorbild: Beschaffung, Fuhrpark und Liegenschaften"]

    async def vote(i: int, c: Client, view: dict[str, Any]) -> None:
        choice = view["config"]["options"][(i * i + i // 3) % len(options)]["id"]
        await _ok(c, "vote.cast", activity=view["id"], choices=[choice])

    ident = await _create(mod, "poll", "Welches Handlungsfeld hat für Sie Vorrang?", "",
                          per_group, options=options)
    await run_activity("poll" + suffix, ident, voters, vote)

    async def consent(i: int, c: Client, view: dict[str, Any]) -> None:
        vote = ("yes", "yes", "no", "abstain", "yes")[i % 5]
        await _ok(c, "consent.cast", activity=view["id"], vote=vote)

    ident = await _create(mod, "consent", "Beschluss: Die Kommune richtet ein Klimaschutzhaus als "
                          "Anlaufstelle für Beratung und Beteiligung ein",
                          "Der Stadtrat wird gebeten, im Haushalt 2027 die Mittel dafür "
                          "bereitzustellen.", per_group, majority="simple", quorum=5)
    await run_activity("consent" + suffix, ident, voters, consent)

    async def words(i: int, c: Client, view: dict[str, Any]) -> None:
        picked = [WORDS[(i * 3 + n) % len(WORDS)] for n in range(3)]
        if i % 2:
            picked[0] = WORDS[i % 5]  # some words said by many
        await _ok(c, "words.submit", activity=view["id"], words=list(dict.fromkeys(picked)))

    ident = await _create(mod, "words", "Was verbinden Sie mit Klimaschutz in unserer Kommune?",
                          "Bis zu drei Wörter.", per_group, max_words=3)
    await run_activity("words" + suffix, ident, voters, words)

    asked: dict[str, list[str]] = {}

    async def ask(i: int, c: Client, view: dict[str, Any]) -> None:
        count = len(QUESTIONS) if not per_group else 8
        step = len(voters) if not per_group else GROUP_VOTERS
        mine = []
        for n in range(i % step, count, step):
            result = await _ok(c, "question.ask", activity=view["id"], text=QUESTIONS[n])
            mine.append(result["result"]["question"])
        asked[str(i)] = mine

    async def upvote(i: int, c: Client, view: dict[str, Any]) -> None:
        others = [q for k, qs in asked.items() if k != str(i) for q in qs]
        for q in random.Random(i).sample(others, min(len(others), 4)):
            answer = await c.command("question.upvote", activity=view["id"], question=q, up=True)
            del answer  # another group's question is not found: that is fine

    ident = await _create(mod, "qa", "Fragen an die Verwaltung", "Stellen Sie Ihre Fragen; "
                          "unterstützen Sie die Fragen anderer.", per_group)

    async def qa(i: int, c: Client, view: dict[str, Any]) -> None:
        await ask(i, c, view)

    await run_activity("qa" + suffix, ident, voters, qa)
    await _ok(mod, "activity.unlock", activity=ident)
    await _each(voters, lambda i, c: upvote(i, c, {"id": ident}))
    view = next(a for a in (await _view(lab))["activities"] if a["id"] == ident)
    instances = [view] if not per_group else [dict(v, group=g) for g, v in view["groups"].items()]
    for instance in instances:
        questions = instance.get("questions", [])
        extra = {"group": instance["group"]} if per_group else {}
        if len(questions) > 3:
            await _ok(mod, "question.answer", activity=ident, question=questions[1]["id"], **extra)
            await _ok(mod, "question.pin", activity=ident, question=questions[3]["id"], **extra)
    await _ok(mod, "activity.lock", activity=ident)

    ident = await _create(mod, "measure", "Steckbrief der Maßnahme",
                          "Füllen Sie den Steckbrief gemeinsam aus.", per_group)
    lab.activities["measure" + suffix] = ident
    await _ok(mod, "activity.activate", activity=ident)
    for g, group in enumerate(lab.groups if per_group else [None]):
        for name, value in SHEET.items():
            extra = {"group": group} if group else {}
            if per_group and g == 3 and name in {"conflicts", "indicators", "cost"}:
                continue  # one group is not done yet
            text = value if not isinstance(value, str) or g == 0 else f"{value} ({GROUPS[g]})"
            await _ok(mod, "sheet.edit", activity=ident, field=name, value=text, version=0, **extra)
    await _ok(mod, "activity.lock", activity=ident)


def moderate(lab: Lab, *commands: dict[str, Any]) -> None:
    """Moderator commands on the lab's session, each acknowledged."""

    async def run() -> None:
        mod = await _moderator(lab.server, lab.session)
        for command in commands:
            fields = {k: v for k, v in command.items() if k != "type"}
            await _ok(mod, command["type"], **fields)
        await mod.close()

    _run(run)


def show(lab: Lab, kind: str, state: str = "revealed", per_group: bool = False) -> str:
    """Makes an activity current in a state: "active" (open, results hidden), "locked"
    (closed, results hidden), "revealed" (closed, results shown) or "revealed-active" (open,
    results shown live). `kind` may also be a key such as "consent:fresh". Returns its id."""
    ident = lab.activities[kind if ":" in kind else key(kind, per_group)]
    commands: list[dict[str, Any]] = [{"type": "activity.activate", "activity": ident}]
    if state in {"locked", "revealed"}:
        commands.append({"type": "activity.lock", "activity": ident})
    commands.append({"type": "activity.reveal" if state.startswith("revealed")
                     else "activity.conceal", "activity": ident})
    moderate(lab, *commands)
    return ident


def screen(lab: Lab, **settings: Any) -> None:
    """What the console's beamer switches send: blank, join, theme."""
    moderate(lab, {"type": "session.screen", "screen": settings})


def close(lab: Lab) -> None:
    """Closes the session (no way back: do it last)."""
    moderate(lab, {"type": "session.close"})
