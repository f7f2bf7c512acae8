"""Micro-batching: concurrent requests share one forward pass, run in a bounded thread pool off the event loop.

One collector task takes the first waiting image, then up to `max_batch - 1` more that arrive within `max_wait` (the
serving model's batching, decided when it loaded: model_slot.decide_batching), and hands the batch to the pool. It
only collects while a worker is free, so under load the queue fills and the next batch is bigger (batch size adapts
to load); a full queue answers 503 with Retry-After instead of growing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from PIL import Image
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from services.inference.model.onnx_predictor import SAMPLING_NEEDS_TORCH, SamplingNeedsTorch
from services.inference.model_slot import ModelSlot, PredictionLike, PredictorLike
from shared.errors import ComputeTimeout, InvalidInput, NotReady, Overloaded, ServiceError
from shared.logging import current_request_id

log = logging.getLogger("pressedplay.inference.batching")

_BATCH_BUCKETS = (1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 128, 256)
_SECONDS_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class InferenceFailed(ServiceError):
    """The model raised on a batch; the service log has the traceback (500)."""


class InferenceMetrics:
    """Batch size, model latency, end-to-end request latency, queue depth and rejections."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.batch_size = Histogram(
            "inference_batch_size", "Images per forward pass.", buckets=_BATCH_BUCKETS, registry=registry
        )
        self.batch_seconds = Histogram(
            "inference_batch_seconds", "Model time per batch.", buckets=_SECONDS_BUCKETS, registry=registry
        )
        self.request_seconds = Histogram(
            "inference_request_seconds",
            "Queue wait plus model time per image.",
            buckets=_SECONDS_BUCKETS,
            registry=registry,
        )
        self.queue_depth = Gauge("inference_queue_depth", "Images waiting for a batch.", registry=registry)
        self.rejected = Counter(
            "inference_rejected_total", "Images refused because the queue was full.", registry=registry
        )


@dataclass
class _Job:
    image: Image.Image
    with_attention: bool
    sample: bool
    future: asyncio.Future[PredictionLike]
    enqueued: float = field(default_factory=time.perf_counter)
    request_id: str | None = field(default_factory=current_request_id)


