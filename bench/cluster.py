"""Two facilitator processes on PostgreSQL and Redis, as one process tree for the bench.

`python -m bench.cluster PORT PORT2 TMP` starts, as its own children, a throwaway PostgreSQL
(initdb in TMP, fsync on, as a server on a disk would run), redis-server without persistence,
and two `facilitator serve` on PORT and PORT2 sharing the database, Redis and TMP/data. The
bench measures the CPU and memory of the whole tree (bench/procs.py usage), so the figures of
this target include what PostgreSQL and Redis spend for facilitator. SIGINT stops it all: the
server processes first, then Redis and PostgreSQL.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from tests.services import _as_postgres, _postgres_bin, free_port


def _wait_port(port: int, process: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{what} exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"{what} did not listen on {port}")


def main(argv: list[str]) -> int:
    ports, tmp = [int(argv[0]), int(argv[1])], Path(argv[2])
    binaries = _postgres_bin()
    if binaries is None or shutil.which("redis-server") is None:
        print("bench.cluster: PostgreSQL and redis-server are needed (apt-get install "
              "postgresql redis-server)", file=sys.stderr)
        return 2
    pg_dir = tmp / "postgres"
    pg_dir.mkdir(parents=True)
    if os.geteuid() == 0:
        shutil.chown(pg_dir, "postgres", "postgres")
        tmp.chmod(0o755)
    subprocess.run(_as_postgres([str(binaries / "initdb"), "-D", str(pg_dir / "data"),
                                 "-U", "facilitator", "--auth=trust", "-E", "UTF8",
                                 "--locale=C.UTF-8"]), check=True, capture_output=True)
    pg_port, redis_port = free_port(), free_port()
    children: list[subprocess.Popen[bytes]] = []

    def stop(*_: object) -> None:
        for child in reversed(children):  # servers first, then Redis, then PostgreSQL
            if child.poll() is None:
                child.send_signal(signal.SIGINT)
                try:
                    child.wait(15)
                except subprocess.TimeoutExpired:
                    child.kill()
        raise SystemExit(0)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    postgres = subprocess.Popen(_as_postgres([
        str(binaries / "postgres"), "-D", str(pg_dir / "data"), "-c", "listen_addresses=127.0.0.1",
        "-c", f"port={pg_port}", "-c", f"unix_socket_directories={pg_dir}",
        "-c", "max_connections=100"]))
    children.append(postgres)
    _wait_port(pg_port, postgres, "PostgreSQL")
    redis = subprocess.Popen(["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1",
                              "--save", "", "--appendonly", "no", "--dir", str(tmp)],
                             stdout=subprocess.DEVNULL)
    children.append(redis)
    _wait_port(redis_port, redis, "Redis")
    env = {**os.environ,
           "FACILITATOR_DATABASE_URL": f"postgresql://facilitator@127.0.0.1:{pg_port}/postgres",
           "FACILITATOR_REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
           "FACILITATOR_SECRET": os.environ.get("FACILITATOR_SECRET", "bench-cluster-secret")}
    for port in ports:
        server = subprocess.Popen(
            [sys.executable, "-m", "facilitator", "serve", "--port", str(port), "--host",
             "127.0.0.1", "--data-dir", str(tmp / "data"), "--sessions-dir",
             str(tmp / "sessions")], env=env)
        children.append(server)
        _wait_port(port, server, f"facilitator on {port}")  # one at a time: one migrates
    while all(child.poll() is None for child in children):
        time.sleep(0.2)
    stop()
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
