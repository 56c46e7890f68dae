"""Persistence behind one small interface (store/base.py); SQLite today."""

from facilitator.store.base import Answer, SessionRecord, Store, StoreConflict
from facilitator.store.sqlite import SQLiteStore

__all__ = ["Answer", "SessionRecord", "Store", "StoreConflict", "SQLiteStore"]
