"""The wiring every service's create_app() shares: logging context, metrics, the error envelope."""

from __future__ import annotations

from fastapi import FastAPI

from shared.errors import install_error_handlers
from shared.logging import RequestContextMiddleware
from shared.metrics import HttpMetrics, MetricsMiddleware, mount_metrics


def install_common(app: FastAPI, service: str) -> HttpMetrics:
    """Add request ids, JSON request logs, Prometheus metrics and the error envelope; returns the metrics."""
    metrics = HttpMetrics(service)
    install_error_handlers(app)
    # Starlette runs the last-added middleware first: the request id must exist before metrics and handlers run.
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    app.add_middleware(RequestContextMiddleware)
    mount_metrics(app, metrics)
    return metrics
