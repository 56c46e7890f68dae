"""A recorded three-hour workshop documents itself when it closes.

The simulation lab with 40 phones, plus a poll, a ranking, a rating and a matrix (the kinds
the plan lacks), acted out on a real server with a workshop day's clock (tests/fixtures/
record.py). When the moderator closes the session, the folder <sessions dir>/<session id>/
appears without anyone asking; its files say what the event log says, and writing the same
log again gives the same bytes. The recorded log (tests/fixtures/simulationslabor.jsonl) is
checked the same way, without the phones.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from markupsafe import escape

from facilitator.archive import write_archive, zip_archive
from facilitator.archive.text import md_block, md_escape
from facilitator.domain.activities import KINDS
from facilitator.domain.activities.consent import result_line
from facilitator.domain.model import Event
from facilitator.domain.session import SessionState
from facilitator.i18n import translations
from facilitator.store.sqlite import SQLiteStore
from tests.conftest import LiveServer
from tests.fixtures import load_events
from tests.fixtures.record import IDENT, MARKUP, NAMES, SimClock, act_out, hang_up

BERLIN = ZoneInfo("Europe/Berlin")


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def wait_for_archive(folder: Path, expected: dict[str, bytes], seconds: float = 20.0) -> None:
    """Until the server's own write has left every file as a write of the same log does."""
    deadline = time.monotonic() + seconds
    while not (folder.is_dir() and files_of(folder) == expected):
        if time.monotonic() > deadline:
            found = sorted(files_of(folder)) if folder.is_dir() else "no folder"
            raise AssertionError(f"no complete archive in {folder} after {seconds} s: {found}")
        time.sleep(0.1)


async def events_of(server: LiveServer, ident: str) -> list[Event]:
    store = SQLiteStore(server.settings.database)
    await store.open()
    try:
        return await store.load_events(ident)
    finally:
        await store.close()


def written(events: list[Event], folder: Path) -> dict[str, bytes]:
    write_archive(events, folder)
    return files_of(folder)


