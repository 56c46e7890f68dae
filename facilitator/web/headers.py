"""Security headers on every HTTP response: nothing from another host, no framing by others.

The Content-Security-Policy is the guarantee behind "no third-party requests": even a page
that by mistake referenced a CDN would have the browser refuse to load it.
"""

from __future__ import annotations

import inspect
from typing import Any

from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.routing import Match, WebSocketRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocket


def policy(base_url: str) -> str:
    # Some older Safari versions do not count ws(s): as 'self'; name the server's own socket.
    socket = base_url.replace("https://", "wss://", 1).replace("http://", "ws://", 1)
    return ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            f"connect-src 'self' {socket}; font-src 'self'; frame-ancestors 'self'; "
            "base-uri 'none'; form-action 'self'; object-src 'none'")


SUBRESOURCES = ("text/javascript", "text/css")


class SecurityHeaders:
    def __init__(self, app: ASGIApp, base_url: str) -> None:
        self.app = app
        self.policy = policy(base_url)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                # A policy governs documents; a script or a style sheet has none to obey, and
                # a phone loads some forty of them (half a kilobyte of headers each).
                if not headers.get("content-type", "").startswith(SUBRESOURCES):
                    headers.setdefault("Content-Security-Policy", self.policy)
                    headers.setdefault("Referrer-Policy", "same-origin")
            await send(message)

        await self.app(scope, receive, send_with_headers)


class SecuredStarlette(Starlette):
    """A Starlette app whose every response has the security headers, its 500 page too.

    As user middleware SecurityHeaders would sit inside Starlette's ServerErrorMiddleware,
    which is always outermost, so the page of an unexpected error would go out without them.
    """

    def __init__(self, *args: Any, base_url: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.base_url = base_url

    def build_middleware_stack(self) -> ASGIApp:
        return SecurityHeaders(super().build_middleware_stack(), self.base_url)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # A WebSocket goes straight to its endpoint, past the HTTP middleware (compression,
        # error pages, these headers: none of it applies to a socket) and the router's walk
        # over every route. A phone's socket lives for hours: that is a dozen coroutine frames
        # and closures fewer held per phone, and a wrapper fewer on every message sent to it.
        # The route's own matching decides, so the path rules stay those of the route table.
        if scope["type"] == "websocket":
            for route in self.router.routes:
                if isinstance(route, WebSocketRoute) and inspect.isfunction(route.endpoint):
                    match, child = route.matches(scope)
                    if match is Match.FULL:
                        scope["app"] = self
                        scope.update(child)
                        await route.endpoint(WebSocket(scope, receive, send))
                        return
        await super().__call__(scope, receive, send)
