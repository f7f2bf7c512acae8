"""Routes of the inference service: parse, call the runtime, return a schema."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Query, Request, Response

from services.inference.runtime import InferenceRuntime, attention_map, model_info
from services.inference.schemas import (
    AttentionMode,
    PredictResponse,
    ReloadRequest,
    ReloadResponse,
    ServiceInfo,
    predict_request_body_openapi,
)
from services.inference.uploads import read_image_upload
from shared.errors import NotReady
from shared.server_timing import HEADER as SERVER_TIMING
from shared.server_timing import ServerTiming
from shared.web.auth import AuthorizationHeader, require_bearer
from shared.web.errors import error_responses

router = APIRouter(prefix="/v1", tags=["inference"])


def _runtime(request: Request) -> InferenceRuntime:
    runtime: InferenceRuntime = request.app.state.runtime
    return runtime


@router.post(
    "/predict",
    summary="Predict a photo's audio features",
    response_model=PredictResponse,
    response_model_exclude_none=True,
    responses=error_responses(413, 415, 422, 503),
    openapi_extra=predict_request_body_openapi(),
)
async def predict(
    request: Request,
    response: Response,
    attention: Annotated[AttentionMode, Query(description="true: attention values; png: a heat-map overlay")] = "false",
    sample: Annotated[bool, Query(description="Sample the VAE latent instead of using its mean")] = False,
) -> PredictResponse:
    """Raw image body or multipart `image` -> 8 audio features, mood, genre look, the model version and, if asked,
    the attention."""
    runtime = _runtime(request)
    runtime.slot.require()  # before reading 10 MB: a cold service says 503 at once
    timing = ServerTiming()
    with timing.span("read"):
        data = await read_image_upload(request, max_bytes=runtime.settings.max_upload_bytes)
    with timing.span("decode"):
        image = await runtime.decode(data)
    timeout_s = runtime.settings.request_timeout_s
    with timing.span("model"):  # the wait for a batch slot and the batch itself
        result = await runtime.batcher.predict(
            image, with_attention=attention != "false", sample=sample, timeout_s=timeout_s
        )
    answer = PredictResponse(
        features=result.features, mood=result.mood, genre_look=result.genre_look, model_version=result.model_version
    )
    if attention == "true" and result.attention is not None:
        answer.attention = attention_map(result.attention)
    elif attention == "png" and result.attention is not None:
        with timing.span("overlay"):
            answer.attention_png = await runtime.overlay_png_base64(image, result.attention)
    response.headers[SERVER_TIMING] = timing.header()
    return answer


@router.get("/model", summary="The model being served", response_model=ServiceInfo, responses=error_responses(503))
async def current_model(request: Request) -> ServiceInfo:
    """Version, device and source of the serving model, and the batching in effect."""
    runtime = _runtime(request)
    loaded = runtime.slot.current
    if loaded is None:
        raise NotReady("the model is not loaded yet", retry_after=5)
    return ServiceInfo(model=model_info(loaded), batching=runtime.batching_info())


@router.post(
    "/model/reload",
    summary="Swap in another checkpoint without dropping requests (admin)",
    response_model=ReloadResponse,
    responses=error_responses(400, 401, 404, 422, 502, 503),  # 400: a body FastAPI cannot parse
)
async def reload_model(
    request: Request,
    body: Annotated[ReloadRequest | None, Body()] = None,
    authorization: AuthorizationHeader = None,
) -> ReloadResponse:
    """Load `uri` (default: the configured one) beside the serving model, then swap; running batches finish."""
    runtime = _runtime(request)
    require_bearer(authorization, runtime.settings.admin_token, variable="INFERENCE_ADMIN_TOKEN")
    uri = body.target(str(runtime.settings.model_uri)) if body else str(runtime.settings.model_uri)
    loaded, previous = await runtime.slot.load(uri)
    return ReloadResponse(model=model_info(loaded), previous_version=previous.predictor.version if previous else None)
