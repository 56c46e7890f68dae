"""Processing files in worker processes, away from the event loop.

Rendering a 200-page PDF takes seconds of CPU; a hostile file may take for ever or eat
memory. Each job therefore runs in a process of its own pool (one job at a time per
process) with a time limit and a memory limit. A job that overruns its time, or whose process
dies (out of memory, a crash in the renderer), is refused with a clear message, and its process
is killed and replaced; the other workers and the server go on.

The processes are started with "spawn": a fresh interpreter, not a copy of the server with
its event loop, sockets and threads.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from facilitator.domain.errors import N_
from facilitator.media.errors import MediaRefused

log = logging.getLogger(__name__)

T = TypeVar("T")

# Address space a worker may use: room for a 200-page deck's images and the renderer, not
# for a file built to exhaust the machine's memory.
MEMORY_LIMIT = 2 * 1024 * 1024 * 1024
# Uploads waiting for a worker beyond which more are refused at once (503) rather than held.
QUEUE_LIMIT = 16


class MediaBusy(MediaRefused):
    code = "busy"


def _start_worker(memory_limit: int) -> None:
    """Initialiser of each worker process."""
    with contextlib.suppress(OSError, ValueError, ImportError):
        import resource  # POSIX only

        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if memory_limit and (hard == resource.RLIM_INFINITY or memory_limit < hard):
            resource.setrlimit(resource.RLIMIT_AS, (memory_limit, hard))
    # Uploads wait; the event loop in the server process, serving a room of phones, does not.
    with contextlib.suppress(OSError, AttributeError):
        os.nice(10)
    # Import the heavy parts now, not in the first job's time.
    from facilitator.media import images, pdf  # noqa: F401


class _Slot:
    """One worker process: a pool of one, replaced whole when its process must go."""

    def __init__(self, memory_limit: int) -> None:
        self.memory_limit = memory_limit
        self.pool = self._new()

    def _new(self) -> concurrent.futures.ProcessPoolExecutor:
        return concurrent.futures.ProcessPoolExecutor(
            max_workers=1, mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker, initargs=(self.memory_limit,))

    def replace(self) -> None:
        old, self.pool = self.pool, self._new()
        _kill(old)


def _kill(pool: concurrent.futures.ProcessPoolExecutor) -> list[Any]:
    """Stop the pool's process at once (SIGKILL: a hung renderer does not listen to more);
    the processes, for whoever wants to wait for them."""
    # The executor has no public way to stop a running job; its processes are at hand.
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        with contextlib.suppress(Exception):
            process.kill()
    pool.shutdown(wait=False, cancel_futures=True)
    return processes


def _join(processes: list[Any]) -> None:
    for process in processes:
        with contextlib.suppress(Exception):
            process.join(2)


class MediaWorker:
    """`await worker.run(function, *args)`: the function's result from a worker process, or
    MediaRefused. The function and its arguments must be picklable (module-level)."""

    def __init__(self, workers: int = 1, timeout: float = 60.0, *,
                 memory_limit: int = MEMORY_LIMIT, queue_limit: int = QUEUE_LIMIT) -> None:
        self.timeout = timeout
        self.queue_limit = queue_limit
        self._slots = [_Slot(memory_limit) for _ in range(max(1, workers))]
        self._free: asyncio.Queue[_Slot] | None = None
        self._waiting = 0
        self._closed = False

    def _queue(self) -> asyncio.Queue[_Slot]:
        # Made on first use, inside the running loop.
        if self._free is None:
            self._free = asyncio.Queue()
            for slot in self._slots:
                self._free.put_nowait(slot)
        return self._free

    async def run(self, function: Callable[..., T], *args: Any) -> T:
        if self._closed:
            raise MediaBusy(N_("The server is shutting down. Please try again in a moment."))
        free = self._queue()
        if free.empty() and self._waiting >= self.queue_limit:
            raise MediaBusy(N_("The server is processing many files right now. Please try "
                               "again in a minute."))
        self._waiting += 1
        try:
            slot = await free.get()
        finally:
            self._waiting -= 1
        try:
            return await self._run(slot, function, args)
        finally:
            free.put_nowait(slot)

    async def _run(self, slot: _Slot, function: Callable[..., T], args: tuple[Any, ...]) -> T:
        try:
            future = slot.pool.submit(function, *args)
        except BrokenProcessPool:
            slot.replace()
            future = slot.pool.submit(function, *args)
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), self.timeout)
        except TimeoutError:
            log.warning("a file took longer than %s s to process; its worker was stopped",
                        self.timeout)
            slot.replace()
            raise MediaRefused(N_("Processing the file took longer than {seconds} seconds "
                                  "and was stopped. Please try a smaller file."),
                               seconds=round(self.timeout)) from None
        except (BrokenProcessPool, MemoryError):
            log.warning("a worker stopped while processing a file; it was replaced")
            slot.replace()
            raise MediaRefused(N_("The file could not be processed: it needs more memory "
                                  "than the server gives one file, or it is damaged.")) \
                from None
        except asyncio.CancelledError:
            # The person went away (the upload was cancelled): the result is not wanted, and
            # the next job should not wait for it.
            if not future.cancel():
                slot.replace()
            raise

    async def close(self) -> None:
        self._closed = True
        stopped = [process for slot in self._slots for process in _kill(slot.pool)]
        await asyncio.to_thread(_join, stopped)
