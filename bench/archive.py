"""How long writing the documentation of a whole workshop takes.

The log is the recorded simulation lab (tests/fixtures/simulationslabor.jsonl: 40 phones, a
three-hour morning, every kind of activity). `write_archive` runs on it five times, each into
a fresh folder, in this process and on one core, as the server runs it in its worker thread;
the issue's aim is under two seconds.
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from facilitator.domain.model import Event

ROOT = Path(__file__).resolve().parent.parent
LOG = ROOT / "tests" / "fixtures" / "simulationslabor.jsonl"
RUNS = 5
AIM_S = 2.0


def load(path: Path) -> list[Event]:
    events = []
    for line in path.read_text("utf-8").splitlines():
        raw = json.loads(line)
        events.append(Event(raw["seq"], raw["type"], raw["data"], raw["at"]))
    return events


def measure(path: Path = LOG, runs: int = RUNS) -> dict[str, Any]:
    from facilitator.archive import write_archive

    events = load(path)
    seconds = []
    with tempfile.TemporaryDirectory(prefix="bench-archive-") as tmp:
        for run in range(runs):
            folder = Path(tmp) / f"run-{run}"
            began = time.perf_counter()
            written = write_archive(events, folder)
            seconds.append(time.perf_counter() - began)
        size = sum(p.stat().st_size for p in written)
    phones = sum(e.type == "participant.joined" for e in events)
    return {"log": str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path),
            "events": len(events), "phones": phones, "runs": runs,
            "activities": sum(e.type == "activity.created" for e in events),
            "files": len(written), "bytes": size,
            "best_s": min(seconds), "median_s": statistics.median(seconds),
            "seconds": seconds, "aim_s": AIM_S}
