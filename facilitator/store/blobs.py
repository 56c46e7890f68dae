"""Files of sessions (slide images, PDFs, photos) as blobs named by their content.

A blob's name is the SHA-256 of its bytes and its type, `<64 hex>.<ext>`: the same file is
stored once, a name never changes its content (so it may be cached for ever), and the name is
what events carry. `Blobs` is what the rest of the server needs; `FileBlobs` keeps them in
the data directory beside the SQLite database (`<root>/<session id>/<name>`). An object store
(S3 and the like) would implement the same four methods.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Protocol

log = logging.getLogger(__name__)

EXTENSIONS = ("png", "jpg", "webp", "pdf")
NAME = re.compile(r"[0-9a-f]{64}\.(?:png|jpg|webp|pdf)")
# Session ids are slugs (live/registry.py) and name their folder; an id of another shape (a
# plan folder's name given on the command line) is never used as a path: its folder is named
# by its hash.
SESSION = re.compile(r"[a-z0-9][a-z0-9-]{0,127}")
FOLDER = re.compile(r"[a-z0-9][a-z0-9-]{0,127}|_[0-9a-f]{32}")


class Blobs(Protocol):
    async def put(self, session: str, data: bytes, ext: str) -> str:
        """Store `data`; its name. Atomic: a blob is there whole or not at all."""
        ...

    async def open(self, session: str, name: str) -> Path | None:
        """The file of a blob of this session, or None (no such blob, or not a blob name)."""
        ...

    async def delete(self, session: str, name: str) -> None: ...

    async def delete_session(self, session: str) -> None:
        """Delete every blob of the session."""
        ...


def blob_name(data: bytes, ext: str) -> str:
    if ext not in EXTENSIONS:
        raise ValueError(f"not a blob type: {ext!r}")
    return f"{hashlib.sha256(data).hexdigest()}.{ext}"


def folder_name(session: str) -> str:
    if SESSION.fullmatch(session):
        return session
    return "_" + hashlib.sha256(session.encode("utf-8", "surrogatepass")).hexdigest()[:32]


class FileBlobs:
    """Blobs as files: `<root>/<session id>/<sha256>.<ext>`."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._tasks: set[asyncio.Task[None]] = set()

    def folder(self, session: str) -> Path:
        return self.root / folder_name(session)

    async def put(self, session: str, data: bytes, ext: str) -> str:
        # Hashing megabytes and writing them are work for a thread, not the event loop.
        return await asyncio.to_thread(self._put, session, data, ext)

    def _put(self, session: str, data: bytes, ext: str) -> str:
        name = blob_name(data, ext)
        folder = self.folder(session)
        path = folder / name
        if path.exists():  # the same content: written before
            return name
        folder.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=folder, prefix=".part-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temp, 0o644)
            os.replace(temp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise
        _sync_folder(folder)
        return name

    async def open(self, session: str, name: str) -> Path | None:
        if not NAME.fullmatch(name):
            return None
        path = self.folder(session) / name
        return path if await asyncio.to_thread(path.is_file) else None

    async def delete(self, session: str, name: str) -> None:
        if not NAME.fullmatch(name):
            raise ValueError(f"not a blob name: {name!r}")
        path = self.folder(session) / name
        await asyncio.to_thread(_unlink, path)

    async def delete_session(self, session: str) -> None:
        await asyncio.to_thread(shutil.rmtree, self.folder(session), True)

    async def names(self, session: str) -> set[str]:
        """The blobs a session has (for tests and tidying up)."""
        return await asyncio.to_thread(self._names, session)

    def _names(self, session: str) -> set[str]:
        try:
            return {entry.name for entry in os.scandir(self.folder(session))
                    if NAME.fullmatch(entry.name)}
        except FileNotFoundError:
            return set()

    # -- deleting with the session ---------------------------------------------------------

    def session_deleted(self, session: str) -> None:
        """Called after the commit that deleted a session (live/runtime.py): its blobs go,
        in a task of their own."""
        task = asyncio.get_running_loop().create_task(self._forget(session))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def collect(self, session: str, keep: set[str]) -> None:
        """Delete, in a task of its own, the session's blobs not in `keep` (what its events
        still name and uploads under way hold): the files of a photo the moderator removed."""
        task = asyncio.get_running_loop().create_task(self._collect(session, set(keep)))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _collect(self, session: str, keep: set[str]) -> None:
        try:
            for name in sorted(await self.names(session) - keep):
                await self.delete(session, name)
        except Exception:
            log.exception("the removed files of session %s could not be deleted", session)

    async def _forget(self, session: str) -> None:
        try:
            await self.delete_session(session)
        except Exception:
            log.exception("the files of the deleted session %s could not be deleted", session)

    async def sweep(self, keep: set[str]) -> None:
        """Delete the folders of sessions not in `keep` (deleted ones whose files were not
        deleted, say because the server stopped first). Run at start, before any request."""
        kept = {folder_name(session) for session in keep}
        for folder in await asyncio.to_thread(self._folders):
            if folder not in kept:
                await asyncio.to_thread(shutil.rmtree, self.root / folder, True)

    def _folders(self) -> list[str]:
        try:
            return [entry.name for entry in os.scandir(self.root)
                    if entry.is_dir() and FOLDER.fullmatch(entry.name)]
        except FileNotFoundError:
            return []

    async def close(self) -> None:
        """Wait for deletions under way."""
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)


def _unlink(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def _sync_folder(folder: Path) -> None:
    """Make the rename durable (the folder's entry), where the system allows it."""
    with contextlib.suppress(OSError):
        handle = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)
