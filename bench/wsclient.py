"""A minimal WebSocket and HTTP/1.1 client on asyncio protocols, for the load generator.

Why not the websockets client: 2,000 phones receiving 20 tallies a second each are 40,000
frames a second. The websockets library runs every frame through its generator-based parser
and decodes it to str; at tens of microseconds a frame the load generator would become the
bottleneck on a 2-core machine. This client splits frames, counts them and leaves JSON
decoding to the caller, who decodes only what a figure needs. It speaks RFC 6455 without
extensions, so permessage-deflate is never negotiated (see docs/benchmarks.md).
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import random
import time
from typing import Any

OP_CONT, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA


class HandshakeError(Exception):
    pass


def frame(opcode: int, payload: bytes) -> bytes:
    """A masked client frame (clients must mask, RFC 6455 section 5.3)."""
    length = len(payload)
    if length < 126:
        head = bytes((0x80 | opcode, 0x80 | length))
    elif length < 65536:
        head = bytes((0x80 | opcode, 0x80 | 126)) + length.to_bytes(2, "big")
    else:
        head = bytes((0x80 | opcode, 0x80 | 127)) + length.to_bytes(8, "big")
    mask = random.randbytes(4)
    if length:
        repeated = (mask * (length // 4 + 1))[:length]
        masked = (int.from_bytes(payload, "big") ^ int.from_bytes(repeated, "big")).to_bytes(
            length, "big"
        )
    else:
        masked = b""
    return head + mask + masked


class WebSocket(asyncio.Protocol):
    """One client connection. Subclasses override `on_text`."""

    def __init__(self, host: str, port: int, path: str) -> None:
        self.request = (
            f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
            "Connection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {base64.b64encode(os.urandom(16)).decode()}\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n"
        ).encode()
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.upgraded = False
        loop = asyncio.get_running_loop()
        self.opened: asyncio.Future[None] = loop.create_future()
        self.closed: asyncio.Future[None] = loop.create_future()
        self.close_code: int | None = None
        self.fragments: list[bytes] = []
        self.fragment_op = OP_TEXT
        self.frames = 0
        self.bytes = 0

    # asyncio.Protocol

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        transport.write(self.request)

    def data_received(self, data: bytes) -> None:
        now = time.monotonic()
        self.buffer += data
        if not self.upgraded and not self._handshake():
            return
        self._frames(now)

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.opened.done():
            self.opened.set_exception(HandshakeError(f"connection lost: {exc!r}"))
        if not self.closed.done():
            self.closed.set_result(None)
        self.on_closed()

    # sending

    def send_text(self, payload: bytes) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(frame(OP_TEXT, payload))

    def send_json(self, message: dict[str, Any]) -> None:
        self.send_text(json.dumps(message, separators=(",", ":")).encode())

    def close(self, code: int = 1000) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(frame(OP_CLOSE, code.to_bytes(2, "big")))
            # The server answers the close frame and then closes the TCP connection.
            asyncio.get_running_loop().call_later(2.0, self.abort)

    def abort(self) -> None:
        if self.transport is not None:
            self.transport.abort()

    # for subclasses

    def on_text(self, payload: bytes, now: float) -> None:
        pass

    def on_closed(self) -> None:
        pass

    # parsing

    def _handshake(self) -> bool:
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            if len(self.buffer) > 65536:
                self._fail("handshake response too long")
            return False
        head = bytes(self.buffer[:end]).decode("latin-1")
        status = head.split("\r\n", 1)[0]
        if not status.startswith("HTTP/1.1 101"):
            body = bytes(self.buffer[end + 4 :][:200]).decode("utf-8", "replace")
            self._fail(f"{status} {body}".strip())
            return False
        del self.buffer[: end + 4]
        self.upgraded = True
        self.opened.set_result(None)
        return True

    def _fail(self, reason: str) -> None:
        if not self.opened.done():
            self.opened.set_exception(HandshakeError(reason))
        self.abort()

    def _frames(self, now: float) -> None:
        buf = self.buffer
        size = len(buf)
        pos = 0
        while size - pos >= 2:
            b0 = buf[pos]
            b1 = buf[pos + 1]
            length = b1 & 0x7F
            head = 2
            if length == 126:
                if size - pos < 4:
                    break
                length = int.from_bytes(buf[pos + 2 : pos + 4], "big")
                head = 4
            elif length == 127:
                if size - pos < 10:
                    break
                length = int.from_bytes(buf[pos + 2 : pos + 10], "big")
                head = 10
            if b1 & 0x80:  # servers never mask; treat it as garbage
                self._fail("masked frame from the server")
                return
            end = pos + head + length
            if end > size:
                break
            payload = bytes(buf[pos + head : end])
            pos = end
            self.frames += 1
            self.bytes += head + length
            self._frame(b0 & 0x80, b0 & 0x0F, payload, now)
        if pos:
            del buf[:pos]

    def _frame(self, fin: int, opcode: int, payload: bytes, now: float) -> None:
        if opcode == OP_TEXT or opcode == OP_BINARY:
            if fin:
                self.on_text(payload, now)
            else:
                self.fragment_op, self.fragments = opcode, [payload]
        elif opcode == OP_CONT:
            self.fragments.append(payload)
            if fin:
                whole, self.fragments = b"".join(self.fragments), []
                self.on_text(whole, now)
        elif opcode == OP_PING:
            if self.transport is not None and not self.transport.is_closing():
                self.transport.write(frame(OP_PONG, payload))
        elif opcode == OP_CLOSE:
            self.close_code = int.from_bytes(payload[:2], "big") if len(payload) >= 2 else 1005
            if self.transport is not None and not self.transport.is_closing():
                self.transport.write(frame(OP_CLOSE, payload[:2]))
                self.transport.close()


async def open_websocket(
    factory: type[WebSocket] | Any, host: str, port: int, path: str, timeout: float, **kwargs: Any
) -> Any:
    """Connect and complete the upgrade; returns the protocol instance."""
    loop = asyncio.get_running_loop()
    async with asyncio.timeout(timeout):
        _, ws = await loop.create_connection(
            lambda: factory(host, port, path, **kwargs), host, port
        )
        await ws.opened
    return ws


class HTTPConnection:
    """One keep-alive HTTP/1.1 connection for JSON requests (joins, session creation)."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> tuple[int, Any]:
        for attempt in (1, 2):  # a keep-alive connection the server closed: reconnect once
            if self.writer is None or self.writer.is_closing():
                self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
            try:
                return await self._exchange(method, path, body, headers or {})
            except (ConnectionError, asyncio.IncompleteReadError):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    async def _exchange(
        self, method: str, path: str, body: Any, headers: dict[str, str]
    ) -> tuple[int, Any]:
        assert self.reader is not None and self.writer is not None
        data = b"" if body is None else json.dumps(body).encode()
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}",
                 f"Content-Length: {len(data)}"]
        if body is not None:
            lines.append("Content-Type: application/json")
        lines += [f"{k}: {v}" for k, v in headers.items()]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + data)
        head = (await self.reader.readuntil(b"\r\n\r\n")).decode("latin-1")
        status_line, *header_lines = head.split("\r\n")
        status = int(status_line.split(" ", 2)[1])
        fields = {}
        for line in header_lines:
            if ":" in line:
                key, value = line.split(":", 1)
                fields[key.strip().lower()] = value.strip()
        if fields.get("transfer-encoding", "").lower() == "chunked":
            raw = await self._chunked()
        else:
            raw = await self.reader.readexactly(int(fields.get("content-length", "0")))
        if fields.get("connection", "").lower() == "close":
            self.close()
        try:
            return status, json.loads(raw) if raw else None
        except ValueError:
            return status, raw.decode("utf-8", "replace")

    async def _chunked(self) -> bytes:
        assert self.reader is not None
        parts: list[bytes] = []
        while True:
            size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
            chunk = await self.reader.readexactly(size + 2)
            if size == 0:
                return b"".join(parts)
            parts.append(chunk[:-2])

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.writer = self.reader = None
