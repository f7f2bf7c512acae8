"""create_app() for the feedback service: ratings in, stored behind a RatingStore."""

from __future__ import annotations

from fastapi import FastAPI

from services.feedback.adapters.photos import PhotoStore
from services.feedback.api import admin, router
from services.feedback.metrics import FeedbackMetrics
from services.feedback.openapi_links import RATING_LINKS
from services.feedback.ratings import RatingStore
from services.feedback.runtime import FeedbackRuntime
from services.feedback.settings import Settings
from shared.web.body_limits import BodyGuard, json_rule
from shared.web.health import mount_health
from shared.web.openapi_links import install_links
from shared.web.service import attach_runtime, install_common


def create_app(
    settings: Settings | None = None, *, store: RatingStore | None = None, photos: PhotoStore | None = None
) -> FastAPI:
    """The feedback app; `store` overrides the one the settings name (tests pass a fake or a real server's)."""
    settings = settings or Settings()
    app = FastAPI(
        title="PRESSED / PLAY feedback",
        version="1.0.0",
        summary="Likes and dislikes of playlists, kept for retraining.",
    )
    app.add_middleware(BodyGuard, rules=[json_rule(r"/.*", max_bytes=settings.max_body_bytes)])
    metrics = install_common(app, "feedback", service_token=settings.service_token_value())
    runtime = FeedbackRuntime(settings, metrics=FeedbackMetrics(metrics.registry), store=store, photos=photos)
    attach_runtime(app, runtime)
    mount_health(app, runtime.checks, timeout_s=settings.store_timeout_s, details=runtime.details)
    app.include_router(router)
    app.include_router(admin)
    install_links(app, RATING_LINKS)
    return app
