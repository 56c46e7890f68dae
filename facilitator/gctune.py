"""Python's cyclic garbage collector, set for a server that holds thousands of connections.

With the default thresholds (700, 10, 10) the collector runs a young collection every 700
allocations of container objects and, every hundred of those, a full collection over every
object the process holds. A server with 5,000 phones holds their connections, queues, tasks and
ballots: a full collection then takes tens of milliseconds, and during a burst of votes (which
allocates messages by the thousand) it runs again and again. In the 5,000-phone bench the
profile (py-spy, docs/benchmarks.md) put a fifth of the server's time there, charged to
whatever line happened to allocate.

Here young collections run every 10,000 allocations and full ones a hundred times more rarely
than by default (after 20 × 100 young ones): short-lived objects still go at once by reference
counting, cycles wait a little longer. Only `facilitator serve` sets this (not the tests'
in-process servers): it is a property of the process, not of one app.
"""

from __future__ import annotations

import gc

THRESHOLDS = (10_000, 20, 100)


def tune() -> None:
    gc.set_threshold(*THRESHOLDS)
