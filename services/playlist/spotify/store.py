"""Where the Spotify side keeps per-user state: a small key-value Protocol over Redis or this process.

Everything above it (tokens, pending sign-ins, genre profiles, generated playlists) is a few keys with TTLs, so one
Protocol of four methods (and ping / close, for readiness and shutdown) covers it; `pop` is atomic (GETDEL) so a
sign-in state can be used only once. The stores are in adapters/ (redis_store.py, in_process.py).
"""

from __future__ import annotations

from typing import Protocol


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

    async def ping(self) -> bool:
        """Whether the store answers (readiness)."""
        ...

    async def close(self) -> None:
        """Release the connection (with the app)."""
        ...
