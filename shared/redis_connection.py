"""A Redis connection pool with timeouts, and the two things every Redis-backed store needs from it: ping and close.

The gateway's session store and the playlist service's Spotify state store build on it; `redis` is imported only
by the services that use it.
"""

from __future__ import annotations

from redis.asyncio import Redis
from redis.exceptions import RedisError

# What a Redis call raises when the server is down, slow or refuses: redis-py's own errors and socket errors.
REDIS_FAILURES = (RedisError, OSError)


class RedisConnection:
    """A pool of connections to one Redis, each call bounded by `timeout_s`."""

    def __init__(self, url: str, *, timeout_s: float = 2.0) -> None:
        self.redis = Redis.from_url(url, socket_timeout=timeout_s, socket_connect_timeout=timeout_s)

    async def ping(self) -> bool:
        """True when Redis answers PING."""
        try:
            return bool(await self.redis.ping())
        except REDIS_FAILURES:
            return False

    async def close(self) -> None:
        """Close the connection pool."""
        await self.redis.aclose()
