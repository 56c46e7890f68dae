"""uvicorn's HTTP protocols with a deadline for the request headers.

uvicorn closes an idle keep-alive connection after `timeout_keep_alive`, but a connection that
has sent nothing yet, or part of a request's headers, it keeps for ever: a few hundred such
connections from one laptop ("slowloris") use up the file descriptors that the phones need.
Here a connection must complete a request's headers within `header_timeout` seconds of being
opened or of its previous response; bytes trickling in do not extend the deadline. A WebSocket
is past its headers once upgraded and is kept alive by its pings instead.

Both of uvicorn's HTTP/1.1 parsers are covered, and the one uvicorn's "auto" would pick is
used: httptools (faster, in `uvicorn[standard]`) when it is installed, else h11 (pure Python,
a dependency of uvicorn). h11 refuses (400) a request head that grows past 16 KiB before it is
complete; uvicorn's httptools protocol keeps every header line it is sent until the head ends,
so the same 16 KiB limit is applied to it here, or one client could fill the memory within
the header timeout.
"""

from __future__ import annotations

import asyncio
import importlib.util
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

HEADER_LIMIT = 16 * 1024  # h11's default for the request line and headers
TIMED_OUT = (b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\n"
             b"content-length: 16\r\nconnection: close\r\n\r\nRequest Timeout\n")


class HeaderDeadline:
    """Mixin for a uvicorn HTTP protocol (its attributes are used as they are there)."""

    header_timeout: float = 10.0
    transport: asyncio.Transport
    loop: asyncio.AbstractEventLoop
    cycle: Any

    _deadline: asyncio.TimerHandle | None = None
    _upgraded = False
    _heard = False  # bytes arrived since the deadline was set: worth a 408 before closing

    def _awaiting_request(self) -> bool:
        # uvicorn makes a cycle once a request's headers are complete; until then, and after
        # its response, the connection owes us the headers of a request.
        return not self._upgraded and (self.cycle is None or self.cycle.response_complete)

    def _update_deadline(self) -> None:
        if self._awaiting_request() and not self.transport.is_closing():
            if self._deadline is None:
                self._heard = False
                self._deadline = self.loop.call_later(self.header_timeout, self._expire)
        else:
            self._cancel_deadline()

    def _cancel_deadline(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expire(self) -> None:
        self._deadline = None
        if self._awaiting_request() and not self.transport.is_closing():
            if self._heard:
                self.transport.write(TIMED_OUT)
            self.transport.close()

    # The protocol's own methods, each followed by a look at where the connection stands.

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)  # type: ignore[misc]
        self._update_deadline()

    def data_received(self, data: bytes) -> None:
        if self._deadline is not None:
            self._heard = True
        super().data_received(data)  # type: ignore[misc]
        self._update_deadline()

    def on_response_complete(self) -> None:
        super().on_response_complete()  # type: ignore[misc]
        self._update_deadline()

    def handle_websocket_upgrade(self, *args: Any) -> None:
        self._upgraded = True
        self._cancel_deadline()
        super().handle_websocket_upgrade(*args)  # type: ignore[misc]

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_deadline()
        super().connection_lost(exc)  # type: ignore[misc]


class H11WithDeadline(HeaderDeadline, H11Protocol):
    pass


def _httptools_class() -> type[asyncio.Protocol] | None:
    if importlib.util.find_spec("httptools") is None:
        return None
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    class HttpToolsWithDeadline(HeaderDeadline, HttpToolsProtocol):
        _header_bytes = 0

        def on_message_begin(self) -> None:
            self._header_bytes = 0
            super().on_message_begin()

        def on_url(self, url: bytes) -> None:
            self._count(len(url))
            super().on_url(url)

        def on_header(self, name: bytes, value: bytes) -> None:
            self._count(len(name) + len(value))
            super().on_header(name, value)

        def _count(self, size: int) -> None:
            # An exception in a parser callback makes httptools raise HttpParserError, which
            # uvicorn answers with 400 and a closed connection.
            self._header_bytes += size
            if self._header_bytes > HEADER_LIMIT:
                raise ValueError("request headers too large")

    return HttpToolsWithDeadline


def http_protocol(header_timeout: float, parser: str = "auto") -> type[asyncio.Protocol]:
    """The protocol class for uvicorn's `http=` option: parser "auto" (as uvicorn picks),
    "httptools" or "h11"."""
    base: type[asyncio.Protocol] = H11WithDeadline
    if parser != "h11":
        found = _httptools_class()
        if found is None and parser == "httptools":
            raise RuntimeError("httptools is not installed")
        base = found or base
    return type(base.__name__, (base,), {"header_timeout": header_timeout})
