"""Plan files, issue 3: every kind's settings, activity keys, items taken from earlier
activities, phase timers; each error at the right line and field."""

from __future__ import annotations

from typing import Any

import pytest

from facilitator.domain.model import Actor, Command, Event
from facilitator.domain.plan import ActivitySpec, Phase, PlanError, dump_plan, load_plan
from facilitator.domain.plan_sources import Source
from facilitator.domain.session import SessionState, new_session
from tests.unit.test_plan import line_of, refused

ALL_KINDS = '''\
title = "Alle Arten"

[[phases]]
title = "Einstieg"
minutes = 10

  [[phases.activities]]
  kind = "words"
  title = "Klimaschutz bei uns ist …"
  max_words = 2

  [[phases.activities]]
  kind = "poll"
  key = "felder"
  title = "Welche Handlungsfelder?"
  options = ["Mobilität", "Energie", "Ernährung"]

[[phases]]
title = "Input"
minutes = 30
timer = 25

  [[phases.activities]]
  kind = "qa"
  title = "Fragen"
  premoderation = true

  [[phases.activities]]
  kind = "ideas"
  key = "sammeln"
  title = "Maßnahmen"
  live_wall = false
  max_per_participant = 8
  premoderation = true
  support = true
  clusters = ["Mobilität", "Energieversorgung"]

[[phases]]
title = "Gewichten"
timer = 40

  [[phases.activities]]
  kind = "dots"
  key = "punkte"
  title = "Was zuerst?"
  items = { from = "sammeln", take = "top:10" }
  dots = 6
  per_item = 2

  [[phases.activities]]
  kind = "ranking"
  title = "Reihenfolge Energie"
  items = { from = "sammeln", take = "cluster:energieversorgung" }
  top = 2

  [[phases.activities]]
  kind = "scale"
  key = "bewertung"
  title = "Wirkung und Umsetzbarkeit"
  items = { from = "punkte", take = "top:5" }
  criteria = [
    { id = "wirkung", label = "Wirkung" },
    { id = "umsetzbarkeit", label = "Umsetzbarkeit" },
  ]
  min = 1
  max = 4
  labels = { 1 = "gar nicht", 4 = "sehr" }

  [[phases.activities]]
  kind = "matrix"
  title = "Aufwand und Wirkung"
  items = { from = "bewertung" }
  x = { label = "Aufwand", low = "gering", high = "hoch" }
  y = { label = "Wirkung", low = "gering", high = "hoch" }
  steps = 7

  [[phases.activities]]
  kind = "dots"
  title = "Noch einmal Punkte"
  items = { from = "punkte", take = "all" }

  [[phases.activities]]
  kind = "ranking"
  title = "Statische Liste"
  items = ["Carsharing", "Wärmenetz", "Photovoltaik"]

[[phases]]
title = "Abschluss"

  [[phases.activities]]
  kind = "consent"
  title = "Wir empfehlen die drei Maßnahmen vorn."
  secret = false
  majority = "two_thirds"
  quorum = 10
'''


def test_every_kind_loads() -> None:
    plan = load_plan(ALL_KINDS)
    assert [a.kind for a in plan.activities] == [
        "words", "poll", "qa", "ideas", "dots", "ranking", "scale", "matrix", "dots", "ranking",
        "consent"]
    assert [a.key for a in plan.activities] == [
        None, "felder", None, "sammeln", "punkte", None, "bewertung", None, None, None, None]
    assert [(p.minutes, p.timer) for p in plan.phases] == [
        (10, None), (30, 25), (None, 40), (None, None)]
    ideas, dots, ranking, scale, matrix, field_dots = plan.activities[3:9]
    # The plan keeps what was written; keys and names become ids only when created.
    assert ideas.config["clusters"] == ["Mobilität", "Energieversorgung"]
    assert dots.config["items"] == {"from": "sammeln", "take": "top:10"}
    assert dots.source == Source("sammeln", "top", top=10)
    assert ranking.source == Source("sammeln", "cluster", cluster="energieversorgung")
    assert scale.config["criteria"][1] == {"id": "umsetzbarkeit", "label": "Umsetzbarkeit"}
    assert scale.config["labels"] == {"1": "gar nicht", "4": "sehr"}
    assert matrix.source == Source("bewertung", "all")
    assert field_dots.source == Source("punkte", "all")
    assert plan.activities[9].source is None
    assert plan.activities[10].config == {"secret": False, "majority": "two_thirds",
                                          "quorum": 10}


