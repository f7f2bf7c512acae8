"""The predictor being served, and how it is loaded and swapped without dropping requests."""

from __future__ import annotations

import asyncio
import datetime as dt
import importlib.util
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Literal, Protocol

import numpy as np
from PIL import Image

from shared.errors import InvalidInput, NotReady, ServiceError
from shared.features import AudioFeatures
from shared.photo_reading import GenreLook, PhotoMood

if TYPE_CHECKING:  # torch is imported only when a model is loaded
    from services.inference.model.predictor import Backend

log = logging.getLogger("pressedplay.inference.model")


class PredictionLike(Protocol):
    """What the model package's `Prediction` offers (architecture.md contract)."""

    @property
    def features(self) -> AudioFeatures: ...
    @property
    def attention(self) -> np.ndarray | None: ...
    @property
    def model_version(self) -> str: ...
    @property
    def mood(self) -> PhotoMood | None: ...
    @property
    def genre_look(self) -> GenreLook | None: ...


class PredictorLike(Protocol):
    """What the model package's `Predictor` offers; unit tests use fakes with the same shape."""

    @property
    def version(self) -> str: ...
    @property
    def device(self) -> str: ...
    @property
    def backend(self) -> str: ...  # "onnx" (ONNX Runtime) or "eager" (PyTorch): what the loaded model runs in
    @property
    def can_sample(self) -> bool: ...  # whether predict(sample=True) works (it needs PyTorch's VAE head)
    def predict(
        self, images: list[Image.Image], *, with_attention: bool = False, sample: bool = False
    ) -> Sequence[PredictionLike]: ...


PredictorLoader = Callable[[str, str | None], PredictorLike]


@dataclass(frozen=True)
class Batching:
    """How many queued photos share one forward pass, and how long a batch waits to fill."""

    max_batch: int
    max_wait_s: float

    @property
    def enabled(self) -> bool:
        """Whether photos are grouped at all."""
        return self.max_batch > 1


ONE_AT_A_TIME: Final = Batching(max_batch=1, max_wait_s=0.0)


def decide_batching(
    predictor: PredictorLike, *, setting: bool | Literal["auto"], max_batch: int, max_wait_s: float
) -> Batching:
    """The batching for a loaded model: the setting, or for auto whether the model runs in ONNX Runtime or on CUDA
    (`python -m bench inference`: eager PyTorch on the CPU gains nothing from batches). Decided from the model that
    loaded, so a reload to another kind of model decides again."""
    if setting == "auto":
        setting = predictor.backend == "onnx" or predictor.device.startswith("cuda")
    return Batching(max_batch=max_batch, max_wait_s=max_wait_s) if setting else ONE_AT_A_TIME


BatchingChoice = Callable[[PredictorLike], Batching]


class ModelLoadFailed(InvalidInput):
    """The checkpoint named for loading could not be fetched or used; the previous model keeps serving (422)."""


def load_real_predictor(
    uri: str, device: str | None, *, backend: Backend = "auto", threads: int | None = None
) -> PredictorLike:
    """Load the model package's Predictor (torch is imported only here); where PyTorch is not installed (the CPU
    image), or the URI names an `.onnx` file, the checkpoint's packed graph in ONNX Runtime (onnx_predictor.py)."""
    from services.inference.model.packed import PACKED_SUFFIX

    if uri.endswith(PACKED_SUFFIX) or importlib.util.find_spec("torch") is None:
        from services.inference.model.onnx_predictor import OnnxPredictor

        if device not in (None, "cpu") or backend == "eager":
            raise ValueError(f"device {device} / backend {backend} need PyTorch; this image serves ONNX on the CPU")
        return OnnxPredictor.load(uri, threads=threads)
    from services.inference.model.predictor import Predictor

    return Predictor.load(uri, device=device, backend=backend, threads=threads)


@dataclass(frozen=True)
class LoadedModel:
    """A predictor, the batching decided for it, and where and when it came from."""

    predictor: PredictorLike
    batching: Batching
    uri: str
    loaded_at: str
    load_seconds: float


class ModelSlot:
    """Holds the serving model. Readers take `current` once per batch, so a swap never changes a running batch."""

    def __init__(self, loader: PredictorLoader, *, device: str | None, batching: BatchingChoice) -> None:
        self._loader = loader
        self._device = device
        self._batching = batching
        self._current: LoadedModel | None = None
        self._lock = asyncio.Lock()
        self.last_error: str | None = None

    @property
    def current(self) -> LoadedModel | None:
        """The model serving now, or None before the first successful load."""
        return self._current

    @property
    def batching(self) -> Batching:
        """The serving model's batching (one at a time before a model has loaded)."""
        loaded = self._current
        return loaded.batching if loaded is not None else ONE_AT_A_TIME

    def require(self) -> PredictorLike:
        """The serving predictor; NotReady (503 + Retry-After) until one has loaded."""
        loaded = self._current
        if loaded is None:
            reason = f": {self.last_error}" if self.last_error else " yet"
            raise NotReady(f"the model is not loaded{reason}", retry_after=5)
        return loaded.predictor

    async def load(self, uri: str) -> tuple[LoadedModel, LoadedModel | None]:
        """Load `uri` off the event loop and swap it in; returns (new, previous). One load at a time."""
        async with self._lock:
            started = time.perf_counter()
            try:
                predictor = await asyncio.to_thread(self._loader, uri, self._device)
            except Exception as exc:
                self.last_error = _describe(exc)
                log.warning("model.load_failed", extra={"uri": uri, "reason": self.last_error})
                if isinstance(exc, ServiceError):
                    raise  # already says what is wrong, with the right status (404 missing, 503 S3 down, ...)
                raise ModelLoadFailed(f"could not load the model from {uri}: {self.last_error}") from exc
            loaded = LoadedModel(
                predictor=predictor,
                batching=self._batching(predictor),
                uri=uri,
                loaded_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                load_seconds=round(time.perf_counter() - started, 3),
            )
            previous, self._current = self._current, loaded  # one reference assignment: atomic for readers
            self.last_error = None
            log.info(
                "model.loaded",
                extra={
                    "uri": uri,
                    "version": predictor.version,
                    "device": predictor.device,
                    "backend": predictor.backend,
                    "max_batch": loaded.batching.max_batch,
                    "previous_version": previous.predictor.version if previous else None,
                    "load_seconds": loaded.load_seconds,
                },
            )
            return loaded, previous


def _describe(exc: BaseException) -> str:
    if isinstance(exc, ServiceError):
        return str(exc.detail)
    return f"{type(exc).__name__}: {exc}"
