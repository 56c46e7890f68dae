"""What the files of issue 11 cost: rendering a 30-page PDF and converting a phone photo, in
the server's own worker process (facilitator/media/worker.py), and how long the event loop
waits meanwhile (it must not: the work is in another process).

The deck is the one the browser tests step through (text and a large page number on each of 30
16:9 pages); the photo a 12-megapixel JPEG with GPS data. Each job runs RUNS times; the median
counts. While a job runs, a ticker on the event loop sleeps 5 ms at a time and records how much
later than asked it woke up: its worst delay is the loop's lag.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from typing import Any

from facilitator.media import images, pdf
from facilitator.media.errors import MediaLimits
from facilitator.media.worker import MediaWorker

RUNS = 3
TICK = 0.005


async def _timed(worker: MediaWorker, function: Any, data: bytes) -> tuple[float, float, Any]:
    """Seconds of the job, the event loop's worst lag meanwhile (s), the job's result."""
    lags: list[float] = []
    done = asyncio.Event()

    async def tick() -> None:
        while not done.is_set():
            asked = time.perf_counter()
            await asyncio.sleep(TICK)
            lags.append(time.perf_counter() - asked - TICK)

    ticker = asyncio.create_task(tick())
    began = time.perf_counter()
    result = await worker.run(function, data, MediaLimits())
    took = time.perf_counter() - began
    done.set()
    await ticker
    return took, max(lags, default=0.0), result


async def _measure() -> dict[str, Any]:
    from tests.e2e.media_files import deck_pdf, gps_photo

    deck = deck_pdf(30)
    photo = gps_photo(size=(4000, 3000))
    worker = MediaWorker(1, 120.0)
    try:
        await worker.run(images.photo, gps_photo(), MediaLimits())  # start the process
        decks = [await _timed(worker, pdf.render, deck) for _ in range(RUNS)]
        photos = [await _timed(worker, images.photo, photo) for _ in range(RUNS)]
    finally:
        await worker.close()
    rendered, converted = decks[-1][2], photos[-1][2]
    return {
        "deck_bytes": len(deck), "pages": len(rendered.pages),
        "deck_s": statistics.median(d[0] for d in decks),
        "deck_lag_ms": max(d[1] for d in decks) * 1000,
        "page_images_bytes": sum(len(p.image) for p in rendered.pages),
        "thumbs_bytes": sum(len(p.thumb) for p in rendered.pages),
        "photo_bytes": len(photo), "photo_s": statistics.median(p[0] for p in photos),
        "photo_lag_ms": max(p[1] for p in photos) * 1000,
        "photo_out_bytes": len(converted.image), "photo_thumb_bytes": len(converted.thumb),
        "runs": RUNS,
    }


def measure() -> dict[str, Any]:
    return asyncio.run(_measure())


def section(m: dict[str, Any]) -> list[str]:
    kb = 1024
    return [
        "### Files: slides and photos",
        "",
        f"Measured {m.get('measured', '')} by `python -m bench --only media` (bench/media.py): "
        f"each job in the server's worker process, median of {m['runs']} runs; the event "
        "loop's worst lag while it ran (a 5 ms ticker).",
        "",
        "| job | input | time | output | event loop lag |",
        "|---|---:|---:|---:|---:|",
        f"| render a {m['pages']}-page PDF (images ≤ 1920 px, thumbnails, text) | "
        f"{m['deck_bytes'] / kb:.0f} KB | {m['deck_s']:.2f} s "
        f"({m['deck_s'] / m['pages'] * 1000:.0f} ms a page) | "
        f"{m['page_images_bytes'] / kb:.0f} KB pages + {m['thumbs_bytes'] / kb:.0f} KB "
        f"thumbnails | {m['deck_lag_ms']:.1f} ms |",
        f"| convert a 12-megapixel photo (upright, ≤ 2048 px, no metadata) | "
        f"{m['photo_bytes'] / kb:.0f} KB | {m['photo_s'] * 1000:.0f} ms | "
        f"{m['photo_out_bytes'] / kb:.0f} KB + {m['photo_thumb_bytes'] / kb:.0f} KB "
        f"thumbnail | {m['photo_lag_ms']:.1f} ms |",
        "",
    ]
