"""The answers to command ids a session remembers, so that a resent command (a phone's outbox
after a reconnect) gets its first answer and is not carried out twice.

Bounded per credential, never by one window for all (DESIGN.md): each credential keeps the
answers to its newest acknowledged commands (`remembered` of them; a phone's outbox holds at
most 100 unanswered commands, so a resend always finds its answer), and the answers to its
refused commands only for `window` seconds and at most REFUSALS of them. Refusals are never
stored: a resent refused command after the window is simply decided again.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Iterable

from facilitator.store.base import Answer

REFUSALS = 64  # refused answers remembered per credential at most


class Answers:
    def __init__(self, remembered: int = 256, window: float = 600.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.remembered = remembered
        self.window = window
        self.clock = clock
        self._acked: dict[str, OrderedDict[str, str]] = {}
        self._refused: dict[str, OrderedDict[str, tuple[str, float]]] = {}

    @classmethod
    def of(cls, answers: Iterable[Answer], remembered: int = 256,
           window: float = 600.0) -> Answers:
        """From the stored answers, oldest first."""
        memory = cls(remembered, window)
        for answer in answers:
            memory.acked(answer.actor, answer.id, answer.message)
        return memory

    def get(self, actor: str, ident: str) -> str | None:
        acked = self._acked.get(actor)
        if acked is not None and ident in acked:
            return acked[ident]
        refused = self._refused.get(actor)
        if refused is None or ident not in refused:
            return None
        text, until = refused[ident]
        if until < self.clock():
            del refused[ident]
            return None
        return text

    def acked(self, actor: str, ident: str, text: str) -> list[tuple[str, str]]:
        """Remember an acknowledged command; return the (actor, id) pairs forgotten for it."""
        acked = self._acked.setdefault(actor, OrderedDict())
        acked[ident] = text
        forgotten = []
        while len(acked) > self.remembered:
            old, _ = acked.popitem(last=False)
            forgotten.append((actor, old))
        return forgotten

    def refused(self, actor: str, ident: str, text: str) -> None:
        refused = self._refused.setdefault(actor, OrderedDict())
        now = self.clock()
        refused[ident] = (text, now + self.window)
        refused.move_to_end(ident)
        while refused and (len(refused) > REFUSALS or next(iter(refused.values()))[1] < now):
            refused.popitem(last=False)

    def size(self) -> int:
        """How many answers are held (for tests and the bench)."""
        return (sum(len(a) for a in self._acked.values())
                + sum(len(r) for r in self._refused.values()))
