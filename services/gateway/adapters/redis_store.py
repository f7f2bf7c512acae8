"""SessionStore on Redis: one key per issued session and one per playlist, each with a TTL."""

from __future__ import annotations

from services.gateway.schemas import StoredPlaylist
from shared.redis_connection import RedisConnection


class RedisSessionStore(RedisConnection):
    """SessionStore on Redis: one key per issued session and one per playlist, each with a TTL, so expiry needs no
    sweeper."""

    store_name = "the session store"

    def __init__(self, url: str, *, timeout_s: float = 2.0, prefix: str = "pp:gw") -> None:
        super().__init__(url, timeout_s=timeout_s)
        self.prefix = prefix

    def _key(self, session: str, playlist_id: str) -> str:
        return f"{self.prefix}:{session}:playlist:{playlist_id}"

    async def put_playlist(self, *, session: str, playlist: StoredPlaylist, ttl_s: int) -> None:
        """SET with EX: the playlist disappears by itself after ttl_s."""
        with self.failing_as_unavailable():
            await self.redis.set(self._key(session, playlist.id), playlist.model_dump_json(), ex=ttl_s)

    async def get_playlist(self, *, session: str, playlist_id: str) -> StoredPlaylist | None:
        """The playlist if the key still exists."""
        with self.failing_as_unavailable():
            payload = await self.redis.get(self._key(session, playlist_id))
        return None if payload is None else StoredPlaylist.model_validate_json(payload)

    async def playlists(self, *, session: str) -> list[StoredPlaylist]:
        """The session's playlist keys, found with SCAN (a session holds a handful), then read."""
        with self.failing_as_unavailable():
            keys = [key async for key in self.redis.scan_iter(match=f"{self.prefix}:{session}:playlist:*")]
            payloads = [await self.redis.get(key) for key in keys]
        return [StoredPlaylist.model_validate_json(p) for p in payloads if p is not None]

    def _issued(self, session: str) -> str:
        return f"{self.prefix}:{session}:issued"

    async def open(self, *, session: str, ttl_s: int) -> None:
        """SET with EX: every gateway process sees the session from now on."""
        with self.failing_as_unavailable():
            await self.redis.set(self._issued(session), "1", ex=ttl_s)

    async def renew(self, *, session: str, ttl_s: int) -> bool:
        """EXPIRE answers whether the key exists: the check and the renewal in one round trip."""
        with self.failing_as_unavailable():
            return bool(await self.redis.expire(self._issued(session), ttl_s))

    async def revoke(self, *, session: str) -> None:
        """DEL: every gateway process refuses the token from now on."""
        with self.failing_as_unavailable():
            await self.redis.delete(self._issued(session))
