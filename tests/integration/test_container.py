"""The container image's HEALTHCHECK (Dockerfile), run as Docker would run it: against a real
server, a server that says it cannot record votes, and no server at all."""

from __future__ import annotations

import http.server
import json
import os
import subprocess
import sys
import threading

from tests.conftest import LiveServer
from tests.deployment import final_stage
from tests.proxy import free_port


def healthcheck(port: int) -> int:
    """The exit status of the Dockerfile's HEALTHCHECK command with the image's port setting."""
    instruction = next(line for line in final_stage() if line.startswith("HEALTHCHECK "))
    command = json.loads(instruction[instruction.index("CMD ") + 4:])
    assert command[0] == "python"  # the image has no curl
    return subprocess.run([sys.executable, *command[1:]], timeout=30,
                          env={**os.environ, "FACILITATOR_PORT": str(port)},
                          capture_output=True).returncode


def test_healthy_server_passes(live_server: LiveServer) -> None:
    assert healthcheck(live_server.port) == 0


def test_an_unhealthy_answer_fails_it() -> None:
    """/healthz answers 503 when the database or the disk cannot take a vote."""

    class Unhealthy(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
            self.send_response(503 if self.path == "/healthz" else 404)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    with http.server.HTTPServer(("127.0.0.1", 0), Unhealthy) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            assert healthcheck(server.server_address[1]) == 1
        finally:
            server.shutdown()


def test_no_server_fails_it() -> None:
    assert healthcheck(free_port()) != 0
