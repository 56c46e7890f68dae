"""Data retention: closed sessions go after retention_days with their uploads, deleted ones at
the next sweep, live ones never; on both stores."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from facilitator.i18n import translate
from facilitator.live.archiving import Archiver
from facilitator.live.registry import Registry, moderator
from facilitator.live.retention import DAY, Retention
from facilitator.live.runtime import SessionRuntime
from facilitator.store import make_store
from facilitator.store.blobs import FileBlobs

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


class Scene:
    def __init__(self, tmp_path: Path, store: Any) -> None:
        self.store = store
        self.blobs = FileBlobs(tmp_path / "blobs")
        self.archiver = Archiver(store, tmp_path / "sessions", blobs=self.blobs)
        self.registry = Registry(store, translate, archiver=self.archiver)
        self.now = time.time()

    def retention(self, days: int, *, after_days: float, keep: bool = True) -> Retention:
        return Retention(self.store, self.registry, self.blobs, self.archiver, days=days,
                         keep_archives=keep, clock=lambda: self.now + after_days * DAY)

    async def session(self, title: str, end: str | None) -> SessionRuntime:
        runtime = await self.registry.create(title)
        await self.blobs.put(runtime.state.id, PNG, "png")
        if end == "deleted":
            await ok(runtime, "session.delete")
            return runtime
        await ok(runtime, "session.open")
        await ok(runtime, "session.start")
        if end == "closed":
            await ok(runtime, "session.close")
            await self.archiver.write(runtime.state.id)
        return runtime


async def ok(runtime: SessionRuntime, command: str) -> None:
    answer = await runtime.submit(moderator(command))
    assert answer["type"] == "ack", answer


@pytest.fixture
async def scene(tmp_path: Path, store_url: str) -> AsyncIterator[Scene]:
    store = make_store(store_url)
    await store.open()
    made = Scene(tmp_path, store)
    try:
        yield made
    finally:
        await made.registry.close()
        await made.archiver.close()
        await made.blobs.close()
        await store.close()


async def _ids(scene: Scene) -> set[str]:
    return {r.id for r in await scene.store.list_sessions(deleted=True)}


async def test_closed_sessions_go_after_their_days_and_live_ones_stay(scene: Scene) -> None:
    closed = await scene.session("Abgeschlossen", "closed")
    live = await scene.session("Läuft noch", None)
    deleted = await scene.session("Verworfen", "deleted")
    ids = {r.state.id for r in (closed, live, deleted)}
    assert await _ids(scene) == ids
    folder = scene.archiver.folder(closed.state.id)
    (folder / "plan.toml").write_text("title = 'mine'\n")  # a plan file beside the report

    # Within the 30 days only the deleted session goes, rows and all.
    assert await scene.retention(30, after_days=29).sweep() == [deleted.state.id]
    assert await _ids(scene) == ids - {deleted.state.id}
    assert await scene.store.load_events(deleted.state.id) == []
    assert await scene.blobs.names(closed.state.id)

    # After them the closed one goes with its uploads; its documentation stays by default.
    assert await scene.retention(30, after_days=31).sweep() == [closed.state.id]
    assert await _ids(scene) == {live.state.id}
    assert await scene.store.load_events(closed.state.id) == []
    assert await scene.store.load_answers(closed.state.id) == []
    assert await scene.blobs.names(closed.state.id) == set()
    assert scene.archiver.exists(closed.state.id)
    assert await scene.registry.get(closed.code) is None
    # The live session is untouched, however old, and goes on taking commands.
    assert await scene.retention(30, after_days=3650).sweep() == []
    await ok(live, "session.close")
    assert await scene.blobs.names(live.state.id)


async def test_documentation_goes_too_unless_kept_but_never_a_plan_file(scene: Scene) -> None:
    closed = await scene.session("Abgeschlossen", "closed")
    other = await scene.session("Auch zu", "closed")
    folder = scene.archiver.folder(closed.state.id)
    (folder / "plan.toml").write_text("title = 'mine'\n")
    assert (folder / "report.html").is_file() and (folder / "csv").exists() is not None
    assert await scene.retention(0, after_days=3650).sweep() == []  # 0 keeps closed sessions
    swept = await scene.retention(1, after_days=2, keep=False).sweep()
    assert sorted(swept) == sorted([closed.state.id, other.state.id])
    assert sorted(p.name for p in folder.iterdir()) == ["plan.toml"]
    assert not scene.archiver.folder(other.state.id).exists()


async def test_a_loaded_session_is_unloaded_before_its_rows_go(scene: Scene) -> None:
    closed = await scene.session("Abgeschlossen", "closed")
    assert await scene.registry.get(closed.code) is closed
    await scene.retention(1, after_days=2).sweep()
    assert await scene.registry.get(closed.code) is None
    assert await scene.registry.get_by_id(closed.state.id) is None
