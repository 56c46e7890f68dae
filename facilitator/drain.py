"""Graceful shutdown: uvicorn's server with a drain in front of its own shutdown.

On SIGTERM uvicorn alone stops listening, closes every WebSocket with 1012 without a reason
and closes the TCP connection in the same step, without waiting for the client's answer to
the close; then it runs the lifespan's end, which stopped the sessions' writers at once.
Before that, the drain here:

1. marks the app not ready (/readyz answers 503, web/ws.py turns new sockets away with 1012);
2. stops listening, so that a phone reconnecting right away is refused at once and a load
   balancer sends it to another process;
3. closes every WebSocket with 1012 ("server restarting") behind what was already being sent
   to it, and waits, at most DRAIN_TIMEOUT seconds, until the clients have answered the close
   and their sockets are gone.

Then uvicorn's shutdown runs as before, and the lifespan's end lets each writer commit what
it was sent before it stops (live/runtime.py, SessionRuntime.stop). A phone's commands that
had no ack yet stay in its outbox and are sent again after it reconnects: the server answers
a command id it committed with its first answer, so nothing is lost or done twice.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from typing import Any

import uvicorn

from facilitator.web.ws import RESTARTING

log = logging.getLogger(__name__)

DRAIN_TIMEOUT = 5.0  # seconds; systemd's TimeoutStopSec (docs/deployment.md) leaves room
POLL = 0.02


class Server(uvicorn.Server):
    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        app = self.config.app
        if hasattr(app, "state"):  # our Starlette app (not a factory string or a wrapper)
            await drain(app, self)
        await super().shutdown(sockets=sockets)


async def drain(app: Any, server: uvicorn.Server, timeout: float = DRAIN_TIMEOUT) -> None:
    state = app.state
    state.draining = True
    for listener in server.servers:
        listener.close()
    held = state.held
    count = sum(len(connections) for connections in held.values())
    for connections in list(held.values()):
        for connection in list(connections):
            connection.end(RESTARTING, "server restarting")
    websocket = server.config.ws_protocol_class
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout

    def open_sockets() -> bool:
        return bool(held) or (websocket is not None and any(
            isinstance(c, websocket) for c in server.server_state.connections))

    while open_sockets() and loop.time() < deadline:
        await asyncio.sleep(POLL)
    if open_sockets():
        log.warning("%d WebSockets still open %.0f s after the close; closing them",
                    sum(len(c) for c in held.values()), timeout)
    elif count:
        log.info("closed %d WebSockets with %d (server restarting)", count, RESTARTING)
