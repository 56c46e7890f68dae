"""Writing a session's documentation (facilitator/archive) beside the live side.

The archive is a pure function of the committed event log, so it is written from what the
store holds, never from the runtime's state (which can run ahead of the log for a moment).
Rendering a three-hour workshop is CPU work the event loop must not do: it runs in a worker
thread, while the session's writer goes on acknowledging commands. Writes of one session are
serialised, so a close and a "write now" click at the same moment cannot interleave files in
one folder; and an automatic write that fails is logged, never raised into the writer.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from facilitator.domain.model import Event
from facilitator.store.base import Store
from facilitator.store.blobs import FileBlobs

if TYPE_CHECKING:  # the writers are imported when a session closes (_write)
    from facilitator.archive.branding import Branding

log = logging.getLogger(__name__)

# The file that marks a written archive (the console links the zip only when it is there).
REPORT = "report.html"
PDF = "report.pdf"
# How long shutting down waits for archives still being written.
CLOSE_TIMEOUT = 30.0
CHROMIUM = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome")
# As the browser tests launch it (/tmp/contract.md), plus what printing needs.
CHROMIUM_ARGS = ("--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--no-pdf-header-footer")
PDF_TIMEOUT = 120.0


class UnknownSession(LookupError):
    """No session has this id, so there is no log to write the documentation from."""


class Archiver:
    """Writes the documentation of sessions into `<sessions_dir>/<session id>/`."""

    def __init__(self, store: Store, sessions_dir: Path, timezone: str = "Europe/Berlin",
                 blobs: FileBlobs | None = None, branding: Branding | None = None) -> None:
        self.store = store
        self.sessions_dir = Path(sessions_dir)
        self.timezone = timezone
        # Uploaded files: the archive copies those its report shows (store/blobs.py).
        self.blobs = blobs
        # The organisation's name and logo at the top of every report (archive/branding.py).
        self.branding = branding
        self._locks: dict[str, asyncio.Lock] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def folder(self, session: str) -> Path:
        # Session ids are slugs (a-z, 0-9, hyphens), but the folder name must never climb out.
        if not session or session.startswith(".") or "/" in session or "\\" in session \
                or os.sep in session:
            raise ValueError(f"not a session id for a folder name: {session!r}")
        return self.sessions_dir / session

    def exists(self, session: str) -> bool:
        try:
            return (self.folder(session) / REPORT).is_file()
        except ValueError:
            return False

    def _lock(self, session: str) -> asyncio.Lock:
        return self._locks.setdefault(session, asyncio.Lock())

    async def write(self, session: str) -> list[Path]:
        """Write the archive from the log as committed now; return the paths written.
        Raises what the writers raise: callers that a person waits for show the error."""
        folder = self.folder(session)
        async with self._lock(session):
            events = await self.store.load_events(session)
            if not events:
                raise UnknownSession(session)
            blobs = self.blobs.folder(session) if self.blobs is not None else None
            return await asyncio.to_thread(_write, events, folder, self.timezone, blobs,
                                           self.branding)

    async def remove(self, session: str) -> None:
        """Delete the session's documentation (data retention), never a write half done."""
        from facilitator.archive.files import remove_archive

        async with self._lock(session):
            await asyncio.to_thread(remove_archive, self.folder(session))
        self._locks.pop(session, None)

    async def zip_bytes(self, session: str) -> bytes:
        """The zip of the folder, written first when there is none yet. Under the session's
        lock, so it never catches a write half done."""
        folder = self.folder(session)
        if not self.exists(session):
            await self.write(session)
        async with self._lock(session):
            return await asyncio.to_thread(_zip, folder)

    async def catch_up(self) -> list[str]:
        """Schedule the archives of closed sessions that have none: the server may have
        stopped between committing a close and writing its archive. Returns their ids."""
        missing = [r.id for r in await self.store.list_sessions()
                   if r.status == "closed" and not self.exists(r.id)]
        for session in missing:
            self.schedule(session)
        return missing

    def schedule(self, session: str) -> None:
        """Write the archive soon, in the background (the writer calls this after a commit
        that closed the session). Never raises; a failure goes to the log."""
        task = asyncio.get_running_loop().create_task(self._write_logged(session),
                                                      name=f"archive {session}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _write_logged(self, session: str) -> None:
        try:
            paths = await self.write(session)
        except Exception:
            log.exception("the documentation of session %s could not be written", session)
        else:
            log.info("documentation of session %s written: %d files in %s", session,
                     len(paths), self.folder(session))

    async def close(self) -> None:
        """Let archives being written finish (a closing server should not lose the one of
        the session that just closed), for at most CLOSE_TIMEOUT seconds."""
        pending = set(self._tasks)
        if not pending:
            return
        done, late = await asyncio.wait(pending, timeout=CLOSE_TIMEOUT)
        for task in late:
            log.warning("gave up waiting for %s", task.get_name())
            task.cancel()


def _write(events: Sequence[Event], folder: Path, timezone: str,
           blobs: Path | None, branding: Branding | None = None) -> list[Path]:
    # Imported here: the writers load their templates, which the live side needs only once
    # a session closes, and the CLI's other commands never.
    from facilitator.archive import write_archive

    folder.mkdir(parents=True, exist_ok=True)
    paths = write_archive(events, folder, timezone=timezone, blobs=blobs, branding=branding)
    # A PDF of an earlier report would contradict the new one; `facilitator archive --pdf`
    # makes a fresh one.
    stale = folder / PDF
    if stale.exists() and stale not in paths:
        stale.unlink()
    return paths


def _zip(folder: Path) -> bytes:
    from facilitator.archive import zip_archive

    data: bytes = zip_archive(folder)
    return data


def chromium() -> str | None:
    """The Chromium to print with, or None when there is none on this machine."""
    for name in CHROMIUM:
        found = shutil.which(name)
        if found:
            return found
    return None


def render_pdf(html: Path, pdf: Path, browser: str) -> None:
    """Print an HTML file to PDF with headless Chromium (A4 comes from the report's CSS).
    Raises RuntimeError with Chromium's own words when it made no PDF."""
    target = pdf.resolve()
    partial = target.with_name(target.name + ".part")
    partial.unlink(missing_ok=True)
    # A profile of its own: a Chromium already running (a browser test, a person's browser)
    # would otherwise take the job over, or refuse it.
    with tempfile.TemporaryDirectory(prefix="facilitator-pdf-") as profile:
        command = [browser, *CHROMIUM_ARGS, f"--user-data-dir={profile}",
                   f"--print-to-pdf={partial}", html.resolve().as_uri()]
        try:
            done = subprocess.run(command, capture_output=True, text=True,
                                  timeout=PDF_TIMEOUT, check=False)
        except subprocess.TimeoutExpired:
            raise RuntimeError(f"Chromium did not finish within {PDF_TIMEOUT:.0f} s") from None
    if done.returncode != 0 or not partial.is_file() or partial.stat().st_size == 0:
        partial.unlink(missing_ok=True)
        said = (done.stderr or done.stdout).strip().splitlines()[-5:]
        raise RuntimeError(f"Chromium exited with {done.returncode} and wrote no PDF: "
                           + " / ".join(said))
    partial.replace(target)
