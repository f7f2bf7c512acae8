"""What a service's runtime tells /readyz (shared/web/health.py): named checks, each an awaitable yes or no."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

ReadinessCheck = Callable[[], Awaitable[bool]]


async def not_ready() -> bool:
    """The check of a dependency that does not exist yet (before the lifespan has started it)."""
    return False
