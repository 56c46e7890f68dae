"""Plan files: what loads, and that every error names the line and the field it is about."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from facilitator.domain.activities import KINDS
from facilitator.domain.errors import Invalid
from facilitator.domain.model import Actor, Command, Event
from facilitator.domain.plan import (
    MAX_PHASES,
    PLAN_LIMIT,
    ActivitySpec,
    Phase,
    Plan,
    PlanError,
    dump_plan,
    load_plan,
)
from facilitator.domain.plan_sources import read_source
from facilitator.domain.session import SessionState, new_session

SESSIONS = Path(__file__).resolve().parents[2] / "sessions"

FULL = '''\
# a comment
title = "Simulationslabor Klimaschutz"
language = "en"
names = true
slug = "klimalabor-2026"

[[phases]]
title = "Input und Fragen"
minutes = 20
notes = """
Beispiele aus anderen Kommunen.
[[phases]] in notes is text, not a header
"""

  [[phases.activities]]
  kind = "poll"
  title = "Welches Handlungsfeld zuerst?"
  prompt = "Eine Stimme."
  options = ["Mobilität", "Energieversorgung", "Flächennutzung", "Ernährung"]

  [[phases.activities]]
  kind = "ideas"
  title = "  Was fehlt?  "
  live_wall = false
  max_per_participant = 5

[[phases]]
title = "Pause"

[[phases]]
title = "Prioritäten"
minutes = 15

  [[phases.activities]]
  kind = "poll"
  title = "Was zuerst?"
  options = [
    "Carsharing",
    "Wärmenetz",
    "Photovoltaik",
  ]
  multiple = true
  max_choices = 2
'''


def line_of(text: str, needle: str, nth: int = 1) -> int:
    """The 1-based line of the nth line containing needle."""
    hits = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    return hits[nth - 1]


def refused(text: str) -> PlanError:
    with pytest.raises(PlanError) as info:
        load_plan(text)
    return info.value


# -- what loads ------------------------------------------------------------------------------


def test_a_full_plan_loads() -> None:
    plan = load_plan(FULL)
    assert (plan.title, plan.language, plan.names, plan.slug) == (
        "Simulationslabor Klimaschutz", "en", True, "klimalabor-2026")
    assert [p.title for p in plan.phases] == ["Input und Fragen", "Pause", "Prioritäten"]
    first, pause, last = plan.phases
    assert first.minutes == 20
    assert first.notes == ("Beispiele aus anderen Kommunen.\n"
                           "[[phases]] in notes is text, not a header")
    assert pause == Phase("Pause")
    assert [a.title for a in plan.activities] == [
        "Welches Handlungsfeld zuerst?", "Was fehlt?", "Was zuerst?"]
    assert first.activities[1] == ActivitySpec(
        "ideas", "Was fehlt?", "", {"live_wall": False, "max_per_participant": 5})
    assert last.activities[0].config == {
        "options": ["Carsharing", "Wärmenetz", "Photovoltaik"], "multiple": True,
        "max_choices": 2}


def test_defaults() -> None:
    plan = load_plan('title = "Nur ein Titel"\n')
    assert plan == Plan("Nur ein Titel", language="de", names=False, slug=None, phases=())
    assert plan.activities == ()
    phase = load_plan('title = "t"\n[[phases]]\ntitle = "p"\n').phases[0]
    assert (phase.minutes, phase.notes, phase.activities) == (None, "", ())


def test_place_and_moderators_are_for_the_documentation() -> None:
    plan = load_plan('title = "T"\nplace = " Rathaus Musterstadt, Sitzungssaal 2 "\n'
                     'moderators = ["Anna Beispiel", "Ben Muster"]\n')
    assert plan.place == "Rathaus Musterstadt, Sitzungssaal 2"
    assert plan.moderators == ("Anna Beispiel", "Ben Muster")
    assert load_plan(dump_plan(plan)) == plan
    plain = load_plan('title = "T"\nplace = "  "\nmoderators = []\n')
    assert (plain.place, plain.moderators) == ("", ())


def test_organisation_is_for_the_documentation() -> None:
    plan = load_plan('title = "T"\norganisation = " Stadt Musterstadt, Klimaschutz "\n')
    assert plan.organisation == "Stadt Musterstadt, Klimaschutz"
    assert 'organisation = "Stadt Musterstadt, Klimaschutz"' in dump_plan(plan)
    assert load_plan(dump_plan(plan)) == plan
    assert load_plan('title = "T"\norganisation = " "\n').organisation == ""


@pytest.mark.parametrize(("text", "line", "field", "message"), [
    ('moderators = "Anna"', 2, "moderators",
     'The field {field} must be a list of names: moderators = ["…", "…"].'),
    ('moderators = ["Anna", 3]', 2, "moderators[2]", "The field {field} must be a text."),
    ('moderators = [\n  "Anna",\n  "",\n]', 4, "moderators[2]",
     "The field {field} must not be empty."),
    ("moderators = [" + ", ".join(f'"M{n}"' for n in range(11)) + "]", 2, "moderators[11]",
     "Name at most {limit} moderators."),
    (f'moderators = ["{"x" * 81}"]', 2, "moderators[1]",
     "The field {field} is longer than {limit} characters."),
    ("place = 5", 2, "place", "The field {field} must be a text."),
    ("organisation = [1]", 2, "organisation", "The field {field} must be a text."),
    (f'organisation = "{"x" * 121}"', 2, "organisation",
     "The field {field} is longer than {limit} characters."),
    (f'place = "{"x" * 201}"', 2, "place", "The field {field} is longer than {limit} characters."),
])
def test_bad_place_or_moderators(text: str, line: int, field: str, message: str) -> None:
    with pytest.raises(PlanError) as info:
        load_plan(f'title = "T"\n{text}\n')
    assert (info.value.line, info.value.field, info.value.message) == (line, field, message)


def test_empty_optional_texts_are_absent() -> None:
    plan = load_plan('title = "t"\n[[phases]]\ntitle = "p"\nnotes = "  "\n'
                     '[[phases.activities]]\nkind = "ideas"\ntitle = "i"\nprompt = ""\n')
    assert plan.phases[0].notes == ""
    assert plan.activities[0].prompt == ""


def test_texts_are_trimmed_and_normalised() -> None:
    decomposed = unicodedata.normalize("NFD", "Ernährung")
    plan = load_plan(f'title = "  {decomposed} "\n')
    assert plan.title == "Ernährung"


def test_command_args_create_activities_in_a_session() -> None:
    plan = load_plan(FULL)
    kind, data = new_session("s1", "K7MXR4", plan.title, plan.language, plan.names)
    state = SessionState.from_events([Event(1, kind, data, 0.0)])
    for n, spec in enumerate(plan.activities, start=1):
        args = spec.command_args()
        assert set(args) == {"kind", "title", "prompt", "config"}
        decision = state.decide(Command("activity.create", args, Actor("moderator"), 1.0))
        [(event, payload)] = decision.events
        state.apply(Event(state.seq + 1, event, payload, 1.0))
        assert payload["title"] == spec.title
        assert decision.result == {"activity": f"a{n}"}
    poll = state.activities["a1"]
    assert [o["label"] for o in poll.config["options"]][:2] == ["Mobilität", "Energieversorgung"]
    assert state.activities["a2"].config.items() >= {
        "live_wall": False, "max_per_participant": 5}.items()


def test_command_args_are_a_copy() -> None:
    spec = load_plan(FULL).activities[0]
    spec.command_args()["config"]["options"].append("Noch eine")
    assert len(spec.config["options"]) == 4


def test_plans_are_hashable_values() -> None:
    assert hash(load_plan(FULL)) == hash(load_plan(FULL))


def test_windows_files_load() -> None:
    text = "\ufeff" + FULL.replace("\n", "\r\n")
    assert load_plan(text) == load_plan(FULL)
    error = refused("\ufeff" + 'title = "t"\r\n\r\nlanguage = "fr"\r\n')
    assert error.line == 3


@pytest.mark.parametrize("path", sorted(SESSIONS.glob("*/plan.toml")), ids=lambda p: p.parent.name)
def test_example_plans_load(path: Path) -> None:
    plan = load_plan(path.read_text("utf-8"), source=str(path))
    assert plan.activities
    assert plan.slug in (None, path.parent.name)
    assert load_plan(dump_plan(plan)) == plan


def test_there_is_an_example_plan() -> None:
    assert (SESSIONS / "simulationslabor-klimaschutz" / "plan.toml").is_file()


# -- errors: where and what ------------------------------------------------------------------

# (text, needle of the line the error is on (None: no line), field, message id)
CASES: dict[str, tuple[str, str | None, str, str]] = {
    # TOML syntax
    "syntax: bare word": ('title = "t"\nlanguage = de\n', "language", "",
                          "This is not valid TOML: {reason}."),
    "syntax: two statements on a line": (
        'title = "t"\n[[phases]]\ntitle = "a" minutes = 3\n', "minutes", "",
        "This is not valid TOML: {reason}."),
    "syntax: duplicate key": ('title = "t"\n[[phases]]\ntitle = "a"\ntitle = "b"\n',
                              'title = "b"', "", "This is not valid TOML: {reason}."),
    "syntax: unclosed array": ('title = "t"\n[[phases]]\ntitle = "a"\n[[phases.activities]]\n'
                               'kind = "poll"\noptions = ["a",\n  "b"\n\n', '"b"', "",
                               "This is not valid TOML: {reason}."),
    "syntax: string over two lines": ('title = "t\nx"\n', "title", "",
                                      "This is not valid TOML: {reason}."),
    # unknown keys
    "unknown: root": ('title = "t"\ntitel = "x"\n', "titel", "titel",
                      "Unknown field {field}; allowed here: {allowed}."),
    "unknown: phase": ('title = "t"\n[[phases]]\ntitle = "a"\n[[phases]]\ntitle = "b"\n'
                       'dauer = 5\n', "dauer", "phases[2].dauer",
                       "Unknown field {field}; allowed here: {allowed}."),
    "unknown: sub-table of a phase": ('title = "t"\n[[phases]]\ntitle = "a"\n[phases.extra]\n'
                                      'x = 1\n', "[phases.extra]", "phases[1].extra",
                                      "Unknown field {field}; allowed here: {allowed}."),
    "unknown: activity setting": (
        'title = "t"\n[[phases]]\ntitle = "a"\n[[phases.activities]]\nkind = "ideas"\n'
        'title = "x"\n[[phases]]\ntitle = "b"\n[[phases.activities]]\nkind = "ideas"\n'
        'title = "y"\n[[phases.activities]]\nkind = "poll"\ntitle = "z"\n'
        'optionen = ["a", "b"]\n', "optionen", "phases[2].activities[2].optionen",
        "Unknown setting: {name}."),
    "unknown: setting of the other kind": (
        'title = "t"\n[[phases]]\ntitle = "a"\n[[phases.activities]]\nkind = "ideas"\n'
        'title = "x"\nmultiple = true\n', "multiple", "phases[1].activities[1].multiple",
        "Unknown setting: {name}."),
    "groups: as tables": ('title = "t"\n[[groups]]\nname = "A"\n', "[[groups]]", "groups",
                          'The field {field} must be a list of names: groups = ["…", "…"].'),
    "groups: per_group without groups": (
        'title = "t"\n[[phases]]\ntitle = "a"\n[[phases.activities]]\n'
        'kind = "ideas"\ntitle = "x"\nper_group = true\n', "per_group",
        "phases[1].activities[1].per_group",
        "An activity runs per group only in a plan with groups: list them at the top of the "
        "plan in groups."),
    "planned: group": ('title = "t"\n[[phases]]\ntitle = "a"\n[[phases.activities]]\n'
                       'kind = "ideas"\ngroup = "Mobilität"\ntitle = "x"\n', "group",
                       "phases[1].activities[1].group",
                       "The field {field} is planned but not supported yet."),
    "groups: in a phase": ('title = "t"\n[[phases]]\ntitle = "a"\n'
                           'groups = ["A", "B"]\n', "groups", "phases[1].groups",
                           "Groups are listed once, at the top of the plan; an activity runs in "
                           "every group with per_group = true."),
    # wrong types
    "type: title": ('title = 5\n', "title", "title", "The field {field} must be a text."),
    "type: names": ('title = "t"\nnames = "ja"\n', "names", "names",
                    "The field {field} must be true or false."),
    "type: minutes text": ('title = "t"\n[[phases]]\ntitle = "a"\nminutes = "20"\n', "minutes",
                           "phases[1].minutes",
                           "The field {field} must be a whole number from {low} to {high}."),
    "type: minutes fraction": ('title = "t"\n[[phases]]\ntitle = "a"\nminutes = 7.5\n',
                               "minutes", "phases[1].minutes",
                               "The field {field} must be a whole number from {low} to {high}."),
    "type: minutes zero": ('title = "t"\n[[phases]]\ntitle = "a"\nminutes = 0\n', "minutes",
                           "phases[1].minutes",
                           "The field {field} must be a whole number from {low} to {high}."),
    "type: minutes true": ('title = "t"\n[[phases]]\ntitle = "a"\nminutes = true\n', "minutes",
                           "phases[1].minutes",
                           "The field {field} must be a whole number from {low} to {high}."),
    "type: notes list": ('title = "t"\n[[phases]]\ntitle = "a"\nnotes = ["x"]\n', "notes",
                         "phases[1].notes", "The field {field} must be a text."),
    "type: phases as one table": ('title = "t"\n[phases]\ntitle = "a"\n', "[phases]", "phases",
                                  "The field {field} must be a list of tables: write "
                                  "[[{header}]] before each entry."),
    "type: phases of texts": ('title = "t"\nphases = ["a", "b"]\n', "phases", "phases[1]",
                              "The field {field} must be a table."),
    "type: activities as number": ('title = "t"\n[[phases]]\ntitle = "a"\nactivities = 3\n',
                                   "activities", "phases[1].activities",
                                   "The field {field} must be a list of tables: write "
                                   "[[{header}]] before each entry."),
    "type: kind": ('title = "t"\n[[phases]]\ntitle = "a"\n[[phases.activities]]\nkind = 3\n',
                   "kind", "phases[1].activities[1].kind", "The field {field} must be a text."),
    "type: prompt": ('title = "t"\n[[phases]]\ntitle = "a"\n[[phases.activities]]\n'
                     'kind = "ideas"\ntitle = "x"\nprompt = 1\n', "prompt",
                     "phases[1].activities[1].prompt", "The field {field} must be a text."),
    "type: live_wall": ('title = "t"\n[[phases]]\ntitle = "a"\n[[phases.activities]]\n'
                        'kind = "ideas"\ntitle = "x"\nlive_wall = "yes"\n', "live_wall",
                        "phases[1].activities[1].live_wall",
                        "The field {field} must be true or false."),
    "type: max_per_participant": (
        'title = "t"\n[[phases]]\ntitle = "a"\n[[phases.activities]]\nkind = "ideas"\n'
        'title = "x"\nmax_per_participant = "10"\n', "max_per_participant",
        "phases[1].activities[1].max_per_participant",
        "The field {field} must be a whole number from {low} to {high}."),
    "type: option not a text": (
        'title = "t"\n[[phases]]\ntitle = "a"\n[[phases.activities]]\nkind = "poll"\n'
        'title = "x"\noptions = ["a", 2]\n', "options", "phases[1].activities[1].options",
        "The field {field} must be a text."),
    "type: multiple": ('title = "t"\n[[phases]]\ntitle = "a"\n[[phases.activities]]\n'
                       'kind = "poll"\ntitle = "x"\noptions = ["a", "b"]\nmultiple = 1\n',
                       "multiple", "phases[1].activities[1].multiple",
                       "The field {field} must be true or false."),
    "range: max_choices without multiple": (
        'title = "t"\n[[phases]]\ntitle = "a"\n[[phases.activities]]\nkind = "poll"\n'
        'title = "x"\noptions = ["a", "b"]\nmax_choices = 2\n', "max_choices",
        "phases[1].activities[1].max_choices",
        "The field {field} must be a whole number from {low} to {high}."),
    # kinds
    "kind: unknown": ('title = "t"\n[[phases]]\ntitle = "a"\n[[phases.activities]]\n'
                      'kind = "umfrage"\ntitle = "x"\n', "umfrage", "phases[1].activities[1].kind",
                      "Unknown activity kind {kind}; known kinds: {kinds}."),
    "kind: missing": ('title = "t"\n[[phases]]\ntitle = "a"\n[[phases.activities]]\n'
                      'title = "x"\n', "[[phases.activities]]", "phases[1].activities[1].kind",
                      "The field {field} is required."),
    # polls
    "poll: one option": ('title = "t"\n[[phases]]\ntitle = "a"\n[[phases.activities]]\n'
                         'kind = "poll"\ntitle = "x"\noptions = ["nur eine"]\n', "options",
                         "phases[1].activities[1].options",
                         "A poll needs between {low} and {high} options."),
    "poll: no options": ('title = "t"\n[[phases]]\ntitle = "a"\n[[phases]]\ntitle = "b"\n'
                         '[[phases.activities]]\nkind = "poll"\ntitle = "x"\n',
                         "[[phases.activities]]", "phases[2].activities[1].options",
                         "A poll needs between {low} and {high} options."),
    "poll: 21 options": ('title = "t"\n[[phases]]\ntitle = "a"\n[[phases.activities]]\n'
                         'kind = "poll"\ntitle = "x"\noptions = ['
                         + ", ".join(f'"o{n}"' for n in range(21)) + "]\n", "options",
                         "phases[1].activities[1].options",
                         "A poll needs between {low} and {high} options."),
    "poll: duplicate options": ('title = "t"\n[[phases]]\ntitle = "a"\n[[phases.activities]]\n'
                                'kind = "poll"\ntitle = "x"\noptions = [\n  "Mobilität",\n'
                                '  "mobilität",\n]\n', "options =",
                                "phases[1].activities[1].options",
                                "Two options of a poll have the same label."),
    "poll: empty option": ('title = "t"\n[[phases]]\ntitle = "a"\n[[phases.activities]]\n'
                           'kind = "poll"\ntitle = "x"\noptions = ["a", " "]\n', "options",
                           "phases[1].activities[1].options",
                           "The field {field} must not be empty."),
    # languages
    "language: fr": ('title = "t"\nlanguage = "fr"\n', "language", "language",
                     "The language must be one of: {choices}."),
    "language: upper case": ('title = "t"\n\n\nlanguage = "DE"\n', "language", "language",
                             "The language must be one of: {choices}."),
    "language: not a text": ('language = true\ntitle = "t"\n', "language", "language",
                             "The language must be one of: {choices}."),
    # empty or missing titles, texts
    "title: missing": ('language = "de"\n', None, "title", "The field {field} is required."),
    "title: empty": ('title = ""\n', "title", "title", "The field {field} must not be empty."),
    "title: phase blank": ('title = "t"\n[[phases]]\ntitle = "   "\n', "   ", "phases[1].title",
                           "The field {field} must not be empty."),
    "title: phase missing": ('title = "t"\n[[phases]]\nminutes = 5\n[[phases]]\n', "[[phases]]",
                             "phases[1].title", "The field {field} is required."),
    "title: activity empty": ('title = "t"\n[[phases]]\ntitle = "a"\n[[phases.activities]]\n'
                              'kind = "ideas"\ntitle = ""\n', 'title = ""',
                              "phases[1].activities[1].title",
                              "The field {field} must not be empty."),
    "title: too long": (f'title = "{"x" * 201}"\n', "title", "title",
                        "The field {field} is longer than {limit} characters."),
    "title: two lines": ('title = """a\nb"""\n', "title", "title",
                         "The field {field} contains control characters."),
    "slug: spaces": ('title = "t"\nslug = "Klima Labor"\n', "slug", "slug",
                     "The field {field} may contain only a-z, 0-9 and hyphens, at most 64 "
                     "characters, not starting or ending with a hyphen."),
    "slug: hyphen first": ('title = "t"\nslug = "-labor"\n', "slug", "slug",
                           "The field {field} may contain only a-z, 0-9 and hyphens, at most 64 "
                           "characters, not starting or ending with a hyphen."),
    # positions in unusual but valid TOML
    "inline: activity in an inline array": (
        'title = "t"\n[[phases]]\ntitle = "a"\nactivities = [\n'
        '  { kind = "poll", title = "x", options = ["a", "b"] },\n'
        '  { kind = "poll", title = "y", options = ["a"] },\n]\n', '"y"',
        "phases[1].activities[2].options", "A poll needs between {low} and {high} options."),
    "inline: dotted keys": ('title = "t"\n[[phases]]\ntitle = "a"\nnotes.x = 1\n', "notes.x",
                            "phases[1].notes", "The field {field} must be a text."),
    "inline: quoted key": ('title = "t"\n[[phases]]\ntitle = "a"\n"dauer in min" = 5\n',
                           "dauer", 'phases[1]."dauer in min"',
                           "Unknown field {field}; allowed here: {allowed}."),
    "inline: header in a literal string": (
        "title = 't'\nnotes = '''\n[[phases]]\n'''\n", "notes =", "notes",
        "Unknown field {field}; allowed here: {allowed}."),
    "inline: header after a comment": (
        'title = "t" # [[phases]]\n[[phases]] # the first\ntitle = "a"\n[[phases]]\n'
        'title = "b" # ok\nminutes = -1\n', "minutes", "phases[2].minutes",
        "The field {field} must be a whole number from {low} to {high}."),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_errors_name_line_and_field(case: str) -> None:
    text, needle, field, message = CASES[case]
    error = refused(text)
    assert error.message == message
    assert error.field == field
    assert error.line == (line_of(text, needle) if needle else None)
    assert error.source == "plan.toml"
    if "{field}" in message:
        assert error.params["field"] == field


def test_syntax_errors_carry_column_and_reason() -> None:
    error = refused('title = "t"\nlanguage = de\n')
    assert (error.line, error.column) == (2, 12)
    assert error.params["reason"] == "Invalid value"
    assert str(error) == "plan.toml, line 2, column 12: This is not valid TOML: Invalid value."


def test_end_of_document_errors_count_lines_as_toml_does() -> None:
    # Only "\n" ends a line in TOML; str.splitlines() would also split at "\x1e".
    error = refused("title = 't\x1e\n\n")
    assert error.line == 1


def test_a_planned_kind_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    from facilitator.domain import plan as module

    monkeypatch.setattr(module, "PLANNED_KINDS", ("survey",))
    text = 'title = "t"\n[[phases]]\ntitle = "a"\n[[phases.activities]]\nkind = "survey"\n'
    error = refused(text)
    assert (error.message, error.field, error.line) == (
        "The activity kind {kind} is planned but not available yet.",
        "phases[1].activities[1].kind", 5)


def test_too_many_phases() -> None:
    text = 'title = "t"\n' + "".join(f'[[phases]]\ntitle = "p{n}"\n'
                                     for n in range(MAX_PHASES + 1))
    error = refused(text)
    assert error.field == f"phases[{MAX_PHASES + 1}]"
    assert error.line == line_of(text, "[[phases]]", MAX_PHASES + 1)


def test_too_large() -> None:
    error = refused('title = "t"\n' + "#" * PLAN_LIMIT + "\n")
    assert (error.line, error.field, error.params["limit"]) == (None, "", PLAN_LIMIT // 1024)


def test_deep_nesting_is_an_error_not_a_crash() -> None:
    error = refused('title = "t"\nx = ' + "[" * 5000 + "]" * 5000 + "\n")
    assert error.message == "This is not valid TOML: {reason}."
    assert error.params["reason"] == "values nested too deeply"
    assert refused('title = "t"\nx = ' + "[" * 300 + "]" * 300 + "\n").line == 2


def test_errors_read_well_and_translate() -> None:
    error = refused('title = "t"\n[[phases]]\ntitle = "a"\n[[phases.activities]]\n'
                    'kind = "poll"\ntitle = "x"\noptions = ["a", "A"]\n')
    assert isinstance(error, Invalid) and error.code == "invalid"
    assert str(error) == ("plan.toml, line 7, phases[1].activities[1].options: "
                          "Two options of a poll have the same label.")
    german = {"{source}, line {line}": "{source}, Zeile {line}",
              "Two options of a poll have the same label.":
              "Zwei Optionen der Umfrage heißen gleich."}
    assert error.describe(lambda s: german.get(s, s)) == (
        "plan.toml, Zeile 7, phases[1].activities[1].options: "
        "Zwei Optionen der Umfrage heißen gleich.")
    # A message that names the field already does not get it twice.
    assert str(refused('title = "t"\nnames = 1\n')) == (
        "plan.toml, line 2: The field names must be true or false.")
    with pytest.raises(PlanError) as info:
        load_plan('title = ""\n', source="sessions/x/plan.toml")
    assert str(info.value).startswith("sessions/x/plan.toml, line 1: ")
    assert str(refused("names = true\n")) == "plan.toml: The field title is required."


# -- generated plans -------------------------------------------------------------------------

_CHARS = st.characters(codec="utf-8", categories=["L", "N", "P", "S", "Zs"])


def _text(max_size: int, multiline: bool = False) -> st.SearchStrategy[str]:
    alphabet = st.one_of(_CHARS, st.sampled_from('"\\\'#[]{}=\n' if multiline else '"\\\'#[]{}='))
    raw = st.text(alphabet, min_size=1, max_size=max_size)
    clean = raw.map(lambda s: unicodedata.normalize("NFC", s).strip())
    return clean.filter(lambda s: 0 < len(s) <= max_size)


def _labels() -> st.SearchStrategy[list[str]]:
    return st.lists(_text(40), min_size=2, max_size=6,
                    unique_by=lambda s: s.casefold()).filter(
                        lambda ls: len({s.casefold() for s in ls}) == len(ls))


_SHEET_FIELD = st.one_of(
    st.sampled_from([{"id": "title"}, {"id": "goal"}, {"id": "steps"}, {"id": "lead"}]),
    st.builds(lambda ident, label, kind: {"id": ident, "label": label, "type": kind},
              st.from_regex(r"x[a-z0-9_]{0,8}", fullmatch=True), _text(40),
              st.sampled_from(["text", "long", "rows", "date"])))


@st.composite
def _activity(draw: st.DrawFn, earlier: list[ActivitySpec], grouped: bool) -> ActivitySpec:
    """An activity of any kind; item kinds may take their items from an earlier one. In a
    plan with groups it may run per group, and then takes items only from the plenary."""
    title = draw(_text(60))
    prompt = draw(st.one_of(st.just(""), _text(120, multiline=True)))
    key = draw(st.one_of(st.none(), st.just(f"k{len(earlier) + 1}")))
    kind = draw(st.sampled_from(["ideas", "poll", "dots", "ranking", "consent", "words", "qa",
                                 "measure"]))
    per_group = grouped and draw(st.booleans())
    config: dict[str, object]
    if kind == "ideas":
        config = draw(st.fixed_dictionaries({}, optional={
            "live_wall": st.booleans(), "max_per_participant": st.integers(1, 100),
            "premoderation": st.booleans(), "support": st.booleans(),
            "clusters": _labels()}))
    elif kind == "poll":
        labels = draw(_labels())
        config = {"options": labels}
        if draw(st.booleans()):
            config["multiple"] = True
            config["max_choices"] = draw(st.integers(1, len(labels)))
    elif kind in ("dots", "ranking"):
        takes = ["all", f"top:{draw(st.integers(1, 50))}"]
        sources = [(a, take) for a in earlier if a.key and not (per_group and a.per_group)
                   for take in [*takes, *(f"cluster:{c}" for c in a.config.get("clusters", []))]
                   if read_source({"take": take, "from": a.key}).kind_gives(KINDS[a.kind])]
        if draw(st.booleans()) and sources:
            source, take = draw(st.sampled_from(sources))
            config = {"items": {"from": source.key, "take": take}}
        else:
            config = {"items": draw(_labels())}
        if kind == "dots":
            config["dots"] = draw(st.integers(3, 50))
            config["per_item"] = draw(st.integers(1, 3))
    elif kind == "consent":
        config = draw(st.fixed_dictionaries({}, optional={
            "secret": st.booleans(), "majority": st.sampled_from(["simple", "two_thirds"]),
            "quorum": st.integers(0, 100)}))
    elif kind == "words":
        config = draw(st.fixed_dictionaries({}, optional={"max_words": st.integers(1, 3)}))
    elif kind == "measure":
        config = draw(st.fixed_dictionaries({}, optional={"fields": st.lists(
            _SHEET_FIELD, min_size=1, max_size=5, unique_by=lambda f: f["id"])}))
    else:
        config = draw(st.fixed_dictionaries({}, optional={"premoderation": st.booleans()}))
    return ActivitySpec(kind, title, prompt, config, key=key, per_group=per_group)


@st.composite
def _plans(draw: st.DrawFn) -> Plan:
    phases: list[Phase] = []
    earlier: list[ActivitySpec] = []
    # Group names are compared the way the loader does: case and spacing aside.
    groups = tuple(draw(st.one_of(st.just([]), st.lists(
        _text(40), min_size=1, max_size=5, unique_by=lambda s: " ".join(s.split()).casefold()))))
    for _ in range(draw(st.integers(0, 4))):
        activities = []
        for _ in range(draw(st.integers(0, 3))):
            activities.append(draw(_activity(earlier, bool(groups))))
            earlier.append(activities[-1])
        minutes = draw(st.one_of(st.none(), st.integers(1, 600)))
        phases.append(Phase(
            draw(_text(60)), minutes, draw(st.one_of(st.just(""), _text(200, multiline=True))),
            tuple(activities), draw(st.one_of(st.none(), st.integers(1, minutes or 600)))))
    return Plan(draw(_text(80)), draw(st.sampled_from(["de", "en"])), draw(st.booleans()),
                draw(st.one_of(st.none(), st.from_regex(r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?",
                                                        fullmatch=True))),
                tuple(phases), groups, bool(groups) and draw(st.booleans()),
                draw(st.one_of(st.just(""), _text(120))),
                tuple(draw(st.lists(_text(40), max_size=3))))


@settings(max_examples=60, deadline=None)
@given(_plans())
def test_generated_plans_round_trip(plan: Plan) -> None:
    assert load_plan(dump_plan(plan)) == plan


@settings(max_examples=60, deadline=None)
@given(_plans(), st.data())
def test_an_unknown_key_anywhere_is_found(plan: Plan, data: st.DataObject) -> None:
    """Put a stray key into a random table of a generated plan: the error is at its line."""
    lines = dump_plan(plan).splitlines()
    headers = [n for n, line in enumerate(lines) if line.strip().startswith("[[")]
    at = data.draw(st.sampled_from([-1, *headers]))
    lines.insert(at + 1, "stray = 1")
    error = refused("\n".join(lines) + "\n")
    assert error.line == at + 2
    phases = sum(1 for n in headers if n <= at and lines[n] == "[[phases]]")
    if at < 0:
        assert error.field == "stray"
    elif lines[at] == "[[phases]]":
        assert error.field == f"phases[{phases}].stray"
    else:
        phase_start = max(n for n in headers if n <= at and lines[n] == "[[phases]]")
        activity = sum(1 for n in headers if phase_start < n <= at)
        assert error.field == f"phases[{phases}].activities[{activity}].stray"


_TOMLISH = st.text(st.sampled_from('[]{}"\'=#.,\n \tabctitlephases0123-_\\'), max_size=200)


@settings(max_examples=150, deadline=None)
@given(st.one_of(_TOMLISH, st.text(max_size=100),
                 st.builds(lambda a, b: a + b, st.just(FULL), _TOMLISH)))
def test_any_text_loads_or_gives_a_plan_error(text: str) -> None:
    try:
        load_plan(text)
    except PlanError as error:
        assert error.line is None or 1 <= error.line <= text.count("\n") + 1


# -- the documentation -----------------------------------------------------------------------

DOCS = Path(__file__).resolve().parents[2] / "docs" / "plans.md"


def _toml_blocks() -> list[str]:
    parts = DOCS.read_text("utf-8").split("```toml\n")[1:]
    return [part.split("```", 1)[0] for part in parts]


def test_the_documented_plans_load() -> None:
    short, sheet, grouped, *settings, coming = _toml_blocks()
    plan = load_plan(short)
    assert [a.kind for a in plan.activities] == ["qa", "ideas", "dots"]
    fields = load_plan('title = "t"\n[[phases]]\ntitle = "a"\n[[phases.activities]]\n'
                       f'kind = "measure"\ntitle = "Fahrplan"\n{sheet}').activities[0]
    assert [f["id"] for f in fields.config["fields"]] == ["title", "steps", "first_step", "lead"]
    plan = load_plan(grouped)
    assert plan.groups and plan.group_choice
    assert [(a.kind, a.per_group) for a in plan.activities] == [("ideas", True), ("dots", False)]
    assert settings
    for setting in settings:  # the examples of `items`
        load_plan('title = "t"\n[[phases]]\ntitle = "a"\n[[phases.activities]]\n'
                  'kind = "ideas"\nkey = "massnahmen"\ntitle = "i"\n[[phases.activities]]\n'
                  f'kind = "dots"\ntitle = "d"\n{setting}')
    error = refused(coming)
    assert error.message == "The field {field} is planned but not supported yet."


def test_every_key_is_documented() -> None:
    from facilitator.domain import plan as module

    text = DOCS.read_text("utf-8")
    settings = {
        "measure": ("fields",),
        "ideas": ("live_wall", "max_per_participant", "premoderation", "support", "clusters"),
        "poll": ("options", "multiple", "max_choices"),
        "dots": ("items", "dots", "per_item"), "ranking": ("items", "top"),
        "scale": ("items", "criteria", "min", "max", "labels"),
        "matrix": ("items", "x", "y", "steps"), "consent": ("secret", "majority", "quorum"),
        "words": ("max_words",), "qa": ("premoderation",)}
    keys = {*module.ROOT_KEYS, *module.PHASE_KEYS, *module.ACTIVITY_KEYS,
            *(k for keys in settings.values() for k in keys), *module.MISPLACED_KEYS,
            *module.MISPLACED_PHASE_KEYS,
            *(k for keys in module.PLANNED_KEYS.values() for k in keys), *module.PLANNED_KINDS}
    assert {k for k in keys if f"`{k}`" not in text} == set()
    for kind, names in settings.items():  # each kind's first table lists exactly its settings
        section = text.split(f'### `kind = "{kind}"`')[1].split("\n#")[0]
        table = section[section.index("| key |"):].split("\n\n")[0]
        assert set(re.findall(r"^\| `(\w+)` \|", table, re.M)) == set(names), kind


def test_the_default_measure_sheet_is_documented() -> None:
    from facilitator.domain.activities.measure import DEFAULT_FIELDS

    section = DOCS.read_text("utf-8").split('### `kind = "measure"`')[1].split("\n#")[0]
    table = section[section.index("| `id` | label |"):].split("\n\n")[0]
    rows = re.findall(r"^\| `(\w+)` \| (.+?) \| (\w+), (\d+) \|$", table, re.M)
    assert rows == [(f["id"], f["label"], f["type"], str(f["limit"])) for f in DEFAULT_FIELDS]


def test_every_kind_is_documented() -> None:
    from facilitator.domain.activities import KINDS

    text = DOCS.read_text("utf-8")
    assert {k for k in KINDS if f'### `kind = "{k}"`' not in text} == set()
