"""Per-client rate limits on the gateway's costly or abusable routes: uploads, sign-in and ratings.

A token bucket per (route group, client address): `burst` requests at once, refilled at `per_minute`. Over it, the
request is answered 429 `TooManyRequests` with Retry-After (whole seconds until a token is back) before any route
runs. Buckets live in Redis when GATEWAY_REDIS_URL is set (shared by every gateway process; one Lua script, so a
check-and-take is atomic), else in this process. A Redis that does not answer lets requests through (logged): the
limit guards the upstreams, and refusing everyone because the limiter's store is down would be the larger outage.
"""

from __future__ import annotations

import logging
import math
import re
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, Protocol

from starlette.types import ASGIApp, Receive, Scope, Send

from shared.web.errors import envelope_response

logger = logging.getLogger(__name__)
MAX_IN_PROCESS_BUCKETS: Final = 50_000


@dataclass(frozen=True)
class Limit:
    """A token bucket's shape: up to `burst` requests at once, `per_minute` on average."""

    burst: int
    per_minute: float

    @property
    def per_second(self) -> float:
        """Tokens added per second."""
        return self.per_minute / 60.0


@dataclass(frozen=True)
class LimitedRoute:
    """Requests with this method whose path matches count against the group's bucket."""

    group: str
    method: str
    path: re.Pattern[str]
    limit: Limit


@dataclass(frozen=True)
class Decision:
    """Whether a request may go on, and if not, how long until it may."""

    allowed: bool
    retry_after_s: float = 0.0


class RateLimiter(Protocol):
    """Takes one token from a client's bucket (RedisRateLimiter, InProcessRateLimiter)."""

    async def take(self, key: str, limit: Limit) -> Decision: ...

    async def close(self) -> None: ...


def refill(tokens: float, elapsed_s: float, limit: Limit) -> float:
    """The bucket's tokens after elapsed_s, never above burst."""
    return min(float(limit.burst), tokens + max(elapsed_s, 0.0) * limit.per_second)


class InProcessRateLimiter:
    """Buckets in a dict (one process only: a single person's `make run`, unit tests); the oldest are dropped."""

    def __init__(
        self, *, clock: Callable[[], float] = time.monotonic, max_buckets: int = MAX_IN_PROCESS_BUCKETS
    ) -> None:
        self._clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._max_buckets = max_buckets

    async def take(self, key: str, limit: Limit) -> Decision:
        """Take a token if there is one."""
        now = self._clock()
        tokens, then = self._buckets.pop(key, (float(limit.burst), now))
        tokens = refill(tokens, now - then, limit)
        decision = Decision(True)
        if tokens >= 1.0:
            tokens -= 1.0
        else:
            decision = Decision(False, (1.0 - tokens) / limit.per_second)
        self._buckets[key] = (tokens, now)
        while len(self._buckets) > self._max_buckets:
            self._buckets.popitem(last=False)
        return decision

    async def close(self) -> None:
        """Nothing to close."""


def limited_routes(*, uploads: Limit, signin: Limit, ratings: Limit, prefix: str = "/v1") -> list[LimitedRoute]:
    """The gateway's limited routes: a new playlist from a photo, the two sign-in steps, a rating."""
    return [
        LimitedRoute("uploads", "POST", re.compile(rf"{prefix}/playlists/?"), uploads),
        LimitedRoute("sign-in", "GET", re.compile(rf"{prefix}/auth/(login|callback)/?"), signin),
        LimitedRoute("ratings", "POST", re.compile(rf"{prefix}/playlists/[^/]+/feedback/?"), ratings),
    ]


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
