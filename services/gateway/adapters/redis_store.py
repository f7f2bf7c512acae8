"""SessionStore on Redis: one key per playlist with a TTL."""

from __future__ import annotations

from services.gateway.schemas import StoredPlaylist
from shared.redis_connection import RedisConnection


class RedisSessionStore(RedisConnection):
    """SessionStore on Redis: one key per playlist with a TTL, so expiry needs no sweeper."""

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

    async def revoke(self, *, session: str, ttl_s: int) -> None:
        """A key that outlives the token: every gateway process refuses it."""
        with self.failing_as_unavailable():
            await self.redis.set(f"{self.prefix}:{session}:revoked", "1", ex=ttl_s)

    async def is_revoked(self, *, session: str) -> bool:
        """True while the revocation key exists."""
        with self.failing_as_unavailable():
            return bool(await self.redis.exists(f"{self.prefix}:{session}:revoked"))
