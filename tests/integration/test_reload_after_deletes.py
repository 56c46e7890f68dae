"""A session whose log deletes what earlier events made (an activity, a phase, a photo) loads
again, e.g. after a restart: the recent events are encoded anew against the state of the whole
log (for replays to clients that resume), and none of them may trip over what is gone."""

from __future__ import annotations

from pathlib import Path

from facilitator.i18n import translate
from facilitator.live.registry import Registry, moderator
from facilitator.store.sqlite import SQLiteStore

BLOB = "ab" * 32


async def test_a_session_with_deletions_loads_again(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "db.sqlite3")
    await store.open()
    registry = Registry(store, translate)
    runtime = await registry.create("Werkstatt", "de", False)
    steps = [
        ("phase.create", {"title": "Weg damit"}),
        ("phase.create", {"title": "Bleibt"}),
        ("activity.create", {"kind": "poll", "title": "Weg", "phase": "h1",
                             "config": {"options": ["A", "B"]}}),
        ("activity.create", {"kind": "ideas", "title": "Bleibt", "phase": "h2"}),
        ("activity.move", {"activity": "a1", "phase": "h2", "before": None}),
        ("activity.update", {"activity": "a1", "title": "Doch weg"}),
        ("photo.add", {"phase": "h1", "image": f"{BLOB}.jpg", "thumb": f"{BLOB}.jpg",
                       "width": 10, "height": 10}),
        ("photo.remove", {"photo": "f1"}),
        ("activity.delete", {"activity": "a1"}),
        ("phase.delete", {"phase": "h1"}),
    ]
    for command, args in steps:
        answer = await runtime.submit(moderator(command, **args))
        assert answer["type"] == "ack", (command, answer)
    code, view = runtime.state.code, runtime.state.view("moderator")
    await registry.close()
    await store.close()

    store = SQLiteStore(tmp_path / "db.sqlite3")
    await store.open()
    registry = Registry(store, translate)
    try:
        again = await registry.get(code)
        assert again is not None
        assert again.state.view("moderator") == view
        assert [a["title"] for a in view["activities"]] == ["Bleibt"]
        assert [p["title"] for p in view["phases"]] == ["Bleibt"]
        assert view["photos"] == []
    finally:
        await registry.close()
        await store.close()
