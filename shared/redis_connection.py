"""A Redis connection pool with timeouts, and the two things every Redis-backed store needs from it: ping and close.

The gateway's session store and the playlist service's Spotify state store build on it; `redis` is imported only
by the services that use it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from redis.asyncio import Redis
from redis.exceptions import RedisError

from shared.errors import StoreUnavailable

# What a Redis call raises when the server is down, slow or refuses: redis-py's own errors and socket errors.
REDIS_FAILURES = (RedisError, OSError)


class RedisConnection:
    """A pool of connections to one Redis, each call bounded by `timeout_s`."""

    # Named in the StoreUnavailable a failed call raises ("the session store failed: TimeoutError").
    store_name = "the Redis store"

    def __init__(self, url: str, *, timeout_s: float = 2.0) -> None:
        self.redis = Redis.from_url(url, socket_timeout=timeout_s, socket_connect_timeout=timeout_s)

    @contextmanager
    def failing_as_unavailable(self) -> Iterator[None]:
        """Around a Redis call: a failure becomes StoreUnavailable (503, Retry-After 2 s)."""
        try:
            yield
        except REDIS_FAILURES as exc:
            raise StoreUnavailable(f"{self.store_name} failed: {type(exc).__name__}", retry_after=2) from exc

    async def ping(self) -> bool:
        """True when Redis answers PING."""
        try:
            return bool(await self.redis.ping())
        except REDIS_FAILURES:
            return False

    async def close(self) -> None:
        """Close the connection pool."""
        await self.redis.aclose()
