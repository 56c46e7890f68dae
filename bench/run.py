"""The driver: one target from server start to stop, with every wait bounded.

Phases: start the server, stage a revealed poll (moderator + presenter) in each of the plan's
sessions, connect the phones (join over HTTP, then WebSocket until hello; phone i to session
i mod sessions), let the server go idle, then vote bursts in which every session votes at
once. The figures of each phase go into a plain dict that `report` renders and `--json` dumps.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.limits import LimitHit, explain
from bench.loadgen import split, worker_main
from bench.procs import Server, free_port, machine_busy, usage
from bench.profile import profiled
from bench.stats import Session, Tally, Vote, analyse_sessions, rate, summarise
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
    sessions: int = 1  # sessions at once on the server; the phones are dealt out among them
    profile: Path | None = None  # flame graphs of facilitator's server per phase (profile.py)
    spreads: tuple[float, ...] = ()  # a spread per burst (burst n: spreads[n - 1]), else spread

    def spread_of(self, number: int) -> float:
        """The seconds over which burst `number` (from 1) sends its votes."""
        return self.spreads[number - 1] if number <= len(self.spreads) else self.spread


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
                              "phones": plan.phones, "sessions": plan.sessions, "bursts": [],
                              "notes": [], "environment": target.overrides()}
    with tempfile.TemporaryDirectory(prefix=f"bench-{target.name}-") as tmp:
        port = free_port()
        server: Server = target.start(port, Path(tmp))
        workers: list[WorkerHandle] = []
        stages: list[Stage] = []
        try:
            ports = target.ports(port)
            for each in ports:
                await server.wait_healthy(each, budget.cap(60))
            for index in range(plan.sessions):
                stages.append(await target.stage(port, budget.cap(15), index))
            result["idle"] = usage(server.pid).__dict__
            hands = split(list(range(plan.phones)), plan.workers)
            workers = [WorkerHandle({"host": HOST, "port": ports[i % len(ports)],
                                     "phones": hand}) for i, hand in enumerate(hands)]
            spied = plan.profile if target.name == "facilitator" else None
            async with profiled(server.pid, spied, "joining"):
                await connect_phase(server, stages, workers, plan, budget, result)
            for number in range(1, plan.votes_per_phone + 1):
                if budget.remaining() < plan.spread_of(number) + 10:
                    result["notes"].append(f"burst {number} skipped: time limit reached")
                    break
                waited = await wait_idle(server.pid, budget, 20)
                async with profiled(server.pid, spied, f"burst{number}"):
                    burst = await burst_phase(server, stages, workers, plan, budget, number)
                burst["extra"]["idle_wait_s"] = waited
                result["bursts"].append(burst)
        except LimitHit as exc:
            result["failure"] = str(exc)
            result["limit_hit"] = True
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
            for stage in stages:
                stage.close()
            code = await server.stop()
            if result.get("failure") or not code.startswith("SIGINT"):
                result["server_log"] = server.tail(40)
            result["stopped_with"] = code
            logged = logged_errors(server.log_path)
            if logged:
                result["server_errors"] = logged
    return result


_EXCEPTION = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Exit): ")


def logged_errors(path: Path, limit: int = 50_000) -> dict[str, Any] | None:
    """How many ERROR lines the server logged, the last of them and the last exception:
    a server that misbehaved without failing the run (the log level is warning)."""
    try:
        lines = path.read_text(errors="replace").splitlines()[-limit:]
    except OSError:
        return None
    errors = [line for line in lines if " ERROR " in line]
    if not errors:
        return None
    exceptions = [line for line in lines if _EXCEPTION.match(line)]
    return {"count": len(errors), "last": errors[-1][:300],
            "exception": exceptions[-1][:300] if exceptions else None}


async def connect_phase(
    server: Server, stages: list[Stage], workers: list[WorkerHandle], plan: Plan,
    budget: Budget, result: dict[str, Any],
) -> None:
    # a spawned worker answers once it has imported everything: do not time that
    await asyncio.gather(*(w.request("ping", 60) for w in workers))
    before = usage(server.pid)
    limit = budget.cap(max(30.0, budget.remaining() - 20 - plan.votes_per_phone * 20))
    began = time.monotonic()
    busy = machine_busy()
    main_cpu = time.process_time()
    lanes = max(1, plan.lanes // len(workers))
    codes = [stage.code for stage in stages]
    for worker in workers:
        worker.send("connect", codes=codes, join=stages[0].join, lanes=lanes, timeout=limit)
    replies = await gather_all(workers, limit + 15)
    ended = max(r["end"] for r in replies)
    after = usage(server.pid)
    busy = machine_busy() - busy
    main_cpu = time.process_time() - main_cpu
    errors = _add(r["errors"] for r in replies)
    messages = _add(r["messages"] for r in replies)
    refusals = _add(r["refusals"] for r in replies)
    retries = _add(r["retries"] for r in replies)
    connected = sum(r["connected"] for r in replies)
    wall = ended - began
    result["connect"] = {
        "connected": connected,
        "errors": errors,
        "retries": retries,
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
    if refusals:
        samples = {k: v for r in replies for k, v in r["samples"].items()}
        raise LimitHit(explain(refusals, samples, connected, plan.phones))
    if connected < plan.phones:
        # Not a limit (that stopped above) but refusals or failures, e.g. joins answered 503
        # (busy): with most phones in, the bursts still say something, and the table shows
        # how many phones took part.
        said = ", ".join(f"{k} ×{v:,}" for k, v in errors.items())
        message = f"only {connected:,} of {plan.phones:,} phones connected ({said})"
        if connected < plan.phones / 2:
            raise RuntimeError(message)
        result["notes"].append(message + "; the bursts ran with these phones")


def _add(counts: Any) -> dict[str, int]:
    total: dict[str, int] = {}
    for found in counts:
        for key, count in found.items():
            total[key] = total.get(key, 0) + count
    return total


async def burst_phase(
    server: Server, stages: list[Stage], workers: list[WorkerHandle], plan: Plan,
    budget: Budget, number: int,
) -> dict[str, Any]:
    answer_limit = budget.cap(30.0)
    spread = plan.spread_of(number)
    for stage in stages:
        stage.presenter.tallies = []
    start_at = time.monotonic() + 0.3
    activities = {stage.code: stage.activity for stage in stages}
    for worker in workers:
        worker.send("burst", number=number, start_at=start_at, spread=spread,
                    activities=activities, options=len(OPTIONS), timeout=answer_limit,
                    seed=plan.seed)
    await asyncio.sleep(max(0.0, start_at - time.monotonic()))
    before = usage(server.pid)
    busy = machine_busy()
    main_cpu = time.process_time()
    replies = await gather_all(workers, spread + answer_limit + 15)
    final: dict[str, int] = {}  # per session, the highest seq of an ack
    for reply in replies:
        for code, seq in reply["max_seq"].items():
            final[code] = max(final.get(code, -1), seq)
    presenter_deadline = time.monotonic() + budget.cap(10.0)
    while (any(s.presenter.top_seq < final.get(s.code, -1) for s in stages)
           and time.monotonic() < presenter_deadline):
        await asyncio.sleep(0.005)
    settle_limit = budget.cap(10.0)
    for worker in workers:
        worker.send("settle", seqs=final, timeout=settle_limit)
    settled = await gather_all(workers, settle_limit + 15)
    after = usage(server.pid)
    busy = machine_busy() - busy
    wall = max(s["at"] for s in settled) - start_at
    main_cpu = time.process_time() - main_cpu
    collected = await asyncio.gather(*(w.request("collect", 60) for w in workers))
    votes = [Vote(*v) for c in collected for v in c["votes"]]
    phones: dict[str, list[list[Tally]]] = {stage.code: [] for stage in stages}
    for c in collected:
        for code, tallies in zip(c["sessions"], c["tallies"], strict=True):
            phones.setdefault(code, []).append(tallies)
    sessions: list[Session] = [
        ([v for v in votes if v.session == stage.code], stage.presenter.tallies,
         phones[stage.code])
        for stage in stages
    ]
    figures = analyse_sessions(sessions).as_dict()
    if plan.raw is not None:
        plan.raw.mkdir(parents=True, exist_ok=True)
        dump = {"votes": [v.__dict__ for v in votes],
                "presenter": {s.code: s.presenter.tallies for s in stages},
                "moderator": {s.code: s.moderator.tallies if s.moderator else []
                              for s in stages}}
        name = stages[0].code if len(stages) == 1 else f"{len(stages)}-sessions"
        (plan.raw / f"{name}-burst{number}.json").write_text(json.dumps(dump))
    client_cpu = [r["cpu_s"] + s["cpu_s"] for r, s in zip(replies, settled, strict=True)]
    server_cpu = after.cpu_s - before.cpu_s
    others = max(0.0, busy - server_cpu - sum(client_cpu) - main_cpu)
    closed: dict[str, int] = {}
    for c in collected:
        for key, count in c["closed"].items():
            closed[key] = closed.get(key, 0) + count
    figures["number"] = number
    figures["spread_s"] = spread
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
