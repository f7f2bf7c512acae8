"""Prometheus metrics: request latency by route template, plus whatever a service registers on its registry."""

from __future__ import annotations

import time

from fastapi import FastAPI, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class HttpMetrics:
    """Per-app registry (a module-global one would clash when tests build several apps)."""

    def __init__(self, service: str) -> None:
        self.registry = CollectorRegistry()
        self.latency = Histogram(
            "http_request_duration_seconds",
            "Request latency by route template.",
            ["service", "method", "route", "status"],
            registry=self.registry,
        )
        self.errors = Counter(
            "http_errors_total", "Responses with status >= 500.", ["service", "route"], registry=self.registry
        )
        self.service = service


class MetricsMiddleware:
    """Time each request and label it by the matched route template, never the raw path (ids would explode)."""

    def __init__(self, app: ASGIApp, metrics: HttpMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def capture(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            route = getattr(scope.get("route"), "path", "unmatched")
            labels = (self.metrics.service, scope.get("method", ""), route, str(status))
            self.metrics.latency.labels(*labels).observe(time.perf_counter() - started)
            if status >= 500:
                self.metrics.errors.labels(self.metrics.service, route).inc()


def mount_metrics(app: FastAPI, metrics: HttpMetrics) -> None:
    """Add GET /metrics in the Prometheus text format."""

    @app.get("/metrics", include_in_schema=False)
    def _metrics() -> Response:
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)
