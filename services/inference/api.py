"""Routes of the inference service: parse, call the service layer (service.py), return a schema."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Query, Request, Response

from services.inference.runtime import InferenceRuntime
from services.inference.schemas import (
    AttentionMode,
    PredictResponse,
    ReloadRequest,
    ReloadResponse,
    ServiceInfo,
    predict_request_body_openapi,
)
from services.inference.service import InferenceService
from services.inference.uploads import read_image_upload
from shared.server_timing import HEADER as SERVER_TIMING
from shared.server_timing import ServerTiming
from shared.web.auth import AuthorizationHeader, require_bearer
from shared.web.errors import error_responses
from shared.web.service import runtime_dependency

router = APIRouter(prefix="/v1", tags=["inference"])


RuntimeDep = Annotated[InferenceRuntime, Depends(runtime_dependency(InferenceRuntime))]


def get_service(runtime: RuntimeDep) -> InferenceService:
    """The use cases every route calls (services/inference/service.py)."""
    return runtime.service


Service = Annotated[InferenceService, Depends(get_service)]


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
    service: Service,
    attention: Annotated[AttentionMode, Query(description="true: attention values; png: a heat-map overlay")] = "false",
    sample: Annotated[bool, Query(description="Sample the VAE latent instead of using its mean")] = False,
) -> PredictResponse:
    """Raw image body or multipart `image` -> 8 audio features, mood, genre look, model version (+ attention)."""
    service.require_model()  # before reading 10 MB: a cold service says 503 at once
    timing = ServerTiming()
    with timing.span("read"):
        data = await read_image_upload(request, max_bytes=service.settings.max_upload_bytes)
    answer = await service.predict(data, attention=attention, sample=sample, timing=timing)
    response.headers[SERVER_TIMING] = timing.header()
    return answer


@router.get("/model", summary="The model being served", response_model=ServiceInfo, responses=error_responses(503))
async def current_model(service: Service) -> ServiceInfo:
    """Version, device, backend and source of the serving model, and the batching decided for it."""
    return service.describe()


@router.post(
    "/model/reload",
    summary="Swap in another checkpoint without dropping requests (admin)",
    response_model=ReloadResponse,
    responses=error_responses(400, 401, 404, 422, 502, 503),  # 400: a body FastAPI cannot parse
)
async def reload_model(
    service: Service,
    body: Annotated[ReloadRequest | None, Body()] = None,
    authorization: AuthorizationHeader = None,
) -> ReloadResponse:
    """Load `uri` (default: the configured one) beside the serving model, then swap; running batches finish."""
    require_bearer(authorization, service.settings.admin_token, variable="INFERENCE_ADMIN_TOKEN")
    return await service.reload(body)
