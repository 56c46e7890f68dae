"""`facilitator migrate-store`: every session from SQLite to PostgreSQL and back, compared."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from facilitator.cli import main
from facilitator.domain.model import Actor, Command
from facilitator.domain.session import SessionState
from facilitator.i18n import translate
from facilitator.live.registry import Registry, moderator, system
from facilitator.store import make_store
from facilitator.store.base import SessionDump


async def _workshop(url: str) -> None:
    """Three sessions: one with votes and ideas from phones, one closed, one deleted."""
    store = make_store(url)
    await store.open()
    registry = Registry(store, translate)
    try:
        for title in ("Mobilität „morgen“ 🚲", "Energie", "Verworfen"):
            runtime = await registry.create(title)
            if title == "Verworfen":  # a draft the moderator threw away
                assert (await runtime.submit(moderator("session.delete")))["type"] == "ack"
                continue
            await runtime.submit(moderator("session.open"))
            await runtime.submit(moderator("session.start"))
            poll = (await runtime.submit(moderator(
                "activity.create", kind="poll", title="Was zuerst?",
                config={"options": ["Radwege", "Busse", "Parken"]})))["result"]["activity"]
            await runtime.submit(moderator("activity.activate", activity=poll))
            for n in range(6):
                joined = await runtime.submit(system("participant.join"))
                phone = Actor("participant", joined["result"]["participant"])
                await runtime.submit(Command("vote.cast", {"activity": poll,
                                                           "choices": [f"o{n % 3 + 1}"]},
                                             phone, 1.0, f"v{n}"))
            if title == "Energie":
                await runtime.submit(moderator("session.close"))
    finally:
        await registry.close()
        await store.close()


async def _dumps(url: str) -> list[SessionDump]:
    store = make_store(url)
    await store.open()
    try:
        records = await store.list_sessions(deleted=True)
        dumps = [await store.dump_session(r.id) for r in records]
        return sorted((d for d in dumps if d is not None), key=lambda d: d.record.id)
    finally:
        await store.close()


def _run(*args: str) -> int:
    return main(["migrate-store", *args])


def test_every_session_goes_to_postgresql_and_back_unchanged(
        tmp_path: Path, postgres_server: Any, capsys: pytest.CaptureFixture[str]) -> None:
    sqlite = f"sqlite:///{tmp_path / 'source.sqlite3'}"
    postgres = postgres_server.new_database()
    back = f"sqlite:///{tmp_path / 'back.sqlite3'}"
    asyncio.run(_workshop(sqlite))
    source = asyncio.run(_dumps(sqlite))
    assert len(source) == 3 and any(d.record.status == "deleted" for d in source)
    assert all(d.answers for d in source if d.record.status != "deleted")

    assert _run(sqlite, postgres) == 0
    assert "3 copied, 0 already there, 0 not copied" in capsys.readouterr().out
    assert asyncio.run(_dumps(postgres)) == source
    # Again: nothing to do, nothing doubled.
    assert _run(sqlite, postgres) == 0
    assert "0 copied, 3 already there" in capsys.readouterr().out
    assert _run(postgres, back) == 0
    assert asyncio.run(_dumps(back)) == source
    # The log on PostgreSQL rebuilds the same session a server would show.
    for dump in source:
        assert dump.events[-1][0] == len(dump.events)
    assert asyncio.run(_views(postgres)) == asyncio.run(_views(sqlite))


async def _views(url: str) -> list[Any]:
    store = make_store(url)
    await store.open()
    try:
        return [SessionState.from_events(await store.load_events(r.id)).view("moderator")
                for r in sorted(await store.list_sessions(), key=lambda r: r.id)]
    finally:
        await store.close()


def test_a_session_that_differs_in_the_target_is_reported_and_left_alone(
        tmp_path: Path, postgres_server: Any, capsys: pytest.CaptureFixture[str]) -> None:
    sqlite = f"sqlite:///{tmp_path / 'source.sqlite3'}"
    postgres = postgres_server.new_database()
    asyncio.run(_workshop(sqlite))
    assert _run(sqlite, postgres) == 0
    # A server went on writing in the target: its log is now longer than the source's.
    asyncio.run(_workshop_more(postgres))
    changed = asyncio.run(_dumps(postgres))
    capsys.readouterr()
    assert _run(sqlite, postgres) == 1
    out = capsys.readouterr().out
    assert "different log" in out and "0 copied, 2 already there, 1 not copied" in out
    assert asyncio.run(_dumps(postgres)) == changed


async def _workshop_more(url: str) -> None:
    store = make_store(url)
    await store.open()
    registry = Registry(store, translate)
    try:
        record = next(r for r in await store.list_sessions() if r.status == "live")
        runtime = await registry.get(record.code)
        assert runtime is not None
        await runtime.submit(moderator("session.notes", notes="Nachgetragen"))
    finally:
        await registry.close()
        await store.close()


def test_unknown_or_unreachable_databases_are_refused_in_a_sentence(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run("mysql://x/y", f"sqlite:///{tmp_path / 'a.sqlite3'}") == 2
    assert "sqlite:/// or postgresql://" in capsys.readouterr().err
    assert _run(f"sqlite:///{tmp_path / 'a.sqlite3'}",
                "postgresql://nobody:secret@127.0.0.1:1/none") == 2
    err = capsys.readouterr().err
    assert "cannot be used" in err and "secret" not in err
