"""GET /v1/warmup (the page polls it to say "warming up") and the dependency that holds an upload until the stack is
ready (bounded: services/gateway/warmup.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from services.gateway.api.dependencies import Runtime
from services.gateway.warmup import Warmup, WarmupStatus


def get_warmup(runtime: Runtime) -> Warmup:
    """The runtime's warm-up."""
    return runtime.warmup


GatewayWarmup = Annotated[Warmup, Depends(get_warmup)]


async def warmed_up(warmup: GatewayWarmup) -> None:
    """A route dependency: wait for the warm-up (bounded) before the route runs."""
    await warmup.wait()


router = APIRouter(prefix="/v1")


@router.get("/warmup", tags=["health"], response_model=WarmupStatus, summary="Whether the gateway is ready for uploads")
async def warmup_status(warmup: GatewayWarmup) -> WarmupStatus:
    """Always 200: the page polls it to say "warming up" until it answers ready."""
    return await warmup.status()