async def test_a_recorded_workshop_documents_itself_when_it_closes(
        live_server: LiveServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = SimClock()
    monkeypatch.setattr(time, "time", clock)
    workshop = await act_out(live_server, clock, tmp_path / "plans")
    await hang_up(workshop)
    monkeypatch.undo()
    events = await events_of(live_server, IDENT)
    assert events[-1].type == "session.closed"

    # Written twice more from the same log: byte for byte the same, and the same as the
    # server's own, which appeared by itself in the sessions directory.
    first = await asyncio.to_thread(written, events, tmp_path / "first" / IDENT)
    second = await asyncio.to_thread(written, events, tmp_path / "second" / IDENT)
    assert first == second
    folder = live_server.settings.sessions_dir / IDENT
    await asyncio.to_thread(wait_for_archive, folder, first)
    assert zip_archive(tmp_path / "first" / IDENT) == zip_archive(folder)

    assert {"README.md", "report.html", "results.json"} <= set(first)
    assert len([name for name in first if name.startswith("csv/")]) == len(
        [e for e in events if e.type == "activity.created"])
    check_contents(events, folder)


def test_the_recorded_log_is_documented_the_same_twice(tmp_path: Path) -> None:
    events = load_events()
    assert written(events, tmp_path / "a") == written(events, tmp_path / "b")
    check_contents(events, tmp_path / "a")


def check_contents(events: list[Event], folder: Path) -> None:
    """What the files must say, taken from the event log."""
    readme = (folder / "README.md").read_text("utf-8")
    report = (folder / "report.html").read_text("utf-8")
    results = json.loads((folder / "results.json").read_text("utf-8"))
    tables = {name: (folder / name).read_bytes()
              for name in sorted(p.relative_to(folder).as_posix()
                                 for p in (folder / "csv").iterdir())}
    state = SessionState.from_events(events)

    # Title, place and moderators of session.created; 40 participants, 32 in the room.
    created = events[0].data
    assert md_escape(created["title"]) in readme
    assert escape(created["title"]) in report
    session = results["session"]
    assert (session["title"], session["place"], session["moderators"]) == (
        created["title"], created["place"], created["moderators"])
    joined = [e for e in events if e.type == "participant.joined"]
    where = Counter(e.data.get("where") for e in joined)
    participation = results["participation"]
    assert (participation["count"], participation["room"], participation["online"]) == (
        len(joined), where["room"], where["online"]) == (40, 32, 8)
    assert sum(slot["joins"] for slot in participation["timeline"]) == len(joined)
    slots = Counter(_slot(e.at) for e in joined)
    assert {s["start"]: s["joins"] for s in participation["timeline"] if s["joins"]} == slots

    # Planned and actual minutes of each phase, as the phases started one after the other.
    starts = {e.data["phase"]: e.at for e in events if e.type == "phase.started"}
    ends = [*list(starts.values())[1:], events[-1].at]
    actual = {ident: round((end - start) / 60)
              for (ident, start), end in zip(starts.items(), ends, strict=True)}
    assert {p["id"]: p["actual_minutes"] for p in results["agenda"]} == actual
    assert [p["planned_minutes"] for p in results["agenda"]] == [
        phase.minutes for phase in state.phases.values()]

    # The consent result in the line the issue asks for.
    [consent] = [a for a in state.activities.values() if a.kind == "consent"]
    line = result_line(KINDS["consent"].results(state.instance(consent, None)),
                       translations("de").gettext)
    assert re.fullmatch(r"Zustimmung \d+ · Ablehnung \d+ · Enthaltung \d+ — (angenommen|"
                        r"abgelehnt)", line), line
    assert line in readme and escape(line) in report

    # Every group's measure sheet complete, with what the group wrote last in each field.
    [sheet] = [a for a in state.activities.values() if a.kind == "measure"]
    goal = {e.data["group"]: e.data["value"] for e in events
            if e.type == "sheet.edited" and e.data["field"] == "goal"}
    assert len(goal) == 4
    for value in goal.values():
        assert md_block(value) in readme
        assert escape(value) in report
    documented = next(a for a in results["activities"] if a["id"] == sheet.id)
    assert {i["group"]: next(f["value"] for f in i["result"]["fields"] if f["id"] == "goal")
            for i in documented["instances"]} == goal

    # The idea full of markup is text everywhere: escaped in Markdown and HTML, whole in JSON
    # and CSV; no file runs a script.
    assert md_escape(MARKUP) in readme and "<script>" not in readme
    assert escape(MARKUP) in report
    assert "<script" not in report.lower()
    assert MARKUP in json.dumps(results, ensure_ascii=False).replace('\\"', '"')
    assert any(MARKUP.replace('"', '""') in t.decode("utf-8-sig") for t in tables.values())

    # Names the phones gave are nowhere (the vote was secret), nor participant ids.
    everything = "\n".join([readme, report, json.dumps(results, ensure_ascii=False),
                            *(t.decode("utf-8-sig") for t in tables.values())])
    given = {e.data["name"] for e in joined if e.data.get("name")}
    assert given and given <= set(NAMES)
    for name in given:
        assert not re.search(rf"\b{re.escape(name)}\b", everything), name
    ids = {e.data["participant"] for e in joined}
    assert not [i for i in ids if re.search(rf"\b{i}\b", everything)]

    # German Excel: a byte-order mark, semicolons.
    for name, data in tables.items():
        assert data.startswith(b"\xef\xbb\xbf"), name
        assert ";" in data.decode("utf-8-sig").splitlines()[0], name

    # Notes of the moderator, at the end of the session.
    assert md_block(state.notes) in readme


def _slot(at: float) -> str:
    """The start of the 10-minute slot of the clock, as results.json writes times."""
    local = datetime.fromtimestamp(at, BERLIN)
    start = local.replace(minute=local.minute // 10 * 10, second=0, microsecond=0)
    return start.isoformat(timespec="milliseconds")


def test_the_recording_is_a_three_hour_workshop() -> None:
    """The fixture others rely on: the whole plan plus the four missing kinds, 40 phones.
    It was recorded before slides existed (their documentation is tested with files of its
    own, tests/unit/test_archive_media.py): every other kind is in it."""
    events = load_events()
    kinds = [e.data["kind"] for e in events if e.type == "activity.created"]
    assert set(kinds) == set(KINDS) - {"slides"}
    assert sum(e.type == "participant.joined" for e in events) == 40
    hours = (events[-1].at - events[0].at) / 3600
    assert 3 <= hours <= 4
    assert events[-1].type == "session.closed"
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert all(a.at <= b.at for a, b in zip(events, events[1:], strict=False))
    state = SessionState.from_events(events)
    assert state.status == "closed" and state.notes and state.place
    answered: dict[str, Any] = Counter(e.type for e in events)
    assert answered["idea.merged"] == 4 and answered["question.answered"] == 3
