"""create_app() for the gateway, the only public service."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from services.gateway.account_api import router as account_router
from services.gateway.api import STATIC_DIR, page, router
from services.gateway.clients import Upstreams
from services.gateway.security_headers import PageSecurityHeaders
from services.gateway.sessions import InProcessSessionStore, RedisSessionStore, SessionStore
from services.gateway.settings import Settings
from services.gateway.uploads import MultipartUploadGuard
from shared.health import ReadinessCheck, mount_health
from shared.service import install_common


def build_session_store(settings: Settings) -> SessionStore:
    """Redis when GATEWAY_REDIS_URL is set, else an in-process store for a single person."""
    if settings.redis_url:
        return RedisSessionStore(settings.redis_url, timeout_s=settings.redis_timeout_s)
    return InProcessSessionStore(max_playlists=settings.max_in_process_playlists)


def create_app(
    settings: Settings | None = None,
    *,
    sessions: SessionStore | None = None,
    transports: dict[str, httpx.AsyncBaseTransport] | None = None,
) -> FastAPI:
    """The gateway app; unit tests pass `transports` (httpx.MockTransport fakes of the upstreams) and `sessions`."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.sessions = sessions or build_session_store(settings)
        app.state.upstreams = Upstreams.from_settings(settings, transports)
        try:
            yield
        finally:
            await app.state.upstreams.aclose()
            await app.state.sessions.close()

    app = FastAPI(
        title="PRESSED / PLAY",
        version="1.0.0",
        summary="A photo in, a playlist that matches its vibe out.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    # Added before install_common so the request-id middleware (added last, runs first) wraps the guard too.
    app.add_middleware(MultipartUploadGuard, paths=frozenset({"/v1/playlists"}), max_bytes=settings.max_upload_bytes)
    app.add_middleware(PageSecurityHeaders)
    install_common(app, "gateway")

    def checks() -> Mapping[str, ReadinessCheck]:
        upstreams: Upstreams | None = getattr(app.state, "upstreams", None)
        store: SessionStore | None = getattr(app.state, "sessions", None)
        if upstreams is None or store is None:
            return {"startup": _never_ready}

        def upstream(name: str) -> ReadinessCheck:
            return lambda: upstreams.ready(name)

        return {"sessions": store.ping, **{name: upstream(name) for name in ("inference", "playlist", "feedback")}}

    mount_health(app, checks, timeout_s=settings.connect_timeout_s + 1.0)
    app.include_router(router)
    app.include_router(account_router)
    app.include_router(page)
    # The page's scripts, styles and icon: ES modules and CSS files, no build step (the CSP forbids inline code).
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app


async def _never_ready() -> bool:
    return False
