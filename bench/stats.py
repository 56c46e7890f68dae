"""The figures of a run, computed from raw timestamps: pure functions, no I/O.

All times are `time.monotonic()` seconds. On Linux that is CLOCK_MONOTONIC, one clock for
every process of the machine, so a send time taken in a phone process and a receive time taken
by the presenter in the main process can be subtracted.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

# One received tally: (receive time, seq of the last event it includes).
Tally = tuple[float, int]


@dataclass(frozen=True)
class Vote:
    phone: int
    sent: float
    acked: float | None = None  # time the ack (or error) arrived
    seq: int | None = None  # seq of the ack; None for an error or a no-op vote
    error: str | None = None  # error code, or "timeout" when no answer came
    session: str = ""  # the join code of the phone's session (several sessions at once)


@dataclass(frozen=True)
class Summary:
    count: int
    p50: float | None
    p95: float | None
    p99: float | None
    max: float | None
    mean: float | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def percentile(values: Sequence[float], p: float) -> float | None:
    """Nearest-rank percentile: always a value that was measured, never an interpolation.

    `values` must be sorted. p99 of 2,000 samples is the 1,980th smallest.
    """
    if not values:
        return None
    if not 0 < p <= 100:
        raise ValueError(f"percentile must be in (0, 100], not {p}")
    rank = math.ceil(p / 100 * len(values))
    return values[max(rank, 1) - 1]


def summarise(values: Iterable[float], scale: float = 1.0) -> Summary:
    """p50/p95/p99/max/mean of `values`, each multiplied by `scale` (1000 for ms)."""
    ordered = sorted(v * scale for v in values)
    if not ordered:
        return Summary(0, None, None, None, None, None)
    return Summary(
        count=len(ordered),
        p50=percentile(ordered, 50),
        p95=percentile(ordered, 95),
        p99=percentile(ordered, 99),
        max=ordered[-1],
        mean=sum(ordered) / len(ordered),
    )


class SeenAt:
    """When a receiver first held a tally including a given seq.

    Tallies normally arrive in seq order; a running maximum makes the lookup right even
    if one arrives out of order (then the earlier, higher one already showed the vote).
    """

    def __init__(self, tallies: Sequence[Tally]) -> None:
        ordered = sorted(tallies)
        self.times = [t for t, _ in ordered]
        self.highest: list[int] = []
        top = -1
        for _, seq in ordered:
            top = max(top, seq)
            self.highest.append(top)

    def __call__(self, seq: int) -> float | None:
        index = bisect_left(self.highest, seq)
        return self.times[index] if index < len(self.times) else None


def trend(votes: Sequence[Vote], parts: int = 10) -> list[float | None]:
    """Median ack latency (ms) of each tenth of the acked votes, in the order they were sent.

    Flat means a constant cost per vote; rising means the server fell behind the offered
    rate and a queue built up during the burst.
    """
    acked = sorted((v.sent, v.acked - v.sent) for v in votes
                   if v.error is None and v.acked is not None)
    out: list[float | None] = []
    for part in range(parts):
        chunk = sorted(x for _, x in acked[part * len(acked) // parts:
                                           (part + 1) * len(acked) // parts])
        value = percentile(chunk, 50)
        out.append(None if value is None else value * 1000)
    return out


def rate(count: float, seconds: float) -> float | None:
    return count / seconds if seconds > 0 else None


@dataclass
class BurstResult:
    phones: int
    sent: int
    acked: int
    errors: dict[str, int]
    ack_ms: Summary
    beamer_ms: Summary
    unseen: int  # acked votes the presenter never saw in a tally
    final_seq: int | None
    window_s: float  # first send until every phone held the final tally
    votes_per_s: float | None  # acked votes / (last ack - first send)
    phone_tallies: int  # tallies received by all phones inside the window
    tallies_per_phone_s: float | None
    presenter_tallies: int
    messages_per_s: float | None  # tallies + acks delivered to all clients in the window
    final_reach_ms: Summary  # per phone: held the final tally, after the last vote was sent
    final_missing: int  # phones that never received the final tally
    ack_trend_ms: list[float | None]  # median ack latency per tenth of the burst
    extra: dict[str, Any] = field(default_factory=dict)  # resources, filled by the driver

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def analyse_burst(
    votes: Sequence[Vote],
    presenter: Sequence[Tally],
    phones: Sequence[Sequence[Tally]],
) -> BurstResult:
    """The figures of one vote burst: every phone voted once, the presenter watched."""
    return analyse_sessions([(votes, presenter, phones)])


# One session of a burst: its votes, its presenter's tallies, its phones' tallies.
Session = tuple[Sequence[Vote], Sequence[Tally], Sequence[Sequence[Tally]]]


def analyse_sessions(sessions: Sequence[Session]) -> BurstResult:
    """The figures of one burst in several sessions at once, as one set of figures.

    Sequence numbers are per session, so each vote is looked up on its own session's
    presenter and each phone waits for its own session's final tally; latencies of all
    sessions are then summarised together.
    """
    votes = [v for session_votes, _, _ in sessions for v in session_votes]
    acked = [v for v in votes if v.error is None and v.acked is not None]
    acked_at = [v.acked for v in acked if v.acked is not None]  # the same, typed
    errors = Counter(v.error for v in votes if v.error is not None)
    ack_ms = summarise((at - v.sent for at, v in zip(acked_at, acked, strict=True)), 1000)

    start = min((v.sent for v in votes), default=0.0)
    last_ack = max(acked_at, default=start)
    beamer: list[float] = []
    unseen = 0
    reach: list[float] = []
    missing = 0
    ends = [last_ack]
    final_seqs: list[int] = []
    for session_votes, presenter, phones in sessions:
        on_beamer = SeenAt(presenter)
        session_acked = [v for v in session_votes if v.error is None and v.acked is not None]
        for vote in session_acked:
            if vote.seq is None:  # the same ballot again: nothing to show
                continue
            seen = on_beamer(vote.seq)
            if seen is None:
                unseen += 1
            else:
                beamer.append(seen - vote.sent)
        # The final tally can reach a phone before the last ack does (the ack waits in the
        # same queue), so the reach is measured from the moment the session's last vote left
        # its phone.
        last_sent = max((v.sent for v in session_votes), default=start)
        seqs = [v.seq for v in session_acked if v.seq is not None]
        if not seqs:
            continue
        final_seq = max(seqs)
        final_seqs.append(final_seq)
        for tallies in phones:
            seen = SeenAt(tallies)(final_seq)
            if seen is None:
                missing += 1
            else:
                reach.append(seen - last_sent)
                ends.append(seen)
        ends.append(on_beamer(final_seq) or last_ack)
    end = max(ends)
    window = end - start

    def inside(tallies: Sequence[Tally]) -> int:
        return sum(1 for t, _ in tallies if start <= t <= end)

    all_phones = [t for _, _, phones in sessions for t in phones]
    phone_tallies = sum(inside(t) for t in all_phones)
    answered = sum(1 for v in votes if v.acked is not None)
    presenter_tallies = sum(inside(presenter) for _, presenter, _ in sessions)
    return BurstResult(
        phones=len(all_phones),
        sent=len(votes),
        acked=len(acked),
        errors=dict(sorted(errors.items())),
        ack_ms=ack_ms,
        beamer_ms=summarise(beamer, 1000),
        unseen=unseen,
        final_seq=max(final_seqs) if final_seqs else None,
        window_s=window,
        votes_per_s=rate(len(acked), last_ack - start),
        phone_tallies=phone_tallies,
        tallies_per_phone_s=rate(phone_tallies / max(len(all_phones), 1), window),
        presenter_tallies=presenter_tallies,
        messages_per_s=rate(phone_tallies + presenter_tallies + answered, window),
        final_reach_ms=summarise(reach, 1000),
        final_missing=missing,
        ack_trend_ms=trend(votes),
    )
