"""Warm-up: from the gateway's start until every part it needs has once said ready (the model loads for several
seconds), the page says "warming up" and an upload waits for readiness, bounded, instead of failing with a 503.

Once ready, the gateway stays out of the way: later outages are the circuit breakers' and the error envelope's
business, not a wait on every upload.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping

from pydantic import BaseModel, Field

from shared.errors import NotReady
from shared.readiness import ReadinessCheck

POLL_S = 0.25
CHECK_TIMEOUT_S = 3.0


class WarmupStatus(BaseModel):
    """Whether the gateway is ready for uploads, and what it still waits for while warming up."""

    ready: bool
    waiting_for: list[str] = Field(default_factory=list, examples=[["inference"]])


class Warmup:
    """Warm until each readiness check has passed once, wherever it ran (here, or a probe of /readyz through
    `observing`); `wait()` holds a request until then, at most `wait_s`."""

    def __init__(self, checks: Callable[[], Mapping[str, ReadinessCheck]], *, wait_s: float) -> None:
        self.checks = checks
        self.wait_s = wait_s
        self.ready = False
        self._passed: set[str] = set()
        self._lock = asyncio.Lock()

    def observing(self, checks: Mapping[str, ReadinessCheck]) -> dict[str, ReadinessCheck]:
        """The same checks, each noting here when it passes (so /readyz answering ready ends the warm-up too)."""

        def noted(name: str, check: ReadinessCheck) -> ReadinessCheck:
            async def run() -> bool:
                ok = bool(await check())
                if ok:
                    self._passed.add(name)
                return ok

            return run

        return {name: noted(name, check) for name, check in checks.items()}

    async def status(self) -> WarmupStatus:
        """Ask each check that has not passed yet, once; several callers at once share one round of checks."""
        if self.ready:
            return WarmupStatus(ready=True)
        async with self._lock:
            named = {name: check for name, check in self.checks().items() if name not in self._passed}
            results = await asyncio.gather(*(_passes(check) for check in named.values()))
            self._passed.update(name for name, ok in zip(named, results, strict=True) if ok)
            waiting = [name for name in named if name not in self._passed]
            self.ready = not waiting
            return WarmupStatus(ready=self.ready, waiting_for=waiting)

    async def wait(self) -> None:
        """Return once ready; raise NotReady (503, Retry-After) naming what is still starting after `wait_s`."""
        deadline = time.monotonic() + self.wait_s
        while True:
            status = await self.status()
            if status.ready:
                return
            if time.monotonic() >= deadline:
                raise NotReady(f"still warming up: waiting for {', '.join(status.waiting_for)}", retry_after=5)
            await asyncio.sleep(POLL_S)


async def _passes(check: ReadinessCheck) -> bool:
    try:
        return bool(await asyncio.wait_for(check(), timeout=CHECK_TIMEOUT_S))
    except Exception:  # a failing dependency is "not ready yet", never an error of the warm-up
        return False
