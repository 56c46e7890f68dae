"""Plan files, issue 4: small groups, per-group activities and measure sheets; every error at
the line and field it is about, and what loads is what the domain accepts."""

from __future__ import annotations

from typing import Any

import pytest

from facilitator.domain.activities import KINDS
from facilitator.domain.model import Actor, Command, Event
from facilitator.domain.plan import ActivitySpec, Plan, dump_plan, load_plan
from facilitator.domain.session import SessionState, new_session
from tests.unit.test_plan import line_of, refused

GROUPED = '''\
title = "Simulationslabor"
groups = [
  "Mobilität",
  "Energieversorgung",
  " Ernährung ",
]
group_choice = true

[[phases]]
title = "Kleingruppen"

  [[phases.activities]]
  kind = "ideas"
  key = "massnahmen"
  per_group = true
  title = "Maßnahmen"
  clusters = ["Schnell", "Langfristig"]

  [[phases.activities]]
  kind = "dots"
  key = "punkte"
  title = "Was zuerst?"
  items = { from = "massnahmen", take = "top:3" }

  [[phases.activities]]
  kind = "scale"
  per_group = true
  title = "Wie wirksam?"
  items = { from = "punkte", take = "all" }

  [[phases.activities]]
  kind = "ranking"
  per_group = false
  title = "Schnelles zuerst"
  items = { from = "massnahmen", take = "cluster:Schnell" }

  [[phases.activities]]
  kind = "measure"
  per_group = true
  title = "Fahrplan"
  fields = [
    { id = "title", label = "Maßnahme" },
    { id = "steps" },
    { id = "start", label = "Start am", type = "date" },
    { id = "notiz", label = "Notiz", type = "long", limit = 500 },
  ]

  [[phases.activities]]
  kind = "measure"
  per_group = true
  title = "Ganzes Blatt"
'''


def test_groups_load() -> None:
    plan = load_plan(GROUPED)
    assert plan.groups == ("Mobilität", "Energieversorgung", "Ernährung")
    assert plan.group_choice is True
    assert [a.per_group for a in plan.activities] == [True, False, True, False, True, True]
    sheet = plan.activities[4]
    assert sheet.config["fields"][2] == {"id": "start", "label": "Start am", "type": "date"}
    assert plan.activities[5].config == {}  # the server fills in the default sheet
    assert load_plan(dump_plan(plan)) == plan
    assert "per_group = true" in dump_plan(plan) and "group_choice = true" in dump_plan(plan)


def test_without_groups_nothing_changes() -> None:
    plan = load_plan('title = "t"\ngroups = []\n')
    assert plan == Plan("t")
    assert "groups" not in dump_plan(plan)
    assert load_plan('title = "t"\ngroups = ["A"]\ngroup_choice = false\n').group_choice is False


def test_command_args_carry_per_group() -> None:
    ideas, dots = load_plan(GROUPED).activities[:2]
    assert ideas.command_args()["per_group"] is True
    assert "per_group" not in dots.command_args({"from": "a1", "take": "top:3"})
    assert ActivitySpec("ideas", "x").command_args() == {
        "kind": "ideas", "title": "x", "prompt": "", "config": {}}


