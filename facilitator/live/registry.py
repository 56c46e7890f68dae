"""The sessions this process serves: creates them and starts their runtimes on first use."""

from __future__ import annotations

import asyncio
import random
import re
import time
import unicodedata
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from facilitator.domain.codes import new_code
from facilitator.domain.limits import Limits
from facilitator.domain.model import Actor, Command, Event
from facilitator.domain.session import SessionState, new_session
from facilitator.live.archiving import Archiver
from facilitator.live.runtime import SessionRuntime, Translate
from facilitator.live.stats import LiveStats
from facilitator.store.base import SessionRecord, Store, StoreConflict

if TYPE_CHECKING:
    from facilitator.live.cluster import Cluster


def slugify(text: str, limit: int = 40) -> str:
    ascii_text = (unicodedata.normalize("NFKD", text.replace("ß", "ss"))
                  .encode("ascii", "ignore").decode())
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:limit].rstrip("-") or "session"


class Registry:
    def __init__(self, store: Store, translate: Translate, *, tally_interval: float = 0.05,
                 phone_tally_interval: float = 0.5, commit_interval: float = 0.0,
                 remembered_ids: int = 256, refusal_window: float = 600.0,
                 limits: Limits | None = None, archiver: Archiver | None = None,
                 on_deleted: Callable[[str], None] | None = None,
                 on_removed: Callable[[SessionState], None] | None = None,
                 stats: LiveStats | None = None,
                 cluster: Cluster | None = None) -> None:
        self.store = store
        # Several processes on the same sessions (live/cluster.py); None: this one alone.
        self.cluster = cluster
        self.translate = translate
        self.archiver = archiver
        # The limits new sessions start with (the server's settings); each session keeps its
        # own, which its moderator can lift.
        self.limits = limits or Limits()
        self.options: dict[str, Any] = {
            "tally_interval": tally_interval, "phone_tally_interval": phone_tally_interval,
            "commit_interval": commit_interval, "remembered_ids": remembered_ids,
            "refusal_window": refusal_window,
            "on_closed": archiver.schedule if archiver is not None else None,
            "on_deleted": on_deleted, "on_removed": on_removed, "stats": stats,
            "cluster": cluster}
        self._runtimes: dict[str, SessionRuntime] = {}
        self._lock = asyncio.Lock()
        self._random = random.SystemRandom()

    async def get(self, code: str) -> SessionRuntime | None:
        runtime = self._runtimes.get(code)
        if runtime is not None:
            return None if runtime.state.status == "deleted" else runtime
        async with self._lock:
            if code in self._runtimes:
                return self._runtimes[code]
            record = await self.store.find_session(code=code)
            if record is None or record.status == "deleted":
                return None
            return await self._start(record)

    async def get_by_id(self, ident: str) -> SessionRuntime | None:
        record = await self.store.find_session(ident=ident)
        return None if record is None else await self.get(record.code)

    async def _start(self, record: SessionRecord) -> SessionRuntime:
        events = await self.store.load_events(record.id)
        answers = await self.store.load_answers(record.id)
        runtime = SessionRuntime(self.store, record, events, answers, self.translate,
                                 **self.options)
        runtime.start()
        self._runtimes[record.code] = runtime
        if self.cluster is not None:
            await self.cluster.join(runtime)
        return runtime

    async def create(self, title: Any, language: Any = "de", names: Any = False,
                     ident: str | None = None, place: Any = None,
                     moderators: Any = None, organisation: Any = None) -> SessionRuntime:
        """A new session in draft; raises Invalid for a bad title or language."""
        at = time.time()
        for _ in range(20):
            code = new_code(self._random)
            slug = ident or f"{slugify(str(title))}-{code.lower()}"
            kind, data = new_session(slug, code, title, language, names, place, moderators,
                                     self.limits, organisation)
            first = Event(1, kind, data, at)
            record = SessionRecord(slug, code, data["title"], "draft", at)
            try:
                await self.store.create_session(record, first)
            except StoreConflict:
                if ident is not None and await self.store.find_session(ident=ident):
                    raise
                continue  # the code was taken: draw another
            async with self._lock:
                return await self._start(record)
        raise RuntimeError("no free join code found")

    async def unload(self, code: str, reason: str = "the session was deleted") -> None:
        """Stop serving a session (data retention deleted it): its writer stops and its
        connections close with 4404, as for an unknown join code."""
        async with self._lock:
            runtime = self._runtimes.pop(code, None)
        if runtime is None:
            return
        for channel in list(runtime.hub.channels.values()):
            for connection in list(channel):
                connection.end(4404, reason)
        await self._stop(runtime)

    async def _stop(self, runtime: SessionRuntime) -> None:
        await runtime.stop()
        if self.cluster is not None:  # after its writer stopped: then another may write
            await self.cluster.leave(runtime)

    def loaded(self) -> list[SessionRuntime]:
        """The sessions this process has in memory (for metrics)."""
        return list(self._runtimes.values())

    async def close(self) -> None:
        runtimes, self._runtimes = list(self._runtimes.values()), {}
        # At once: each writer commits what it was sent before it stops.
        await asyncio.gather(*(self._stop(runtime) for runtime in runtimes))


def system(command: str, /, **args: Any) -> Command:
    """A command the server itself sends (joining, commands from a plan or the CLI)."""
    return Command(command, args, Actor("system"), time.time())


def moderator(command: str, /, **args: Any) -> Command:
    return Command(command, args, Actor("moderator"), time.time())


__all__ = ["Registry", "SessionState", "moderator", "slugify", "system"]

