"""Copy every session from one store to another (SQLite to PostgreSQL and back), verified.

Each session is copied whole, in one transaction of the target, then read back and compared
with the source: the same record, the same events with the same text, the same answers in
the same order. A session already in the target with an equal log is left as it is, so the
copy can run again after an interruption; one whose log differs is reported and not touched.
Stop the server that writes the source first: a session written during its copy would be
copied as it was when its dump was read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from facilitator.store.base import Store, StoreConflict


@dataclass
class Outcome:
    copied: list[str] = field(default_factory=list)
    present: list[str] = field(default_factory=list)  # already there with an equal log
    conflicts: list[tuple[str, str]] = field(default_factory=list)  # (session, why)

    @property
    def ok(self) -> bool:
        return not self.conflicts


async def copy_sessions(source: Store, target: Store,
                        say: Callable[[str], None] = lambda line: None) -> Outcome:
    outcome = Outcome()
    for record in reversed(await source.list_sessions(deleted=True)):  # oldest first
        dump = await source.dump_session(record.id)
        if dump is None:  # deleted for good while we copied
            continue
        label = f"{record.id} ({record.code}, {len(dump.events)} events)"
        there = await target.dump_session(record.id)
        if there == dump:
            outcome.present.append(record.id)
            say(f"  = {label}: already there, the same")
            continue
        if there is not None:
            why = "a session with this id and a different log is in the target"
            outcome.conflicts.append((record.id, why))
            say(f"  ! {label}: {why}; left as it is")
            continue
        try:
            await target.restore_session(dump)
        except StoreConflict:
            why = f"the join code {record.code} is taken by another session in the target"
            outcome.conflicts.append((record.id, why))
            say(f"  ! {label}: {why}; not copied")
            continue
        if await target.dump_session(record.id) != dump:
            await target.purge_session(record.id)
            why = "the copy read back different from the source and was removed again"
            outcome.conflicts.append((record.id, why))
            say(f"  ! {label}: {why}")
            continue
        outcome.copied.append(record.id)
        say(f"  + {label}: copied and compared")
    return outcome
