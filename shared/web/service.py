"""The wiring every service's create_app() shares: logging context, metrics, the error envelope."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, Protocol, TypeVar

import uvicorn
from fastapi import FastAPI, Request

from shared.logging import configure_logging
from shared.readiness import ReadinessCheck
from shared.web.errors import install_error_handlers
from shared.web.metrics import HttpMetrics, MetricsMiddleware, mount_metrics
from shared.web.request_context import RequestContextMiddleware
from shared.web.server_limits import LimitedH11Protocol, ServerLimits
from shared.web.service_token import ServiceTokenGuard


def install_common(app: FastAPI, service: str, *, service_token: str | None = None) -> HttpMetrics:
    """Add request ids, JSON request logs, Prometheus metrics and the error envelope (and, given the service token: an
    internal service's, from its Settings, the service-token check); returns the metrics."""
    metrics = HttpMetrics(service)
    install_error_handlers(app)
    token = service_token
    if token is not None:
        app.add_middleware(ServiceTokenGuard, token=token)
    # Starlette runs the last-added middleware first: the request id must exist before metrics and handlers run.
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    app.add_middleware(RequestContextMiddleware)
    mount_metrics(app, metrics)
    return metrics


class ServiceRuntime(Protocol):
    """What every service's runtime.py offers its app: started and stopped by the lifespan, checked by /readyz."""

    async def start(self) -> None:
        """Open clients and pools; begin loading what loads in the background."""
        ...

    async def stop(self) -> None:
        """Release everything start() opened."""
        ...

    def checks(self) -> Mapping[str, ReadinessCheck]:
        """The readiness checks of what the runtime holds now."""
        ...


def runtime_lifespan(
    runtime: ServiceRuntime, *, closers: Sequence[Callable[[], Awaitable[None]]] = ()
) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """The one lifespan style: start the runtime, serve, stop it (then await each of closers: middleware's clients)."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await runtime.start()
        try:
            yield
        finally:
            await runtime.stop()
            for close in closers:
                await close()

    return lifespan


RuntimeT = TypeVar("RuntimeT", bound=ServiceRuntime)


def attach_runtime(
    app: FastAPI, runtime: ServiceRuntime, *, closers: Sequence[Callable[[], Awaitable[None]]] = ()
) -> None:
    """Give the app its runtime: started and stopped by the lifespan, reached by routes only through
    runtime_dependency (the one way; nothing else reads app.state)."""
    app.router.lifespan_context = runtime_lifespan(runtime, closers=closers)
    app.state.runtime = runtime


def runtime_dependency(kind: type[RuntimeT]) -> Callable[[Request], RuntimeT]:
    """The typed FastAPI dependency of a service's runtime:
    `RuntimeDep = Annotated[R, Depends(runtime_dependency(R))]`."""

    def runtime(request: Request) -> RuntimeT:
        attached = request.app.state.runtime
        if not isinstance(attached, kind):  # a wiring slip, caught at the first request rather than as an odd error
            raise TypeError(f"the app's runtime is a {type(attached).__name__}, not a {kind.__name__}")
        return attached

    return runtime


class ServeSettings(Protocol):
    """What serve() reads from a service's settings."""

    host: str
    port: int
    log_level: str


def serve(
    service: str, create_app: Callable[[Any], FastAPI], settings: ServeSettings, limits: ServerLimits | None = None
) -> None:
    """Configure JSON logs and run the service's app under uvicorn (the one `python -m services.<name>` entry), with
    414 / 431 for oversized heads and a bounded drain on shutdown (shared/web/server_limits.py)."""
    limits = limits or ServerLimits()
    configure_logging(service, settings.log_level)
    # uvicorn's own access log is off: RequestContextMiddleware logs request.completed with the request id.
    # Its proxy headers are off too: by default it takes X-Forwarded-For from any 127.0.0.1 peer, so under `make run`
    # a local client could name its own rate-limit bucket; the gateway trusts only GATEWAY_TRUSTED_PROXIES.
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        proxy_headers=False,
        http=LimitedH11Protocol,
        h11_max_incomplete_event_size=limits.max_head_bytes,
        timeout_graceful_shutdown=max(1, round(limits.shutdown_drain_s)),
    )
