"""The inference service's running parts: the model slot, the batcher and the image-decoding pool, and the service
over them; started and stopped by the app's lifespan."""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import logging
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from functools import partial

from services.inference.batching import InferenceMetrics, MicroBatcher
from services.inference.model_slot import ModelSlot, PredictorLoader, decide_batching
from services.inference.service import InferenceService
from services.inference.settings import Settings
from shared.errors import ServiceError
from shared.readiness import ReadinessCheck

log = logging.getLogger("pressedplay.inference")


class InferenceRuntime:
    """Everything a request needs, complete at construction; start() begins the work, stop() ends it."""

    def __init__(self, settings: Settings, *, loader: PredictorLoader, metrics: InferenceMetrics) -> None:
        self.settings = settings
        # The batching follows the model that loads (ONNX Runtime or CUDA: on), decided again at every reload.
        batching = partial(
            decide_batching,
            setting=settings.batching,
            max_batch=settings.max_batch,
            max_wait_s=settings.max_wait_ms / 1000,
        )
        self.slot = ModelSlot(loader, device=settings.torch_device, batching=batching)
        self.batcher = MicroBatcher(
            self.slot,
            metrics=metrics,
            queue_size=settings.queue_size,
            workers=settings.workers,
            retry_after_s=settings.retry_after_s,
        )
        self._images = ThreadPoolExecutor(settings.decode_workers, thread_name_prefix="decode")
        self.service = InferenceService(settings=settings, slot=self.slot, batcher=self.batcher, images=self._images)
        self._initial_load: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Start the batcher and begin loading the model in the background (/readyz says 503 until it is in)."""
        if self.settings.torch_threads and importlib.util.find_spec("torch") is not None:
            import torch

            torch.set_num_threads(self.settings.torch_threads)
        await self.batcher.start()
        self._initial_load = asyncio.create_task(self._load_initial(), name="initial-model-load")

    async def stop(self) -> None:
        """Stop taking work, finish running batches, release the pools."""
        if self._initial_load is not None and not self._initial_load.done():
            self._initial_load.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._initial_load
        await self.batcher.stop()
        self._images.shutdown(wait=False, cancel_futures=True)

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
