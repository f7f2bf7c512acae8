"""The inference service's running parts: the model slot, the batcher and the image-decoding pool."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import importlib.util
import logging
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import numpy as np
from PIL import Image

from services.inference.batching import InferenceMetrics, MicroBatcher
from services.inference.model.image_io import decode_image
from services.inference.model_slot import LoadedModel, ModelSlot, PredictorLoader
from services.inference.schemas import AttentionMap, BatchingInfo, ModelInfo
from services.inference.settings import Settings
from shared.errors import ServiceError
from shared.readiness import ReadinessCheck

log = logging.getLogger("pressedplay.inference")


class InferenceRuntime:
    """Everything a request needs, started and stopped by the app's lifespan."""

    def __init__(self, settings: Settings, *, loader: PredictorLoader, metrics: InferenceMetrics) -> None:
        self.settings = settings
        self.slot = ModelSlot(loader, device=settings.torch_device)
        batching = settings.batching_enabled()
        self.batcher = MicroBatcher(
            self.slot,
            metrics=metrics,
            max_batch=settings.max_batch if batching else 1,
            max_wait_s=settings.max_wait_ms / 1000 if batching else 0.0,
            queue_size=settings.queue_size,
            workers=settings.workers,
            retry_after_s=settings.retry_after_s,
        )
        self._decode_pool: ThreadPoolExecutor | None = None
        self._initial_load: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Start the pools and begin loading the model in the background (/readyz says 503 until it is in)."""
        if self.settings.torch_threads and importlib.util.find_spec("torch") is not None:
            import torch

            torch.set_num_threads(self.settings.torch_threads)
        self._decode_pool = ThreadPoolExecutor(self.settings.decode_workers, thread_name_prefix="decode")
        await self.batcher.start()
        self._initial_load = asyncio.create_task(self._load_initial(), name="initial-model-load")

    async def stop(self) -> None:
        """Stop taking work, finish running batches, release the pools."""
        if self._initial_load is not None and not self._initial_load.done():
            self._initial_load.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._initial_load
        await self.batcher.stop()
        if self._decode_pool is not None:
            self._decode_pool.shutdown(wait=False, cancel_futures=True)

    async def _load_initial(self) -> None:
        # A failure is logged by the slot; the service stays up, not ready, until a reload succeeds.
        with contextlib.suppress(ServiceError):
            await self.slot.load(self.settings.model_uri)

    async def ready(self) -> bool:
        """Readiness: a model is loaded."""
        return self.slot.current is not None

    def checks(self) -> Mapping[str, ReadinessCheck]:
        """The model is loaded."""
        return {"model": self.ready}

    async def decode(self, data: bytes) -> Image.Image:
        """Decode off the event loop (a 10 MB JPEG takes long enough to stall every other request)."""
        loop = asyncio.get_running_loop()
        max_pixels, min_side = self.settings.max_pixels, self.settings.decode_min_side
        decode = partial(decode_image, data, max_pixels=max_pixels, min_side=min_side)
        return await loop.run_in_executor(self._decode_pool, decode)

    async def overlay_png_base64(self, image: Image.Image, attention: np.ndarray) -> str:
        """The attention heat map over the photo, as base64 PNG, rendered off the event loop."""
        from services.inference.model.attention import overlay_png

        loop = asyncio.get_running_loop()
        png = await loop.run_in_executor(self._decode_pool, overlay_png, image, attention)
        return base64.b64encode(png).decode("ascii")

    def batching_info(self) -> BatchingInfo:
        """The batching settings in effect."""
        return BatchingInfo(
            enabled=self.batcher.max_batch > 1,
            max_batch=self.batcher.max_batch,
            max_wait_ms=self.batcher.max_wait_s * 1000,
            queue_size=self.settings.queue_size,
            workers=self.settings.workers,
        )


def model_info(loaded: LoadedModel) -> ModelInfo:
    """The API view of a loaded model."""
    return ModelInfo(
        version=loaded.predictor.version,
        device=loaded.predictor.device,
        uri=loaded.uri,
        loaded_at=loaded.loaded_at,
        load_seconds=loaded.load_seconds,
    )


def attention_map(attention: np.ndarray) -> AttentionMap:
    """An (h, w) array as the API's attention map."""
    grid = np.asarray(attention, dtype=np.float64)
    return AttentionMap(height=grid.shape[0], width=grid.shape[1], values=np.round(grid, 6).tolist())
