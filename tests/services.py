"""Real PostgreSQL and Redis servers for the tests, started from Debian's packages.

Each runs in a temporary folder on a free 127.0.0.1 port for the whole test run, and stops at
its end. A test gets its own database (PostgreSQL) or its own key prefix (Redis). Without the
programs the tests that need them skip with a message saying what to install; with CI set
(.ci/run installs both) they fail instead, so CI can never pass by skipping them.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TypeVar

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def missing(what: str, install: str) -> None:
    """Skip the test, or fail it under CI, where the programs must be there."""
    message = f"{what} is not installed (apt-get install {install}); .ci/run installs it"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def _postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"))
    return Path(found[-1]).parent if found else None


def _as_postgres(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: as root, run it as Debian's postgres user."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


class PostgresServer:
    """A throwaway PostgreSQL cluster (initdb into a temporary folder, pg_ctl start)."""

    what, package = "PostgreSQL", "postgresql"

    def __init__(self) -> None:
        binaries = _postgres_bin()
        if binaries is None:
            raise FileNotFoundError("postgresql")
        self.bin = binaries
        self.folder = Path(tempfile.mkdtemp(prefix="facilitator-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.user = "facilitator"
        self._databases = 0
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")

    def start(self) -> PostgresServer:
        run = subprocess.run
        run(_as_postgres([str(self.bin / "initdb"), "-D", str(self.data), "-U", self.user,
                          "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"]),
            check=True, capture_output=True)
        # fsync stays on: the store's durability (ack after commit) is measured as it runs.
        options = (f"-c listen_addresses=127.0.0.1 -c port={self.port} "
                   f"-c unix_socket_directories={self.folder} -c max_connections=200")
        run(_as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options,
                          "-l", str(self.folder / "log"), "-w", "-t", "30", "start"]),
            check=True, capture_output=True)
        return self

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """A new empty database; its URL."""
        self._databases += 1
        name = f"test_{os.getpid()}_{self._databases}"
        self.psql(f"CREATE DATABASE {name}")
        return self.url(name)

    def psql(self, sql: str, database: str = "postgres") -> str:
        result = subprocess.run(
            ["psql", "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-c", sql,
             self.url(database)], check=True, capture_output=True, text=True)
        return result.stdout.strip()

    def stop(self) -> None:
        subprocess.run(_as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.data), "-m",
                                     "immediate", "stop"]), capture_output=True)
        shutil.rmtree(self.folder, ignore_errors=True)


class RedisServer:
    """A throwaway redis-server without persistence."""

    what, package = "Redis", "redis-server"

    def __init__(self) -> None:
        program = shutil.which("redis-server")
        if program is None:
            raise FileNotFoundError("redis-server")
        self.program = program
        self.folder = Path(tempfile.mkdtemp(prefix="facilitator-redis-"))
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> RedisServer:
        self.process = subprocess.Popen(
            [self.program, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def pause(self) -> None:
        """Stop the server, keeping its port for start() (an outage)."""
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
        shutil.rmtree(self.folder, ignore_errors=True)


S = TypeVar("S", PostgresServer, RedisServer)


@contextlib.contextmanager
def running(kind: type[S]) -> Iterator[S]:
    """A started server of this kind, stopped at the end; skipped (failed under CI) where
    its package is not installed."""
    try:
        server = kind()
    except FileNotFoundError:
        missing(kind.what, kind.package)
    server.start()
    try:
        yield server
    finally:
        server.stop()
