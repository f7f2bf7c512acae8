"""Server-side sessions: the playlists a browser made, kept with a TTL in Redis or in this process.

The browser holds only an opaque random token in an HttpOnly cookie; stores key on a hash of it, so a leaked
store dump (or a log line) never reveals a usable cookie.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from collections import OrderedDict
from typing import Protocol

from fastapi import Response
from redis.asyncio import Redis
from redis.exceptions import RedisError

from services.gateway.schemas import StoredPlaylist
from services.gateway.settings import Settings
from shared.errors import StoreUnavailable

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")


def new_session_token() -> str:
    """A fresh unguessable session token for the cookie."""
    return secrets.token_urlsafe(32)


def valid_session_token(value: str | None) -> str | None:
    """The token if it looks like one we issue, else None (a forged or mangled cookie starts a new session)."""
    return value if value is not None and _TOKEN.match(value) else None


def session_key(token: str) -> str:
    """The non-secret key a session is stored and rated under: a hash of the token."""
    return hashlib.sha256(token.encode()).hexdigest()[:32]


def set_session_cookie(response: Response, settings: Settings, token: str) -> None:
    """Give the browser its session token."""
    # HttpOnly: page scripts never see the token; Lax: sent on top-level navigation, not on cross-site posts.
    response.set_cookie(
        settings.cookie_name,
        token,
        max_age=settings.session_ttl_s,
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure,
    )


class SessionStore(Protocol):
    """Where a session's playlists are kept."""

    async def put_playlist(self, *, session: str, playlist: StoredPlaylist, ttl_s: int) -> None:
        """Keep the playlist for ttl_s seconds under the session key."""
        ...

    async def get_playlist(self, *, session: str, playlist_id: str) -> StoredPlaylist | None:
        """The session's playlist, or None when unknown, expired or made by another session."""
        ...

    async def ping(self) -> bool:
        """True when the store answers."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...


class InProcessSessionStore:
    """SessionStore in a bounded dict: for one person running the stack, lost on restart."""

    def __init__(self, *, max_playlists: int = 10_000) -> None:
        self.max_playlists = max_playlists
        self._items: OrderedDict[tuple[str, str], tuple[float, str]] = OrderedDict()

    async def put_playlist(self, *, session: str, playlist: StoredPlaylist, ttl_s: int) -> None:
        """Keep the playlist; the oldest entries go first when the bound is reached."""
        key = (session, playlist.id)
        self._items[key] = (time.monotonic() + ttl_s, playlist.model_dump_json())
        self._items.move_to_end(key)
        while len(self._items) > self.max_playlists:
            self._items.popitem(last=False)

    async def get_playlist(self, *, session: str, playlist_id: str) -> StoredPlaylist | None:
        """The playlist if it exists and has not expired."""
        entry = self._items.get((session, playlist_id))
        if entry is None:
            return None
        expires, payload = entry
        if expires <= time.monotonic():
            del self._items[(session, playlist_id)]
            return None
        return StoredPlaylist.model_validate_json(payload)

    async def ping(self) -> bool:
        """Always ready."""
        return True

    async def close(self) -> None:
        """Nothing to release."""
        self._items.clear()


class RedisSessionStore:
    """SessionStore on Redis: one key per playlist with a TTL, so expiry needs no sweeper."""

    def __init__(self, url: str, *, timeout_s: float = 2.0, prefix: str = "pp:gw") -> None:
        self.prefix = prefix
        self._redis = Redis.from_url(url, socket_timeout=timeout_s, socket_connect_timeout=timeout_s)

    def _key(self, session: str, playlist_id: str) -> str:
        return f"{self.prefix}:{session}:playlist:{playlist_id}"

    async def put_playlist(self, *, session: str, playlist: StoredPlaylist, ttl_s: int) -> None:
        """SET with EX: the playlist disappears by itself after ttl_s."""
        try:
            await self._redis.set(self._key(session, playlist.id), playlist.model_dump_json(), ex=ttl_s)
        except (RedisError, OSError) as exc:
            raise StoreUnavailable(f"the session store failed: {type(exc).__name__}", retry_after=2) from exc

    async def get_playlist(self, *, session: str, playlist_id: str) -> StoredPlaylist | None:
        """The playlist if the key still exists."""
        try:
            payload = await self._redis.get(self._key(session, playlist_id))
        except (RedisError, OSError) as exc:
            raise StoreUnavailable(f"the session store failed: {type(exc).__name__}", retry_after=2) from exc
        return None if payload is None else StoredPlaylist.model_validate_json(payload)

    async def ping(self) -> bool:
        """True when Redis answers PING."""
        try:
            return bool(await self._redis.ping())
        except (RedisError, OSError):
            return False

    async def close(self) -> None:
        """Close the connection pool."""
        await self._redis.aclose()
