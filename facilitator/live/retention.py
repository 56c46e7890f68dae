"""Data retention: sessions that ended are deleted for good, with their uploads.

Public bodies keep the data of a workshop only as long as they need it. Once an hour (and at
start) the sweep deletes
- sessions a moderator deleted, at once: their uploads went when they were deleted, and now
  their log goes too;
- closed sessions whose last event is older than `retention_days` (0 keeps them), with their
  uploaded files and, unless `keep_archives` is set, the documentation written for them.

Deleting a session stops its runtime and closes its sockets (4404), then removes its files,
then its rows in one transaction: a sweep that stops half way leaves either the whole session
or its rows without files, and the next sweep finishes it. Running the sweep in several
processes at once does no harm; each deletion is idempotent.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from facilitator.live.archiving import Archiver
from facilitator.live.registry import Registry
from facilitator.store.base import SessionRecord, Store
from facilitator.store.blobs import FileBlobs
from facilitator.tasks import stop_task

log = logging.getLogger(__name__)

DAY = 86400.0
INTERVAL = 3600.0  # seconds between two sweeps


class Retention:
    def __init__(self, store: Store, registry: Registry, blobs: FileBlobs,
                 archiver: Archiver | None, *, days: int, keep_archives: bool = True,
                 interval: float = INTERVAL, clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self.registry = registry
        self.blobs = blobs
        self.archiver = archiver
        self.days = days
        self.keep_archives = keep_archives
        self.interval = interval
        self.clock = clock
        self._task: asyncio.Task[None] | None = None

    async def due(self) -> list[SessionRecord]:
        """The sessions the next sweep deletes."""
        now = self.clock()
        due = [r for r in await self.store.ended_before(now) if r.status == "deleted"]
        if self.days > 0:
            due += [r for r in await self.store.ended_before(now - self.days * DAY)
                    if r.status == "closed"]
        return due

    async def sweep(self) -> list[str]:
        """Delete what is due; return the ids deleted. A session that fails is logged and
        left for the next sweep."""
        deleted = []
        for record in await self.due():
            try:
                await self.delete(record)
            except Exception:
                log.exception("session %s could not be deleted; trying again at the next sweep",
                              record.id)
            else:
                deleted.append(record.id)
        if deleted:
            log.info("data retention deleted %d sessions: %s", len(deleted), ", ".join(deleted))
        return deleted

    async def delete(self, record: SessionRecord) -> None:
        await self.registry.unload(record.code)
        await self.blobs.delete_session(record.id)
        if record.status == "closed" and not self.keep_archives and self.archiver is not None:
            await self.archiver.remove(record.id)
        await self.store.purge_session(record.id)

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="data retention")

    async def _loop(self) -> None:
        while True:
            try:
                await self.sweep()
            except Exception:  # the store was unreachable: next time
                log.exception("the data retention sweep failed")
            await asyncio.sleep(self.interval)

    async def close(self) -> None:
        await stop_task(self._task)
        self._task = None
