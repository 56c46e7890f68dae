"""The documentation says what happened: every number and text is checked against what the
event log itself says (computed here from the events, not from the archive's code)."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from facilitator.archive import build_report, write_archive
from facilitator.archive import report as schema
from facilitator.archive.html import render_html
from facilitator.archive.markdown import render_markdown
from facilitator.domain.activities import KINDS
from facilitator.domain.activities.consent import result_line
from facilitator.domain.model import Event
from facilitator.i18n import translations
from tests.unit.test_archive_scene import START, Workshop, workshop


@pytest.fixture(scope="module")
def scene() -> Workshop:
    return workshop()


@pytest.fixture(scope="module")
def files(scene: Workshop, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("archive") / "klimalabor"
    paths = write_archive(scene.log, folder)
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in paths}


def results_json(files: dict[str, bytes]) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(files["results.json"])
    return data


def activity(data: dict[str, Any], kind: str) -> dict[str, Any]:
    found: dict[str, Any] = next(a for a in data["activities"] if a["kind"] == kind)
    return found


def rows(blob: bytes, delimiter: str = ";") -> list[list[str]]:
    assert blob.startswith(b"\xef\xbb\xbf")  # the BOM that makes Excel read UTF-8
    return list(csv.reader(io.StringIO(blob.decode("utf-8-sig")), delimiter=delimiter))


def of(log: list[Event], *types: str) -> list[Event]:
    return [e for e in log if e.type in types]


# -- the things the issue names -----------------------------------------------------------


def test_the_files_written(files: dict[str, bytes]) -> None:
    assert list(files)[:3] == ["README.md", "report.html", "results.json"]
    # Ten activities ran; the poll that stayed a draft is no result.
    assert [name for name in files if name.startswith("csv/")] == [
        "csv/01-klimaschutz-ist-fuer-mich.csv", "csv/02-fragen-zum-input.csv",
        "csv/03-massnahmen-sammeln.csv", "csv/04-umsetzungsfahrplan.csv",
        "csv/05-welches-handlungsfeld-zuerst.csv", "csv/06-punkte-auf-die-ideen.csv",
        "csv/07-reihenfolge.csv", "csv/08-bewertung.csv", "csv/09-wirkung-und-aufwand.csv",
        "csv/10-fahrplan-annehmen.csv"]
    assert b"Nie benutzt" not in files["README.md"]


def test_the_consent_line_is_the_domains(scene: Workshop, files: dict[str, bytes]) -> None:
    ballots: dict[str, str | None] = {}
    for e in of(scene.log, "consent.voted"):
        ballots[e.data["participant"]] = e.data["vote"]
    counts = Counter(v for v in ballots.values() if v)
    state_results = KINDS["consent"].results(scene.state.activities["a10"])
    assert state_results is not None
    assert (state_results["yes"], state_results["no"], state_results["abstain"]) == (
        counts["yes"], counts["no"], counts["abstain"])
    line = result_line(state_results, translations("de").gettext)
    assert line == "Zustimmung 2 · Ablehnung 0 · Enthaltung 1 — angenommen"
    assert f"**{line}**" in files["README.md"].decode()
    assert line in files["report.html"].decode()
    result = activity(results_json(files), "consent")["instances"][0]["result"]
    assert result["line"] == line and result["quorum"] == 3 and result["quorate"] is True
    assert rows(files["csv/10-fahrplan-annehmen.csv"])[1] == ["2", "0", "1", "3", "3",
                                                               "angenommen"]


def test_recorded_votes_name_only_those_who_gave_a_name(files: dict[str, bytes]) -> None:
    result = activity(results_json(files), "consent")["instances"][0]["result"]
    # Ada and Cem gave names; Ben voted without one.
    assert result["recorded"] == [{"name": "Ada", "vote": "yes"},
                                  {"name": "Cem", "vote": "abstain"}]
    assert result["unnamed"] == 1
    readme = files["README.md"].decode()
    assert "Ada: Zustimmung; Cem: Enthaltung; 1 Stimme ohne Namen" in readme
    # Names appear nowhere else, participant ids nowhere at all.
    for name, blob in files.items():
        text = blob.decode("utf-8-sig")
        assert not re.search(r"\bp\d+\b", text), name
        assert text.count("Cem") == (1 if name in {"README.md", "report.html", "results.json"}
                                     else 0), name


def test_dot_totals_follow_the_log(scene: Workshop, files: dict[str, bytes]) -> None:
    placed: dict[tuple[str, str], int] = {}
    for e in of(scene.log, "dots.placed"):
        placed[e.data["participant"], e.data["item"]] = e.data["count"]
    totals = Counter[str]()
    for (_, item), count in placed.items():
        totals[item] += count
    result = activity(results_json(files), "dots")["instances"][0]["result"]
    assert {e["item"]["id"]: e["dots"] for e in result["items"]} == {
        i["id"]: totals[i["id"]] for i in scene.state.activities["a6"].items or ()}
    assert result["dots"] == sum(totals.values())
    assert [e["dots"] for e in result["items"]] == sorted(totals.values(), reverse=True) + [0, 0]
    assert [e["rank"] for e in result["items"]] == [1, 2, 3, 3]
    # Items taken from the groups' ideas say which group they came from.
    assert result["items"][0]["item"] == {"id": "i3", "label": "Mehr Carsharing",
                                          "group": "g1", "group_name": "Mobilität"}
    table = rows(files["csv/06-punkte-auf-die-ideen.csv"])
    assert table[0] == ["Rang", "Eintrag", "Aus Gruppe", "Punkte", "Personen"]
    assert table[1] == ["1", "Mehr Carsharing", "Mobilität", "3", "2"]
    # The items came from groups: a Group column, and the dots as a bar (charts in README.md).
    assert "| 1 | Mehr Carsharing | Mobilität | 3 | ██████████ | 2 |" in files[
        "README.md"].decode()


def test_each_group_has_its_complete_measure_sheet(scene: Workshop,
                                                   files: dict[str, bytes]) -> None:
    last = {(e.data["group"], e.data["field"]): e.data["value"]
            for e in of(scene.log, "sheet.edited")}
    sheet = activity(results_json(files), "measure")
    by_group = {i["group"]: i for i in sheet["instances"]}
    assert list(by_group) == ["g1", "g2"]
    fields = {f["id"]: f for f in by_group["g1"]["result"]["fields"]}
    assert fields["title"]["value"] == last["g1", "title"]
    assert fields["steps"]["value"] == last["g1", "steps"]
    # Every field of the sheet, also the empty ones, with its label.
    assert [f["label"] for f in by_group["g2"]["result"]["fields"]] == [
        f["label"] for f in scene.state.activities["a4"].config["fields"]]
    assert by_group["g2"]["result"]["filled"] == 1
    readme = files["README.md"].decode()
    mobility = readme[readme.index("### Gruppe Mobilität", readme.index("Umsetzungsfahrplan")):]
    for label in ("Titel der Maßnahme", "Zielkonflikte", "Indikatoren für das Monitoring"):
        assert f"**{label}**" in mobility
    assert "| Machbarkeitsstudie | 31\\.03\\.2027 |" not in readme  # dates are not escaped
    assert "| Machbarkeitsstudie | 31.03.2027 |" in readme
    assert "Wärme aus Sonne\\.  \nFür 300 Haushalte\\." in readme  # both lines kept
    table = rows(files["csv/04-umsetzungsfahrplan.csv"])
    assert table[0] == ["Gruppe", "Feld", "Wert", "Datum"]
    assert ["Mobilität", "Umsetzungsschritte und Meilensteine", "Machbarkeitsstudie",
            "2027-03-31"] in table
    assert ["Energie", "Kostenschätzung", "2 Mio. €", ""] in table
    assert len([r for r in table if r[0] == "Energie"]) == 8


def test_agenda_planned_and_actual_minutes(scene: Workshop, files: dict[str, bytes]) -> None:
    starts = of(scene.log, "phase.started", "session.closed")
    actual = {}
    for this, following in zip(starts, starts[1:], strict=False):
        if this.type == "phase.started":
            actual[this.data["phase"]] = round((following.at - this.at) / 60)
    agenda = results_json(files)["agenda"]
    assert [(h["title"], h["planned_minutes"], h["actual_minutes"]) for h in agenda] == [
        ("Ankommen", 10, actual["h1"]), ("Kleingruppen", 30, actual["h2"]),
        ("Abschluss", 20, actual["h3"])]
    assert agenda[2]["activities"] == [5, 6, 7, 8, 9, 10]
    readme = files["README.md"].decode()
    assert f"| Kleingruppen | 30 Min. | {actual['h2']} Min. | 09:21 | 09:45 | 3, 4 |" in readme


def test_a_phase_run_twice_counts_both_runs() -> None:
    s = Workshop()
    s.run("phase.create", title="Eins", minutes=5)
    s.run("phase.create", title="Zwei", minutes=5)
    s.live()
    s.run("phase.start", phase="h1")
    s.wait(10)
    s.run("phase.start", phase="h2")
    s.wait(3)
    s.run("phase.start", phase="h1")
    s.wait(5)
    s.run("session.notes", notes="Die erste Phase lief zweimal.")  # the last event
    report = build_report(s.log)
    assert [(h.actual_minutes, h.ended) for h in report.agenda] == [
        (15, None), (3, report.agenda[1].ended)]
    assert report.agenda[1].ended is not None and report.session.closed is None
    assert "noch nicht geschlossen" in render_markdown(report)


def test_participation_counts_and_joins_per_ten_minutes(scene: Workshop,
                                                         files: dict[str, bytes]) -> None:
    joins = [e.at for e in of(scene.log, "participant.joined")]
    slots = Counter(int((at - START) // 600) for at in joins)  # START is on a 10-minute mark
    data = results_json(files)["participation"]
    assert data["count"] == len(joins) == 4
    assert (data["room"], data["online"], data["unknown"]) == (2, 1, 1)
    assert [(t["start"][11:16], t["joins"]) for t in data["timeline"]] == [
        (f"09:{10 * slot:02d}", n) for slot, n in sorted(slots.items())]
    assert data["timeline"][-1]["total"] == 4
    assert results_json(files)["session"]["mode"] == "hybrid"
    readme = files["README.md"].decode()
    assert "**Teilnehmende:** 4 (2 vor Ort, 1 online, 1 ohne Angabe)" in readme


def test_an_empty_slot_between_joins_is_listed() -> None:
    s = Workshop(place=None)
    s.run("session.open")
    s.person(where="online")
    s.wait(25)
    s.person(where="online")
    report = build_report(s.log)
    assert [(t.start[11:16], t.joins, t.total) for t in report.participation.timeline] == [
        ("09:00", 1, 1), ("09:10", 0, 1), ("09:20", 1, 2)]
    assert report.session.mode == "online"
    assert "**Ort:** online" in render_markdown(report)










def test_place_moderators_and_notes(files: dict[str, bytes]) -> None:
    readme = files["README.md"].decode()
    assert readme.startswith("# Simulationslabor Klimaschutz\n")
    assert "**Datum:** 21.11.2026, 09:12–10:04  \n" in readme
    assert "**Ort:** Rathaus Musterstadt, Sitzungssaal 2 (hybrid)  \n" in readme
    assert "**Moderation:** Kim Berger, Jo Lee  \n" in readme
    assert "## Notizen der Moderation\n\nNächster Termin im Januar\\.  \nProtokoll an alle\\." \
        in readme
    data = results_json(files)
    assert data["notes"] == "Nächster Termin im Januar.\nProtokoll an alle."
    assert data["session"]["moderators"] == ["Kim Berger", "Jo Lee"]


def test_no_device_tokens_or_participant_records(files: dict[str, bytes]) -> None:
    text = files["results.json"].decode()
    for key in ('"author"', '"participant"', '"token"', '"by"', '"voters_list"'):
        assert key not in text


def test_english_session_dates_and_numbers(tmp_path: Path) -> None:
    s = workshop("en")
    report = build_report(s.log)
    readme = render_markdown(report)
    assert "**Date:** 21 Nov 2026, 09:12–10:04  \n" in readme
    assert "Yes 2 · No 0 · Abstain 1 — accepted" in readme
    assert "| A | 2 | 4.5 | ████████▊ | 4.5 |" in readme
    paths = write_archive(s.log, tmp_path)
    scale_csv = next(p for p in paths if p.name == "08-bewertung.csv")
    table = rows(scale_csv.read_bytes(), delimiter=",")
    assert table[0][:5] == ["Item", "Criterion", "Ratings", "Mean", "Median"]
    assert table[1][:5] == ["A", "Wirkung", "2", "4.5", "4.5"]
    assert b"21 Nov 2026" in (tmp_path / "report.html").read_bytes()


def test_times_are_shown_in_the_given_time_zone(scene: Workshop) -> None:
    report = build_report(scene.log, timezone="UTC")
    assert report.session.started == "2026-11-21T08:12:11.000+00:00"
    assert "**Datum:** 21.11.2026, 08:12–09:04" in render_markdown(report)
    assert "Zeitangaben: UTC" in render_markdown(report)



def test_a_session_that_only_was_created() -> None:
    s = Workshop(place=None, moderators=[])
    report = build_report(s.log)
    assert report.activities == [] and report.agenda == [] and report.participation.count == 0
    readme = render_markdown(report)
    assert "Niemand ist beigetreten." in readme and "**Ort:** vor Ort" in readme
    assert "<html" in render_html(report)



def test_a_log_with_a_gap_is_refused(scene: Workshop) -> None:
    with pytest.raises(ValueError):
        build_report([scene.log[0], scene.log[2]])
    with pytest.raises(ValueError):
        build_report([])


def test_every_field_of_results_json_is_documented() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "archive.md").read_text("utf-8")
    classes = [c for c in vars(schema).values()
               if isinstance(c, type) and dataclasses.is_dataclass(c)]
    assert len(classes) > 20
    missing = sorted({f.name for c in classes for f in dataclasses.fields(c)
                      if f"`{f.name}`" not in docs and f'"{f.name}"' not in docs})
    assert not missing, f"fields of results.json missing from docs/archive.md: {missing}"
