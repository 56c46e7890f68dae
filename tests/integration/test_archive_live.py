"""The documentation is written when a session closes: from the committed log, in a worker
thread, one write at a time per session, and a failure never reaches the session's writer."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from facilitator.domain.model import Event
from facilitator.i18n import translate
from facilitator.live import archiving
from facilitator.live.archiving import Archiver
from facilitator.live.registry import Registry, moderator, system
from facilitator.live.runtime import SessionRuntime
from facilitator.store.sqlite import SQLiteStore


class Scene:
    def __init__(self, store: SQLiteStore, archiver: Archiver, registry: Registry) -> None:
        self.store, self.archiver, self.registry = store, archiver, registry

    async def live(self, title: str = "Test") -> SessionRuntime:
        runtime = await self.registry.create(title)
        for command in ("session.open", "session.start"):
            await ok(runtime, command)
        await runtime.submit(system("participant.join"))
        return runtime


async def ok(runtime: SessionRuntime, command: str, **args: Any) -> dict[str, Any]:
    answer = await runtime.submit(moderator(command, **args))
    assert answer["type"] == "ack", answer
    return answer


@pytest.fixture
async def scene(tmp_path: Path) -> AsyncIterator[Scene]:
    store = SQLiteStore(tmp_path / "db.sqlite3")
    await store.open()
    archiver = Archiver(store, tmp_path / "sessions")
    registry = Registry(store, translate, archiver=archiver)
    try:
        yield Scene(store, archiver, registry)
    finally:
        await registry.close()
        await archiver.close()
        await store.close()


class Recorder:
    """Stands in for the writers: records each call (in its worker thread), takes its time."""

    def __init__(self, seconds: float = 0.0, fail: bool = False) -> None:
        self.seconds, self.fail = seconds, fail
        self.calls: list[tuple[str, int, str]] = []  # (session, events, thread)
        self.spans: list[tuple[float, float]] = []
        self.lock = threading.Lock()

    def __call__(self, events: Sequence[Event], folder: Path, timezone: str,
                 blobs: Path | None, branding: object = None) -> list[Path]:
        began = time.monotonic()
        time.sleep(self.seconds)
        with self.lock:
            self.calls.append((folder.name, len(events), threading.current_thread().name))
            self.spans.append((began, time.monotonic()))
        if self.fail:
            raise RuntimeError("the writers broke")
        folder.mkdir(parents=True, exist_ok=True)
        (folder / archiving.REPORT).write_text(str(len(events)))
        return [folder / archiving.REPORT]


async def test_closing_writes_the_archive_in_a_worker_thread(
        scene: Scene, monkeypatch: pytest.MonkeyPatch) -> None:
    writer = Recorder(seconds=0.5)
    monkeypatch.setattr(archiving, "_write", writer)
    runtime = await scene.live()
    await ok(runtime, "session.notes", notes="Vorher")
    assert writer.calls == [], "nothing is written while the session runs"

    closed = await ok(runtime, "session.close")
    # The writer goes on at once while the archive takes its half second elsewhere.
    began = time.monotonic()
    await ok(runtime, "session.notes", notes="Nachher")
    assert time.monotonic() - began < 0.3
    await scene.archiver.close()

    # One write for the close, one for the notes after it, each with the log as committed.
    assert [(name, count) for name, count, _ in writer.calls] == [
        (runtime.state.id, closed["seq"]), (runtime.state.id, runtime.state.seq)]
    assert all(thread != threading.main_thread().name for _, _, thread in writer.calls)
    assert scene.archiver.exists(runtime.state.id)


async def test_a_failing_archive_is_logged_and_the_session_goes_on(
        scene: Scene, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(archiving, "_write", Recorder(fail=True))
    runtime = await scene.live()
    with caplog.at_level(logging.ERROR, logger="facilitator.live.archiving"):
        await ok(runtime, "session.close")
        await scene.archiver.close()
    assert any("could not be written" in r.getMessage() and r.exc_info for r in caplog.records)
    await ok(runtime, "session.notes", notes="Der Schreiber läuft weiter.")
    with pytest.raises(RuntimeError, match="the writers broke"):
        await scene.archiver.write(runtime.state.id)  # asked directly, the error is told


async def test_writes_of_one_session_never_overlap(scene: Scene,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    writer = Recorder(seconds=0.15)
    monkeypatch.setattr(archiving, "_write", writer)
    one, two = await scene.live("Eins"), await scene.live("Zwei")
    await asyncio.gather(*(scene.archiver.write(one.state.id) for _ in range(3)),
                         scene.archiver.write(two.state.id))
    mine = sorted(span for (name, _, _), span in zip(writer.calls, writer.spans, strict=True)
                  if name == one.state.id)
    assert len(mine) == 3
    assert all(end <= start for (_, end), (start, _) in zip(mine, mine[1:], strict=False))
    # Another session's write ran beside them, not after all three.
    other = next(span for (name, _, _), span in zip(writer.calls, writer.spans, strict=True)
                 if name == two.state.id)
    assert other[0] < mine[-1][0]


async def test_the_zip_waits_for_a_write_in_progress(scene: Scene,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    writer = Recorder(seconds=0.3)
    monkeypatch.setattr(archiving, "_write", writer)
    zipped: list[float] = []

    def fake_zip(folder: Path) -> bytes:
        zipped.append(time.monotonic())
        return b"PK"

    monkeypatch.setattr(archiving, "_zip", fake_zip)
    runtime = await scene.live()
    assert await scene.archiver.zip_bytes(runtime.state.id) == b"PK"  # none yet: written first
    assert len(writer.calls) == 1
    writing = asyncio.create_task(scene.archiver.write(runtime.state.id))
    await asyncio.sleep(0.05)
    await scene.archiver.zip_bytes(runtime.state.id)
    await writing
    assert zipped[-1] >= writer.spans[-1][1]


async def test_an_unknown_session_or_a_bad_name_is_refused(scene: Scene) -> None:
    with pytest.raises(archiving.UnknownSession):
        await scene.archiver.write("nobody")
    for bad in ("", "../etc", "a/b", ".hidden"):
        with pytest.raises(ValueError):
            scene.archiver.folder(bad)


async def test_a_stale_pdf_goes_when_the_report_is_written_again(scene: Scene) -> None:
    runtime = await scene.live()
    folder = scene.archiver.folder(runtime.state.id)
    folder.mkdir(parents=True)
    (folder / archiving.PDF).write_bytes(b"%PDF-1.4 old")
    await scene.archiver.write(runtime.state.id)
    assert not (folder / archiving.PDF).exists()
    assert (folder / archiving.REPORT).is_file()


async def test_a_close_without_its_archive_is_caught_up_at_start(scene: Scene) -> None:
    """The server stopped after committing a close but before writing the archive."""
    runtime = await scene.live("Abgebrochen")
    other = await scene.live("Läuft noch")
    without = Archiver(scene.store, scene.archiver.sessions_dir)
    await ok(runtime, "session.close")  # through the scene's registry: archived as usual...
    await scene.archiver.close()
    for path in sorted(scene.archiver.folder(runtime.state.id).rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()  # ...and then lost in the crash
    assert await without.catch_up() == [runtime.state.id]
    await without.close()
    assert without.exists(runtime.state.id)
    assert not without.exists(other.state.id), "only closed sessions are archived"
