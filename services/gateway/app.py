"""create_app() for the gateway, the only public service."""

from __future__ import annotations

import re

import httpx
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from services.gateway.adapters.in_process import InProcessRateLimiter
from services.gateway.adapters.redis_rate_limit import RedisRateLimiter
from services.gateway.api.account import router as account_router
from services.gateway.api.cors import install_cors
from services.gateway.api.cross_site import CrossSiteGuard
from services.gateway.api.docs import install_api_docs
from services.gateway.api.forwarded_client import ForwardedClientMiddleware
from services.gateway.api.openapi_errors import JSON_ROUTES, install_error_docs
from services.gateway.api.openapi_links import playlist_links
from services.gateway.api.ops_guard import OpsEndpointGuard
from services.gateway.api.playlists import STATIC_DIR, page, router
from services.gateway.api.rate_limit import RateLimitMiddleware
from services.gateway.api.security_headers import PageSecurityHeaders
from services.gateway.api.sessions import router as sessions_router
from services.gateway.api.warmup import router as warmup_router
from services.gateway.rate_limit import Limit, LimitedRoute, RateLimiter, limited_routes
from services.gateway.runtime import GatewayRuntime
from services.gateway.sessions import SessionStore
from services.gateway.settings import Settings
from shared.web.body_limits import MULTIPART, BodyGuard, BodyRule, json_rule
from shared.web.health import mount_health
from shared.web.openapi_links import install_links
from shared.web.server_limits import BodyDeadline, ServerLimits
from shared.web.service import attach_runtime, install_common


def create_app(
    settings: Settings | None = None,
    *,
    sessions: SessionStore | None = None,
    transports: dict[str, httpx.AsyncBaseTransport] | None = None,
) -> FastAPI:
    """The gateway app; unit tests pass `transports` (httpx.MockTransport fakes of the upstreams) and `sessions`."""
    settings = settings or Settings()
    runtime = GatewayRuntime(settings, sessions=sessions, transports=transports)
    limiter = build_rate_limiter(settings)
    app = FastAPI(
        title="PRESSED / PLAY",
        version="1.0.0",
        summary="A photo in, a playlist that matches its vibe out.",
        docs_url=None,  # served by install_api_docs from the gateway's own files (no CDN)
        redoc_url=None,
    )
    attach_runtime(app, runtime, closers=[limiter.close])
    # Added before install_common so the request-id middleware (added last, runs first) wraps the guard too.
    photo = BodyRule(
        path=re.compile(r"/v1/playlists"),
        media=(MULTIPART,),
        max_bytes=settings.max_upload_bytes,
        unsupported="send the photo as multipart/form-data with an `image` field, not {media}",
        what="upload",
    )
    # Everything else posted is small JSON; bodyless POSTs (save, sign-out, a new session) pass untouched.
    app.add_middleware(BodyGuard, rules=[photo, json_rule(JSON_ROUTES, max_bytes=settings.max_json_bytes)])
    app.add_middleware(BodyDeadline, idle_s=settings.body_idle_timeout_s, total_s=settings.body_total_timeout_s)
    if settings.rate_limit_enabled:
        app.add_middleware(RateLimitMiddleware, limiter=limiter, routes=rate_limited_routes(settings))
    app.add_middleware(OpsEndpointGuard, access=settings.ops_access())
    # Before the rate limit and the body guard: a forged cross-site post costs no bucket token and no body read.
    app.add_middleware(CrossSiteGuard, listed_origins=settings.cors_origins)
    app.add_middleware(PageSecurityHeaders)
    if settings.trusted_proxies:
        # Runs before the rate limit: the bucket is the forwarded client's, not the proxy's.
        app.add_middleware(ForwardedClientMiddleware, trusted=settings.trusted_networks())
    install_common(app, "gateway")  # public: it sends the service token, never asks for one
    install_cors(app, settings.cors_origins)

    mount_health(app, runtime.checks, timeout_s=settings.connect_timeout_s + 1.0)
    app.include_router(router)
    app.include_router(account_router)
    app.include_router(sessions_router)
    app.include_router(warmup_router)
    app.include_router(page)
    # The page's scripts, styles and icon: ES modules and CSS files, no build step (the CSP forbids inline code).
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    install_api_docs(app)
    install_links(app, playlist_links(settings.cookie_name))
    install_error_docs(app, rate_limited_routes(settings) if settings.rate_limit_enabled else [])
    return app


def build_rate_limiter(settings: Settings) -> RateLimiter:
    """Buckets in Redis when GATEWAY_REDIS_URL is set (shared by every gateway process), else in this process."""
    if settings.redis_url:
        return RedisRateLimiter(settings.redis_url, timeout_s=settings.redis_timeout_s)
    return InProcessRateLimiter()


def rate_limited_routes(settings: Settings) -> list[LimitedRoute]:
    """Uploads, sign-in and ratings, each with its GATEWAY_RATE_* limit."""
    return limited_routes(
        uploads=Limit(settings.rate_uploads_burst, settings.rate_uploads_per_minute),
        signin=Limit(settings.rate_signin_burst, settings.rate_signin_per_minute),
        ratings=Limit(settings.rate_ratings_burst, settings.rate_ratings_per_minute),
    )


def server_limits(settings: Settings) -> ServerLimits:
    """What serve() and the body deadline enforce."""
    return ServerLimits(
        max_head_bytes=settings.max_head_bytes,
        body_idle_timeout_s=settings.body_idle_timeout_s,
        body_total_timeout_s=settings.body_total_timeout_s,
        shutdown_drain_s=settings.shutdown_drain_s,
    )
