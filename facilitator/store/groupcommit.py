"""The queue in front of a store's one writing connection, shared by both stores.

Whatever is queued when the writer is free goes into one transaction (at most WRITE_BATCH
requests), and each request learns its own outcome once that transaction is committed: its
job's result, or the error its job raised (rolled back to its savepoint by the store, the
others committed), or the error of the commit itself, which fails the whole batch. The store
says how one batch is committed (`commit`).
"""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from facilitator.store.base import StoreUnavailable
from facilitator.tasks import stop_task

WRITE_BATCH = 500  # requests in one transaction at most (each may hold a thousand commands)

J = TypeVar("J")
Outcome = tuple[bool, Any]  # (True, result) or (False, the job's exception)


@dataclass
class _Request(Generic[J]):
    job: J
    future: asyncio.Future[Any] = field(repr=False)


class GroupCommit(ABC, Generic[J]):
    name = "store writer"

    def __init__(self) -> None:
        self._queue: asyncio.Queue[_Request[J]] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None

    def begin(self) -> None:
        self._task = asyncio.create_task(self._loop(), name=self.name)

    @abstractmethod
    async def commit(self, jobs: Sequence[J]) -> list[Outcome]:
        """Run the jobs in one transaction, each in a savepoint; their outcomes in order."""

    def failed(self, error: Exception) -> Exception:
        """What the requests of a batch whose commit failed are told."""
        return error

    async def run(self, job: J) -> Any:
        """Run job in the next shared transaction; return its result once that transaction
        is committed (or raise what the job or the commit raised)."""
        if self._task is None or self._task.done():
            raise StoreUnavailable("the store is not open")
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait(_Request(job, future))
        return await future

    async def _loop(self) -> None:
        while True:
            batch = [await self._queue.get()]
            while len(batch) < WRITE_BATCH and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            try:
                outcomes = await self.commit([request.job for request in batch])
            except asyncio.CancelledError:
                _fail(batch, StoreUnavailable("the store closed"))
                raise
            except Exception as error:  # the commit failed: nothing of the batch is stored
                _fail(batch, self.failed(error))
                continue
            for request, (ok, value) in zip(batch, outcomes, strict=True):
                if request.future.done():
                    continue
                if ok:
                    request.future.set_result(value)
                else:
                    request.future.set_exception(value)

    async def stop(self) -> None:
        """Stop taking requests; the ones still queued fail with StoreUnavailable."""
        await stop_task(self._task)
        self._task = None
        while not self._queue.empty():
            _fail([self._queue.get_nowait()], StoreUnavailable("the store closed"))


def _fail(batch: Sequence[_Request[Any]], error: Exception) -> None:
    for request in batch:
        if not request.future.done():
            request.future.set_exception(error)
