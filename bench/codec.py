"""What parsing one frame and encoding one message cost: before issue 9 (hand-written checks
and the json module, kept in bench/codec_before.py) and after (msgspec types of
facilitator/live/messages.py, through facilitator/live/protocol.py).

Typical traffic of a workshop: a phone's vote, idea and ping in; an ack, an event (a new idea
as the moderator sees it) and a poll's tally out. Each case runs LOOPS times in a row, REPEATS
times; the best repeat counts (the least disturbed by anything else on the machine). Before
timing, both sides must give the same answer (the same Inbound, the same JSON value).
Everything runs in this process, on one core.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from importlib import metadata
from typing import Any

from bench import codec_before as before
from facilitator.live import protocol as after

LOOPS = 20_000
REPEATS = 7

FRAMES = {
    "vote.cast": '{"type":"vote.cast","id":"c-5f1e9a2b","activity":"a3","choices":["o2"]}',
    "idea.add": '{"type":"idea.add","id":"c-5f1e9a2c","activity":"a2","text":'
                '"Tempo 30 vor allen Schulen und Kitas, auch auf den Hauptstraßen"}',
    "ping": '{"type":"ping","id":"keepalive"}',
}

AT = "2026-11-21T09:14:03.120Z"
IDEA = {"id": "i48", "text": "Tempo 30 vor allen Schulen und Kitas, auch auf den Hauptstraßen",
        "author": "p17", "at": AT, "edited": False, "hidden": False, "withdrawn": False,
        "pending": False, "pinned": False, "cluster": "c2", "merged_into": None, "merged": [],
        "support": 0}
POLL = {"voters": 1873, "options": [{"id": "o1", "count": 712}, {"id": "o2", "count": 530},
                                    {"id": "o3", "count": 401}, {"id": "o4", "count": 230}]}


def _encode(side: Any, what: str) -> Callable[[], str]:
    """Build one message with the side's constructor and encode it, as the server does."""
    if what == "ack":
        return lambda: side.encode(side.ack("c-5f1e9a2b", 1234, {"choices": ["o2"]}))
    if what == "event":
        data = {"activity": "a2", "idea": IDEA}
        return lambda: side.encode(side.event(1235, AT, "idea.added", data))
    return lambda: side.encode(side.tally(1236, "a3", POLL))


def _parse(side: Any, frame: str) -> Callable[[], Any]:
    return lambda: side.parse(frame)


def cases() -> list[tuple[str, int, Callable[[], Any], Callable[[], Any]]]:
    """(what, bytes, before, after)."""
    out = []
    for name, frame in FRAMES.items():
        out.append((f"parse `{name}`", len(frame.encode()), _parse(before, frame),
                    _parse(after, frame)))
    for what, label in (("ack", "`ack` of a vote"), ("event", "`event` idea.added (moderator)"),
                        ("tally", "`tally` of a poll, 4 options")):
        text = _encode(before, what)()
        out.append((f"encode {label}", len(text.encode()), _encode(before, what),
                    _encode(after, what)))
    return out


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, str):
        return json.loads(a) == json.loads(b)
    return bool((a.type, a.id, a.args) == (b.type, b.id, b.args))


def best_ns(fn: Callable[[], Any], loops: int, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        began = time.perf_counter_ns()
        for _ in range(loops):
            fn()
        best = min(best, (time.perf_counter_ns() - began) / loops)
    return best


def measure(loops: int = LOOPS, repeats: int = REPEATS) -> dict[str, Any]:
    rows = []
    for what, size, old, new in cases():
        if not _same(old(), new()):
            raise AssertionError(f"{what}: before and after differ: {old()!r} {new()!r}")
        rows.append({"what": what, "bytes": size, "before_ns": best_ns(old, loops, repeats),
                     "after_ns": best_ns(new, loops, repeats)})
    return {"rows": rows, "loops": loops, "repeats": repeats,
            "msgspec": metadata.version("msgspec")}


def section(codec: dict[str, Any]) -> list[str]:
    """The report's table (bench/report.py puts it into docs/benchmarks.md)."""
    out = ["### Parsing and encoding one message", "",
           "In one process, on one core: the best of "
           f"{codec['repeats']} runs of {codec['loops']:,} calls each. Before: the hand-written "
           "checks and the json module (`bench/codec_before.py`); after: msgspec "
           f"{codec['msgspec']} and the types of `facilitator/live/messages.py`. Encoding "
           "includes building the message, as the server does.", "",
           "| | bytes | before, µs | after, µs | after ÷ before |",
           "|---|---:|---:|---:|---:|"]
    for row in codec["rows"]:
        old, new = row["before_ns"] / 1000, row["after_ns"] / 1000
        out.append(f"| {row['what']} | {row['bytes']} | {old:.2f} | {new:.2f} | "
                   f"{new / old:.2f}× |")
    if codec.get("measured"):
        out += ["", f"Measured on its own (`python -m bench --only codec`) on "
                    f"{codec['measured']}."]
    return out + [""]


if __name__ == "__main__":
    print("\n".join(section(measure())))