class MicroBatcher:
    """Queue images, predict them in batches on the slot's current model, resolve each caller's future."""

    def __init__(
        self,
        slot: ModelSlot,
        *,
        metrics: InferenceMetrics,
        queue_size: int,
        workers: int,
        retry_after_s: int = 1,
    ) -> None:
        self.slot = slot
        self.metrics = metrics
        self.queue_size = queue_size
        self.workers = workers
        self.retry_after_s = retry_after_s
        self._queue: asyncio.Queue[_Job] | None = None
        self._free_workers: asyncio.Semaphore | None = None
        self._executor: ThreadPoolExecutor | None = None
        self._collector: asyncio.Task[None] | None = None
        self._running: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        """Create the queue, pool and collector on the running loop."""
        self._queue = asyncio.Queue(maxsize=self.queue_size)
        self._free_workers = asyncio.Semaphore(self.workers)
        self._executor = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="inference")
        self._collector = asyncio.create_task(self._collect_forever(), name="inference-batcher")
        self.metrics.queue_depth.set_function(lambda: self._queue.qsize() if self._queue else 0)

    async def stop(self, *, drain_timeout_s: float = 10.0) -> None:
        """Stop collecting, let running batches finish, and fail whatever still waits with NotReady."""
        if self._collector is not None:
            self._collector.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._collector
        # Queued images will not run: tell their callers now rather than after the running batches drain.
        while self._queue is not None and not self._queue.empty():
            job = self._queue.get_nowait()
            if not job.future.done():
                job.future.set_exception(NotReady("the service is shutting down", retry_after=5))
        if self._running:
            await asyncio.wait(self._running, timeout=drain_timeout_s)
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)

    async def predict(
        self, image: Image.Image, *, with_attention: bool = False, sample: bool = False, timeout_s: float = 30.0
    ) -> PredictionLike:
        """Queue one image and wait for its prediction; Overloaded when the queue is full or time runs out."""
        if self._queue is None:
            raise NotReady("the batcher has not started", retry_after=self.retry_after_s)
        serving = self.slot.require()  # fail fast with NotReady rather than queueing behind a model that is not there
        if sample and not serving.can_sample:  # refused before it can share a batch with anyone else's photo
            raise SamplingNeedsTorch(SAMPLING_NEEDS_TORCH)
        future: asyncio.Future[PredictionLike] = asyncio.get_running_loop().create_future()
        try:
            self._queue.put_nowait(_Job(image, with_attention, sample, future))
        except asyncio.QueueFull:
            self.metrics.rejected.inc()
            raise Overloaded(
                f"the inference queue is full ({self.queue_size} images waiting); retry shortly",
                retry_after=self.retry_after_s,
            ) from None
        try:
            # Cancelling the future on timeout makes the collector skip the job instead of computing it for nobody.
            return await asyncio.wait_for(future, timeout=timeout_s)
        except TimeoutError:
            raise ComputeTimeout(
                f"no prediction within {timeout_s:g} s; the service is busy", retry_after=self.retry_after_s
            ) from None

    async def _collect_forever(self) -> None:
        assert self._queue is not None and self._free_workers is not None
        while True:
            await self._free_workers.acquire()
            jobs: list[_Job] = []
            try:
                await self._collect_batch(self._queue, jobs)
            except BaseException:  # stopped mid-collection: jobs already taken must not wait for a timeout
                self._free_workers.release()
                for job in jobs:
                    if not job.future.done():
                        job.future.set_exception(NotReady("the service is shutting down", retry_after=5))
                raise
            live = [job for job in jobs if not job.future.done()]
            if not live:
                self._free_workers.release()
                continue
            task = asyncio.create_task(self._run_batch(live))
            self._running.add(task)
            task.add_done_callback(self._running.discard)

    async def _collect_batch(self, queue: asyncio.Queue[_Job], jobs: list[_Job]) -> None:
        jobs.append(await queue.get())
        batching = self.slot.batching  # the serving model's, read per batch: a reload may change it
        deadline = time.perf_counter() + batching.max_wait_s
        while len(jobs) < batching.max_batch:
            if not queue.empty():
                jobs.append(queue.get_nowait())
                continue
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                break
            try:
                jobs.append(await asyncio.wait_for(queue.get(), timeout=remaining))
            except TimeoutError:
                break

    async def _run_batch(self, jobs: list[_Job]) -> None:
        assert self._executor is not None and self._free_workers is not None
        try:
            predictor = self.slot.require()  # one model for the whole batch, even if a reload swaps it meanwhile
            started = time.perf_counter()
            loop = asyncio.get_running_loop()
            results = await loop.run_in_executor(self._executor, _predict_groups, predictor, jobs)
            self.metrics.batch_seconds.observe(time.perf_counter() - started)
            self.metrics.batch_size.observe(len(jobs))
        except Exception as exc:
            error = exc if isinstance(exc, ServiceError) else InferenceFailed("the model failed on this image batch")
            if not isinstance(exc, ServiceError):
                ids = [job.request_id for job in jobs]
                log.error("inference.batch_failed", exc_info=exc, extra={"size": len(jobs), "request_ids": ids})
            for job in jobs:
                if not job.future.done():
                    job.future.set_exception(error)
        else:
            finished = time.perf_counter()
            for job, result in zip(jobs, results, strict=True):
                self.metrics.request_seconds.observe(finished - job.enqueued)
                if job.future.done():
                    continue
                if isinstance(result, ServiceError):
                    job.future.set_exception(result)
                else:
                    job.future.set_result(result)
        finally:
            self._free_workers.release()


def _predict_groups(predictor: PredictorLike, jobs: list[_Job]) -> list[PredictionLike | ServiceError]:
    """Run in a pool thread: one predict call per (attention, sample) combination, results in job order. A group the
    model refuses (InvalidInput: sample=true queued just before a reload to a model that cannot sample) gets the
    error alone; the other groups' photos are still answered."""
    results: list[PredictionLike | ServiceError | None] = [None] * len(jobs)
    groups: dict[tuple[bool, bool], list[int]] = {}
    for index, job in enumerate(jobs):
        groups.setdefault((job.with_attention, job.sample), []).append(index)
    for (with_attention, sample), indices in groups.items():
        images = [jobs[i].image for i in indices]
        try:
            predictions: Sequence[PredictionLike | ServiceError] = predictor.predict(
                images, with_attention=with_attention, sample=sample
            )
        except InvalidInput as refused:
            predictions = [refused] * len(indices)
        if len(predictions) != len(indices):
            raise RuntimeError(f"predictor returned {len(predictions)} predictions for {len(indices)} images")
        for i, prediction in zip(indices, predictions, strict=True):
            results[i] = prediction
    return [r for r in results if r is not None]