def test_every_kind_round_trips() -> None:
    plan = load_plan(ALL_KINDS)
    assert load_plan(dump_plan(plan)) == plan
    assert 'key = "sammeln"' in dump_plan(plan)
    assert "timer = 25" in dump_plan(plan)


def test_sources_become_ids() -> None:
    source = Source("sammeln", "cluster", cluster="Energie Versorgung")
    clusters = [{"id": "c7", "name": "Mobilität"}, {"id": "c8", "name": "energie  versorgung"}]
    assert source.wire("a4", clusters) == {"from": "a4", "take": "cluster:c8"}
    assert Source("x", "top", top=3).wire("a1") == {"from": "a1", "take": "top:3"}
    assert Source("x", "all").wire("a2") == {"from": "a2", "take": "all"}
    with pytest.raises(LookupError):
        source.wire("a4", clusters[:1])


def test_command_args_need_the_source_ids() -> None:
    plan = load_plan(ALL_KINDS)
    dots = plan.activities[4]
    with pytest.raises(ValueError):
        dots.command_args()
    args = dots.command_args({"from": "a4", "take": "top:10"})
    assert args["config"] == {"items": {"from": "a4", "take": "top:10"}, "dots": 6,
                              "per_item": 2}
    assert dots.config["items"] == {"from": "sammeln", "take": "top:10"}  # unchanged
    assert "key" not in args
    static = plan.activities[9].command_args()
    assert static["config"]["items"] == ["Carsharing", "Wärmenetz", "Photovoltaik"]


def test_a_plan_creates_its_session_in_the_domain() -> None:
    """What live/plans.py does, in the pure domain: the checked plan is what the server takes."""
    plan = load_plan(ALL_KINDS)
    kind, data = new_session("s1", "K7MXR4", plan.title, plan.language, plan.names)
    state = SessionState.from_events([Event(1, kind, data, 0.0)])

    def submit(command: str, **args: Any) -> dict[str, Any]:
        decision = state.decide(Command(command, args, Actor("moderator"), 1.0))
        for name, payload in decision.events:
            state.apply(Event(state.seq + 1, name, payload, 1.0))
        assert decision.result is not None
        return decision.result

    ids: dict[str, str] = {}
    for phase in plan.phases:
        phase_id = submit("phase.create", title=phase.title, minutes=phase.minutes,
                          timer=phase.timer, notes=phase.notes or None)["phase"]
        for spec in phase.activities:
            wire = None
            if spec.source is not None:
                origin = ids[spec.source.key]
                view = state.view("moderator")
                [found] = [a for a in view["activities"] if a["id"] == origin]
                wire = spec.source.wire(origin, found.get("clusters", []))
            created = submit("activity.create", **spec.command_args(wire), phase=phase_id)
            if spec.key:
                ids[spec.key] = created["activity"]
    assert ids == {"felder": "a2", "sammeln": "a4", "punkte": "a5", "bewertung": "a7"}
    assert [(p.minutes, p.timer) for p in state.phases.values()] == [
        (10, None), (30, 25), (None, 40), (None, None)]
    activities = state.activities
    assert activities["a5"].config["items"] == {"from": "a4", "take": "top:10"}
    assert activities["a6"].config["items"] == {"from": "a4", "take": "cluster:c2"}
    assert activities["a8"].config["items"] == {"from": "a7", "take": "all"}
    assert [a.phase for a in activities.values()] == ["h1", "h1", "h2", "h2", *["h3"] * 6, "h4"]


# -- errors ----------------------------------------------------------------------------------

HEAD = 'title = "t"\n[[phases]]\ntitle = "a"\n'
IDEAS = ('[[phases.activities]]\nkind = "ideas"\nkey = "sammeln"\ntitle = "Ideen"\n'
         'clusters = ["Mobilität", "Energie"]\n')
POLL = ('[[phases.activities]]\nkind = "poll"\nkey = "frage"\ntitle = "Frage"\n'
        'options = ["ja", "nein"]\n')


def dots(items: str, extra: str = "") -> str:
    return f'[[phases.activities]]\nkind = "dots"\ntitle = "Punkte"\nitems = {items}\n{extra}'


def settings_of(kind: str, lines: str) -> str:
    return f'[[phases.activities]]\nkind = "{kind}"\ntitle = "Aktivität"\n{lines}'


