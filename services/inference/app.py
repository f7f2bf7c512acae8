"""create_app() for the inference service: a photo in, audio features (and attention) out."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager

from fastapi import FastAPI

from services.inference.api import router
from services.inference.batching import InferenceMetrics
from services.inference.model_slot import PredictorLoader, load_real_predictor
from services.inference.runtime import InferenceRuntime
from services.inference.settings import Settings
from shared.health import ReadinessCheck, mount_health
from shared.service import install_common


def create_app(settings: Settings | None = None, *, loader: PredictorLoader | None = None) -> FastAPI:
    """The inference app; tests pass `loader` to serve a small or fake predictor instead of the checkpoint's."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await runtime.start()
        try:
            yield
        finally:
            await runtime.stop()

    app = FastAPI(
        title="PRESSED / PLAY inference",
        version="1.0.0",
        summary="Predicts a photo's 8 Spotify audio features (and where the model looked).",
        lifespan=lifespan,
    )
    metrics = install_common(app, "inference")
    runtime = InferenceRuntime(
        settings, loader=loader or load_real_predictor, metrics=InferenceMetrics(metrics.registry)
    )
    app.state.settings = settings
    app.state.runtime = runtime

    def checks() -> Mapping[str, ReadinessCheck]:
        return {"model": runtime.ready}

    mount_health(app, checks)
    app.include_router(router)
    return app
