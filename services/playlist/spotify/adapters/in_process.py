"""KeyValueStore in a dict: the embedded default for one person, and the unit tests' fake; lost on restart."""

from __future__ import annotations

import time


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

    async def ping(self) -> bool:
        """Always answers: it is this process."""
        return True

    async def close(self) -> None:
        """Nothing to release."""

    def keys(self) -> list[str]:
        """Every key held (for tests and diagnostics)."""
        return list(self._items)
