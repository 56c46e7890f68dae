"""The blob store: files named by their content, written whole or not at all, kept per
session and deleted with it."""

from __future__ import annotations

import asyncio
import hashlib
import os
from pathlib import Path

import pytest

from facilitator.i18n import translate
from facilitator.live.registry import Registry, moderator
from facilitator.store.blobs import FileBlobs, blob_name, folder_name
from facilitator.store.sqlite import SQLiteStore


async def test_a_blob_is_named_by_its_content_and_written_once(tmp_path: Path) -> None:
    blobs = FileBlobs(tmp_path / "blobs")
    data = b"\x89PNG pretend"
    name = await blobs.put("workshop-k7mxr4", data, "png")
    assert name == hashlib.sha256(data).hexdigest() + ".png"
    path = await blobs.open("workshop-k7mxr4", name)
    assert path == tmp_path / "blobs" / "workshop-k7mxr4" / name
    assert path.read_bytes() == data
    stamp = path.stat().st_mtime_ns
    await asyncio.sleep(0.01)
    assert await blobs.put("workshop-k7mxr4", data, "png") == name
    assert path.stat().st_mtime_ns == stamp  # not written again
    # No temporary files are left behind.
    assert os.listdir(path.parent) == [name]
    # The same bytes as another type are another blob.
    assert await blobs.put("workshop-k7mxr4", data, "jpg") != name


async def test_sessions_do_not_share_blobs(tmp_path: Path) -> None:
    blobs = FileBlobs(tmp_path)
    name = await blobs.put("one-aaaaaa", b"photo", "jpg")
    assert await blobs.open("two-bbbbbb", name) is None
    assert await blobs.names("one-aaaaaa") == {name}
    assert await blobs.names("two-bbbbbb") == set()


@pytest.mark.parametrize("name", [
    "../secret", "a" * 64 + ".png/../../x", "A" * 64 + ".png", "a" * 63 + ".png",
    "a" * 64 + ".svg", "a" * 64 + ".html", "a" * 64, "", "a" * 64 + ".png\n",
])
async def test_only_blob_names_are_opened(tmp_path: Path, name: str) -> None:
    blobs = FileBlobs(tmp_path / "blobs")
    await blobs.put("s-aaaaaa", b"x", "png")
    (tmp_path / "blobs" / "s-aaaaaa" / "evil.html").write_text("<script>")
    assert await blobs.open("s-aaaaaa", name) is None


async def test_an_odd_session_id_never_becomes_a_path(tmp_path: Path) -> None:
    blobs = FileBlobs(tmp_path / "blobs")
    for odd in ("../../etc", "Workshop_2026", "a/b", ".."):
        folder = folder_name(odd)
        assert folder.startswith("_") and "/" not in folder and ".." not in folder
        name = await blobs.put(odd, b"data", "pdf")
        assert (await blobs.open(odd, name)).parent == tmp_path / "blobs" / folder  # type: ignore[union-attr]
    assert folder_name("simulationslabor-k7mxr4") == "simulationslabor-k7mxr4"


def test_only_known_types_are_stored() -> None:
    with pytest.raises(ValueError):
        blob_name(b"x", "svg")


async def test_delete_and_delete_session(tmp_path: Path) -> None:
    blobs = FileBlobs(tmp_path)
    first = await blobs.put("s-aaaaaa", b"1", "png")
    second = await blobs.put("s-aaaaaa", b"2", "png")
    await blobs.delete("s-aaaaaa", first)
    await blobs.delete("s-aaaaaa", first)  # gone already: nothing to do
    assert await blobs.names("s-aaaaaa") == {second}
    with pytest.raises(ValueError):
        await blobs.delete("s-aaaaaa", "../facilitator.sqlite3")
    await blobs.delete_session("s-aaaaaa")
    assert not (tmp_path / "s-aaaaaa").exists()
    await blobs.delete_session("s-aaaaaa")  # twice is fine


async def test_a_failed_write_leaves_nothing(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    blobs = FileBlobs(tmp_path)

    def full(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OSError):
        await blobs.put("s-aaaaaa", b"data", "png")
    assert os.listdir(tmp_path / "s-aaaaaa") == []


async def test_sweep_removes_folders_of_sessions_that_are_gone(tmp_path: Path) -> None:
    blobs = FileBlobs(tmp_path)
    for session in ("kept-aaaaaa", "gone-bbbbbb", "Odd_Id"):
        await blobs.put(session, b"x", "png")
    (tmp_path / "not-a-folder.txt").write_text("left alone")
    await blobs.sweep({"kept-aaaaaa"})
    assert sorted(os.listdir(tmp_path)) == ["kept-aaaaaa", "not-a-folder.txt"]


async def test_deleting_a_session_deletes_its_blobs(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "db.sqlite3")
    await store.open()
    blobs = FileBlobs(tmp_path / "blobs")
    registry = Registry(store, translate, on_deleted=blobs.session_deleted)
    try:
        deleted = await registry.create("Weg damit", "de")
        kept = await registry.create("Bleibt", "de")
        gone = await blobs.put(deleted.state.id, b"photo", "jpg")
        stays = await blobs.put(kept.state.id, b"photo", "jpg")
        answer = await deleted.submit(moderator("session.delete"))
        assert answer["type"] == "ack", answer
        await blobs.close()  # the deletion runs in a task of its own
        assert await blobs.open(deleted.state.id, gone) is None
        assert not blobs.folder(deleted.state.id).exists()
        assert await blobs.open(kept.state.id, stays) is not None
    finally:
        await registry.close()
        await store.close()
