"""A fake Predictor with the model package's shape, for unit tests of batching, reload and the inference API.

Predictions are a pure function of the image (its mean colour), so a test can tell which image got which answer;
`gate` lets a test hold a batch inside predict() to fill the queue deterministically.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from PIL import Image

from services.inference.model.onnx_predictor import SAMPLING_NEEDS_TORCH, SamplingNeedsTorch
from shared.features import AudioFeatures
from shared.photo_reading import GenreLook, PhotoMood


@dataclass(frozen=True)
class FakePrediction:
    features: AudioFeatures
    attention: np.ndarray | None
    model_version: str
    mood: PhotoMood | None = None
    genre_look: GenreLook | None = None


@dataclass
class FakePredictor:
    """Satisfies PredictorLike; records every batch it ran."""

    version: str = "fake-1"
    device: str = "cpu"
    backend: str = "eager"  # what a real one runs in: "onnx" turns auto batching on, as ONNX Runtime does
    can_sample: bool = True  # False: refuses sample=True as OnnxPredictor does
    delay_s: float = 0.0
    gate: threading.Event | None = None
    fail_with: Exception | None = None
    batches: list[int] = field(default_factory=list)
    entered: threading.Event = field(default_factory=threading.Event)

    def predict(
        self, images: list[Image.Image], *, with_attention: bool = False, sample: bool = False
    ) -> list[FakePrediction]:
        self.entered.set()
        if self.gate is not None:
            self.gate.wait(timeout=30)
        if self.delay_s:
            time.sleep(self.delay_s)
        if self.fail_with is not None:
            raise self.fail_with
        if sample and not self.can_sample:
            raise SamplingNeedsTorch(SAMPLING_NEEDS_TORCH)
        self.batches.append(len(images))
        return [self._one(image, with_attention) for image in images]

    def _one(self, image: Image.Image, with_attention: bool) -> FakePrediction:
        red, green, blue = (float(v) / 255 for v in np.asarray(image, dtype=np.float64).mean(axis=(0, 1)))
        vector = [1 - red, green, red, blue, 0.1, -60 + 60 * red, 0.05, green]
        attention = np.full((4, 4), 1 / 16) if with_attention else None
        mood = PhotoMood(valence=1 + 8 * green, arousal=1 + 8 * red)
        look = {"Pop": 0.5 + blue / 4, "Rock": 0.5 - blue / 4}
        return FakePrediction(AudioFeatures.from_vector(vector), attention, self.version, mood, look)


def fake_loader(
    predictors: dict[str, FakePredictor], *, load_gate: threading.Event | None = None
) -> Callable[[str, str | None], FakePredictor]:
    """A loader serving `predictors[uri]`; a missing uri raises FileNotFoundError like a missing checkpoint."""

    def load(uri: str, device: str | None) -> FakePredictor:
        if load_gate is not None:
            load_gate.wait(timeout=30)
        if uri not in predictors:
            raise FileNotFoundError(f"model checkpoint not found: {uri}")
        return predictors[uri]

    return load
