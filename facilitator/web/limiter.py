"""Rate limits by key (a network address, a session) in bounded memory.

Used at the edge for joins per address and per session, and for failed guesses of codes,
tokens and keys. Each key counts what it used; the count drains at `per_minute` a minute, and
a key may act while its count is below `per_minute`. So a room of people joining at once is
let in, a script is slowed to the steady rate, and a limit the moderator lifts gives room at
once (a bucket of tokens left would keep the old, nearly empty level and only refill slowly).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable


class RateLimiter:
    def __init__(self, per_minute: float, *, keys: int = 50_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self.keys = keys  # the most keys kept; the least recently used go first
        self.clock = clock
        self._used: OrderedDict[Hashable, tuple[float, float]] = OrderedDict()

    def _used_now(self, key: Hashable, per_minute: float) -> float:
        found = self._used.get(key)
        if found is None:
            return 0.0
        used, stamp = found
        return max(0.0, used - (self.clock() - stamp) * per_minute / 60.0)

    def available(self, key: Hashable, per_minute: float | None = None) -> bool:
        """Whether `key` may act now, without counting it."""
        rate = per_minute or self.per_minute
        return self._used_now(key, rate) + 1.0 <= rate

    def take(self, key: Hashable, per_minute: float | None = None) -> bool:
        """Count one action of `key`; False (and nothing counted) when it is over the rate."""
        rate = per_minute or self.per_minute
        used = self._used_now(key, rate)
        if used + 1.0 > rate:
            return False
        self._used[key] = (used + 1.0, self.clock())
        self._used.move_to_end(key)
        while len(self._used) > self.keys:
            self._used.popitem(last=False)
        return True

    def retry_after(self, key: Hashable, per_minute: float | None = None) -> int:
        """Whole seconds until `key` may act again."""
        rate = per_minute or self.per_minute
        over = self._used_now(key, rate) + 1.0 - rate
        return max(1, int(over * 60.0 / rate + 0.999)) if over > 0 else 0