def test_a_grouped_plan_creates_its_session_in_the_domain() -> None:
    """What live/plans.py does, in the pure domain: groups first, then the activities, each
    per-group one taking input from a member of a group."""
    plan = load_plan(GROUPED)
    kind, data = new_session("s1", "K7MXR4", plan.title, plan.language, plan.names)
    state = SessionState.from_events([Event(1, kind, data, 0.0)])

    def submit(command: str, actor: Actor | None = None, **args: Any) -> dict[str, Any]:
        decision = state.decide(Command(command, args, actor or Actor("moderator"), 1.0))
        for name, payload in decision.events:
            state.apply(Event(state.seq + 1, name, payload, 1.0))
        assert decision.result is not None
        return decision.result

    groups = [submit("group.create", name=name)["group"] for name in plan.groups]
    submit("groups.choice", open=True)
    phase = submit("phase.create", title="Kleingruppen")["phase"]
    ids: dict[str, str] = {}
    for spec in plan.activities:
        wire = None
        if spec.source is not None:
            origin = state.activities[ids[spec.source.key]]
            clusters = KINDS[origin.kind].view(origin, "moderator").get("clusters") or []
            wire = spec.source.wire(origin.id, clusters)
        created = submit("activity.create", **spec.command_args(wire), phase=phase)
        if spec.key:
            ids[spec.key] = created["activity"]
    assert groups == ["g1", "g2", "g3"] and state.group_choice
    assert [a.per_group for a in state.activities.values()] == [
        True, False, True, False, True, True]
    assert state.activities["a4"].config["items"] == {"from": "a1", "take": "cluster:c1"}
    assert [f["id"] for f in state.activities["a6"].config["fields"]][:3] == [
        "title", "goal", "steps"]
    # A member of a group writes into that group's sheet.
    submit("session.open")
    submit("session.start")
    who = submit("participant.join", Actor("system"))["participant"]
    submit("group.choose", Actor("participant", who), group="g2")
    submit("activity.activate", activity="a5")
    assert submit("sheet.edit", Actor("participant", who), activity="a5", field="start",
                  value="2026-05-04", version=0) == {"version": 1}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_can_run_per_group(kind: str) -> None:
    settings = {"poll": 'options = ["ja", "nein"]\n',
                **{k: 'items = ["a", "b"]\n' for k in ("dots", "ranking", "scale", "matrix")}}
    plan = load_plan(f'title = "t"\ngroups = ["A", "B"]\n[[phases]]\ntitle = "p"\n'
                     f'[[phases.activities]]\nkind = "{kind}"\nper_group = true\ntitle = "x"\n'
                     + settings.get(kind, ""))
    [spec] = plan.activities
    kind_, data = new_session("s1", "K7MXR4", plan.title)
    state = SessionState.from_events([Event(1, kind_, data, 0.0)])
    decision = state.decide(Command("activity.create", spec.command_args(), Actor("moderator"),
                                    1.0))
    [(event, payload)] = decision.events
    assert (event, payload["per_group"]) == ("activity.created", True)


# -- errors ----------------------------------------------------------------------------------

HEAD = 'title = "t"\ngroups = ["Mobilität", "Energie"]\n[[phases]]\ntitle = "a"\n'
IDEAS = ('[[phases.activities]]\nkind = "ideas"\nkey = "sammeln"\nper_group = true\n'
         'title = "Ideen"\nclusters = ["Schnell", "Langfristig"]\n')
PLENARY = ('[[phases.activities]]\nkind = "poll"\nkey = "frage"\ntitle = "Frage"\n'
           'options = ["ja", "nein"]\n')


def sheet(fields: str) -> str:
    return (HEAD + '[[phases.activities]]\nkind = "measure"\nper_group = true\n'
            f'title = "Fahrplan"\nfields = [\n  {{ id = "title" }},\n  {fields},\n]\n')


def of(n: int, key: str = "") -> str:
    return f"phases[1].activities[{n}]" + (f".{key}" if key else "")


LIST = 'The field {field} must be a list of names: groups = ["…", "…"].'
NO_GROUPS = ("An activity runs per group only in a plan with groups: list them at the top of "
             "the plan in groups.")
AT_THE_TOP = ("Groups are listed once, at the top of the plan; an activity runs in every group "
              "with per_group = true.")

