"""The middleware that answers 429 + Retry-After when a client's bucket is empty (the buckets: rate_limit.py)."""

from __future__ import annotations

import logging
import math

from starlette.types import ASGIApp, Receive, Scope, Send

from services.gateway.rate_limit import LimitedRoute, RateLimiter
from shared.web.errors import envelope_response

logger = logging.getLogger("services.gateway.rate_limit")


def client_address(scope: Scope) -> str:
    """The client's address: the peer's, or behind GATEWAY_TRUSTED_PROXIES the forwarded client's (forwarded.py
    rewrites the scope before this runs)."""
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


class RateLimitMiddleware:
    """Answers 429 + Retry-After when the client's bucket for a limited route is empty."""

    def __init__(self, app: ASGIApp, *, limiter: RateLimiter, routes: list[LimitedRoute]) -> None:
        self.app = app
        self.limiter = limiter
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            route = self._match(scope["method"], scope["path"])
            if route is not None:
                decision = await self.limiter.take(f"{route.group}:{client_address(scope)}", route.limit)
                if not decision.allowed:
                    retry_after = max(1, math.ceil(decision.retry_after_s))
                    logger.info("rate_limited", extra={"group": route.group, "retry_after_s": retry_after})
                    detail = f"too many {route.group} requests from this client; try again in {retry_after} s"
                    response = envelope_response(429, "TooManyRequests", detail, retry_after)
                    await response(scope, receive, send)
                    return
        await self.app(scope, receive, send)

    def _match(self, method: str, path: str) -> LimitedRoute | None:
        return next((r for r in self.routes if r.method == method and r.path.fullmatch(path)), None)
