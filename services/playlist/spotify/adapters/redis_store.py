"""KeyValueStore on Redis: TTLs are Redis expiries, pop is GETDEL."""

from __future__ import annotations

from shared.errors import StoreUnavailable
from shared.redis_connection import REDIS_FAILURES, RedisConnection


class RedisKeyValueStore(RedisConnection):
    """KeyValueStore on Redis: TTLs are Redis expiries, pop is GETDEL."""

    async def get(self, key: str) -> bytes | None:
        """GET."""
        try:
            value = await self.redis.get(key)
        except REDIS_FAILURES as exc:
            raise _unavailable(exc) from exc
        return _as_bytes(value)

    async def set(self, key: str, value: bytes, *, ttl_s: int | None = None) -> None:
        """SET with EX when a TTL is given."""
        try:
            await self.redis.set(key, value, ex=ttl_s)
        except REDIS_FAILURES as exc:
            raise _unavailable(exc) from exc

    async def pop(self, key: str) -> bytes | None:
        """GETDEL: atomic, so two callbacks racing with one state cannot both win."""
        try:
            value = await self.redis.getdel(key)
        except REDIS_FAILURES as exc:
            raise _unavailable(exc) from exc
        return _as_bytes(value)

    async def delete(self, *keys: str) -> None:
        """DEL."""
        if not keys:
            return
        try:
            await self.redis.delete(*keys)
        except REDIS_FAILURES as exc:
            raise _unavailable(exc) from exc


def _unavailable(exc: BaseException) -> StoreUnavailable:
    return StoreUnavailable(f"the Spotify state store failed: {type(exc).__name__}", retry_after=2)


def _as_bytes(value: bytes | str | None) -> bytes | None:
    if value is None:
        return None
    return value if isinstance(value, bytes) else value.encode()
