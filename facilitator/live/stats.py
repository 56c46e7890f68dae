"""What the live side counts for monitoring, as plain numbers read when metrics are scraped.

Every vote passes through these counters, so they cost what an integer increment costs:
prometheus_client's Counter.inc takes a lock and costs some 0.55 µs a call, its
Histogram.observe 1.2 µs, against 0.03 µs for `+= 1` and 0.2 µs for Histogram.observe below
(measured with timeit on the development machine, issue 14). The event loop is one thread, so
nothing here needs a lock; web/metrics.py turns the numbers into Prometheus metrics per scrape.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field

# Seconds: from a vote on a quiet server (a millisecond) to a writer that cannot keep up.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)

# How a command from a client ended: acknowledged, refused by the rules, refused because the
# session's writer was full (busy) or the client sent too fast (rate_limited), or a frame that
# is no valid command at all (malformed).
OUTCOMES = ("ack", "refused", "busy", "rate_limited", "malformed")


class Histogram:
    """Observations counted per bucket (the first bound at or above the value, as a
    Prometheus histogram's `le`), and their sum."""

    __slots__ = ("bounds", "counts", "sum")

    def __init__(self, bounds: tuple[float, ...] = LATENCY_BUCKETS) -> None:
        self.bounds = bounds
        self.counts = [0] * (len(bounds) + 1)  # the last: above every bound (+Inf)
        self.sum = 0.0

    def observe(self, value: float) -> None:
        self.counts[bisect_left(self.bounds, value)] += 1
        self.sum += value

    def cumulative(self) -> list[tuple[str, int]]:
        """(le, count at or below it) per bound and +Inf, as Prometheus exposes them."""
        out, total = [], 0
        for bound, count in zip((*map(str, self.bounds), "+Inf"), self.counts, strict=True):
            total += count
            out.append((bound, total))
        return out


@dataclass
class LiveStats:
    """The counters of one server (one app): shared by its sessions and its sockets."""

    received: int = 0  # commands read from WebSockets (pings not counted)
    outcomes: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    ack_latency: Histogram = field(default_factory=Histogram)  # frame read -> ack written
    commits: int = 0  # group commits of the sessions' writers
    committed_events: int = 0
    commit_latency: Histogram = field(default_factory=Histogram)
