"""Rate limits by key (a network address, a session): token buckets in bounded memory.

Used at the edge for joins per address and per session, and for failed guesses of codes,
tokens and keys. A bucket holds `per_minute` tokens and refills at that rate, so a room of
people joining at once is let in while a script is slowed to the steady rate.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable


class RateLimiter:
    def __init__(self, per_minute: float, *, keys: int = 50_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self.keys = keys  # the most buckets kept; the least recently used go first
        self.clock = clock
        self._buckets: OrderedDict[Hashable, tuple[float, float]] = OrderedDict()

    def _tokens(self, key: Hashable, per_minute: float) -> float:
        found = self._buckets.get(key)
        if found is None:
            return per_minute
        tokens, stamp = found
        return min(per_minute, tokens + (self.clock() - stamp) * per_minute / 60.0)

    def available(self, key: Hashable, per_minute: float | None = None) -> bool:
        """Whether `key` may act now, without counting it."""
        return self._tokens(key, per_minute or self.per_minute) >= 1.0

    def take(self, key: Hashable, per_minute: float | None = None) -> bool:
        """Count one action of `key`; False (and nothing counted) when it is over the rate."""
        rate = per_minute or self.per_minute
        tokens = self._tokens(key, rate)
        if tokens < 1.0:
            return False
        self._buckets[key] = (tokens - 1.0, self.clock())
        self._buckets.move_to_end(key)
        while len(self._buckets) > self.keys:
            self._buckets.popitem(last=False)
        return True

    def retry_after(self, key: Hashable, per_minute: float | None = None) -> int:
        """Whole seconds until `key` may act again."""
        rate = per_minute or self.per_minute
        missing = 1.0 - self._tokens(key, rate)
        return max(1, int(missing * 60.0 / rate + 0.999)) if missing > 0 else 0
