"""Warm-up: from the gateway's start until every part it needs has once said ready (the model loads for several
seconds), the page says "warming up" and an upload waits for readiness, bounded, instead of failing with a 503.

Once ready, the gateway stays out of the way: later outages are the circuit breakers' and the error envelope's
business, not a wait on every upload.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from shared.errors import NotReady
from shared.health import ReadinessCheck

POLL_S = 0.25
CHECK_TIMEOUT_S = 3.0


class WarmupStatus(BaseModel):
    """Whether the gateway is ready for uploads, and what it still waits for while warming up."""

    ready: bool
    waiting_for: list[str] = Field(default_factory=list, examples=[["inference"]])


class Warmup:
    """Runs the readiness checks until they all pass once; `wait()` holds a request until then, at most `wait_s`."""

    def __init__(self, checks: Callable[[], Mapping[str, ReadinessCheck]], *, wait_s: float) -> None:
        self.checks = checks
        self.wait_s = wait_s
        self.ready = False
        self._lock = asyncio.Lock()

    async def status(self) -> WarmupStatus:
        """Ask every check once (unless already ready); several callers at once share one round of checks."""
        if self.ready:
            return WarmupStatus(ready=True)
        async with self._lock:
            if self.ready:
                return WarmupStatus(ready=True)
            named = dict(self.checks())
            results = await asyncio.gather(*(_passes(check) for check in named.values()))
            waiting = [name for name, ok in zip(named, results, strict=True) if not ok]
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


def get_warmup(request: Request) -> Warmup:
    """The runtime's warm-up."""
    warmup: Warmup = request.app.state.runtime.warmup
    return warmup


GatewayWarmup = Annotated[Warmup, Depends(get_warmup)]


async def warmed_up(warmup: GatewayWarmup) -> None:
    """A route dependency: wait for the warm-up (bounded) before the route runs."""
    await warmup.wait()


router = APIRouter(prefix="/v1")


@router.get("/warmup", tags=["health"], response_model=WarmupStatus, summary="Whether the gateway is ready for uploads")
async def warmup_status(warmup: GatewayWarmup) -> WarmupStatus:
    """Always 200: the page polls it to say "warming up" until it answers ready."""
    return await warmup.status()
