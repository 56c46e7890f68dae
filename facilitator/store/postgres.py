"""The PostgreSQL store (asyncpg): the same tables, the same group commit, the same answers
as the SQLite store, for servers that run PostgreSQL with backups and replicas, or several
processes on one database.

One connection writes. Whatever is queued when it is free goes into one transaction, each
request in its own savepoint, and one COMMIT acknowledges them all (group commit: the writers
of ten sessions share one WAL flush). A request that fails is rolled back to its savepoint
and fails alone. COMMIT returns once the WAL reached the disk (synchronous_commit, on by
default), so an acknowledged command survives a crash of the server or of the database.
Reads use a small pool of other connections, which see only committed data.

Why asyncpg rather than psycopg 3: it speaks PostgreSQL's protocol itself (no libpq to
install, a wheel for every platform we serve), pipelines executemany, and is kept by the
people who keep uvloop, which this server runs on already.
"""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable, Sequence
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

import asyncpg

from facilitator.domain.model import Event
from facilitator.store.base import (
    Answer,
    SessionDump,
    SessionRecord,
    StoreConflict,
    StoreUnavailable,
    encode_data,
)
from facilitator.store.groupcommit import GroupCommit, Outcome

READERS = 4  # reading connections of one process
# A fixed key for the migration lock: two processes starting together migrate one at a time.
MIGRATION_LOCK = 0x66616369  # "faci"


def migrations() -> list[tuple[str, str]]:
    """The numbered migration files of PostgreSQL, in order: (name, sql)."""
    folder = resources.files("facilitator.store") / "pg_migrations"
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".sql")), key=lambda f: f.name)
    return [(f.name, f.read_text("utf-8")) for f in files]


Job = Callable[[asyncpg.Connection], Awaitable[Any]]


class _Writer(GroupCommit[Job]):
    """The one connection that writes, and the queue in front of it."""

    name = "postgresql writer"

    def __init__(self, conn: asyncpg.Connection,
                 connect: Callable[[], Awaitable[asyncpg.Connection]]) -> None:
        super().__init__()
        self._conn = conn
        self._connect = connect
        self.begin()

    async def commit(self, jobs: Sequence[Job]) -> list[Outcome]:
        if self._conn.is_closed():  # the database restarted or the network broke: once more
            self._conn = await self._connect()
        conn = self._conn
        outcomes: list[Outcome] = []
        async with conn.transaction():
            for job in jobs:
                try:
                    async with conn.transaction():  # a savepoint
                        result = await job(conn)
                except (asyncpg.PostgresError, asyncpg.DataError, ValueError,
                        TypeError) as error:
                    outcomes.append((False, error))
                else:
                    outcomes.append((True, result))
        return outcomes

    def failed(self, error: Exception) -> Exception:
        """A lost connection or a database that refuses writes, as StoreUnavailable."""
        if isinstance(error, (OSError, asyncpg.InterfaceError,
                              asyncpg.ConnectionDoesNotExistError,
                              asyncpg.ReadOnlySQLTransactionError,
                              asyncpg.InsufficientResourcesError)):
            unavailable = StoreUnavailable(f"PostgreSQL takes no writes: {error}.")
            unavailable.__cause__ = error
            return unavailable
        return error


