"""The inference service's service layer: one method per use case (predict a photo, describe the model, reload it),
the only thing a route calls; testable without HTTP over a fake predictor (tests/fakes/predictor.py)."""

from __future__ import annotations

import asyncio
import base64
from concurrent.futures import Executor
from functools import partial

import numpy as np
from PIL import Image

from services.inference.batching import MicroBatcher
from services.inference.model.image_io import decode_image
from services.inference.model_slot import LoadedModel, ModelSlot
from services.inference.schemas import (
    AttentionMap,
    AttentionMode,
    BatchingInfo,
    ModelInfo,
    PredictResponse,
    ReloadRequest,
    ReloadResponse,
    ServiceInfo,
)
from services.inference.settings import Settings
from shared.errors import NotReady
from shared.server_timing import ServerTiming


class InferenceService:
    """The use cases of the inference API over the model slot, the batcher and the image pool."""

    def __init__(self, *, settings: Settings, slot: ModelSlot, batcher: MicroBatcher, images: Executor) -> None:
        self.settings = settings
        self.slot = slot
        self.batcher = batcher
        self._images = images  # decoding and overlays, off the event loop

    def require_model(self) -> None:
        """NotReady (503 + Retry-After) until a model has loaded: a cold service says so before reading 10 MB."""
        self.slot.require()

    async def predict(
        self, data: bytes, *, attention: AttentionMode, sample: bool, timing: ServerTiming
    ) -> PredictResponse:
        """A photo's bytes -> its features, mood, genre look, the model version and, if asked, the attention."""
        with timing.span("decode"):
            image = await self.decode(data)
        with timing.span("model"):  # the wait for a batch slot and the batch itself
            result = await self.batcher.predict(
                image, with_attention=attention != "false", sample=sample, timeout_s=self.settings.request_timeout_s
            )
        answer = PredictResponse(
            features=result.features,
            mood=result.mood,
            genre_look=result.genre_look,
            model_version=result.model_version,
        )
        if attention == "true" and result.attention is not None:
            answer.attention = attention_map(result.attention)
        elif attention == "png" and result.attention is not None:
            with timing.span("overlay"):
                answer.attention_png = await self.overlay_png_base64(image, result.attention)
        return answer

    def describe(self) -> ServiceInfo:
        """Version, device, backend and source of the serving model, and the batching decided for it."""
        loaded = self.slot.current
        if loaded is None:
            raise NotReady("the model is not loaded yet", retry_after=5)
        return ServiceInfo(model=model_info(loaded), batching=self.batching_info(loaded))

    async def reload(self, body: ReloadRequest | None) -> ReloadResponse:
        """Load the named checkpoint (default: the configured one) beside the serving model, then swap."""
        configured = str(self.settings.model_uri)
        loaded, previous = await self.slot.load(body.target(configured) if body else configured)
        return ReloadResponse(
            model=model_info(loaded), previous_version=previous.predictor.version if previous else None
        )

    async def decode(self, data: bytes) -> Image.Image:
        """Decode off the event loop (a 10 MB JPEG takes long enough to stall every other request)."""
        max_pixels, min_side = self.settings.max_pixels, self.settings.decode_min_side
        decode = partial(decode_image, data, max_pixels=max_pixels, min_side=min_side)
        return await asyncio.get_running_loop().run_in_executor(self._images, decode)

    async def overlay_png_base64(self, image: Image.Image, attention: np.ndarray) -> str:
        """The attention heat map over the photo, as base64 PNG, rendered off the event loop."""
        from services.inference.model.attention import overlay_png

        png = await asyncio.get_running_loop().run_in_executor(self._images, overlay_png, image, attention)
        return base64.b64encode(png).decode("ascii")

    def batching_info(self, loaded: LoadedModel) -> BatchingInfo:
        """The batching in effect for the loaded model."""
        return BatchingInfo(
            enabled=loaded.batching.enabled,
            max_batch=loaded.batching.max_batch,
            max_wait_ms=loaded.batching.max_wait_s * 1000,
            queue_size=self.settings.queue_size,
            workers=self.settings.workers,
        )


def model_info(loaded: LoadedModel) -> ModelInfo:
    """The API view of a loaded model."""
    return ModelInfo(
        version=loaded.predictor.version,
        device=loaded.predictor.device,
        backend=loaded.predictor.backend,
        uri=loaded.uri,
        loaded_at=loaded.loaded_at,
        load_seconds=loaded.load_seconds,
    )


def attention_map(attention: np.ndarray) -> AttentionMap:
    """An (h, w) array as the API's attention map."""
    grid = np.asarray(attention, dtype=np.float64)
    return AttentionMap(height=grid.shape[0], width=grid.shape[1], values=np.round(grid, 6).tolist())
