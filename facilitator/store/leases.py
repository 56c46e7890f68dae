"""Which sessions this process writes, when several processes share one PostgreSQL database.

A session has exactly one writer at a time: the process holding its lease, a session-level
advisory lock of PostgreSQL taken on one connection this process keeps for its leases. The
lock lives as long as that connection does, so a process that dies (even by SIGKILL: the
kernel closes its socket) frees its sessions at once, and another process takes them over by
taking the lock. A process that loses the connection loses every lease with it and is told
(`on_lost`), so that it stops writing before anyone else may start.

The lock is the rule; the events' primary key (session, seq) is the safety net behind it: two
writers of one session could never both commit the same seq.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Callable

import asyncpg

from facilitator.tasks import stop_task

log = logging.getLogger(__name__)

KEEPALIVE = 2.0  # seconds between two checks that the lease connection is alive


def lock_key(session: str) -> int:
    """A stable signed 64-bit key for a session id (advisory locks take a bigint)."""
    return int.from_bytes(hashlib.sha256(b"facilitator:" + session.encode()).digest()[:8],
                          "big", signed=True)


class Leases:
    def __init__(self, url: str, on_lost: Callable[[set[str]], None] = lambda lost: None,
                 *, keepalive: float = KEEPALIVE) -> None:
        self.url = url
        self.on_lost = on_lost
        self.keepalive = keepalive
        self._conn: asyncpg.Connection | None = None
        self._held: set[str] = set()
        self._mutex = asyncio.Lock()  # one query at a time on the connection
        self._watch: asyncio.Task[None] | None = None

    @property
    def held(self) -> frozenset[str]:
        return frozenset(self._held)

    async def open(self) -> None:
        await self._connect()
        self._watch = asyncio.create_task(self._keepalive(), name="lease keepalive")

    async def _connect(self) -> None:
        conn = await asyncpg.connect(self.url)
        conn.add_termination_listener(lambda _conn: self._lost())
        self._conn = conn

    def _lost(self) -> None:
        """The connection is gone, and every lock with it."""
        lost, self._held = self._held, set()
        self._conn = None
        if lost:
            log.warning("the lease connection to PostgreSQL broke: %d sessions are no longer "
                        "written by this process", len(lost))
            self.on_lost(lost)

    async def _keepalive(self) -> None:
        while True:
            await asyncio.sleep(self.keepalive)
            try:
                async with self._mutex:
                    if self._conn is None:
                        await self._connect()
                    else:
                        await asyncio.wait_for(self._conn.fetchval("SELECT 1"),
                                               self.keepalive)
            except (TimeoutError, OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
                if self._conn is not None:
                    self._conn.terminate()
                self._lost()

    async def acquire(self, session: str) -> bool:
        """Take the session's lease if no process holds it; whether this process holds it."""
        if session in self._held:
            return True
        async with self._mutex:
            if self._conn is None:
                return False
            try:
                taken = await self._conn.fetchval("SELECT pg_try_advisory_lock($1)",
                                                  lock_key(session))
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
                return False
        if taken:
            self._held.add(session)
        return bool(taken)

    async def release(self, session: str) -> None:
        if session not in self._held:
            return
        self._held.discard(session)
        async with self._mutex:
            if self._conn is not None:
                try:
                    await self._conn.execute("SELECT pg_advisory_unlock($1)", lock_key(session))
                except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
                    pass  # the connection is going: the lock goes with it

    async def close(self) -> None:
        """Release every lease (closing the connection does)."""
        await stop_task(self._watch)
        self._held = set()
        if self._conn is not None:
            conn, self._conn = self._conn, None
            await conn.close()
