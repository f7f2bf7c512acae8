"""SessionStore and RateLimiter in this process: for one person running the stack, and the fakes the unit tests
use."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Final

from services.gateway.rate_limit import Decision, Limit, refill
from services.gateway.schemas import StoredPlaylist


class InProcessSessionStore:
    """SessionStore in a bounded dict: for one person running the stack, lost on restart."""

    def __init__(
        self,
        *,
        max_playlists: int = 10_000,
        max_sessions: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._clock = clock
        self.max_playlists = max_playlists
        self.max_sessions = max_sessions
        self._items: OrderedDict[tuple[str, str], tuple[float, str]] = OrderedDict()
        self._issued: OrderedDict[str, float] = OrderedDict()  # session key -> monotonic time it expires

    async def put_playlist(self, *, session: str, playlist: StoredPlaylist, ttl_s: int) -> None:
        """Keep the playlist; the oldest entries go first when the bound is reached."""
        key = (session, playlist.id)
        self._items[key] = (self._clock() + ttl_s, playlist.model_dump_json())
        self._items.move_to_end(key)
        while len(self._items) > self.max_playlists:
            self._items.popitem(last=False)

    async def get_playlist(self, *, session: str, playlist_id: str) -> StoredPlaylist | None:
        """The playlist if it exists and has not expired."""
        entry = self._items.get((session, playlist_id))
        if entry is None:
            return None
        expires, payload = entry
        if expires <= self._clock():
            del self._items[(session, playlist_id)]
            return None
        return StoredPlaylist.model_validate_json(payload)

    async def playlists(self, *, session: str) -> list[StoredPlaylist]:
        """The session's playlists that have not expired."""
        ids = [playlist_id for owner, playlist_id in list(self._items) if owner == session]
        found = [await self.get_playlist(session=session, playlist_id=playlist_id) for playlist_id in ids]
        return [playlist for playlist in found if playlist is not None]

    async def open(self, *, session: str, ttl_s: int) -> None:
        """Hold the session; the least recently used go first when the bound is reached (they start over)."""
        self._issued[session] = self._clock() + ttl_s
        self._issued.move_to_end(session)
        while len(self._issued) > self.max_sessions:
            self._issued.popitem(last=False)

    async def renew(self, *, session: str, ttl_s: int) -> bool:
        """Extend a held, unexpired session."""
        expires = self._issued.get(session)
        if expires is None or expires <= self._clock():
            self._issued.pop(session, None)
            return False
        await self.open(session=session, ttl_s=ttl_s)
        return True

    async def revoke(self, *, session: str) -> None:
        """Forget the session."""
        self._issued.pop(session, None)

    async def ping(self) -> bool:
        """Always ready."""
        return True

    async def close(self) -> None:
        """Nothing to release."""
        self._items.clear()
        self._issued.clear()


# A bound on memory: the oldest buckets go first (their clients get a full bucket back, the lenient side).
MAX_IN_PROCESS_BUCKETS: Final = 50_000


class InProcessRateLimiter:
    """Buckets in a dict (one process only: a single person's `make run`, unit tests); the oldest are dropped."""

    def __init__(
        self, *, clock: Callable[[], float] = time.monotonic, max_buckets: int = MAX_IN_PROCESS_BUCKETS
    ) -> None:
        self._clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._max_buckets = max_buckets

    async def take(self, key: str, limit: Limit) -> Decision:
        """Take a token if there is one."""
        now = self._clock()
        tokens, then = self._buckets.pop(key, (float(limit.burst), now))
        tokens = refill(tokens, now - then, limit)
        decision = Decision(True)
        if tokens >= 1.0:
            tokens -= 1.0
        else:
            decision = Decision(False, (1.0 - tokens) / limit.per_second)
        self._buckets[key] = (tokens, now)
        while len(self._buckets) > self._max_buckets:
            self._buckets.popitem(last=False)
        return decision

    async def close(self) -> None:
        """Nothing to close."""
