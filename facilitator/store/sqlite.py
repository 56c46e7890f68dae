"""The SQLite store: one writer thread for every session, one reader connection, WAL mode.

All SQL of the project is in this package (STYLE.md, point 5).

Writes from every session's writer (and session creation) go through one queue to one
thread that owns the only write connection. It takes whatever is queued, runs each request in
a savepoint of one transaction and commits once (group commit across sessions: ten sessions
voting at once share one fsync instead of queueing for ten). A request that fails (a bad
row, a constraint) is rolled back to its savepoint and fails alone; the others commit. Two
transactions can never interleave, because only that thread ever writes. Reads use a second
connection, which under WAL sees only committed data. synchronous=FULL: a request returns
only after COMMIT reached the disk, so an acknowledged command survives a crash.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite

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


def migrations() -> list[tuple[str, str]]:
    """The numbered migration files, in order: (name, sql)."""
    folder = resources.files("facilitator.store") / "migrations"
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".sql")), key=lambda f: f.name)
    return [(f.name, f.read_text("utf-8")) for f in files]


Job = Callable[[sqlite3.Connection], Any]


class _Writer(GroupCommit[Job]):
    """The one thread that writes, and the queue in front of it."""

    name = "sqlite writer"

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="sqlite-writer")
        self._conn: sqlite3.Connection | None = None

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._pool, self._connect)
        self.begin()

    def _connect(self) -> None:
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=5000")
        self._conn = conn
        _migrate(conn)

    async def commit(self, jobs: Sequence[Job]) -> list[Outcome]:
        return await asyncio.get_running_loop().run_in_executor(self._pool, self._commit, jobs)

    def _commit(self, jobs: Sequence[Job]) -> list[Outcome]:
        conn = self._conn
        assert conn is not None
        assert threading.current_thread().name.startswith("sqlite-writer")
        outcomes: list[Outcome] = []
        conn.execute("BEGIN IMMEDIATE")
        try:
            for job in jobs:
                conn.execute("SAVEPOINT request")
                try:
                    result = job(conn)
                except Exception as error:
                    conn.execute("ROLLBACK TO request")
                    conn.execute("RELEASE request")
                    outcomes.append((False, error))
                else:
                    conn.execute("RELEASE request")
                    outcomes.append((True, result))
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        return outcomes

    async def close(self) -> None:
        await self.stop()
        if self._conn is not None:
            conn, self._conn = self._conn, None
            await asyncio.get_running_loop().run_in_executor(self._pool, conn.close)
        self._pool.shutdown(wait=True)


def _migrate(conn: sqlite3.Connection) -> None:
    conn.execute(
        "CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied TEXT NOT NULL)")
    done = {row[0] for row in conn.execute("SELECT name FROM migrations")}
    for name, sql in migrations():
        if name in done:
            continue
        # executescript commits on its own, so the migration and its record go in one script.
        conn.executescript(
            "BEGIN;\n" + sql + "\nINSERT INTO migrations (name, applied) VALUES ("
            + _quote(name) + ", datetime('now'));\nCOMMIT;")


class SQLiteStore:
    def __init__(self, path: Path | str, *, min_free_disk: int = 0,
                 remembered_ids: int = 256) -> None:
        self.path = str(path)
        self.min_free_disk = min_free_disk  # megabytes
        self.remembered_ids = remembered_ids
        self._db: aiosqlite.Connection | None = None
        self._writer: _Writer | None = None

    @property
    def db(self) -> aiosqlite.Connection:
        """The reading connection."""
        if self._db is None:
            raise RuntimeError("the store is not open")
        return self._db

    async def open(self) -> None:
        """Open the store, migrate it and prove it takes writes; StoreUnavailable with a
        sentence for people when the directory is read-only, full or not a database."""
        folder = Path(self.path).parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
            self._writer = _Writer(self.path)
            await self._writer.start()
            await self.check_writable()
        except (sqlite3.Error, OSError) as error:
            await self.close()
            raise StoreUnavailable(
                f"The database {self.path} cannot be written ({error}). Check that the "
                f"directory {folder} is writable and has free space.") from error
        except StoreUnavailable:
            await self.close()
            raise
        self._db = await aiosqlite.connect(self.path, isolation_level=None)
        await self.db.execute("PRAGMA busy_timeout=5000")

    async def close(self) -> None:
        if self._db is not None:
            await self._db.close()
            self._db = None
        if self._writer is not None:
            writer, self._writer = self._writer, None
            await writer.close()

    async def _write(self, job: Job) -> Any:
        if self._writer is None:
            raise RuntimeError("the store is not open")
        return await self._writer.run(job)

    async def check_writable(self) -> None:
        """Raise StoreUnavailable unless a write commits and the disk has room to spare."""
        if self.min_free_disk:
            free = shutil.disk_usage(Path(self.path).parent).free // (1024 * 1024)
            if free < self.min_free_disk:
                raise StoreUnavailable(
                    f"Only {free} MB are free in {Path(self.path).parent}; at least "
                    f"{self.min_free_disk} MB are needed.")
        stamp = time.time()

        def probe(conn: sqlite3.Connection) -> None:
            conn.execute("INSERT OR REPLACE INTO probe (id, at) VALUES (1, ?)", (stamp,))

        try:
            await self._write(probe)
        except sqlite3.Error as error:
            raise StoreUnavailable(f"The database {self.path} takes no writes: {error}.") \
                from error

    async def applied_migrations(self) -> list[str]:
        async with self.db.execute("SELECT name FROM migrations ORDER BY name") as cursor:
            return [row[0] async for row in cursor]

    async def create_session(self, record: SessionRecord, first: Event) -> None:
        """A new session with its first event: a dump of one event, restored."""
        await self.restore_session(SessionDump(
            record, ((first.seq, first.type, encode_data(first.data), first.at),), ()))

    async def find_session(self, *, code: str | None = None,
                           ident: str | None = None) -> SessionRecord | None:
        column, value = ("code", code) if code is not None else ("id", ident)
        async with self.db.execute(
            f"SELECT id, code, title, status, created FROM sessions WHERE {column} = ?",
            (value,),
        ) as cursor:
            row = await cursor.fetchone()
        return SessionRecord(*row) if row else None

    async def list_sessions(self, *, deleted: bool = False) -> list[SessionRecord]:
        where = "" if deleted else "WHERE status != 'deleted' "
        async with self.db.execute(
            f"SELECT id, code, title, status, created FROM sessions {where}"
            "ORDER BY created DESC"
        ) as cursor:
            return [SessionRecord(*row) async for row in cursor]

    async def load_events(self, session: str, after: int = 0) -> list[Event]:
        async with self.db.execute(
            "SELECT seq, type, data, at FROM events WHERE session = ? AND seq > ? ORDER BY seq",
            (session, after),
        ) as cursor:
            return [Event(seq, kind, json.loads(data), at) async for seq, kind, data, at in cursor]

    async def load_answers(self, session: str) -> list[Answer]:
        """The newest `remembered_ids` answers of each credential, oldest first."""
        async with self.db.execute(
            "SELECT actor, id, answer FROM (SELECT actor, id, answer, n, ROW_NUMBER() OVER "
            "(PARTITION BY actor ORDER BY n DESC) AS newest FROM answers WHERE session = ?) "
            "WHERE newest <= ? ORDER BY n", (session, self.remembered_ids)
        ) as cursor:
            return [Answer(*row) async for row in cursor]

    async def append(self, session: str, events: Sequence[Event], answers: Sequence[Answer],
                     status: str | None = None, title: str | None = None, *,
                     encoded: Sequence[str] | None = None,
                     forget: Sequence[tuple[str, str]] = ()) -> None:
        """Commit events and answers; return once durable. `encoded` holds each event's
        data as encode_data gives it, when the caller has it already; `forget` names
        (actor, id) answers no longer remembered."""
        if not events and not answers and not forget and status is None and title is None:
            return
        texts = list(encoded) if encoded is not None else [encode_data(e.data) for e in events]
        rows = [(session, e.seq, e.type, text, e.at) for e, text in zip(events, texts,
                                                                          strict=True)]

        def write(conn: sqlite3.Connection) -> None:
            conn.executemany(
                "INSERT INTO events (session, seq, type, data, at) VALUES (?, ?, ?, ?, ?)", rows)
            conn.executemany(
                "INSERT OR REPLACE INTO answers (session, actor, id, answer) VALUES (?, ?, ?, ?)",
                [(session, a.actor, a.id, a.message) for a in answers])
            if forget:
                conn.executemany(
                    "DELETE FROM answers WHERE session = ? AND actor = ? AND id = ?",
                    [(session, actor, ident) for actor, ident in forget])
            if status is not None:
                conn.execute("UPDATE sessions SET status = ? WHERE id = ?", (status, session))
            if title is not None:
                conn.execute("UPDATE sessions SET title = ? WHERE id = ?", (title, session))

        await self._write(write)


    async def dump_session(self, ident: str) -> SessionDump | None:
        record = await self.find_session(ident=ident)
        if record is None:
            return None
        await self.db.execute("BEGIN")  # one snapshot for the events and the answers
        try:
            async with self.db.execute(
                "SELECT seq, type, data, at FROM events WHERE session = ? ORDER BY seq",
                (ident,)
            ) as cursor:
                events = tuple([tuple(row) async for row in cursor])
            async with self.db.execute(
                "SELECT actor, id, answer FROM answers WHERE session = ? ORDER BY n", (ident,)
            ) as cursor:
                answers = tuple([Answer(*row) async for row in cursor])
        finally:
            await self.db.execute("COMMIT")
        return SessionDump(record, events, answers)

    async def restore_session(self, dump: SessionDump) -> None:
        record = dump.record

        def restore(conn: sqlite3.Connection) -> None:
            conn.execute(
                "INSERT INTO sessions (id, code, title, status, created) VALUES (?, ?, ?, ?, ?)",
                (record.id, record.code, record.title, record.status, record.created))
            conn.executemany(
                "INSERT INTO events (session, seq, type, data, at) VALUES (?, ?, ?, ?, ?)",
                [(record.id, *event) for event in dump.events])
            conn.executemany(
                "INSERT INTO answers (session, actor, id, answer) VALUES (?, ?, ?, ?)",
                [(record.id, a.actor, a.id, a.message) for a in dump.answers])

        try:
            await self._write(restore)
        except sqlite3.IntegrityError as error:
            raise StoreConflict(str(error)) from error

    async def purge_session(self, ident: str) -> None:
        def purge(conn: sqlite3.Connection) -> None:
            for table, column in (("answers", "session"), ("events", "session"),
                                  ("sessions", "id")):
                conn.execute(f"DELETE FROM {table} WHERE {column} = ?", (ident,))

        await self._write(purge)

    async def ended_before(self, cutoff: float) -> list[SessionRecord]:
        async with self.db.execute(
            "SELECT id, code, title, status, created FROM sessions s "
            "WHERE status IN ('closed', 'deleted') "
            "AND (SELECT max(at) FROM events WHERE session = s.id) < ? ORDER BY created",
            (cutoff,),
        ) as cursor:
            return [SessionRecord(*row) async for row in cursor]


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