# (text, needle of the error's line (the nth line with it: "needle#n"), field, message id)
CASES: dict[str, tuple[str, str, str, str]] = {
    "groups: a text": ('title = "t"\ngroups = "Mobilität"\n', "groups", "groups", LIST),
    "groups: tables": ('title = "t"\n\n[[groups]]\nname = "A"\n[[groups]]\nname = "B"\n',
                       "[[groups]]", "groups", LIST),
    "groups: inline tables": ('title = "t"\ngroups = [{ name = "A" }]\n', "groups", "groups",
                              LIST),
    "groups: a number": ('title = "t"\ngroups = [\n  "A",\n  2,\n]\n', "2,", "groups[2]",
                         "The field {field} must be a text."),
    "groups: empty name": ('title = "t"\ngroups = ["A", "  "]\n', "groups", "groups[2]",
                           "The field {field} must not be empty."),
    "groups: name too long": (f'title = "t"\ngroups = ["{"x" * 61}"]\n', "groups", "groups[1]",
                              "The field {field} is longer than {limit} characters."),
    "groups: two lines": ('title = "t"\ngroups = ["""A\nB"""]\n', "groups", "groups[1]",
                          "The field {field} contains control characters."),
    "groups: same name": ('title = "t"\ngroups = [\n  "Mobilität",\n  "Energie",\n'
                          '  "mobilität",\n]\n', '"mobilität"', "groups[3]",
                          "Two groups have the same name."),
    "groups: same but for spaces": ('title = "t"\ngroups = ["Rad und Fuß", "Rad  und  Fuß"]\n',
                                    "groups", "groups[2]", "Two groups have the same name."),
    "groups: too many": ('title = "t"\ngroups = [' + ", ".join(f'"G{n}"' for n in range(31))
                         + "]\n", "groups", "groups[31]",
                         "A plan can have at most {limit} groups."),
    "groups: in a phase": (HEAD + 'groups = ["A"]\n', "groups#2", "phases[1].groups",
                           AT_THE_TOP),
    "groups: on an activity": (HEAD + PLENARY + 'groups = ["Mobilität"]\n', "groups#2",
                               of(1, "groups"), AT_THE_TOP),
    "groups: a misspelt setting": ('title = "t"\ngroups = ["A"]\ngroup_choise = true\n',
                                   "group_choise", "group_choise",
                                   "Unknown field {field}; allowed here: {allowed}."),
    "per_group: misspelt": (HEAD + PLENARY + "per_groups = true\n", "per_groups",
                            of(1, "per_groups"), "Unknown setting: {name}."),
    "group_choice: a text": ('title = "t"\ngroups = ["A"]\ngroup_choice = "ja"\n',
                             "group_choice", "group_choice",
                             "The field {field} must be true or false."),
    "group_choice: without groups": ('title = "t"\n\ngroup_choice = true\n', "group_choice",
                                     "group_choice", "Participants can choose a group only in "
                                     "a plan with groups: list them in groups."),
    "group_choice: with no groups": ('title = "t"\ngroups = []\ngroup_choice = true\n',
                                     "group_choice", "group_choice", "Participants can choose "
                                     "a group only in a plan with groups: list them in groups."),
    "per_group: a text": (HEAD + IDEAS.replace("per_group = true", 'per_group = "ja"'),
                          "per_group", of(1, "per_group"),
                          "The field {field} must be true or false."),
    "per_group: without groups": (HEAD.replace('groups = ["Mobilität", "Energie"]\n', "")
                                  + IDEAS, "per_group", of(1, "per_group"), NO_GROUPS),
    "per_group: from a per-group activity": (
        HEAD + IDEAS + '[[phases.activities]]\nkind = "dots"\nper_group = true\ntitle = "P"\n'
        'items = { from = "sammeln", take = "top:3" }\n', "items", of(2, "items.from"),
        "An activity with per_group takes its items from an activity of the plenary or from "
        "a list; the activity {key} runs per group."),
    "per_group: a cluster of a per-group activity": (
        HEAD + IDEAS + '[[phases.activities]]\nkind = "ranking"\nper_group = true\n'
        'title = "R"\nitems = { from = "sammeln", take = "cluster:Schnell" }\n', "items",
        of(2, "items.from"), "An activity with per_group takes its items from an activity of "
        "the plenary or from a list; the activity {key} runs per group."),
    # measure sheets
    "measure: unknown setting": (HEAD + '[[phases.activities]]\nkind = "measure"\ntitle = "F"\n'
                                 "felder = []\n", "felder", of(1, "felder"),
                                 "Unknown setting: {name}."),
    "measure: no fields": (HEAD + '[[phases.activities]]\nkind = "measure"\ntitle = "F"\n'
                           "fields = []\n", "fields", of(1, "fields"),
                           "Give between {low} and {high} fields."),
    "measure: fields a table": (HEAD + '[[phases.activities]]\nkind = "measure"\ntitle = "F"\n'
                                'fields = { id = "title" }\n', "fields", of(1, "fields"),
                                "Give between {low} and {high} fields."),
    "measure: type misspelt": (sheet('{ id = "ziel", label = "Ziel", type = "lang" }'), "ziel",
                               of(1, "fields[2].type"),
                               "The type of a field must be one of: {choices}."),
    "measure: id with capitals": (sheet('{ id = "Ziel", label = "Ziel", type = "long" }'),
                                  "Ziel", of(1, "fields[2].id"), "The id of a field may contain "
                                  "only a-z, 0-9 and underscores, at most 30 characters."),
    "measure: own field without type": (sheet('{ id = "ziel", label = "Ziel" }'), "ziel",
                                        of(1, "fields[2].type"),
                                        "The field {field} is required."),
    "measure: own field without label": (sheet('{ id = "ziel", type = "text" }'), "ziel",
                                         of(1, "fields[2].label"),
                                         "The field {field} is required."),
    "measure: unknown key in a field": (sheet('{ id = "goal", beschreibung = "x" }'), "goal",
                                        of(1, "fields[2].beschreibung"), "A field of the sheet "
                                        "has only the keys id, label, type and limit."),
    "measure: a field as text": (sheet('"goal"'), '"goal"', of(1, "fields[2]"),
                                 "A field of the sheet has only the keys id, label, type and "
                                 "limit."),
    "measure: limit of a date": (sheet('{ id = "start", label = "Start", type = "date", '
                                       "limit = 10 }"), "start", of(1, "fields[2].limit"),
                                 "A date field has no limit."),
    "measure: limit too high": (sheet('{ id = "goal", type = "long", limit = 9000 }'), "goal",
                                of(1, "fields[2].limit"),
                                "The field {field} must be a whole number from {low} to "
                                "{high}."),
    "measure: label too long": (sheet(f'{{ id = "goal", label = "{"z" * 81}" }}'), "goal",
                                of(1, "fields[2].label"),
                                "The field {field} is longer than {limit} characters."),
    "measure: the same id twice": (sheet('{ id = "title", label = "Noch ein Titel" }'),
                                   "Noch ein", of(1, "fields[2].id"),
                                   "Two fields have the same id."),
    "measure: as sub-tables": (HEAD + '[[phases.activities]]\nkind = "measure"\ntitle = "F"\n'
                               '[[phases.activities.fields]]\nid = "title"\n'
                               '[[phases.activities.fields]]\nid = "steps"\nlimit = 0\n',
                               "limit", of(1, "fields[2].limit"),
                               "The field {field} must be a whole number from {low} to "
                               "{high}."),
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
    text = (HEAD + IDEAS + '[[phases.activities]]\nkind = "dots"\nper_group = true\n'
            'title = "P"\nitems = { from = "sammeln" }\n')
    assert str(refused(text)) == (
        f"plan.toml, line {line_of(text, 'items')}, phases[1].activities[2].items.from: An "
        "activity with per_group takes its items from an activity of the plenary or from a "
        "list; the activity sammeln runs per group.")
    assert str(refused('title = "t"\ngroups = ["Energie", "energie"]\n')) == (
        "plan.toml, line 2, groups[2]: Two groups have the same name.")
    text = sheet('{ id = "ziel", label = "Ziel" }')
    assert str(refused(text)) == (
        f"plan.toml, line {line_of(text, 'ziel')}: The field "
        "phases[1].activities[1].fields[2].type is required.")


def test_a_per_group_activity_may_take_from_the_plenary() -> None:
    plan = load_plan(HEAD + PLENARY + '[[phases.activities]]\nkind = "dots"\nper_group = true\n'
                     'title = "P"\nitems = { from = "frage", take = "top:1" }\n')
    assert plan.activities[1].per_group and plan.activities[1].source is not None
