"""/healthz (the process is alive) and /readyz (its model and dependencies are ready, else 503)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse

from shared.readiness import ReadinessCheck

log = logging.getLogger("pressedplay.health")


async def _run_check(check: ReadinessCheck, timeout_s: float) -> bool:
    try:
        return bool(await asyncio.wait_for(check(), timeout=timeout_s))
    except Exception:  # a failing dependency is "not ready", never a crash of the probe
        return False


def mount_health(
    app: FastAPI,
    checks: Callable[[], Mapping[str, ReadinessCheck]],
    *,
    timeout_s: float = 2.0,
    details: Callable[[], Awaitable[Mapping[str, Any]]] | None = None,
) -> None:
    """Add /healthz and /readyz; `checks` is called per probe so it can read the app's current state; `details`
    adds what the service wants a probe to see beside them (e.g. the feedback outbox's backlog)."""

    @app.get("/healthz", tags=["health"], summary="Liveness: the process answers")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", tags=["health"], summary="Readiness: model and dependencies ready (503 when not)")
    async def readyz() -> JSONResponse:
        named = dict(checks())
        results = await asyncio.gather(*(_run_check(c, timeout_s) for c in named.values()))
        status = dict(zip(named, results, strict=True))
        ready = all(results)
        shown: Mapping[str, Any] = {}
        if details is not None:
            try:
                shown = await asyncio.wait_for(details(), timeout=timeout_s)
            except Exception as exc:  # what the service shows beside its checks failed (its outbox): not ready
                log.warning("readyz.details_failed", extra={"reason": f"{type(exc).__name__}: {exc}"[:300]})
                ready = False
        body = {"status": "ready" if ready else "not_ready", "checks": status, **shown}
        return JSONResponse(status_code=200 if ready else 503, content=body)
