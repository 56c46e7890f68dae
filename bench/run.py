"""The driver: one target from server start to stop, with every wait bounded.

Phases: start the server, stage a revealed poll (moderator + presenter), connect the phones
(join over HTTP, then WebSocket until hello), let the server go idle, then vote bursts. The
figures of each phase go into a plain dict that `report` renders and `--json` dumps.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.loadgen import split, worker_main
from bench.procs import Server, free_port, machine_busy, usage
from bench.stats import Vote, analyse_burst, rate, summarise
from bench.targets import HOST, OPTIONS, Stage


@dataclass
class Plan:
    phones: int
    votes_per_phone: int
    workers: int
    lanes: int
    spread: float
    seed: int
    raw: Path | None = None  # a folder for the raw timestamps of each burst (JSON)


class Budget:
    """The time a target may still use; every wait is capped by it."""

    def __init__(self, seconds: float) -> None:
        self.end = time.monotonic() + seconds

    def remaining(self) -> float:
        return self.end - time.monotonic()

    def cap(self, seconds: float, floor: float = 1.0) -> float:
        return max(floor, min(seconds, self.remaining()))


class WorkerHandle:
    """A phone process and the pipe the driver commands it through."""

    def __init__(self, spec: dict[str, Any]) -> None:
        context = multiprocessing.get_context("spawn")
        self.conn, child = context.Pipe()
        self.process = context.Process(target=worker_main, args=(child, spec), daemon=True)
        self.process.start()
        child.close()
        self.inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.loop = asyncio.get_running_loop()
        self.loop.add_reader(self.conn.fileno(), self._readable)

    def _readable(self) -> None:
        try:
            self.inbox.put_nowait(self.conn.recv())
        except (EOFError, OSError):
            self.loop.remove_reader(self.conn.fileno())
            self.inbox.put_nowait({"failure": "worker process ended"})

    def send(self, command: str, **args: Any) -> None:
        self.conn.send((command, args))

    async def receive(self, timeout: float) -> dict[str, Any]:
        reply = await asyncio.wait_for(self.inbox.get(), timeout)
        if "failure" in reply:
            raise RuntimeError(f"phone worker: {reply['failure']}")
        return reply

    async def request(self, command: str, timeout: float, **args: Any) -> dict[str, Any]:
        self.send(command, **args)
        return await self.receive(timeout)

    async def stop(self) -> None:
        try:
            await self.request("close", 10)
        except Exception:
            pass
        self.loop.remove_reader(self.conn.fileno())
        await asyncio.to_thread(self.process.join, 5)
        if self.process.is_alive():
            self.process.kill()
            await asyncio.to_thread(self.process.join, 5)
        self.conn.close()


async def gather_all(workers: list[WorkerHandle], timeout: float) -> list[dict[str, Any]]:
    return list(await asyncio.gather(*(w.receive(timeout) for w in workers)))


async def wait_idle(pid: int, budget: Budget, limit: float) -> float:
    """Wait until the server uses under 10% of a core for 0.25 s; returns the time waited."""
    began = time.monotonic()
    deadline = began + budget.cap(limit, 0)
    last = usage(pid).cpu_s
    while time.monotonic() < deadline:
        await asyncio.sleep(0.25)
        now = usage(pid).cpu_s
        if now - last < 0.025:
            break
        last = now
    return time.monotonic() - began


async def run_target(target: Any, plan: Plan, seconds: float) -> dict[str, Any]:
    budget = Budget(seconds)
    result: dict[str, Any] = {"name": target.name, "command": target.command_line(),
                              "phones": plan.phones, "bursts": [], "notes": [],
                              "environment": target.overrides()}
    with tempfile.TemporaryDirectory(prefix=f"bench-{target.name}-") as tmp:
        port = free_port()
        server: Server = target.start(port, Path(tmp))
        workers: list[WorkerHandle] = []
        stage: Stage | None = None
        try:
            await server.wait_healthy(port, budget.cap(30))
            stage = await target.stage(port, budget.cap(15))
            result["idle"] = usage(server.pid).__dict__
            hands = split(list(range(plan.phones)), plan.workers)
            workers = [WorkerHandle({"host": HOST, "port": port, "phones": hand})
                       for hand in hands]
            await connect_phase(server, stage, workers, plan, budget, result)
            for number in range(1, plan.votes_per_phone + 1):
                if budget.remaining() < plan.spread + 10:
                    result["notes"].append(f"burst {number} skipped: time limit reached")
                    break
                waited = await wait_idle(server.pid, budget, 20)
                burst = await burst_phase(server, stage, workers, plan, budget, number)
                burst["extra"]["idle_wait_s"] = waited
                result["bursts"].append(burst)
        except Exception as exc:
            result["failure"] = f"{type(exc).__name__}: {exc}"
        finally:
            if server.alive():
                result["end"] = usage(server.pid).__dict__
            else:
                result["failure"] = result.get("failure") or "the server process died"
                result["exit_code"] = server.process.returncode
            for worker in workers:
                await worker.stop()
            if stage is not None:
                stage.close()
            code = await server.stop()
            if result.get("failure") or not code.startswith("SIGINT"):
                result["server_log"] = server.tail(40)
            result["stopped_with"] = code
    return result


async def connect_phase(
    server: Server, stage: Stage, workers: list[WorkerHandle], plan: Plan, budget: Budget,
    result: dict[str, Any],
) -> None:
    # a spawned worker answers once it has imported everything: do not time that
    await asyncio.gather(*(w.request("ping", 60) for w in workers))
    before = usage(server.pid)
    limit = budget.cap(max(30.0, budget.remaining() - 20 - plan.votes_per_phone * 20))
    began = time.monotonic()
    busy = machine_busy()
    main_cpu = time.process_time()
    lanes = max(1, plan.lanes // len(workers))
    for worker in workers:
        worker.send("connect", code=stage.code, join=stage.join, lanes=lanes, timeout=limit)
    replies = await gather_all(workers, limit + 15)
    ended = max(r["end"] for r in replies)
    after = usage(server.pid)
    busy = machine_busy() - busy
    main_cpu = time.process_time() - main_cpu
    errors: dict[str, int] = {}
    messages: dict[str, int] = {}
    for reply in replies:
        for key, count in reply["errors"].items():
            errors[key] = errors.get(key, 0) + count
        for key, count in reply["messages"].items():
            messages[key] = messages.get(key, 0) + count
    connected = sum(r["connected"] for r in replies)
    wall = ended - began
    result["connect"] = {
        "connected": connected,
        "errors": errors,
        "seconds": wall,
        "per_s": rate(connected, wall),
        "join_ms": summarise((x for r in replies for x in r["join_s"]), 1000).as_dict(),
        "connect_ms": summarise((x for r in replies for x in r["connect_s"]), 1000).as_dict(),
        "messages": messages,
        "server_cpu_s": after.cpu_s - before.cpu_s,
        "server_rss_mb": after.rss_mb,
        "rss_per_phone_kb": (after.rss_mb - before.rss_mb) * 1024 / max(connected, 1),
        "client_cpu_s": [r["cpu_s"] for r in replies],
        "others_cpu_pct": 100 * max(0.0, busy - (after.cpu_s - before.cpu_s) - main_cpu
                                    - sum(r["cpu_s"] for r in replies)) / wall,
    }
    if connected < plan.phones:
        raise RuntimeError(f"only {connected} of {plan.phones} phones connected: {errors}")


async def burst_phase(
    server: Server, stage: Stage, workers: list[WorkerHandle], plan: Plan, budget: Budget,
    number: int,
) -> dict[str, Any]:
    answer_limit = budget.cap(30.0)
    stage.presenter.tallies = []
    start_at = time.monotonic() + 0.3
    for worker in workers:
        worker.send("burst", number=number, start_at=start_at, spread=plan.spread,
                    activity=stage.activity, options=len(OPTIONS), timeout=answer_limit,
                    seed=plan.seed)
    await asyncio.sleep(max(0.0, start_at - time.monotonic()))
    before = usage(server.pid)
    busy = machine_busy()
    main_cpu = time.process_time()
    replies = await gather_all(workers, plan.spread + answer_limit + 15)
    final = max(r["max_seq"] for r in replies)
    presenter_deadline = time.monotonic() + budget.cap(10.0)
    while stage.presenter.top_seq < final and time.monotonic() < presenter_deadline:
        await asyncio.sleep(0.005)
    settle_limit = budget.cap(10.0)
    for worker in workers:
        worker.send("settle", seq=final, timeout=settle_limit)
    settled = await gather_all(workers, settle_limit + 15)
    after = usage(server.pid)
    busy = machine_busy() - busy
    wall = max(s["at"] for s in settled) - start_at
    main_cpu = time.process_time() - main_cpu
    collected = await asyncio.gather(*(w.request("collect", 60) for w in workers))
    votes = [Vote(*v) for c in collected for v in c["votes"]]
    phones = [t for c in collected for t in c["tallies"]]
    figures = analyse_burst(votes, stage.presenter.tallies, phones).as_dict()
    if plan.raw is not None:
        plan.raw.mkdir(parents=True, exist_ok=True)
        dump = {"votes": [v.__dict__ for v in votes], "presenter": stage.presenter.tallies,
                "moderator": stage.moderator.tallies if stage.moderator else [],
}
        (plan.raw / f"{stage.code}-burst{number}.json").write_text(json.dumps(dump))
    client_cpu = [r["cpu_s"] + s["cpu_s"] for r, s in zip(replies, settled, strict=True)]
    server_cpu = after.cpu_s - before.cpu_s
    others = max(0.0, busy - server_cpu - sum(client_cpu) - main_cpu)
    closed: dict[str, int] = {}
    for c in collected:
        for key, count in c["closed"].items():
            closed[key] = closed.get(key, 0) + count
    figures["number"] = number
    figures["extra"] = {
        "wall_s": wall,
        "server_cpu_s": server_cpu,
        "server_cpu_pct": 100 * server_cpu / wall if wall > 0 else None,
        "others_cpu_pct": 100 * others / wall if wall > 0 else None,
        "server_rss_mb": after.rss_mb,
        "client_cpu_pct": [100 * c / wall for c in client_cpu] if wall > 0 else [],
        "driver_cpu_pct": 100 * main_cpu / wall if wall > 0 else None,
        "phones_behind": sum(s["behind"] for s in settled),
        "closed": closed,
        "messages": {k: sum(c["messages"].get(k, 0) for c in collected)
                     for k in {k for c in collected for k in c["messages"]}},
    }
    return figures
