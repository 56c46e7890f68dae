"""create_app(settings): the route table in one place, resources opened in the lifespan."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import jinja2
import uvicorn
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from facilitator import secrets
from facilitator.config import Settings
from facilitator.i18n import translate
from facilitator.live.archiving import Archiver
from facilitator.live.registry import Registry
from facilitator.store.sqlite import SQLiteStore
from facilitator.web import api, archive, pages, ws
from facilitator.web.common import WebError, handle_error
from facilitator.web.headers import SecurityHeaders


def asset_dir(name: str) -> Path:
    """templates/ and static/: inside the installed package, or at the top of a checkout."""
    packaged = Path(__file__).parent / name
    return packaged if packaged.is_dir() else Path(__file__).parent.parent / name


def routes() -> list[Route | WebSocketRoute | Mount]:
    return [
        Route("/", pages.home, name="home"),
        Route("/join", pages.join_code, name="join_code"),
        Route("/j/{code}", pages.join_page, name="join", methods=["GET", "POST"]),
        Route("/s/{code}", pages.participant_page, name="participant"),
        Route("/present/{code}/{token}", pages.presenter_page, name="presenter"),
        Route("/moderate/{code}/{token}", pages.moderator_page, name="moderator"),
        Route("/moderate/{code}/{token}/archive", archive.write_now, name="moderator_archive",
              methods=["POST"]),
        Route("/moderate/{code}/{token}/archive.zip", archive.download,
              name="moderator_archive_zip"),
        Route("/console", pages.console_page, name="console"),
        Route("/console/login", pages.console_login, name="console_login", methods=["POST"]),
        Route("/console/sessions", pages.console_create, name="console_create",
              methods=["POST"]),
        Route("/qr/{code}.svg", api.qr_svg, name="qr_svg"),
        Route("/qr/{code}.png", api.qr_png, name="qr_png"),
        Route("/healthz", api.healthz, name="healthz"),
        Route("/api/sessions", api.create_session, name="api_create", methods=["POST"]),
        Route("/api/sessions/{code}/join", api.join_session, name="api_join",
              methods=["POST"]),
        WebSocketRoute("/ws/{code}", ws.live, name="ws"),
        Mount("/static", StaticFiles(directory=asset_dir("static")), name="static"),
    ]


def server_config(settings: Settings, **overrides: Any) -> uvicorn.Config:
    """How uvicorn runs the app: the same for `facilitator serve`, the tests and the bench."""
    options: dict[str, Any] = {
        "host": settings.host, "port": settings.port, "ws": "websockets-sansio",
        "ws_max_size": 64 * 1024,
        # Compression would run per connection, undoing encode-once for small JSON messages.
        "ws_per_message_deflate": False,
        "proxy_headers": settings.proxy_headers, "log_level": settings.log_level,
        "lifespan": "on", **overrides}
    return uvicorn.Config(create_app(settings), **options)


def create_app(settings: Settings) -> Starlette:
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        store = SQLiteStore(settings.database)
        await store.open()
        archiver = Archiver(store, settings.sessions_dir, settings.timezone)
        registry = Registry(store, translate, tally_interval=settings.tally_interval,
                            phone_tally_interval=settings.phone_tally_interval,
                            commit_interval=settings.commit_interval, archiver=archiver)
        app.state.store = store
        app.state.registry = registry
        app.state.archiver = archiver
        await archiver.catch_up()
        try:
            yield
        finally:
            await registry.close()
            await archiver.close()  # after the writers stopped: no new archive can start
            await store.close()

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(asset_dir("templates")),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        undefined=jinja2.StrictUndefined,
    )
    app = Starlette(
        routes=routes(),
        lifespan=lifespan,
        middleware=[Middleware(SecurityHeaders, base_url=settings.base_url)],
        exception_handlers={WebError: handle_error, HTTPException: handle_error},
    )
    app.state.settings = settings
    app.state.templates = Jinja2Templates(env=env)
    app.state.secret = secrets.server_secret(settings.data_dir, settings.secret)
    app.state.organiser_key = secrets.organiser_key(settings.data_dir, settings.organiser_key)
    app.state.connections = 0
    return app
