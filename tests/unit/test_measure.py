"""Measure sheets: fields and their values, edits from several phones at once (a stale version
is refused with the current state and changes nothing), what every audience sees."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from facilitator.domain.activities import KINDS
from facilitator.domain.activities.measure import DEFAULT_FIELDS
from facilitator.domain.errors import ActivityClosed, Conflict, Invalid, NotFound
from facilitator.domain.model import Actor
from facilitator.domain.session import SessionState
from tests.unit.helpers import MOD, Scene

MEASURE = KINDS["measure"]
CUSTOM: list[dict[str, Any]] = [
    {"id": "name", "label": "Name", "type": "text", "limit": 20},
    {"id": "notes", "label": "Notizen", "type": "long", "limit": 50},
    {"id": "start", "label": "Beginn", "type": "date"},
    {"id": "plan", "label": "Plan", "type": "rows", "limit": 3}]


def sheet(scene: Scene, audience: str = "moderator") -> dict[str, Any]:
    view = scene.state.view(audience)  # type: ignore[arg-type]
    return view["activities"][0]["sheet"]  # type: ignore[no-any-return]


def values(scene: Scene) -> dict[str, Any]:
    return {ident: entry["value"] for ident, entry in sheet(scene).items()}


def setup(fields: list[dict[str, Any]] | None = None) -> tuple[Scene, str, list[Actor]]:
    scene = Scene().live()
    phones = scene.join(2)
    config = {} if fields is None else {"fields": fields}
    return scene, scene.activity("measure", **config), phones


# -- config ------------------------------------------------------------------------------

def test_default_fields_follow_a_municipal_measure_sheet() -> None:
    config = MEASURE.make_config({})
    assert [f["id"] for f in config["fields"]] == [
        "title", "goal", "steps", "lead", "cost", "target_groups", "conflicts", "indicators"]
    assert config["fields"][0] == {"id": "title", "label": "Titel der Maßnahme",
                                   "type": "text", "limit": 200}
    assert config == {"fields": [dict(f) for f in DEFAULT_FIELDS]}


def test_custom_fields() -> None:
    config = MEASURE.make_config({"fields": [
        *CUSTOM, {"id": "goal"}, {"id": "title", "type": "long"}]})
    fields = config["fields"]
    assert fields[2] == {"id": "start", "label": "Beginn", "type": "date", "limit": None}
    assert fields[4] == {"id": "goal", "label": "Ziel und Inhalt", "type": "long",
                         "limit": 4000}, "a default id alone picks the default field"
    assert fields[5]["limit"] == 2000, "a default's limit goes with its type"
    assert MEASURE.make_config({"fields": [{"id": "x", "label": " Neu ", "type": "rows"}]}) \
        == {"fields": [{"id": "x", "label": "Neu", "type": "rows", "limit": 30}]}


@pytest.mark.parametrize("raw", [
    {"fields": []},
    {"fields": [{"id": f"f{n}", "label": "x", "type": "text"} for n in range(21)]},
    {"fields": "title"},
    {"fields": [{"id": "Titel", "label": "x", "type": "text"}]},
    {"fields": [{"id": "a" * 31, "label": "x", "type": "text"}]},
    {"fields": [{"id": "x", "label": "x", "type": "text"}, {"id": "x", "label": "y",
                                                            "type": "long"}]},
    {"fields": [{"id": "x", "label": "x", "type": "number"}]},
    {"fields": [{"id": "x", "label": "x"}]},
    {"fields": [{"id": "x", "type": "text"}]},
    {"fields": [{"id": "x", "label": "", "type": "text"}]},
    {"fields": [{"id": "x", "label": "x" * 81, "type": "text"}]},
    {"fields": [{"id": "x", "label": "x", "type": "text", "limit": 0}]},
    {"fields": [{"id": "x", "label": "x", "type": "text", "limit": 1001}]},
    {"fields": [{"id": "x", "label": "x", "type": "long", "limit": 5001}]},
    {"fields": [{"id": "x", "label": "x", "type": "rows", "limit": 31}]},
    {"fields": [{"id": "x", "label": "x", "type": "text", "limit": True}]},
    {"fields": [{"id": "x", "label": "x", "type": "date", "limit": 10}]},
    {"fields": [{"id": "x", "label": "x", "type": "text", "required": True}]},
    {"fields": ["title"]},
    {"rows": 3},
])
def test_bad_configs_are_refused(raw: dict[str, Any]) -> None:
    with pytest.raises(Invalid) as refusal:
        MEASURE.make_config(raw)
    assert str(refusal.value)


# -- values ------------------------------------------------------------------------------

VALID: list[tuple[str, Any, Any]] = [
    ("name", "  Klimaschutzhaus ", "Klimaschutzhaus"),
    ("name", "Cafe\u0301", "Café"),  # stored in NFC
    ("name", "x" * 20, "x" * 20),
    ("name", "   ", ""),  # emptied again
    ("notes", "Zeile 1\r\nZeile 2\n", "Zeile 1\nZeile 2"),
    ("notes", "", ""),
    ("start", "2026-03-31", "2026-03-31"),
    ("start", " 2024-02-29 ", "2024-02-29"),
    ("start", "", ""),
    ("plan", [], []),
    ("plan", [{"step": " Konzept ", "date": "2026-06-30"}, {"step": "Eröffnung"},
              {"date": "2027-01-01"}],
     [{"step": "Konzept", "date": "2026-06-30"}, {"step": "Eröffnung", "date": ""},
      {"step": "", "date": "2027-01-01"}]),
    ("plan", [{"step": "", "date": ""}, {"step": "a", "date": ""}, {"step": " "}, {}, {},
              {"step": "b", "date": ""}],
     [{"step": "a", "date": ""}, {"step": "b", "date": ""}]),  # blank rows are not content
]


@pytest.mark.parametrize(("ident", "value", "stored"), VALID)
def test_valid_values_are_stored_normalised(ident: str, value: Any, stored: Any) -> None:
    scene, measure, (ana, _) = setup(CUSTOM)
    if stored in ("", []):  # a field that is empty already: an edit that changes nothing
        log = len(scene.log)
        assert scene.run("sheet.edit", ana, activity=measure, field=ident, value=value,
                         version=0) == {"version": 0}
        assert len(scene.log) == log
        return
    assert scene.run("sheet.edit", ana, activity=measure, field=ident, value=value,
                     version=0) == {"version": 1}
    assert values(scene)[ident] == stored
    scene.run("sheet.edit", ana, activity=measure, field=ident, value=value, version=1)
    assert sheet(scene)[ident]["version"] == 1, "the same value again records nothing"


INVALID: list[tuple[str, Any]] = [
    ("name", "x" * 21), ("name", "zwei\nZeilen"), ("name", "a\x00b"), ("name", None),
    ("name", 5), ("name", ["a"]),
    ("notes", "x" * 51), ("notes", "tab\there"), ("notes", {"text": "x"}),
    ("start", "2026-02-30"), ("start", "31.03.2026"), ("start", "20260331"),
    ("start", "2026-W13-2"), ("start", "٢٠٢٦-٠٣-٣١"), ("start", "0000-01-01"), ("start", None),
    ("start", 20260331),
    ("plan", "Konzept"), ("plan", None), ("plan", ["Konzept"]),
    ("plan", [{"step": "a", "date": "morgen"}]), ("plan", [{"step": "a", "who": "p1"}]),
    ("plan", [{"step": "x" * 301}]), ("plan", [{"step": "a\nb"}]), ("plan", [{"step": 3}]),
    ("plan", [{"step": str(n)} for n in range(4)]),
]


@pytest.mark.parametrize(("ident", "value"), INVALID)
def test_invalid_values_are_refused(ident: str, value: Any) -> None:
    scene, measure, (ana, _) = setup(CUSTOM)
    before = len(scene.log)
    refusal = scene.attempt("sheet.edit", ana, activity=measure, field=ident, value=value,
                            version=0)
    assert isinstance(refusal, Invalid), refusal
    assert "field" in refusal.params and len(scene.log) == before


def test_unknown_fields_and_bad_versions() -> None:
    scene, measure, (ana, _) = setup()
    assert isinstance(scene.attempt("sheet.edit", ana, activity=measure, field="budget",
                                    value="x", version=0), NotFound)
    for version in (None, -1, "0", True, 1.0):
        refusal = scene.attempt("sheet.edit", ana, activity=measure, field="title",
                                value="x", version=version)
        assert isinstance(refusal, Invalid) and refusal.params == {"field": "version"}
    refusal = scene.attempt("sheet.edit", ana, activity=measure, field="title", value="x")
    assert isinstance(refusal, Invalid)


# -- editing together --------------------------------------------------------------------

def test_concurrent_edits_the_first_wins_the_second_sees_it() -> None:
    scene, measure, (ana, ben) = setup()
    scene.clock = 1_700_000_000.0
    assert scene.run("sheet.edit", ana, activity=measure, field="title",
                     value="Klimaschutzhaus", version=0) == {"version": 1}
    log, before = len(scene.log), sheet(scene)
    refusal = scene.attempt("sheet.edit", ben, activity=measure, field="title",
                            value="Anlaufstelle Klimaschutz", version=0)
    assert isinstance(refusal, Conflict) and refusal.code == "conflict"
    assert refusal.message == "Someone else changed this field meanwhile."
    assert refusal.details == {"field": "title", "current": {
        "value": "Klimaschutzhaus", "version": 1, "by": ana.participant,
        "at": "2023-11-14T22:13:21.000Z"}}
    assert len(scene.log) == log and sheet(scene) == before, "nothing changed"
    # Ben read the current state and continues from it.
    assert scene.run("sheet.edit", ben, activity=measure, field="title",
                     value="Anlaufstelle Klimaschutz", version=1) == {"version": 2}
    # Other fields have versions of their own.
    assert scene.run("sheet.edit", ana, activity=measure, field="cost", value="50.000 €",
                     version=0) == {"version": 1}
    # A version from the future is not the current one either.
    assert isinstance(scene.attempt("sheet.edit", ana, activity=measure, field="cost",
                                    value="60.000 €", version=5), Conflict)


def test_an_edit_to_the_current_value_is_acked_even_from_a_stale_version() -> None:
    scene, measure, (ana, ben) = setup()
    scene.run("sheet.edit", ana, activity=measure, field="lead", value="Umweltamt", version=0)
    log = len(scene.log)
    assert scene.run("sheet.edit", ben, activity=measure, field="lead", value=" Umweltamt",
                     version=0) == {"version": 1}
    assert len(scene.log) == log and sheet(scene)["lead"]["by"] == ana.participant


def test_the_moderator_edits_in_any_state_participants_only_while_active() -> None:
    scene, measure, (ana, _) = setup()
    scene.run("sheet.edit", ana, activity=measure, field="title", value="A", version=0)
    scene.run("activity.lock", activity=measure)
    assert isinstance(scene.attempt("sheet.edit", ana, activity=measure, field="title",
                                    value="B", version=1), ActivityClosed)
    assert scene.run("sheet.edit", MOD, activity=measure, field="title", value="B",
                     version=1) == {"version": 2}
    assert sheet(scene)["title"]["by"] is None
    edited = scene.log[-1]
    assert edited.type == "sheet.edited" and edited.data == {
        "activity": measure, "field": "title", "value": "B", "version": 2,
        "participant": None}


# -- seeing ------------------------------------------------------------------------------

def test_every_audience_sees_the_sheet_and_every_edit() -> None:
    scene, measure, (ana, _) = setup(CUSTOM)
    empty = {"value": "", "version": 0, "by": None, "at": None}
    assert sheet(scene, "participant")["name"] == empty
    assert sheet(scene, "presenter")["plan"] == {**empty, "value": []}
    rows = [{"step": "Konzept", "date": "2026-06-30"}]
    scene.run("sheet.edit", ana, activity=measure, field="plan", value=rows, version=0)
    event = scene.log[-1]
    for audience in ("moderator", "presenter", "participant"):
        entry = sheet(scene, audience)["plan"]
        assert entry["value"] == rows and entry["by"] == ana.participant
        projected = scene.state.project(event, audience)
        assert projected == {"activity": measure, "field": "plan", "value": rows,
                             "version": 1, "by": ana.participant, "at": entry["at"]}
        view = scene.state.view(audience)["activities"][0]
        assert [f["id"] for f in view["config"]["fields"]] == ["name", "notes", "start", "plan"]
        assert view["results"]["filled"] == 1, "the group sees what is still missing"
    assert scene.state.mine(ana.participant or "") == {}


def test_results_are_the_sheet() -> None:
    scene, measure, (ana, ben) = setup(CUSTOM)
    results = scene.state.view("moderator")["activities"][0]["results"]
    assert results == {"sheet": {"name": "", "notes": "", "start": "", "plan": []},
                       "complete": False, "filled": 0, "total": 4}
    for who, (ident, value) in zip([ana, ben, ana, ben], [
            ("name", "Haus"), ("notes", "x"), ("start", "2026-01-01"),
            ("plan", [{"step": "a"}])], strict=True):
        scene.run("sheet.edit", who, activity=measure, field=ident, value=value, version=0)
    results = scene.state.view("presenter")["activities"][0]["results"]
    assert results["complete"] is True and results["filled"] == results["total"] == 4
    assert results["sheet"]["plan"] == [{"step": "a", "date": ""}]
    scene.run("sheet.edit", ana, activity=measure, field="notes", value="", version=1)
    results = scene.state.view("presenter")["activities"][0]["results"]
    assert results["complete"] is False and results["filled"] == 3
    assert MEASURE.is_tallied(scene.state.activities[measure]) is False


# -- any sequence of edits ---------------------------------------------------------------

FIELDS = [{"id": "a", "label": "A", "type": "text", "limit": 10},
          {"id": "b", "label": "B", "type": "rows", "limit": 2}]
TEXTS = ["", "x", " x ", "y", "z" * 11]
ROWS = [[], [{"step": "x"}], [{"step": "x", "date": ""}], [{"step": "y"}],
        [{"step": "1"}, {"step": "2"}, {"step": "3"}]]
# (editor: 0-2 phones, 3 the moderator; field; value index; version: None = fresh, else as is)
edit = st.tuples(st.integers(0, 3), st.sampled_from(["a", "b"]), st.integers(0, 4),
                 st.none() | st.integers(0, 6))


@settings(max_examples=150, deadline=None)
@given(st.lists(edit, max_size=40))
def test_no_edit_is_based_on_a_stale_version(edits: list[tuple[int, str, int, int | None]]
                                             ) -> None:
    scene = Scene().live()
    actors = [*scene.join(3), MOD]
    measure = scene.activity("measure", fields=FIELDS)
    last: dict[str, tuple[Any, int]] = {"a": ("", 0), "b": ([], 0)}
    for who, ident, index, version in edits:
        current = sheet(scene)[ident]
        sent = current["version"] if version is None else version
        value = (TEXTS if ident == "a" else ROWS)[index]
        log, before = len(scene.log), sheet(scene)
        try:
            result = scene.run("sheet.edit", actors[who], activity=measure, field=ident,
                               value=value, version=sent)
        except Conflict as refusal:
            assert sent != current["version"]
            assert refusal.details == {"field": ident, "current": current}
            assert len(scene.log) == log and sheet(scene) == before
            continue
        except Invalid:
            assert len(scene.log) == log and sheet(scene) == before
            continue
        if len(scene.log) == log:  # the same value: acked, nothing recorded
            assert result == {"version": current["version"]} and sheet(scene) == before
            continue
        assert sent == current["version"], "an accepted edit starts from the current version"
        assert result == {"version": current["version"] + 1}
        last[ident] = (scene.log[-1].data["value"], result["version"])
    # Per field, the accepted edits have versions 1, 2, 3, … with no gap and no repeat.
    for ident in ("a", "b"):
        versions = [e.data["version"] for e in scene.log
                    if e.type == "sheet.edited" and e.data["field"] == ident]
        assert versions == list(range(1, len(versions) + 1))
    final = sheet(scene)
    assert {ident: (final[ident]["value"], final[ident]["version"]) for ident in final} == last
    rebuilt = SessionState.from_events(scene.log)
    for audience in ("moderator", "presenter", "participant"):
        assert rebuilt.view(audience) == scene.state.view(audience)
