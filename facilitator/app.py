"""create_app(settings): the route table in one place, resources opened in the lifespan."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
import uvicorn
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.gzip import DEFAULT_EXCLUDED_CONTENT_TYPES, GZipMiddleware
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.templating import Jinja2Templates

from facilitator import logs, secrets
from facilitator.config import Settings
from facilitator.domain.limits import Limits
from facilitator.domain.media import blobs_of
from facilitator.domain.session import SessionState
from facilitator.i18n import translate
from facilitator.live.archiving import Archiver
from facilitator.live.registry import Registry
from facilitator.live.retention import Retention
from facilitator.live.stats import LiveStats
from facilitator.media.worker import MediaWorker
from facilitator.store import make_store
from facilitator.store.blobs import FileBlobs
from facilitator.web import api, archive, console_plans, media, metrics, openapi, pages, plans, ws
from facilitator.web.assets import Assets, StaticSite
from facilitator.web.common import WebError, environments, handle_error
from facilitator.web.headers import SecuredStarlette
from facilitator.web.limiter import RateLimiter
from facilitator.web.protocols import http_protocol

if TYPE_CHECKING:
    from facilitator.live.cluster import Cluster

# File descriptors besides the connections: the database with its WAL and shared memory, the
# listening socket, standard streams, documentation being written.
SPARE_FILES = 64


def asset_dir(name: str) -> Path:
    """templates/ and static/: inside the installed package, or at the top of a checkout."""
    packaged = Path(__file__).parent / name
    return packaged if packaged.is_dir() else Path(__file__).parent.parent / name


def routes(site: StaticSite | None = None) -> list[Route | WebSocketRoute | Mount]:
    site = site or StaticSite(asset_dir("static"))
    return [
        Route("/", pages.home, name="home"),
        Route("/join", pages.join_code, name="join_code"),
        Route("/j/{code}", pages.join_page, name="join", methods=["GET", "POST"]),
        Route("/s/{code}", pages.participant_page, name="participant"),
        Route("/language", pages.choose_language, name="language", methods=["POST"]),
        Route("/present/{code}/{token}", pages.presenter_page, name="presenter"),
        Route("/moderate/{code}/{token}", pages.moderator_page, name="moderator"),
        Route("/moderate/{code}/{token}/archive", archive.write_now, name="moderator_archive",
              methods=["POST"]),
        Route("/moderate/{code}/{token}/archive.zip", archive.download,
              name="moderator_archive_zip"),
        Route("/moderate/{code}/{token}/report.html", archive.report, name="moderator_report"),
        Route("/moderate/{code}/{token}/plan.toml", plans.download, name="moderator_plan"),
        Route("/moderate/{code}/{token}/template", plans.save_template,
              name="moderator_template", methods=["POST"]),
        Route("/console", pages.console_page, name="console"),
        Route("/console/login", pages.console_login, name="console_login", methods=["POST"]),
        Route("/console/sessions", pages.console_create, name="console_create",
              methods=["POST"]),
        Route("/console/plans", console_plans.from_plan, name="console_from_plan",
              methods=["POST"]),
        Route("/console/templates/delete", console_plans.delete_template,
              name="console_delete_template", methods=["POST"]),
        Route("/console/upload", console_plans.upload, name="console_upload",
              methods=["POST"]),
        Route("/moderate/{code}/{token}/slides", media.upload_slides, name="moderator_slides",
              methods=["POST"]),
        Route("/moderate/{code}/{token}/photos", media.moderator_photo,
              name="moderator_photos", methods=["POST"]),
        Route("/moderate/{code}/{token}/logo", media.moderator_logo, name="moderator_logo",
              methods=["POST"]),
        Route("/moderate/{code}/{token}/logo/remove", media.moderator_logo_remove,
              name="moderator_logo_remove", methods=["POST"]),
        Route("/s/{code}/photos", media.participant_photo, name="participant_photos",
              methods=["POST"]),
        Route("/media/{code}/{name}", media.serve, name="media"),
        Route("/qr/{code}.svg", api.qr_svg, name="qr_svg"),
        Route("/qr/{code}.png", api.qr_png, name="qr_png"),
        Route("/healthz", api.healthz, name="healthz"),
        Route("/readyz", api.readyz, name="readyz"),
        Route("/metrics", metrics.metrics, name="metrics"),
        Route("/api/sessions", api.create_session, name="api_create", methods=["POST"]),
        Route("/api/sessions/{code}/join", api.join_session, name="api_join",
              methods=["POST"]),
        Route("/api/openapi.json", openapi.openapi_json, name="openapi"),
        Route("/api/asyncapi.json", openapi.asyncapi_json, name="asyncapi"),
        WebSocketRoute("/ws/{code}", ws.live, name="ws"),
        # Versioned first: /static/v/... is never a file of static/.
        Mount("/static/v/{version}", Assets(site), name="static"),
        Mount("/static", Assets(site), name="static_latest"),
    ]


def concurrency_limit(settings: Settings) -> int:
    """Open connections past which uvicorn answers a plain HTTP request with 503.

    uvicorn counts WebSockets among them, so the limit leaves room above max_connections for
    beamers, consoles and the pages and API calls of phones still joining. The WebSockets
    themselves are refused by web/ws.py (1013) at max_connections."""
    return settings.max_connections + max(256, settings.max_connections // 4)


def files_needed(settings: Settings) -> int:
    """The open-files limit the process needs to reach concurrency_limit without failing."""
    return concurrency_limit(settings) + SPARE_FILES


def server_config(settings: Settings, **overrides: Any) -> uvicorn.Config:
    """How uvicorn runs the app: the same for `facilitator serve`, the tests and the bench."""
    options: dict[str, Any] = {
        "host": settings.host, "port": settings.port, "ws": "websockets-sansio",
        "http": http_protocol(settings.header_timeout),
        "ws_max_size": 64 * 1024,
        # Compression would run per connection, undoing encode-once for small JSON messages.
        "ws_per_message_deflate": False,
        # Past it, a 503 at once rather than "Too many open files" when accepting.
        "limit_concurrency": concurrency_limit(settings),
        "proxy_headers": settings.proxy_headers, "log_level": settings.log_level,
        # Nobody needs to read which server this is (and a phone loads forty files).
        "server_header": False,
        "lifespan": "on", **overrides}
    return uvicorn.Config(create_app(settings), **options)


async def _cluster(settings: Settings) -> Cluster:
    """The parts of several processes on one set of sessions (live/cluster.py)."""
    from facilitator.live.bus import Bus
    from facilitator.live.cluster import Cluster
    from facilitator.store.leases import Leases

    bus = Bus(settings.redis_url)
    await bus.open()
    found: list[Cluster] = []
    leases = Leases(settings.database_url, on_lost=lambda lost: found[0].lost(lost))
    await leases.open()
    cluster = Cluster(bus, leases)
    found.append(cluster)
    await cluster.open()
    return cluster


def create_app(settings: Settings) -> Starlette:
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        store = make_store(settings.store_url, min_free_disk=settings.min_free_disk,
                           remembered_ids=settings.remembered_ids)
        await store.open()
        # Uploaded files (store/blobs.py), deleted with their session.
        blobs = FileBlobs(settings.data_dir / "blobs")
        await blobs.sweep({record.id for record in await store.list_sessions()})
        worker = MediaWorker(settings.media_workers, settings.media_timeout)
        from facilitator.archive.branding import branding  # the writers, when needed

        archiver = Archiver(store, settings.sessions_dir, settings.timezone, blobs,
                            branding(settings.organisation, settings.logo))
        uploads = media.Uploads()

        def removed(state: SessionState) -> None:
            # The files of a removed photo, unless an event or an upload under way needs them.
            blobs.collect(state.id, blobs_of(state) | uploads.names(state.id))
        cluster = await _cluster(settings) if settings.redis_url else None
        registry = Registry(store, translate, tally_interval=settings.tally_interval,
                            phone_tally_interval=settings.phone_tally_interval,
                            commit_interval=settings.commit_interval,
                            remembered_ids=settings.remembered_ids,
                            refusal_window=settings.refusal_window,
                            limits=Limits(settings.max_participants, settings.max_ideas,
                                          settings.joins_per_minute,
                                          settings.joins_per_address),
                            archiver=archiver, on_deleted=blobs.session_deleted,
                            on_removed=removed, stats=app.state.stats, cluster=cluster)
        app.state.store = store
        app.state.blobs = blobs
        app.state.media = worker
        app.state.uploads = uploads
        app.state.registry = registry
        app.state.archiver = archiver
        # Here rather than in the factory: uvicorn sets up its log handlers when its Config
        # is made, after create_app.
        flood = logs.install(settings.log_repeats)
        await archiver.catch_up()
        retention = Retention(store, registry, blobs, archiver, days=settings.retention_days,
                              keep_archives=settings.keep_archives)
        retention.start()
        app.state.started = True
        try:
            yield
        finally:
            app.state.draining = True  # drain.py set it already under `facilitator serve`
            await retention.close()
            await registry.close()
            if cluster is not None:
                await cluster.close()
                await cluster.leases.close()
                await cluster.bus.close()
            await archiver.close()  # after the writers stopped: no new archive can start
            await worker.close()
            await blobs.close()
            await store.close()
            logs.uninstall(flood)

    site = StaticSite(asset_dir("static"))
    app = SecuredStarlette(
        routes=routes(site),
        lifespan=lifespan,
        base_url=settings.base_url,
        exception_handlers={WebError: handle_error, HTTPException: handle_error},
        # Pages and API answers, compressed per answer (they differ per person); the static
        # files come compressed from memory already (web/assets.py) and pass through.
        # Uploaded PDFs (web/media.py) are compressed already, like the images it leaves out.
        middleware=[Middleware(GZipMiddleware, minimum_size=1024, compresslevel=6,
                               exclude_content_types=(*DEFAULT_EXCLUDED_CONTENT_TYPES,
                                                      "application/pdf"))],
    )
    app.state.settings = settings
    app.state.static = site
    app.state.templates = {
        lang: Jinja2Templates(env=env) for lang, env in
        environments(jinja2.FileSystemLoader(asset_dir("templates"))).items()}
    app.state.secret = secrets.server_secret(settings.data_dir, settings.secret)
    app.state.organiser_key = secrets.organiser_key(settings.data_dir, settings.organiser_key)
    app.state.phones = 0  # participants' WebSocket connections (max_connections)
    # /readyz (web/api.py): ready from the end of the lifespan's start until the drain.
    app.state.started = app.state.draining = False
    app.state.stats = LiveStats()  # what web/metrics.py reads at a scrape
    app.state.metrics = metrics.registry(app.state) if settings.metrics else None
    app.state.held = {}  # connections by credential (connections_per_token)
    # Rates at the edge, per network address (web/guard.py, web/sessions.py). The join rates
    # are the session's, passed with each call; the rates given here are never used.
    app.state.guesses = RateLimiter(settings.guesses_per_minute)
    app.state.joins_per_address = RateLimiter(settings.joins_per_address)
    app.state.joins_per_session = RateLimiter(settings.joins_per_minute)
    return app
