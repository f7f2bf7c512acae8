"""KeyValueStore on Redis: TTLs are Redis expiries, pop is GETDEL."""

from __future__ import annotations

from shared.redis_connection import RedisConnection


class RedisKeyValueStore(RedisConnection):
    """KeyValueStore on Redis: TTLs are Redis expiries, pop is GETDEL."""

    store_name = "the Spotify state store"

    async def get(self, key: str) -> bytes | None:
        """GET."""
        with self.failing_as_unavailable():
            value = await self.redis.get(key)
        return _as_bytes(value)

    async def set(self, key: str, value: bytes, *, ttl_s: int | None = None) -> None:
        """SET with EX when a TTL is given."""
        with self.failing_as_unavailable():
            await self.redis.set(key, value, ex=ttl_s)

    async def pop(self, key: str) -> bytes | None:
        """GETDEL: atomic, so two callbacks racing with one state cannot both win."""
        with self.failing_as_unavailable():
            value = await self.redis.getdel(key)
        return _as_bytes(value)

    async def delete(self, *keys: str) -> None:
        """DEL."""
        if not keys:
            return
        with self.failing_as_unavailable():
            await self.redis.delete(*keys)


def _as_bytes(value: bytes | str | None) -> bytes | None:
    if value is None:
        return None
    return value if isinstance(value, bytes) else value.encode()
