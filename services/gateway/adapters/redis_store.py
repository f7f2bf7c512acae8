"""SessionStore on Redis: one key per playlist with a TTL."""

from __future__ import annotations

from services.gateway.schemas import StoredPlaylist
from shared.errors import StoreUnavailable
from shared.redis_connection import REDIS_FAILURES, RedisConnection


class RedisSessionStore(RedisConnection):
    """SessionStore on Redis: one key per playlist with a TTL, so expiry needs no sweeper."""

    def __init__(self, url: str, *, timeout_s: float = 2.0, prefix: str = "pp:gw") -> None:
        super().__init__(url, timeout_s=timeout_s)
        self.prefix = prefix

    def _key(self, session: str, playlist_id: str) -> str:
        return f"{self.prefix}:{session}:playlist:{playlist_id}"

    async def put_playlist(self, *, session: str, playlist: StoredPlaylist, ttl_s: int) -> None:
        """SET with EX: the playlist disappears by itself after ttl_s."""
        try:
            await self.redis.set(self._key(session, playlist.id), playlist.model_dump_json(), ex=ttl_s)
        except REDIS_FAILURES as exc:
            raise StoreUnavailable(f"the session store failed: {type(exc).__name__}", retry_after=2) from exc

    async def get_playlist(self, *, session: str, playlist_id: str) -> StoredPlaylist | None:
        """The playlist if the key still exists."""
        try:
            payload = await self.redis.get(self._key(session, playlist_id))
        except REDIS_FAILURES as exc:
            raise StoreUnavailable(f"the session store failed: {type(exc).__name__}", retry_after=2) from exc
        return None if payload is None else StoredPlaylist.model_validate_json(payload)
