"""The two servers a run measures, each started as a subprocess the same way.

A target knows how to start its server and how to prepare a poll that phones vote in: for
facilitator that is the moderator's real sequence of commands over the wire protocol. A run
with several sessions at once stages one poll per session (for the reference: one room per
path, each with its own broadcast).
"""

from __future__ import annotations

import os
import secrets
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.limits import LimitHit, close_refusal, explain, server_environment
from bench.loadgen import Client, ClosedBeforeHello, connect_client
from bench.procs import Server
from bench.wsclient import HTTPConnection
from facilitator.config import Settings

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
OPTIONS = ["Mobility", "Energy supply", "Land use", "Food"]


@dataclass
class Stage:
    """A poll that is live and revealed, and the connections watching it."""

    code: str
    activity: str
    join: bool  # phones must join over HTTP before connecting
    presenter: Client
    moderator: Client | None = None
    info: dict[str, Any] = field(default_factory=dict)

    def close(self) -> None:
        for client in (self.presenter, self.moderator):
            if client is not None:
                client.abort()


class Facilitator:
    name = "facilitator"

    def __init__(self) -> None:
        self.key = secrets.token_urlsafe(24)

    def ports(self, port: int) -> list[int]:
        """Where the phones connect: phone process i to ports[i % len(ports)]."""
        return [port]

    def start(self, port: int, tmp: Path) -> Server:
        argv = [sys.executable, "-m", "facilitator", "serve", "--port", str(port),
                "--host", HOST, "--data-dir", str(tmp / "data"),
                "--sessions-dir", str(tmp / "sessions")]
        # the protective limits far above the load, unless the caller set them (limits.py)
        env = {**server_environment(), **os.environ, "FACILITATOR_ORGANISER_KEY": self.key,
               "FACILITATOR_LOG_LEVEL": "warning"}
        return Server(argv, env, ROOT, tmp / "server.log")

    @staticmethod
    def overrides() -> dict[str, str]:
        """FACILITATOR_* settings inherited from the caller's environment (experiments such as
        FACILITATOR_TALLY_INTERVAL=1); the report names them."""
        own = {"FACILITATOR_ORGANISER_KEY", "FACILITATOR_LOG_LEVEL"}
        return {k: v for k, v in sorted(os.environ.items())
                if k.startswith("FACILITATOR_") and k not in own}

    def command_line(self) -> str:
        limits = ", ".join(f"{k}={v}" for k, v in server_environment().items())
        return ("python -m facilitator serve --port PORT --host 127.0.0.1 --data-dir TMP/data "
                "--sessions-dir TMP/sessions (FACILITATOR_ORGANISER_KEY=random, "
                f"FACILITATOR_LOG_LEVEL=warning, {limits})")

    async def stage(self, port: int, timeout: float, index: int = 0) -> Stage:
        """Create session number `index` of the run and open a revealed poll in it."""
        http = HTTPConnection(HOST, port)
        try:
            status, created = await http.request(
                "POST", "/api/sessions",
                {"title": f"Benchmark {index + 1}", "language": "en", "names": False},
                {"Authorization": f"Bearer {self.key}"},
            )
        finally:
            http.close()
        if status == 429:
            raise LimitHit(f"POST /api/sessions answered 429 ({created}): the server limits "
                           "this address, probably for failed guesses of codes, tokens and keys; "
                           "raise FACILITATOR_GUESSES_PER_MINUTE")
        if status != 201:
            raise RuntimeError(f"POST /api/sessions answered {status}: {created}")
        code = created["code"]
        try:
            return await self._open_poll(port, timeout, code, created)
        except ClosedBeforeHello as exc:
            if close_refusal(exc.code) is None:
                raise
            raise LimitHit(explain({"close 1013": 1}, {}, 0, 0) + " (it was the moderator's "
                           "or the presenter's connection)") from None

    async def _open_poll(self, port: int, timeout: float, code: str,
                         created: dict[str, Any]) -> Stage:
        moderator = await connect_client(
            HOST, port, f"/ws/{code}?token={created['moderator_token']}", timeout
        )
        steps = iter(range(1, 100))

        async def command(name: str, **fields: Any) -> dict[str, Any]:
            message = {"type": name, "id": f"m{next(steps)}", **fields}
            return await moderator.command(message, timeout)

        await command("session.open")
        await command("session.start")
        created_poll = await command(
            "activity.create", kind="poll", title="Which field of action first?",
            config={"options": OPTIONS},
        )
        activity = created_poll["result"]["activity"]
        await command("activity.activate", activity=activity)
        await command("activity.reveal", activity=activity)
        presenter = await connect_client(
            HOST, port, f"/ws/{code}?token={created['presenter_token']}", timeout
        )
        return Stage(code, activity, True, presenter, moderator)


class FacilitatorCluster(Facilitator):
    """Two facilitator processes on one PostgreSQL and one Redis (bench/cluster.py), the
    phone processes dealt out between them; the session is made through the first, so that
    it writes and the second forwards the votes of its phones."""

    name = "cluster"

    def __init__(self) -> None:
        super().__init__()
        self.second = 0

    def ports(self, port: int) -> list[int]:
        return [port, self.second]

    def start(self, port: int, tmp: Path) -> Server:
        from bench.procs import free_port

        self.second = free_port()
        argv = [sys.executable, "-m", "bench.cluster", str(port), str(self.second), str(tmp)]
        env = {**server_environment(), **os.environ, "FACILITATOR_ORGANISER_KEY": self.key,
               "FACILITATOR_LOG_LEVEL": "warning"}
        return Server(argv, env, ROOT, tmp / "server.log")

    def command_line(self) -> str:
        return ("python -m bench.cluster PORT PORT2 TMP: PostgreSQL (initdb, fsync on), "
                "redis-server and two `python -m facilitator serve` on PORT and PORT2 "
                "(FACILITATOR_DATABASE_URL, FACILITATOR_REDIS_URL), the same limits as the "
                "single process")


def intervals(environ: dict[str, str] | None = None) -> tuple[str, str]:
    """facilitator's tally intervals (beamer and consoles, phones) as the run's facilitator
    gets them: its defaults unless the environment sets them. The reference sends its tallies
    at the same intervals, so that both servers deliver the same messages."""
    env = os.environ if environ is None else environ
    return (env.get("FACILITATOR_TALLY_INTERVAL", f"{Settings.tally_interval:g}"),
            env.get("FACILITATOR_PHONE_TALLY_INTERVAL", f"{Settings.phone_tally_interval:g}"))


class Reference:
    name = "reference"

    def ports(self, port: int) -> list[int]:
        return [port]

    def argv(self) -> list[str]:
        beamer, phones = intervals()
        return ["--options", str(len(OPTIONS)), "--interval", beamer,
                "--phone-interval", phones]

    def start(self, port: int, tmp: Path) -> Server:
        argv = [sys.executable, "-m", "bench.reference", "--host", HOST, "--port", str(port),
                *self.argv()]
        return Server(argv, dict(os.environ), ROOT, tmp / "server.log")

    @staticmethod
    def overrides() -> dict[str, str]:
        return {}

    def command_line(self) -> str:
        return "python -m bench.reference --host 127.0.0.1 --port PORT " + " ".join(self.argv())

    async def stage(self, port: int, timeout: float, index: int = 0) -> Stage:
        """Room number `index`: the reference keeps one poll per path (/ws/REF1, /ws/REF2…)."""
        code = f"REF{index + 1}"
        presenter = await connect_client(HOST, port, f"/ws/{code}?role=presenter", timeout)
        return Stage(code, "a1", False, presenter)