class PostgresStore:
    """The store on a PostgreSQL database given by its URL (postgresql://user:pw@host/db)."""

    def __init__(self, url: str, *, remembered_ids: int = 256) -> None:
        self.url = url
        self.remembered_ids = remembered_ids
        self._pool: asyncpg.Pool | None = None
        self._write_conn: asyncpg.Connection | None = None
        self._writer: _Writer | None = None

    @property
    def pool(self) -> asyncpg.Pool:
        if self._pool is None:
            raise RuntimeError("the store is not open")
        return self._pool

    @property
    def where(self) -> str:
        """The database, for people, without its password."""
        try:
            parts = urlsplit(self.url)
            host = parts.hostname or "localhost"
            return f"{host}{':' + str(parts.port) if parts.port else ''}{parts.path}"
        except ValueError:
            return "the configured PostgreSQL database"

    async def open(self) -> None:
        """Connect, migrate and prove the database takes writes; StoreUnavailable with a
        sentence for people when it cannot be reached or written."""
        try:
            conn = await self._connect()
            await _migrate(conn)
            self._writer = _Writer(conn, self._connect)
            self._pool = await asyncpg.create_pool(self.url, min_size=1, max_size=READERS)
            await self.check_writable()
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError,
                StoreUnavailable) as error:
            await self.close()
            raise StoreUnavailable(
                f"The PostgreSQL database {self.where} cannot be used ({error}). Check "
                f"FACILITATOR_DATABASE_URL, that the server runs and that the user may "
                f"create tables in that database.") from error

    async def _connect(self) -> asyncpg.Connection:
        self._write_conn = await asyncpg.connect(self.url)
        return self._write_conn

    async def close(self) -> None:
        if self._writer is not None:
            writer, self._writer = self._writer, None
            await writer.stop()
        if self._pool is not None:
            pool, self._pool = self._pool, None
            await pool.close()
        if self._write_conn is not None:
            conn, self._write_conn = self._write_conn, None
            await conn.close()

    async def _write(self, job: Job) -> Any:
        if self._writer is None:
            raise RuntimeError("the store is not open")
        return await self._writer.run(job)

    async def check_writable(self) -> None:
        stamp = time.time()

        async def probe(conn: asyncpg.Connection) -> None:
            await conn.execute(
                "INSERT INTO probe (id, at) VALUES (1, $1) "
                "ON CONFLICT (id) DO UPDATE SET at = EXCLUDED.at", stamp)

        try:
            await self._write(probe)
        except asyncpg.PostgresError as error:
            raise StoreUnavailable(f"The database {self.where} takes no writes: {error}.") \
                from error

    async def applied_migrations(self) -> list[str]:
        rows = await self.pool.fetch("SELECT name FROM migrations ORDER BY name")
        return [row[0] for row in rows]

    async def create_session(self, record: SessionRecord, first: Event) -> None:
        """A new session with its first event: a dump of one event, restored."""
        await self.restore_session(SessionDump(
            record, ((first.seq, first.type, encode_data(first.data), first.at),), ()))

    async def find_session(self, *, code: str | None = None,
                           ident: str | None = None) -> SessionRecord | None:
        column, value = ("code", code) if code is not None else ("id", ident)
        row = await self.pool.fetchrow(
            f"SELECT id, code, title, status, created FROM sessions WHERE {column} = $1", value)
        return SessionRecord(*row) if row else None

    async def list_sessions(self, *, deleted: bool = False) -> list[SessionRecord]:
        where = "" if deleted else "WHERE status != 'deleted' "
        rows = await self.pool.fetch(
            f"SELECT id, code, title, status, created FROM sessions {where}"
            "ORDER BY created DESC")
        return [SessionRecord(*row) for row in rows]

    async def load_events(self, session: str, after: int = 0) -> list[Event]:
        rows = await self.pool.fetch(
            "SELECT seq, type, data, at FROM events WHERE session = $1 AND seq > $2 "
            "ORDER BY seq", session, after)
        return [Event(seq, kind, json.loads(data), at) for seq, kind, data, at in rows]

    async def load_answers(self, session: str) -> list[Answer]:
        """The newest `remembered_ids` answers of each credential, oldest first."""
        rows = await self.pool.fetch(
            "SELECT actor, id, answer FROM (SELECT actor, id, answer, n, ROW_NUMBER() OVER "
            "(PARTITION BY actor ORDER BY n DESC) AS newest FROM answers WHERE session = $1) "
            "AS ranked WHERE newest <= $2 ORDER BY n", session, self.remembered_ids)
        return [Answer(*row) for row in rows]

    async def append(self, session: str, events: Sequence[Event], answers: Sequence[Answer],
                     status: str | None = None, title: str | None = None, *,
                     encoded: Sequence[str] | None = None,
                     forget: Sequence[tuple[str, str]] = ()) -> None:
        """Commit events and answers; return once durable (see SQLiteStore.append)."""
        if not events and not answers and not forget and status is None and title is None:
            return
        texts = list(encoded) if encoded is not None else [encode_data(e.data) for e in events]
        rows = [(session, e.seq, e.type, text, e.at) for e, text in zip(events, texts,
                                                                          strict=True)]

        async def write(conn: asyncpg.Connection) -> None:
            if rows:
                await conn.executemany(
                    "INSERT INTO events (session, seq, type, data, at) "
                    "VALUES ($1, $2, $3, $4, $5)", rows)
            if answers:
                # A newer answer to the same id moves to the end, as SQLite's INSERT OR
                # REPLACE gives it a new n.
                await conn.executemany(
                    "INSERT INTO answers (session, actor, id, answer) VALUES ($1, $2, $3, $4) "
                    "ON CONFLICT (session, actor, id) DO UPDATE "
                    "SET answer = EXCLUDED.answer, n = EXCLUDED.n",
                    [(session, a.actor, a.id, a.message) for a in answers])
            if forget:
                await conn.executemany(
                    "DELETE FROM answers WHERE session = $1 AND actor = $2 AND id = $3",
                    [(session, actor, ident) for actor, ident in forget])
            if status is not None:
                await conn.execute("UPDATE sessions SET status = $1 WHERE id = $2",
                                   status, session)
            if title is not None:
                await conn.execute("UPDATE sessions SET title = $1 WHERE id = $2",
                                   title, session)

        await self._write(write)


    async def dump_session(self, ident: str) -> SessionDump | None:
        async with self.pool.acquire() as conn, conn.transaction(isolation="repeatable_read",
                                                                 readonly=True):
            row = await conn.fetchrow(
                "SELECT id, code, title, status, created FROM sessions WHERE id = $1", ident)
            if row is None:
                return None
            events = await conn.fetch(
                "SELECT seq, type, data, at FROM events WHERE session = $1 ORDER BY seq", ident)
            answers = await conn.fetch(
                "SELECT actor, id, answer FROM answers WHERE session = $1 ORDER BY n", ident)
        return SessionDump(SessionRecord(*row), tuple(tuple(e) for e in events),
                           tuple(Answer(*a) for a in answers))

    async def restore_session(self, dump: SessionDump) -> None:
        record = dump.record

        async def restore(conn: asyncpg.Connection) -> None:
            await conn.execute(
                "INSERT INTO sessions (id, code, title, status, created) "
                "VALUES ($1, $2, $3, $4, $5)",
                record.id, record.code, record.title, record.status, record.created)
            await conn.executemany(
                "INSERT INTO events (session, seq, type, data, at) VALUES ($1, $2, $3, $4, $5)",
                [(record.id, *event) for event in dump.events])
            await conn.executemany(
                "INSERT INTO answers (session, actor, id, answer) VALUES ($1, $2, $3, $4)",
                [(record.id, a.actor, a.id, a.message) for a in dump.answers])

        try:
            await self._write(restore)
        except asyncpg.UniqueViolationError as error:
            raise StoreConflict(str(error)) from error

    async def purge_session(self, ident: str) -> None:
        async def purge(conn: asyncpg.Connection) -> None:
            for table, column in (("answers", "session"), ("events", "session"),
                                  ("sessions", "id")):
                await conn.execute(f"DELETE FROM {table} WHERE {column} = $1", ident)

        await self._write(purge)

    async def ended_before(self, cutoff: float) -> list[SessionRecord]:
        rows = await self.pool.fetch(
            "SELECT id, code, title, status, created FROM sessions s "
            "WHERE status IN ('closed', 'deleted') "
            "AND (SELECT max(at) FROM events WHERE session = s.id) < $1 ORDER BY created",
            cutoff)
        return [SessionRecord(*row) for row in rows]


async def _migrate(conn: asyncpg.Connection) -> None:
    """Apply the migrations not applied yet, each in its own transaction with its record,
    one process at a time (an advisory lock held for the transaction)."""
    for name, sql in migrations():
        async with conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK)
            await conn.execute(
                "CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, "
                "applied TIMESTAMPTZ NOT NULL DEFAULT now())")
            done = await conn.fetchval("SELECT count(*) FROM migrations WHERE name = $1", name)
            if done:
                continue
            await conn.execute(sql)
            await conn.execute("INSERT INTO migrations (name) VALUES ($1)", name)
