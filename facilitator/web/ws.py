"""The live socket: authenticate, hello, then commands in and events out until it closes.

Nothing a client sends can crash this loop: every frame is parsed by live/protocol.py, every
command goes through the session's writer, and each failure becomes an `error` message.
"""

from __future__ import annotations

import time

from starlette.websockets import WebSocket

from facilitator.domain.codes import normalise_code
from facilitator.domain.errors import N_
from facilitator.domain.model import Actor, Command
from facilitator.i18n import translate
from facilitator.live import protocol
from facilitator.live.hub import REPLACED, Connection
from facilitator.live.runtime import Busy, SessionRuntime
from facilitator.live.stats import LiveStats
from facilitator.web import auth, guard

TOO_MANY_GUESSES = 4429
RESTARTING = 1012  # the server is shutting down (facilitator/drain.py): reconnect, elsewhere
RATE = 20.0  # commands per second, on average
BURST = 40.0


class Bucket:
    """A token bucket: RATE per second, at most BURST at once."""

    def __init__(self, rate: float = RATE, burst: float = BURST) -> None:
        self.rate, self.burst = rate, burst
        self.tokens = burst
        self.stamp = time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


async def live(websocket: WebSocket) -> None:
    app = websocket.app
    settings = app.state.settings
    await websocket.accept()
    # An address that keeps guessing codes or tokens is not heard until its budget refills;
    # checked before any secret is compared.
    if guard.blocked(websocket):
        await websocket.close(TOO_MANY_GUESSES, "too many wrong attempts")
        return
    code = normalise_code(websocket.path_params["code"])
    runtime: SessionRuntime | None = await app.state.registry.get(code) if code else None
    if runtime is None:
        guard.failed(websocket)
        await websocket.close(4404, "unknown session")
        return
    token = websocket.query_params.get("token")
    by_cookie = token is None
    if by_cookie:
        token = websocket.cookies.get(auth.PARTICIPANT_COOKIE.format(code=runtime.code))
    found = auth.identify(app.state.secret, runtime.state.id, token)
    if found is None or (found.participant and not await runtime.knows(found.participant)):
        # A stale cookie is no guess (a whole room behind one router could hold one after
        # a change of the server secret); a wrong token in the URL may be.
        if not by_cookie:
            guard.failed(websocket)
        await websocket.close(4401, "not authenticated")
        return
    if by_cookie and guard.foreign_origin(websocket):
        await websocket.close(4403, "foreign origin")
        return
    phone = found.role == "participant"
    # Phones share the server's cap; a beamer or a console is never locked out by them.
    if phone and app.state.phones >= settings.max_connections:
        await websocket.close(1013, "try again later")
        return
    if app.state.draining:  # checked after the awaits above, right before it is held
        await websocket.close(RESTARTING, "server restarting")
        return
    resume = websocket.query_params.get("resume")
    audience = "participant" if phone else found.role
    connection = Connection(audience, websocket.send_text, websocket.close,  # type: ignore[arg-type]
                            settings.send_queue, found.participant)
    actor = Actor(found.role, found.participant, found.owner)
    # One credential holds a few connections (a phone reconnecting before its old socket is
    # known dead, a second tab); a further one replaces the oldest, so one cookie can never
    # take every slot.
    held: dict[tuple[str, ...], list[Connection]] = app.state.held
    key = (runtime.state.id, found.role, found.participant or str(found.owner))
    mine = held.setdefault(key, [])
    cap = settings.connections_per_token * (1 if phone else 4)
    while len(mine) >= cap:
        mine.pop(0).end(REPLACED, "replaced by a newer connection")
    mine.append(connection)
    app.state.phones += phone
    try:
        async with runtime.connect(connection, int(resume) if resume and resume.isdigit()
                                   and len(resume) < 16 else None):
            await _receive(websocket, runtime, connection, actor, app.state.stats)
    finally:
        app.state.phones -= phone
        if connection in mine:
            mine.remove(connection)
        if not mine and held.get(key) is mine:
            del held[key]
        connection.stop()


async def _receive(websocket: WebSocket, runtime: SessionRuntime, connection: Connection,
                   actor: Actor, stats: LiveStats) -> None:
    bucket = Bucket()
    lang = runtime.state.language
    outcomes = stats.outcomes

    def reply(message: dict[str, object]) -> None:
        connection.offer(protocol.encode(message))

    while True:
        message = await websocket.receive()
        if message["type"] == "websocket.disconnect":
            return
        if connection.dropped:
            continue
        started = time.perf_counter()
        try:
            inbound = protocol.parse(message.get("text"))
        except protocol.ProtocolError as exc:
            stats.received += 1
            outcomes["malformed"] += 1
            reply(protocol.error(exc.id, exc.code, translate(lang, exc.message, exc.params)))
            continue
        if inbound.type == "ping":
            reply(protocol.pong(inbound.id))
            continue
        stats.received += 1
        if not bucket.take():
            outcomes["rate_limited"] += 1
            reply(protocol.error(inbound.id, "rate_limited",
                                 translate(lang, N_("Too many messages. Please slow down."))))
            continue
        command = Command(inbound.type, inbound.args, actor, time.time(), inbound.id)
        try:
            answer = await runtime.submit_text(command)
        except Busy:
            outcomes["busy"] += 1
            reply(protocol.error(inbound.id, "busy", translate(
                lang, N_("The server is busy. Please send this again in a moment."))))
            continue
        connection.offer(answer)
        if protocol.is_ack(answer):
            outcomes["ack"] += 1
            stats.ack_latency.observe(time.perf_counter() - started)
        else:
            outcomes["refused"] += 1
