"""create_app() for the inference service: a photo in, audio features (and attention) out."""

from __future__ import annotations

import re
from functools import partial

from fastapi import FastAPI

from services.inference.api import router
from services.inference.batching import InferenceMetrics
from services.inference.model_slot import PredictorLoader, load_real_predictor
from services.inference.runtime import InferenceRuntime
from services.inference.settings import Settings
from services.inference.uploads import IMAGE_FIELD, MULTIPART_OVERHEAD_BYTES
from shared.web.body_limits import MULTIPART, BodyGuard, BodyRule
from shared.web.health import mount_health
from shared.web.service import attach_runtime, install_common


def create_app(settings: Settings | None = None, *, loader: PredictorLoader | None = None) -> FastAPI:
    """The inference app; tests pass `loader` to serve a small or fake predictor instead of the checkpoint's."""
    settings = settings or Settings()
    app = FastAPI(
        title="PRESSED / PLAY inference",
        version="1.0.0",
        summary="Predicts a photo's 8 Spotify audio features (and where the model looked).",
    )
    photo = BodyRule(
        path=re.compile(r"/v1/predict"),
        media=("image/", "application/octet-stream", MULTIPART),
        max_bytes=settings.max_upload_bytes,
        unsupported=(
            "send the photo as the raw body with an image/* Content-Type, or as multipart/form-data with a file "
            f"field '{IMAGE_FIELD}'; got {{media}}"
        ),
        what="upload",
        multipart_extra=MULTIPART_OVERHEAD_BYTES,
    )
    app.add_middleware(BodyGuard, rules=[photo])
    metrics = install_common(app, "inference", service_token=settings.service_token_value())
    runtime = InferenceRuntime(
        settings,
        loader=loader or partial(load_real_predictor, backend=settings.backend, threads=settings.torch_threads),
        metrics=InferenceMetrics(metrics.registry),
    )
    attach_runtime(app, runtime)
    mount_health(app, runtime.checks)
    app.include_router(router)
    return app
