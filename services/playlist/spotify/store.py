"""Where the Spotify side keeps per-user state: a small key-value Protocol over Redis or this process.

Everything above it (tokens, pending sign-ins, genre profiles, generated playlists) is a few keys with TTLs, so one
Protocol of four methods covers it; `pop` is atomic (GETDEL) so a sign-in state can be used only once.
"""

from __future__ import annotations

import time
from typing import Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError

from shared.errors import StoreUnavailable


class KeyValueStore(Protocol):
    """Bytes under string keys, each with an optional time to live."""

    async def get(self, key: str) -> bytes | None:
        """The value, or None when absent or expired."""
        ...

    async def set(self, key: str, value: bytes, *, ttl_s: int | None = None) -> None:
        """Store the value; it disappears after ttl_s seconds when given."""
        ...

    async def pop(self, key: str) -> bytes | None:
        """Remove and return the value in one step (None when absent)."""
        ...

    async def delete(self, *keys: str) -> None:
        """Remove the keys (absent ones are ignored)."""
        ...


class InProcessKeyValueStore:
    """KeyValueStore in a dict: the embedded default for one person; lost on restart."""

    def __init__(self) -> None:
        self._items: dict[str, tuple[float | None, bytes]] = {}

    async def get(self, key: str) -> bytes | None:
        """The value if present and not expired."""
        entry = self._items.get(key)
        if entry is None:
            return None
        expires, value = entry
        if expires is not None and expires <= time.monotonic():
            del self._items[key]
            return None
        return value

    async def set(self, key: str, value: bytes, *, ttl_s: int | None = None) -> None:
        """Store with an optional expiry."""
        self._items[key] = (None if ttl_s is None else time.monotonic() + ttl_s, value)

    async def pop(self, key: str) -> bytes | None:
        """Get and remove (single-threaded event loop: no other step runs between)."""
        value = await self.get(key)
        self._items.pop(key, None)
        return value

    async def delete(self, *keys: str) -> None:
        """Remove the keys."""
        for key in keys:
            self._items.pop(key, None)

    def keys(self) -> list[str]:
        """Every key held (for tests and diagnostics)."""
        return list(self._items)


class RedisKeyValueStore:
    """KeyValueStore on Redis: TTLs are Redis expiries, pop is GETDEL."""

    def __init__(self, url: str, *, timeout_s: float = 2.0) -> None:
        self._redis = Redis.from_url(url, socket_timeout=timeout_s, socket_connect_timeout=timeout_s)

    async def get(self, key: str) -> bytes | None:
        """GET."""
        try:
            value = await self._redis.get(key)
        except (RedisError, OSError) as exc:
            raise _unavailable(exc) from exc
        return _as_bytes(value)

    async def set(self, key: str, value: bytes, *, ttl_s: int | None = None) -> None:
        """SET with EX when a TTL is given."""
        try:
            await self._redis.set(key, value, ex=ttl_s)
        except (RedisError, OSError) as exc:
            raise _unavailable(exc) from exc

    async def pop(self, key: str) -> bytes | None:
        """GETDEL: atomic, so two callbacks racing with one state cannot both win."""
        try:
            value = await self._redis.getdel(key)
        except (RedisError, OSError) as exc:
            raise _unavailable(exc) from exc
        return _as_bytes(value)

    async def delete(self, *keys: str) -> None:
        """DEL."""
        if not keys:
            return
        try:
            await self._redis.delete(*keys)
        except (RedisError, OSError) as exc:
            raise _unavailable(exc) from exc

    async def ping(self) -> bool:
        """True when Redis answers PING."""
        try:
            return bool(await self._redis.ping())
        except (RedisError, OSError):
            return False

    async def close(self) -> None:
        """Close the connection pool."""
        await self._redis.aclose()


def _unavailable(exc: BaseException) -> StoreUnavailable:
    return StoreUnavailable(f"the Spotify state store failed: {type(exc).__name__}", retry_after=2)


def _as_bytes(value: bytes | str | None) -> bytes | None:
    if value is None:
        return None
    return value if isinstance(value, bytes) else value.encode()
