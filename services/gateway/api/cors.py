"""CORS for front ends on other origins (a web app on its own host): an allowlist, GATEWAY_CORS_ORIGINS.

Only a listed origin gets CORS headers, and with them `Access-Control-Allow-Credentials: true`, so its page can send
the session cookie (`fetch(..., {credentials: "include"})`); any other origin gets none and its preflight a 400.
None is listed by default. The cookie is SameSite=Lax, which a browser sends on requests from the same site (another
port or subdomain); a front end on another site, or a native app, uses a bearer session instead (api/sessions.py).
"""

from __future__ import annotations

from typing import Final

from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware

from shared.rating import IDEMPOTENCY_HEADER

ALLOWED_METHODS: Final = ("GET", "POST", "PUT", "DELETE")
ALLOWED_HEADERS: Final = ("Content-Type", "Authorization", IDEMPOTENCY_HEADER, "X-Request-ID")
# What a front end reads from our answers: when to retry, which request to quote, where the time went.
EXPOSED_HEADERS: Final = ("Retry-After", "X-Request-ID", "Server-Timing", "Content-Disposition")
PREFLIGHT_CACHE_S: Final = 600


def install_cors(app: FastAPI, origins: list[str]) -> None:
    """Answer CORS for exactly these origins (outermost, so errors the inner layers give carry the headers too)."""
    app.add_middleware(
        CORSMiddleware,
        allow_origins=list(origins),
        allow_credentials=True,
        allow_methods=list(ALLOWED_METHODS),
        allow_headers=list(ALLOWED_HEADERS),
        expose_headers=list(EXPOSED_HEADERS),
        max_age=PREFLIGHT_CACHE_S,
    )
