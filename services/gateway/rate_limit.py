"""Per-client rate limits on the gateway's costly or abusable routes: uploads, sign-in and ratings.

A token bucket per (route group, client address): `burst` requests at once, refilled at `per_minute`. Over it, the
request is answered 429 `TooManyRequests` with Retry-After (whole seconds until a token is back) before any route
runs. Buckets live in Redis when GATEWAY_REDIS_URL is set (shared by every gateway process; one Lua script, so a
check-and-take is atomic), else in this process. A Redis that does not answer lets requests through (logged): the
limit guards the upstreams, and refusing everyone because the limiter's store is down would be the larger outage.
The buckets are here; the middleware that answers 429 is api/rate_limit.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol


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
    """Takes one token from a client's bucket (adapters/: RedisRateLimiter, InProcessRateLimiter)."""

    async def take(self, key: str, limit: Limit) -> Decision: ...

    async def close(self) -> None: ...


def refill(tokens: float, elapsed_s: float, limit: Limit) -> float:
    """The bucket's tokens after elapsed_s, never above burst."""
    return min(float(limit.burst), tokens + max(elapsed_s, 0.0) * limit.per_second)


def limited_routes(*, uploads: Limit, signin: Limit, ratings: Limit, prefix: str = "/v1") -> list[LimitedRoute]:
    """The gateway's limited routes: a new playlist from a photo, the two sign-in steps, a rating."""
    return [
        LimitedRoute("uploads", "POST", re.compile(rf"{prefix}/playlists/?"), uploads),
        LimitedRoute("sign-in", "GET", re.compile(rf"{prefix}/auth/(login|callback)/?"), signin),
        LimitedRoute("ratings", "POST", re.compile(rf"{prefix}/playlists/[^/]+/feedback/?"), ratings),
    ]
