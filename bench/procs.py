"""Processes of a run: file descriptor limit, the server under test, /proc readings."""

from __future__ import annotations

import asyncio
import os
import resource
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from bench.wsclient import HTTPConnection

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def raise_fd_limit() -> tuple[int, int]:
    """Lift the soft limit of open files to the hard limit; children inherit it.

    2,000 phones are 2,000 sockets in the client processes and 2,000 in the server.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY:
        hard = 1 << 20
    if soft < hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        except (ValueError, OSError):
            pass
    return resource.getrlimit(resource.RLIMIT_NOFILE)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def tree(pid: int) -> list[int]:
    """The process and its descendants (a server may fork workers)."""
    pids: list[int] = []
    todo = [pid]
    while todo and len(pids) < 64:
        current = todo.pop()
        pids.append(current)
        todo.extend(_children(current))
    return pids


@dataclass(frozen=True)
class Usage:
    cpu_s: float  # user + system time, all threads
    rss_mb: float
    peak_mb: float  # VmHWM: the highest RSS so far


def usage(pid: int) -> Usage:
    cpu = rss = peak = 0.0
    for member in tree(pid):
        try:
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
            status = Path(f"/proc/{member}/status").read_text()
        except OSError:
            continue
        cpu += (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                rss += int(line.split()[1]) / 1024
            elif line.startswith("VmHWM:"):
                peak += int(line.split()[1]) / 1024
    return Usage(cpu, rss, peak)


def machine_busy() -> float:
    """CPU seconds all processes of the machine have used since boot (from /proc/stat).

    Compared with what the server and the phones used, it shows whether anything else ran
    during a measurement and disturbed it.
    """
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    except OSError:
        return 0.0
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(f) for f in fields[:8])
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS


def _die_with_parent() -> None:
    """In the child before exec: get SIGTERM when the driver dies, so no server outlives a
    killed benchmark (Linux prctl PR_SET_PDEATHSIG; elsewhere nothing happens)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):
        pass


class Server:
    """A server subprocess with its output in a log file."""

    def __init__(self, argv: list[str], env: dict[str, str], cwd: Path, log: Path) -> None:
        self.argv, self.log_path = argv, log
        self.log = log.open("wb")
        self.process = subprocess.Popen(
            argv, env=env, cwd=cwd, stdout=self.log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, preexec_fn=_die_with_parent,
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    async def wait_healthy(self, port: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        last = "no answer"
        while time.monotonic() < deadline:
            if not self.alive():
                raise RuntimeError(
                    f"server exited with {self.process.returncode}:\n{self.tail()}"
                )
            http = HTTPConnection("127.0.0.1", port)
            try:
                async with asyncio.timeout(2):
                    status, _ = await http.request("GET", "/healthz")
                if status == 200:
                    return
                last = f"HTTP {status}"
            except (OSError, TimeoutError, ValueError) as exc:
                last = repr(exc)
            finally:
                http.close()
            await asyncio.sleep(0.1)
        raise RuntimeError(f"server not healthy after {timeout:.0f} s ({last}):\n{self.tail()}")

    async def stop(self, grace: float = 10.0) -> str:
        """SIGINT (a graceful shutdown), then SIGTERM, then SIGKILL; says which one worked."""
        how = "had exited"
        for sig, wait in ((signal.SIGINT, grace), (signal.SIGTERM, 5.0), (signal.SIGKILL, 5.0)):
            if not self.alive():
                break
            how = sig.name
            self.process.send_signal(sig)
            try:
                await asyncio.to_thread(self.process.wait, wait)
            except subprocess.TimeoutExpired:
                continue
        self.log.close()
        return f"{how}, exit code {self.process.returncode}"
