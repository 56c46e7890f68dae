"""Persistence behind one small interface (store/base.py): SQLite by default, PostgreSQL for
servers that run it (several processes, backups, replicas). `open_store` picks one by URL."""

from __future__ import annotations

from pathlib import Path

from facilitator.store.base import Answer, SessionRecord, Store, StoreConflict
from facilitator.store.sqlite import SQLiteStore

__all__ = ["Answer", "SessionRecord", "Store", "StoreConflict", "SQLiteStore", "make_store",
           "sqlite_path"]

SCHEMES = ("sqlite", "postgresql", "postgres")


def sqlite_path(url: str) -> Path | None:
    """The file of a sqlite: URL (sqlite:///relative/file, sqlite:////absolute/file, as
    SQLAlchemy writes them), None for another scheme."""
    if not url.startswith("sqlite:"):
        return None
    rest = url.removeprefix("sqlite:")
    if not rest.startswith("///") or len(rest) == 3:
        raise ValueError(f"a SQLite URL is sqlite:///relative/path or sqlite:////absolute/path, "
                         f"not {url!r}")
    return Path(rest[3:])


def make_store(url: str, *, min_free_disk: int = 0, remembered_ids: int = 256) -> Store:
    """The store a database URL names, not opened yet."""
    path = sqlite_path(url)
    if path is not None:
        return SQLiteStore(path, min_free_disk=min_free_disk, remembered_ids=remembered_ids)
    if url.split(":", 1)[0] in ("postgresql", "postgres"):
        from facilitator.store.postgres import PostgresStore  # asyncpg only when needed

        return PostgresStore(url, remembered_ids=remembered_ids)
    raise ValueError(f"the database URL must start with sqlite:/// or postgresql://, not "
                     f"{url.split(':', 1)[0]!r}")
