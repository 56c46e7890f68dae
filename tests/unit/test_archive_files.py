"""The archive is a pure function of the event log: the same events give byte-identical files
and zips, whatever the folder, the process or its hash seed; and the CSV files open right in a
German or an English spreadsheet."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
import zipfile
from io import BytesIO
from pathlib import Path

import pytest

from facilitator.archive import build_report, write_archive, zip_archive
from tests.unit.test_archive_scene import Workshop, workshop

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def scene() -> Workshop:
    return workshop()


def _read(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_same_log_same_bytes(scene: Workshop, tmp_path: Path) -> None:
    first = write_archive(scene.log, tmp_path / "a" / "klimalabor")
    # The same events rebuilt from scratch, in another folder.
    second = write_archive(workshop().log, tmp_path / "b" / "klimalabor")
    assert [p.relative_to(tmp_path / "a") for p in first] == [
        p.relative_to(tmp_path / "b") for p in second]
    assert _read(tmp_path / "a") == _read(tmp_path / "b")
    zipped = zip_archive(tmp_path / "a" / "klimalabor")
    assert zipped == zip_archive(tmp_path / "b" / "klimalabor")
    assert zipped == zip_archive(tmp_path / "a" / "klimalabor")


def test_the_zip_is_sorted_with_fixed_times(scene: Workshop, tmp_path: Path) -> None:
    folder = tmp_path / "klimalabor"
    write_archive(scene.log, folder)
    (folder / "report.pdf").write_bytes(b"%PDF-1.4 made later")
    (folder / "klimalabor.zip").write_bytes(b"an older zip")
    (folder / ".report.html.tmp").write_bytes(b"half written")
    with zipfile.ZipFile(BytesIO(zip_archive(folder))) as archive:
        names = archive.namelist()
        assert names == sorted(names)
        assert names[:3] == ["klimalabor/README.md",
                             "klimalabor/csv/01-klimaschutz-ist-fuer-mich.csv",
                             "klimalabor/csv/02-fragen-zum-input.csv"]
        assert "klimalabor/report.pdf" in names
        assert not any(n.endswith((".zip", ".tmp")) for n in names)
        for info in archive.infolist():
            assert info.date_time == (1980, 1, 1, 0, 0, 0)
            assert info.external_attr >> 16 == 0o100644
        assert archive.read("klimalabor/results.json") == (folder / "results.json").read_bytes()


def test_independent_of_hash_seed(tmp_path: Path) -> None:
    """Sets and dicts must not leak their order into the files: two processes with other
    hash seeds write the same bytes."""
    script = ("import sys; from pathlib import Path; "
              "from tests.unit.test_archive_scene import workshop; "
              "from facilitator.archive import write_archive; "
              "write_archive(workshop().log, Path(sys.argv[1]))")
    for seed in ("1", "2"):
        subprocess.run([sys.executable, "-c", script, str(tmp_path / seed / "s")], cwd=ROOT,
                       env={**os.environ, "PYTHONHASHSEED": seed}, check=True, timeout=60)
    assert _read(tmp_path / "1") == _read(tmp_path / "2")


def test_building_does_not_touch_the_events(scene: Workshop) -> None:
    before = copy.deepcopy(scene.log)
    build_report(scene.log)
    assert scene.log == before


def test_csv_of_a_german_session(scene: Workshop, tmp_path: Path) -> None:
    write_archive(scene.log, tmp_path)
    blob = (tmp_path / "csv" / "08-bewertung.csv").read_bytes()
    assert blob.startswith("\ufeff".encode())
    lines = blob.decode("utf-8-sig").split("\r\n")
    assert lines[0] == ("Eintrag;Kriterium;Bewertungen;Mittelwert;Median;1 (gering);2;3;4;"
                        "5 (hoch);kann ich nicht beurteilen")
    assert lines[1] == "A;Wirkung;2;4,5;4,5;0;0;0;1;1;1"
    assert lines[-1] == ""  # CRLF after the last row too
    poll = (tmp_path / "csv" / "05-welches-handlungsfeld-zuerst.csv").read_bytes()
    assert poll.decode("utf-8-sig").split("\r\n")[:2] == ["Option;Stimmen;Anteil (%)",
                                                          "Mobilität;2;66,7"]


def test_csv_of_an_english_session(tmp_path: Path) -> None:
    write_archive(workshop("en").log, tmp_path)
    poll = (tmp_path / "csv" / "05-welches-handlungsfeld-zuerst.csv").read_bytes()
    assert poll.startswith("\ufeff".encode())
    assert poll.decode("utf-8-sig").split("\r\n")[:2] == ["Option,Votes,Share (%)",
                                                          "Mobilität,2,66.7"]
    matrix = (tmp_path / "csv" / "09-wirkung-und-aufwand.csv").read_bytes().decode("utf-8-sig")
    assert matrix.split("\r\n")[1] == "A,2,3,1,4.5,0.5"


def test_a_per_group_csv_has_the_group_first(scene: Workshop, tmp_path: Path) -> None:
    write_archive(scene.log, tmp_path)
    lines = (tmp_path / "csv" / "03-massnahmen-sammeln.csv").read_bytes().decode("utf-8-sig")
    assert lines.split("\r\n")[:3] == [
        "Gruppe;Cluster;Idee;Unterstützungen;Auch genannt",
        "Mobilität;Verkehr;Tempo 30 vor Schulen;1;Tempo 30 an Schulen",
        "Mobilität;;Mehr Carsharing;1;"]


def test_stale_csv_files_are_removed(scene: Workshop, tmp_path: Path) -> None:
    (tmp_path / "csv").mkdir()
    (tmp_path / "csv" / "11-alt.csv").write_text("old")
    (tmp_path / "csv" / "notes.txt").write_text("someone's own file")
    paths = write_archive(scene.log, tmp_path)
    assert not (tmp_path / "csv" / "11-alt.csv").exists()
    assert (tmp_path / "csv" / "notes.txt").exists()
    assert sorted(p.name for p in (tmp_path / "csv").glob("*.csv")) == sorted(
        p.name for p in paths if p.parent == tmp_path / "csv")
    assert not list(tmp_path.rglob(".*.tmp"))


def test_rewriting_after_new_notes_changes_only_what_changed(tmp_path: Path) -> None:
    s = workshop()
    write_archive(s.log, tmp_path / "before")
    s.run("session.notes", notes="Anders.")
    write_archive(s.log, tmp_path / "after")
    before, after = _read(tmp_path / "before"), _read(tmp_path / "after")
    assert {n for n in before if before[n] != after[n]} == {
        "README.md", "report.html", "results.json"}
