"""Each kind's results in the documentation, checked against the event log: ideas by cluster
with support and duplicates, questions, words, scale, matrix, ranking; per-group results of
groups deleted later; input to a draft."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest

from facilitator.archive import build_report, write_archive
from facilitator.archive.csvfiles import render_csv
from facilitator.archive.html import render_html
from facilitator.archive.markdown import render_markdown
from facilitator.archive.report import (
    ConsentResult,
    DotsResult,
    IdeasResult,
    MatrixResult,
    QaResult,
    RankingResult,
    ScaleResult,
    SheetResult,
    WordsResult,
)
from tests.unit.test_archive_scene import Workshop, workshop


@pytest.fixture(scope="module")
def scene() -> Workshop:
    return workshop()


@pytest.fixture(scope="module")
def files(scene: Workshop, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("archive") / "klimalabor"
    paths = write_archive(scene.log, folder)
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in paths}


def activity(files: dict[str, bytes], kind: str) -> dict[str, Any]:
    data = json.loads(files["results.json"])
    found: dict[str, Any] = next(a for a in data["activities"] if a["kind"] == kind)
    return found


def rows(blob: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(blob.decode("utf-8-sig")), delimiter=";"))


def test_ideas_by_cluster_with_support_and_duplicates(files: dict[str, bytes]) -> None:
    ideas = activity(files, "ideas")
    mobility, energy = (i["result"] for i in ideas["instances"])
    assert mobility["clusters"] == [
        {"id": "c1", "name": "Verkehr", "ideas": [
            {"id": "i1", "text": "Tempo 30 vor Schulen", "support": 1, "pinned": False,
             "also": ["Tempo 30 an Schulen"]}]},
        {"id": None, "name": None, "ideas": [
            {"id": "i3", "text": "Mehr Carsharing", "support": 1, "pinned": False,
             "also": []}]}]
    assert (mobility["count"], mobility["hidden"], mobility["pending"]) == (2, 1, 0)
    assert energy["count"] == 2 and energy["hidden"] == 0
    readme = files["README.md"].decode()
    assert "Werbung" not in readme  # hidden
    assert ("- Tempo 30 vor Schulen — 1 Unterstützung  \n  auch genannt: Tempo 30 an Schulen"
            in readme)
    assert "1 Beitrag wurde von der Moderation ausgeblendet." in readme


def test_withdrawn_pending_and_hidden_ideas_are_left_out() -> None:
    s = Workshop().live()
    ada, ben = s.person(), s.person()
    ideas = s.create("ideas", "Ideen", premoderation=True)
    s.run("activity.activate", activity=ideas)
    kept = s.run("idea.add", ada, activity=ideas, text="Bleibt")["idea"]
    s.run("idea.approve", activity=ideas, idea=kept)
    s.run("idea.add", ada, activity=ideas, text="Wartet")
    gone = s.run("idea.add", ben, activity=ideas, text="Zurückgezogen")["idea"]
    s.run("idea.approve", activity=ideas, idea=gone)
    s.run("idea.withdraw", ben, activity=ideas, idea=gone)
    dup = s.run("idea.add", ben, activity=ideas, text="Doppelt, aber ausgeblendet")["idea"]
    s.run("idea.merge", activity=ideas, idea=dup, into=kept)
    s.run("idea.hide", activity=ideas, idea=dup)
    result = build_report(s.log).activities[0].instances[0].result
    assert isinstance(result, IdeasResult)
    assert [[i.text for i in c.ideas] for c in result.clusters] == [["Bleibt"]]
    assert result.clusters[0].ideas[0].also == [] and result.clusters[0].ideas[0].support is None
    assert (result.count, result.hidden, result.pending) == (1, 1, 1)


def test_questions_open_and_answered(files: dict[str, bytes]) -> None:
    result = activity(files, "qa")["instances"][0]["result"]
    assert [(q["text"], q["votes"]) for q in result["open"]] == [("Wer zahlt das?", 2)]
    assert [(q["text"], q["votes"]) for q in result["answered"]] == [("Wann geht es los?", 1)]
    assert result["hidden"] == 1
    readme = files["README.md"].decode()
    assert "- Wer zahlt das? — 2 Stimmen" in readme and "Unpassend" not in readme
    assert rows(files["csv/02-fragen-zum-input.csv"])[1:] == [
        ["Wer zahlt das?", "2", "offen", ""], ["Wann geht es los?", "1", "beantwortet", ""]]


def test_words_as_a_frequency_list_without_hidden_words(files: dict[str, bytes]) -> None:
    result = activity(files, "words")["instances"][0]["result"]
    assert result["words"] == [{"word": "Radverkehr", "count": 2},
                               {"word": "Geld", "count": 1}, {"word": "Zukunft", "count": 1}]
    assert result["hidden"] == 1
    assert "Pflicht" not in files["README.md"].decode()
    assert rows(files["csv/01-klimaschutz-ist-fuer-mich.csv"]) == [
        ["Wort", "Nennungen"], ["Radverkehr", "2"], ["Geld", "1"], ["Zukunft", "1"]]


def test_scale_statistics_and_cant_judge(scene: Workshop) -> None:
    report = build_report(scene.log)
    result = report.activities[7].instances[0].result
    assert isinstance(result, ScaleResult)
    impact = result.items[0].criteria[0]
    assert (impact.n, impact.mean, impact.median, impact.distribution, impact.cant_judge) == (
        2, 4.5, 4.5, [0, 0, 0, 1, 1], 1)
    readme = render_markdown(report)
    assert "| 1 (gering) | 2 | 3 | 4 | 5 (hoch) | kann ich nicht beurteilen |" in readme
    assert "| A | 2 | 4,5 | ████████▊ | 4,5 | 0 | 0 | 0 | 1 | 1 | 1 |" in readme
    assert ["A", "Wirkung", "2", "4,5", "4,5", "0", "0", "0", "1", "1", "1"] in rows(
        render_csv(report, report.activities[7]))


def test_matrix_means_and_spread(scene: Workshop) -> None:
    report = build_report(scene.log)
    result = report.activities[8].instances[0].result
    assert isinstance(result, MatrixResult)
    a = result.items[0]
    # Ada put A at (2, 5), Ben at (4, 4): means 3 and 4.5, standard deviations 1 and 0.5.
    assert (a.n, a.x, a.y, a.sx, a.sy) == (2, 3.0, 4.5, 1.0, 0.5)
    html = render_html(report)
    assert html.count('<ellipse class="spread"') == 2


def test_ranking_ties_share_a_rank(scene: Workshop) -> None:
    result = build_report(scene.log).activities[6].instances[0].result
    assert isinstance(result, RankingResult)
    assert [(e.item.label, e.points, e.rank) for e in result.items] == [
        ("A", 5, 1), ("B", 5, 1), ("C", 2, 3)]


def test_every_kind_is_documented(scene: Workshop) -> None:
    report = build_report(scene.log)
    kinds = {a.kind: type(a.instances[0].result) for a in report.activities}
    assert kinds["dots"] is DotsResult and kinds["consent"] is ConsentResult
    assert kinds["words"] is WordsResult and kinds["qa"] is QaResult
    assert kinds["measure"] is SheetResult and len(kinds) == 10
    first = report.activities[0]
    assert (first.activated, first.locked) == ("2026-11-21T09:12:14.000+01:00",
                                               "2026-11-21T09:12:20.000+01:00")
    assert report.activities[9].revealed is not None
    assert report.activities[9].locked == report.session.closed  # closing locked it


def test_a_deleted_groups_results_stay() -> None:
    s = Workshop().live()
    s.run("group.create", name="Bleibt")
    s.run("group.create", name="Geht")
    ada, ben = s.person(), s.person()
    s.run("group.assign", participant=ada.participant, group="g1")
    s.run("group.assign", participant=ben.participant, group="g2")
    words = s.create("words", "Wörter", per_group=True)
    s.run("activity.activate", activity=words)
    s.run("words.submit", ben, activity=words, words=["Abschied"])
    s.run("group.delete", group="g2")
    report = build_report(s.log)
    assert [(g.name, g.deleted) for g in report.groups] == [("Bleibt", False), ("Geht", True)]
    assert [i.group_name for i in report.activities[0].instances] == ["Bleibt", "Geht"]
    assert "Abschied" in render_markdown(report)


def test_moderator_input_to_a_draft_sheet_is_documented() -> None:
    s = Workshop().live()
    sheet = s.create("measure", "Vorbereitet", fields=[{"id": "title"}])
    s.run("sheet.edit", activity=sheet, field="title", value="Vorab", version=0)
    report = build_report(s.log)
    assert [a.title for a in report.activities] == ["Vorbereitet"]
