"""nginx in front of test servers, configured by deploy/nginx/facilitator.conf.template.

The tests render the same template the container and the docs use, with free 127.0.0.1 ports
and a self-signed certificate, so a change to the proxy's configuration is tested as shipped.
nginx runs as a subprocess in a directory of its own (`nginx -p DIR`), its main context here
written for that directory.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

ROOT = Path(__file__).parent.parent
TEMPLATE = ROOT / "deploy" / "nginx" / "facilitator.conf.template"
PLACEHOLDER = re.compile(r"\$\{(PROXY_[A-Z_]+)\}")
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def render(text: str, values: Mapping[str, str]) -> str:
    """The template with every ${PROXY_...} replaced, as envsubst would; a placeholder without
    a value is an error rather than an empty directive."""
    missing = placeholders(text) - set(values)
    if missing:
        raise KeyError(f"no value for {', '.join(sorted(missing))}")
    return PLACEHOLDER.sub(lambda match: values[match.group(1)], text)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, made with the openssl command."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60)
    return cert, key


def _temp_paths(directory: Path) -> str:
    """Every temporary directory nginx was built with, inside ours: the built-in ones (such as
    /var/lib/nginx) are not the test's to write."""
    built = subprocess.run([NGINX, "-V"], capture_output=True, text=True, timeout=10).stderr
    lines = [f"client_body_temp_path {directory / 'body'};",
             f"proxy_temp_path {directory / 'proxy'};"]
    for module in ("fastcgi", "uwsgi", "scgi"):
        if f"--without-http_{module}_module" not in built:
            lines.append(f"{module}_temp_path {directory / module};")
    return "\n    ".join(lines)


class Proxy:
    """nginx on free 127.0.0.1 ports, forwarding to the given upstream ports."""

    def __init__(self, upstreams: Sequence[int], cert: Path, key: Path) -> None:
        # Not pytest's tmp_path: nginx's workers run as another user when the tests run as
        # root, and must reach their temporary files.
        self.dir = Path(tempfile.mkdtemp(prefix="facilitator-nginx-"))
        self.dir.chmod(0o755)
        self.http_port, self.https_port = free_port(), free_port()
        self.url = f"https://127.0.0.1:{self.https_port}"
        self.ws_url = f"wss://127.0.0.1:{self.https_port}"
        self.http_url = f"http://127.0.0.1:{self.http_port}"
        # As docs/deployment.md advises for several processes.
        servers = " ".join(f"server 127.0.0.1:{port} max_fails=0;" for port in upstreams)
        site = render(TEMPLATE.read_text("utf-8"), {
            "PROXY_UPSTREAMS": servers, "PROXY_SERVER_NAME": "127.0.0.1",
            "PROXY_HTTP_LISTEN": f"127.0.0.1:{self.http_port}",
            "PROXY_HTTPS_LISTEN": f"127.0.0.1:{self.https_port}",
            "PROXY_CERT": str(cert), "PROXY_CERT_KEY": str(key)})
        (self.dir / "facilitator.conf").write_text(site, "utf-8")
        self.conf = self.dir / "nginx.conf"
        self.conf.write_text(f"""\
worker_processes 1;
worker_rlimit_nofile 8192;
pid {self.dir / 'nginx.pid'};
error_log {self.dir / 'error.log'} warn;
events {{
    # Each phone holds two: its own and the one to a server process.
    worker_connections 2048;
}}
http {{
    access_log off;
    {_temp_paths(self.dir)}
    include {self.dir / 'facilitator.conf'};
}}
""", "utf-8")
        self.process: subprocess.Popen[bytes] | None = None

    def _command(self, *extra: str) -> list[str]:
        return [NGINX, "-p", str(self.dir), "-c", str(self.conf),
                "-e", str(self.dir / "error.log"), *extra]

    def check(self) -> subprocess.CompletedProcess[str]:
        """`nginx -t`: what nginx says of the configuration."""
        return subprocess.run(self._command("-t"), capture_output=True, text=True, timeout=30)

    def start(self) -> Proxy:
        self.process = subprocess.Popen(self._command("-g", "daemon off;"),
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx exited:\n{self.errors()}")
            try:
                socket.create_connection(("127.0.0.1", self.https_port), timeout=1).close()
                return self
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"nginx did not listen:\n{self.errors()}") from None
                time.sleep(0.05)

    def errors(self) -> str:
        log = self.dir / "error.log"
        return log.read_text("utf-8", "replace") if log.exists() else ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        shutil.rmtree(self.dir, ignore_errors=True)


def unavailable() -> str | None:
    """Why nginx cannot run here, or None when it can."""
    if not os.access(NGINX, os.X_OK):
        return f"nginx is not installed ({NGINX}; apt-get install nginx-light)"
    if shutil.which("openssl") is None:
        return "the openssl command is not installed (apt-get install openssl)"
    return None
