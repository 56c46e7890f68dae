"""`facilitator archive <code or id> [--pdf]`: the documentation from the database."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from facilitator.cli import main
from facilitator.live import archiving
from tests.fixtures import load_events, seed


@pytest.fixture(scope="module")
def events() -> list:
    return load_events()


def seeded(tmp_path: Path, events: list) -> tuple[list[str], str, str]:
    ident = asyncio.run(seed(tmp_path / "data" / "facilitator.sqlite3", events))
    flags = ["--data-dir", str(tmp_path / "data"), "--sessions-dir", str(tmp_path / "out")]
    return flags, ident, events[0].data["code"]


def test_archive_by_code_or_id_prints_the_folder(tmp_path: Path, events: list,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    flags, ident, code = seeded(tmp_path, events)
    folder = tmp_path / "out" / ident
    assert main(["archive", ident, *flags]) == 0
    assert capsys.readouterr().out.strip() == str(folder)
    first = {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    assert {Path("README.md"), Path("report.html"), Path("results.json")} <= set(first)
    # The join code as people type it finds the same session, and the same files.
    assert main(["archive", code.lower()[:3] + "-" + code.lower()[3:], *flags]) == 0
    assert capsys.readouterr().out.strip() == str(folder)
    again = {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    assert again == first


def test_an_unknown_session_is_an_error(tmp_path: Path, events: list,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    flags, _, _ = seeded(tmp_path, events)
    assert main(["archive", "nicht-da", *flags]) == 1
    assert "no session with the code or id 'nicht-da'" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_pdf_without_chromium_says_so(tmp_path: Path, events: list,
                                      monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    flags, ident, _ = seeded(tmp_path, events)
    monkeypatch.setattr(archiving, "CHROMIUM", ("/nonexistent/chromium",))
    assert main(["archive", ident, "--pdf", *flags]) == 1
    out = capsys.readouterr()
    assert "no PDF: Chromium was not found" in out.err and "apt-get install chromium" in out.err
    # The archive itself is written all the same.
    assert (tmp_path / "out" / ident / archiving.REPORT).is_file()
    assert not (tmp_path / "out" / ident / archiving.PDF).exists()


def test_a_chromium_that_fails_is_reported(tmp_path: Path, events: list,
                                           monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    flags, ident, _ = seeded(tmp_path, events)
    broken = tmp_path / "chromium"
    broken.write_text("#!/bin/sh\necho 'cannot open display' >&2\nexit 3\n")
    broken.chmod(0o755)
    monkeypatch.setattr(archiving, "CHROMIUM", (str(broken),))
    assert main(["archive", ident, "--pdf", *flags]) == 1
    err = capsys.readouterr().err
    assert "Chromium exited with 3 and wrote no PDF: cannot open display" in err
    assert not list((tmp_path / "out" / ident).glob("report.pdf*"))


def test_archive_is_in_the_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["archive", "--help"])
    out = capsys.readouterr().out
    assert "--pdf" in out and "--sessions-dir" in out and "--timezone" in out