def item_kind(kind: str, lines: str, items: str = '["Carsharing", "Wärmenetz", "PV"]') -> str:
    return settings_of(kind, f"items = {items}\n{lines}")


def of(n: int, key: str = "") -> str:
    """The field path of the nth activity of the first phase."""
    return f"phases[1].activities[{n}]" + (f".{key}" if key else "")


NUMBER = "The field {field} must be a whole number from {low} to {high}."
PLANNED = "The field {field} is planned but not supported yet."

# (text, needle of the error's line (the nth line with it: "needle#n"), field, message id)
CASES: dict[str, tuple[str, str, str, str]] = {
    # timers
    "timer: text": (HEAD + 'timer = "20"\n', "timer", "phases[1].timer", NUMBER),
    "timer: zero": (HEAD + "timer = 0\n", "timer", "phases[1].timer", NUMBER),
    "timer: fraction": (HEAD + "timer = 2.5\n", "timer", "phases[1].timer", NUMBER),
    "timer: boolean": (HEAD + "timer = true\n", "timer", "phases[1].timer", NUMBER),
    "timer: too long": (HEAD + "timer = 601\n", "timer", "phases[1].timer", NUMBER),
    "timer: longer than the phase": (HEAD + "minutes = 30\ntimer = 31\n", "timer",
                                     "phases[1].timer", NUMBER),
    # keys
    "key: capitals": (HEAD + IDEAS.replace('"sammeln"', '"Sammeln"'), "key", of(1, "key"),
                      "The field {field} may contain only a-z, 0-9, hyphens and underscores, "
                      "at most 40 characters, starting with a letter or digit."),
    "key: umlaut": (HEAD + IDEAS.replace('"sammeln"', '"maßnahmen"'), "key", of(1, "key"),
                    "The field {field} may contain only a-z, 0-9, hyphens and underscores, "
                    "at most 40 characters, starting with a letter or digit."),
    "key: empty": (HEAD + IDEAS.replace('"sammeln"', '""'), "key", of(1, "key"),
                   "The field {field} may contain only a-z, 0-9, hyphens and underscores, "
                   "at most 40 characters, starting with a letter or digit."),
    "key: too long": (HEAD + IDEAS.replace('"sammeln"', f'"{"k" * 41}"'), "key", of(1, "key"),
                      "The field {field} may contain only a-z, 0-9, hyphens and underscores, "
                      "at most 40 characters, starting with a letter or digit."),
    "key: number": (HEAD + IDEAS.replace('"sammeln"', "1"), "key", of(1, "key"),
                    "The field {field} may contain only a-z, 0-9, hyphens and underscores, "
                    "at most 40 characters, starting with a letter or digit."),
    "key: twice": (HEAD + IDEAS + POLL.replace('"frage"', '"sammeln"'), 'key = "sammeln"#2',
                   of(2, "key"), "The key {key} is the key of an earlier activity already."),
    "key: twice across phases": (HEAD + IDEAS + '[[phases]]\ntitle = "b"\n' + IDEAS,
                                 'key = "sammeln"#2', "phases[2].activities[1].key",
                                 "The key {key} is the key of an earlier activity already."),
    "activity: id": (HEAD + '[[phases.activities]]\nkind = "ideas"\nid = "sammeln"\n'
                     'title = "x"\n', "id =", of(1, "id"),
                     "An activity is named with key, not id: the server gives the ids a1, a2, …"),
    "activity: minutes": (HEAD + '[[phases.activities]]\nkind = "ideas"\ntitle = "x"\n'
                          "minutes = 5\n", "minutes", of(1, "minutes"),
                          "An activity has no minutes of its own: give its phase minutes and "
                          "a timer."),
    # sources: references
    "source: unknown key": (HEAD + IDEAS + dots('{ from = "samlen", take = "all" }'), "samlen",
                            of(2, "items.from"), "No activity in this plan has the key {key}."),
    "source: later activity": (HEAD + dots('{ from = "sammeln" }') + IDEAS, 'from = "sammeln"',
                               of(1, "items.from"), "The activity with the key {key} comes later "
                               "in the plan; items can only come from an earlier activity."),
    "source: later phase": (HEAD + dots('{ from = "sammeln" }') + '[[phases]]\ntitle = "b"\n'
                            + IDEAS, 'from = "sammeln"', of(1, "items.from"),
                            "The activity with the key {key} comes later in the plan; items "
                            "can only come from an earlier activity."),
    "source: itself": (HEAD + dots('{ from = "selbst" }', 'key = "selbst"\n'), "from",
                       of(1, "items.from"), "An activity cannot take its items from itself."),
    "source: no from": (HEAD + IDEAS + dots('{ take = "all" }'), "items", of(2, "items.from"),
                        "The field {field} is required."),
    "source: from a number": (HEAD + IDEAS + dots("{ from = 1 }"), "items", of(2, "items.from"),
                              "The field {field} must be a text."),
    "source: unknown field": (HEAD + IDEAS + dots('{ from = "sammeln", top = 5 }'), "items",
                              of(2, "items.top"),
                              "Unknown field {field}; allowed here: {allowed}."),
    "source: as a sub-table": (HEAD + IDEAS + '[[phases.activities]]\nkind = "dots"\n'
                               'title = "Punkte"\n[phases.activities.items]\nfrom = "sammeln"\n'
                               'take = "top:-1"\n', "top:-1", of(2, "items.take"),
                               "The field {field} must be top:<n> with a whole number n from "
                               "{low} to {high}."),
    # sources: take
    "take: top:0": (HEAD + IDEAS + dots('{ from = "sammeln", take = "top:0" }'), "items",
                    of(2, "items.take"),
                    "The field {field} must be top:<n> with a whole number n from {low} to "
                    "{high}."),
    "take: top:51": (HEAD + IDEAS + dots('{ from = "sammeln", take = "top:51" }'), "items",
                     of(2, "items.take"),
                     "The field {field} must be top:<n> with a whole number n from {low} to "
                     "{high}."),
    "take: top:drei": (HEAD + IDEAS + dots('{ from = "sammeln", take = "top:drei" }'), "items",
                       of(2, "items.take"),
                       "The field {field} must be top:<n> with a whole number n from {low} to "
                       "{high}."),
    "take: misspelt": (HEAD + IDEAS + dots('{ from = "sammeln", take = "best:3" }'), "items",
                       of(2, "items.take"),
                       "The field {field} must be all, top:<n> or cluster:<name>."),
    "take: empty cluster": (HEAD + IDEAS + dots('{ from = "sammeln", take = "cluster: " }'),
                            "items", of(2, "items.take"),
                            "The field {field} must be all, top:<n> or cluster:<name>."),
    "take: a number": (HEAD + IDEAS + dots('{ from = "sammeln", take = 5 }'), "items",
                       of(2, "items.take"), "The field {field} must be a text."),
    "take: cluster not there": (HEAD + IDEAS + dots('{ from = "sammeln", take = '
                                                    '"cluster:Ernährung" }'),
                                "items", of(2, "items.take"), "The ideas activity {key} has no "
                                "cluster named {name}; its clusters: {clusters}."),
    "take: no clusters": (HEAD + IDEAS.replace('clusters = ["Mobilität", "Energie"]\n', "")
                          + dots('{ from = "sammeln", take = "cluster:Energie" }'), "items",
                          of(2, "items.take"), "The ideas activity {key} has no clusters; "
                          "list them in its clusters setting."),
    "take: cluster of a poll": (HEAD + POLL + dots('{ from = "frage", take = "cluster:ja" }'),
                                "items", of(2, "items.take"),
                                "Items cannot be taken as {take} from a {kind} activity."),
    "take: all of a consent": (HEAD + '[[phases.activities]]\nkind = "consent"\nkey = "k"\n'
                               'title = "Beschluss"\n' + dots('{ from = "k" }'), "items",
                               of(2, "items.from"),
                               "Items cannot be taken as {take} from a {kind} activity."),
    "take: top of words": (HEAD + '[[phases.activities]]\nkind = "words"\nkey = "w"\n'
                           'title = "Wörter"\n' + dots('{ from = "w", take = "top:3" }'),
                           "items", of(2, "items.take"),
                           "Items cannot be taken as {take} from a {kind} activity."),
    "take: cluster of qa": (HEAD + '[[phases.activities]]\nkind = "qa"\nkey = "q"\n'
                            'title = "Fragen"\n' + dots('{ from = "q", take = "cluster:x" }'),
                            "items", of(2, "items.take"),
                            "Items cannot be taken as {take} from a {kind} activity."),
    "items: on ideas": (HEAD + IDEAS + '[[phases.activities]]\nkind = "ideas"\ntitle = "x"\n'
                        'items = { from = "sammeln" }\n', "items =", of(2, "items"),
                        "Unknown setting: {name}."),
    "items: one label": (HEAD + dots('["nur eins"]'), "items", of(1, "items"),
                         "Give between {low} and {high} items, or a source of items."),
    "items: missing": (HEAD + '[[phases.activities]]\nkind = "dots"\ntitle = "Punkte"\n',
                       "[[phases.activities]]", of(1, "items"),
                       "Give between {low} and {high} items, or a source of items."),
    "items: 51 labels": (HEAD + dots("[" + ", ".join(f'"m{n}"' for n in range(51)) + "]"),
                         "items", of(1, "items"),
                         "Give between {low} and {high} items, or a source of items."),
    "items: same label twice": (HEAD + dots('[\n  "Carsharing",\n  "carsharing",\n]'),
                                "items =", of(1, "items"), "Two items have the same label."),
    "items: a label too long": (HEAD + dots(f'["a", "{"x" * 201}"]'), "items", of(1, "items"),
                                "The field {field} is longer than {limit} characters."),
    # ideas
    "ideas: support": (HEAD + IDEAS + 'support = "ja"\n', "support", of(1, "support"),
                       "The field {field} must be true or false."),
    "ideas: premoderation": (HEAD + IDEAS + "premoderation = 1\n", "premoderation",
                             of(1, "premoderation"), "The field {field} must be true or false."),
    "ideas: clusters twice": (HEAD + IDEAS.replace('"Energie"', '"mobilität"'), "clusters",
                              of(1, "clusters"), "Two clusters have the same name."),
    "ideas: clusters twice but for spaces": (
        HEAD + IDEAS.replace('["Mobilität", "Energie"]',
                             '[\n  "Rad  und Fuß",\n  "Rad und Fuß",\n]'),
        '"Rad und', of(1, "clusters[2]"), "Two clusters have the same name."),
    "ideas: too many clusters": (HEAD + IDEAS.replace('["Mobilität", "Energie"]', "[" + ", ".join(
        f'"c{n}"' for n in range(31)) + "]"), "clusters", of(1, "clusters"),
        "Give at most {limit} clusters."),
    "ideas: cluster name too long": (HEAD + IDEAS.replace('"Energie"', f'"{"e" * 61}"'),
                                     "clusters", of(1, "clusters"),
                                     "The field {field} is longer than {limit} characters."),
    "ideas: empty cluster name": (HEAD + IDEAS.replace('"Energie"', '" "'), "clusters",
                                  of(1, "clusters"), "The field {field} must not be empty."),
    # dots, ranking
    "dots: none": (HEAD + dots('["a", "b"]', "dots = 0\n"), "dots = 0", of(1, "dots"), NUMBER),
    "dots: per_item above dots": (HEAD + dots('["a", "b"]', "dots = 2\nper_item = 3\n"),
                                  "per_item", of(1, "per_item"), NUMBER),
    "dots: a text": (HEAD + dots('["a", "b"]', 'dots = "5"\n'), "dots =", of(1, "dots"),
                     NUMBER),
    "ranking: top 1": (HEAD + item_kind("ranking", "top = 1\n"), "top", of(1, "top"), NUMBER),
    "ranking: top above the items": (HEAD + item_kind("ranking", "top = 4\n"), "top",
                                     of(1, "top"), NUMBER),
    "ranking: top above 50 from a source": (
        HEAD + IDEAS + item_kind("ranking", "top = 51\n", '{ from = "sammeln" }'), "top",
        of(2, "top"), NUMBER),
    # scale
    "scale: min 0": (HEAD + item_kind("scale", "min = 0\n"), "min", of(1, "min"), NUMBER),
    "scale: max not above min": (HEAD + item_kind("scale", "min = 3\nmax = 3\n"), "max",
                                 of(1, "max"), NUMBER),
    "scale: max 11": (HEAD + item_kind("scale", "max = 11\n"), "max", of(1, "max"), NUMBER),
    "scale: five criteria": (HEAD + item_kind("scale", "criteria = [" + ", ".join(
        f'{{ id = "c{n}", label = "K{n}" }}' for n in range(5)) + "]\n"), "criteria",
        of(1, "criteria"), "Give between {low} and {high} criteria."),
    "scale: criterion id": (HEAD + item_kind("scale", 'criteria = [\n  { id = "wirkung", label '
                                             '= "Wirkung" },\n  { id = "Kosten", label = '
                                             '"Kosten" },\n]\n'), "criteria",
                            of(1, "criteria"), "The id of a criterion may contain only a-z, "
                            "0-9, hyphens and underscores, at most 30 characters."),
    "scale: criterion without label": (HEAD + item_kind("scale", 'criteria = [{ id = "w" }]\n'),
                                       "criteria", of(1, "criteria"),
                                       "A criterion needs exactly the fields id and label."),
    "scale: criteria twice": (HEAD + item_kind("scale", 'criteria = [{ id = "a", label = "W" },'
                                               ' { id = "b", label = "w" }]\n'), "criteria",
                              of(1, "criteria"), "Two criteria have the same id or label."),
    "scale: criterion label too long": (
        HEAD + item_kind("scale", f'criteria = [{{ id = "a", label = "{"w" * 61}" }}]\n'),
        "criteria", of(1, "criteria"), "The field {field} is longer than {limit} characters."),
    "scale: label beyond max": (HEAD + item_kind("scale", 'labels = { 1 = "gering", 6 = "hoch" '
                                                 "}\n"), "labels", of(1, "labels.6"),
                                "Labels of the scale are for the values from {low} to {high}."),
    "scale: labels not a table": (HEAD + item_kind("scale", 'labels = ["gering", "hoch"]\n'),
                                  "labels", of(1, "labels"),
                                  "The field {field} must be an object."),
    "scale: point label too long": (HEAD + item_kind("scale", f'labels = {{ 1 = "{"g" * 41}" '
                                                     "}\n"), "labels", of(1, "labels"),
                                    "The field {field} is longer than {limit} characters."),
    # matrix
    "matrix: steps 2": (HEAD + item_kind("matrix", "steps = 2\n"), "steps", of(1, "steps"),
                        NUMBER),
    "matrix: steps 12": (HEAD + item_kind("matrix", "steps = 12\n"), "steps", of(1, "steps"),
                         NUMBER),
    "matrix: axis a text": (HEAD + item_kind("matrix", 'y = { label = "Wirkung" }\n'
                                             'x = "Aufwand"\n'), 'x = "', of(1, "x"),
                            "An axis has the fields label, low and high."),
    "matrix: axis part unknown": (HEAD + item_kind("matrix", 'x = { label = "Aufwand" }\ny = {'
                                                   ' label = "Wirkung", mitte = "x" }\n'),
                                  "mitte", of(1, "y.mitte"),
                                  "An axis has the fields label, low and high."),
    "matrix: axis label too long": (HEAD + item_kind("matrix", f'x = {{ label = "{"a" * 61}" }}'
                                                     "\n"), "x =", of(1, "x"),
                                    "The field {field} is longer than {limit} characters."),
    # consent, words, qa
    "consent: secret": (HEAD + settings_of("consent", 'secret = "ja"\n'), "secret",
                        of(1, "secret"), "The field {field} must be true or false."),
    "consent: majority": (HEAD + settings_of("consent", 'majority = "most"\n'), "majority",
                          of(1, "majority"), "The majority must be one of: {choices}."),
    "consent: quorum below 0": (HEAD + settings_of("consent", "quorum = -1\n"), "quorum",
                                of(1, "quorum"), NUMBER),
    "consent: items": (HEAD + settings_of("consent", 'items = ["a", "b"]\n'), "items",
                       of(1, "items"), "Unknown setting: {name}."),
    "words: four": (HEAD + settings_of("words", "max_words = 4\n"), "max_words",
                    of(1, "max_words"), NUMBER),
    "qa: premoderation": (HEAD + settings_of("qa", 'premoderation = "nein"\n'), "premoderation",
                          of(1, "premoderation"), "The field {field} must be true or false."),
    "qa: support": (HEAD + settings_of("qa", "support = true\n"), "support", of(1, "support"),
                    "Unknown setting: {name}."),
    # reserved for an activity of one group
    "planned: group": (HEAD + IDEAS + 'group = "Mobilität"\n', "group", of(1, "group"),
                       PLANNED),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_errors_name_line_and_field(case: str) -> None:
    text, needle, field, message = CASES[case]
    error = refused(text)
    needle, _, nth = needle.partition("#")
    line = line_of(text, needle, int(nth or 1))
    assert (error.message, error.field, error.line) == (message, field, line)
    if "{field}" in message:
        assert error.params["field"] == field


def test_messages_say_what_is_wrong() -> None:
    text = HEAD + IDEAS + dots('{ from = "sammeln", take = "cluster:Ernährung" }')
    assert str(refused(text)) == (
        f"plan.toml, line {line_of(text, 'items')}, phases[1].activities[2].items.take: The "
        "ideas activity sammeln has no cluster named Ernährung; its clusters: Mobilität, "
        "Energie.")
    error = refused(HEAD + POLL + dots('{ from = "frage", take = "cluster:ja" }'))
    assert error.params.items() >= {"take": "cluster:ja", "kind": "poll"}.items()
    assert str(refused(HEAD + "minutes = 30\ntimer = 45\n")) == (
        "plan.toml, line 5: The field phases[1].timer must be a whole number from 1 to 30.")


def test_cluster_names_match_whatever_the_case_and_spacing() -> None:
    plan = load_plan(HEAD + IDEAS + dots('{ from = "sammeln", take = "cluster:  ENERGIE " }'))
    assert plan.activities[1].source == Source("sammeln", "cluster", cluster="ENERGIE")


def test_a_phase_without_minutes_may_have_a_timer() -> None:
    assert load_plan(HEAD + "timer = 600\n").phases[0] == Phase("a", timer=600)
    assert load_plan(HEAD + "minutes = 30\ntimer = 30\n").phases[0].timer == 30


def test_specs_without_key_or_source_stay_as_they_were() -> None:
    spec = ActivitySpec("ideas", "Ideen", "", {"live_wall": False})
    assert (spec.key, spec.source) == (None, None)
    assert spec.command_args() == {"kind": "ideas", "title": "Ideen", "prompt": "",
                                   "config": {"live_wall": False}}


def test_a_source_is_checked_before_the_kind_sees_the_settings() -> None:
    with pytest.raises(PlanError) as info:
        load_plan(HEAD + dots('{ from = "nirgends" }', 'dots = "fünf"\n'))
    assert info.value.field == of(1, "items.from")


# Which kinds give items, as docs/plans.md ("Items") lists them: a kind that learns to give
# items fails this test until the page says so.
GIVES = {"all": {"ideas", "poll", "dots", "ranking", "scale", "matrix"},
         "top": {"ideas", "poll", "dots", "ranking", "scale", "matrix"},
         "cluster": {"ideas"}}


@pytest.mark.parametrize("take", GIVES)
def test_which_kinds_give_items_is_documented(take: str) -> None:
    from facilitator.domain.activities import KINDS

    source = Source("k", take, top=3 if take == "top" else None,
                    cluster="x" if take == "cluster" else None)
    assert {k for k, kind in KINDS.items() if source.kind_gives(kind)} == GIVES[take]


def test_the_example_plan_shows_the_kinds_working_together() -> None:
    from pathlib import Path

    path = (Path(__file__).resolve().parents[2] / "sessions" / "simulationslabor-klimaschutz"
            / "plan.toml")
    plan = load_plan(path.read_text("utf-8"))
    assert sum(p.minutes or 0 for p in plan.phases) == 180  # the three hours of the format
    assert plan.groups == ("Mobilität", "Energieversorgung", "Flächennutzung", "Ernährung")
    assert plan.group_choice
    kinds = [(a.kind, a.per_group) for a in plan.activities]
    assert kinds == [("words", False), ("qa", False), ("slides", False), ("ideas", True),
                     ("dots", False), ("measure", True), ("consent", False)]
    [dots] = [a for a in plan.activities if a.kind == "dots"]
    assert dots.source == Source("massnahmen", "all")  # the ideas of all groups
    assert all(p.timer is None or p.timer <= (p.minutes or 600) for p in plan.phases)


def test_the_plans_use_every_kind_and_every_way_to_take_items() -> None:
    from pathlib import Path

    plans = [load_plan(path.read_text("utf-8")) for path in sorted(
        (Path(__file__).resolve().parents[2] / "sessions").glob("*/plan.toml"))]
    activities = [a for plan in plans for a in plan.activities]
    from facilitator.domain.activities import KINDS

    assert {a.kind for a in activities} == set(KINDS)
    assert {a.source.take for a in activities if a.source is not None} == {
        "all", "top", "cluster"}
    assert all(sum(p.minutes or 0 for p in plan.phases) <= 180 for plan in plans)
