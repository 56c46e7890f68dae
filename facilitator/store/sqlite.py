"""The SQLite store: one aiosqlite connection (one thread) in WAL mode.

All SQL of the project is in this package (STYLE.md, point 5). Appends are called by the one
writer of each session with a whole batch of commands' events (group commit), and return only
after COMMIT, with synchronous=FULL so an acknowledged command survives a crash or power loss.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

import aiosqlite

from facilitator.domain.model import Event
from facilitator.store.base import Answer, SessionRecord, StoreConflict


def migrations() -> list[tuple[str, str]]:
    """The numbered migration files, in order: (name, sql)."""
    folder = resources.files("facilitator.store") / "migrations"
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".sql")), key=lambda f: f.name)
    return [(f.name, f.read_text("utf-8")) for f in files]


def _encode(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


class SQLiteStore:
    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        self._db: aiosqlite.Connection | None = None

    @property
    def db(self) -> aiosqlite.Connection:
        if self._db is None:
            raise RuntimeError("the store is not open")
        return self._db

    async def open(self) -> None:
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._db = await aiosqlite.connect(self.path, isolation_level=None)
        await self.db.execute("PRAGMA journal_mode=WAL")
        await self.db.execute("PRAGMA synchronous=FULL")
        await self.db.execute("PRAGMA foreign_keys=ON")
        await self.db.execute("PRAGMA busy_timeout=5000")
        await self._migrate()

    async def close(self) -> None:
        if self._db is not None:
            await self._db.close()
            self._db = None

    async def _migrate(self) -> None:
        await self.db.execute(
            "CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied TEXT NOT NULL)")
        async with self.db.execute("SELECT name FROM migrations") as cursor:
            done = {row[0] async for row in cursor}
        for name, sql in migrations():
            if name in done:
                continue
            # executescript commits on its own, so the migration and its record go in one script.
            await self.db.executescript(
                "BEGIN;\n" + sql + "\nINSERT INTO migrations (name, applied) VALUES ("
                + _quote(name) + ", datetime('now'));\nCOMMIT;")

    async def applied_migrations(self) -> list[str]:
        async with self.db.execute("SELECT name FROM migrations ORDER BY name") as cursor:
            return [row[0] async for row in cursor]

    async def create_session(self, record: SessionRecord, first: Event) -> None:
        try:
            await self.db.execute("BEGIN IMMEDIATE")
            await self.db.execute(
                "INSERT INTO sessions (id, code, title, status, created) VALUES (?, ?, ?, ?, ?)",
                (record.id, record.code, record.title, record.status, record.created))
            await self.db.execute(
                "INSERT INTO events (session, seq, type, data, at) VALUES (?, ?, ?, ?, ?)",
                (record.id, first.seq, first.type, _encode(first.data), first.at))
            await self.db.execute("COMMIT")
        except aiosqlite.IntegrityError as error:
            await self.db.execute("ROLLBACK")
            raise StoreConflict(str(error)) from error

    async def find_session(self, *, code: str | None = None,
                           ident: str | None = None) -> SessionRecord | None:
        column, value = ("code", code) if code is not None else ("id", ident)
        async with self.db.execute(
            f"SELECT id, code, title, status, created FROM sessions WHERE {column} = ?",
            (value,),
        ) as cursor:
            row = await cursor.fetchone()
        return SessionRecord(*row) if row else None

    async def list_sessions(self) -> list[SessionRecord]:
        async with self.db.execute(
            "SELECT id, code, title, status, created FROM sessions WHERE status != 'deleted' "
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
        async with self.db.execute(
            "SELECT actor, id, answer FROM answers WHERE session = ?", (session,)
        ) as cursor:
            return [Answer(*row) async for row in cursor]

    async def append(self, session: str, events: Sequence[Event], answers: Sequence[Answer],
                     status: str | None = None, title: str | None = None) -> None:
        if not events and not answers:
            return
        db = self.db
        await db.execute("BEGIN IMMEDIATE")
        try:
            await db.executemany(
                "INSERT INTO events (session, seq, type, data, at) VALUES (?, ?, ?, ?, ?)",
                [(session, e.seq, e.type, _encode(e.data), e.at) for e in events])
            await db.executemany(
                "INSERT INTO answers (session, actor, id, answer) VALUES (?, ?, ?, ?)",
                [(session, a.actor, a.id, a.message) for a in answers])
            if status is not None:
                await db.execute("UPDATE sessions SET status = ? WHERE id = ?", (status, session))
            if title is not None:
                await db.execute("UPDATE sessions SET title = ? WHERE id = ?", (title, session))
            await db.execute("COMMIT")
        except BaseException:
            await db.execute("ROLLBACK")
            raise


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
