"""`Predictor`: a loaded checkpoint that turns photos into audio features, their mood and genre look (+ heat map).

A checkpoint with a mood head and a feature mapping (the shipped one) composes the features from both heads in
one backbone pass (feature_mapping.py); on the CPU that pass runs in ONNX Runtime when it is installed
(onnx_graph.py: the same outputs, several times faster), else in eager PyTorch. Older checkpoints, and seed-cnn,
serve their head's own features. The torch-free image serves packed models with `OnnxPredictor` instead
(onnx_predictor.py); both make their answers in prediction.py.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Literal

import numpy as np
import torch
from PIL import Image

from services.inference.model.architectures import EffnetVAE, SeedCNN
from services.inference.model.checkpoint import Checkpoint, load_checkpoint
from services.inference.model.mood_map import mood_map
from services.inference.model.onnx_graph import OnnxGraph, onnxruntime_available
from services.inference.model.packed import DEFAULT_MODEL_PATH
from services.inference.model.prediction import BatchOutputs, Prediction, composed_outputs, predictions
from services.inference.model.transforms import colour_stats

__all__ = ["DEFAULT_MODEL_PATH", "Backend", "BatchOutputs", "Prediction", "Predictor", "pick_device"]

Backend = Literal["auto", "onnx", "eager"]
log = logging.getLogger("pressedplay.inference.predictor")


def pick_device(device: str | None) -> str:
    """The asked device, else CUDA when present, else CPU."""
    if device:
        return device
    return "cuda" if torch.cuda.is_available() else "cpu"


class Predictor:
    """A model ready to predict; build with `Predictor.load(uri)`."""

    can_sample = True  # sample=True runs the VAE head in PyTorch, also where the mean runs in ONNX Runtime

    def __init__(
        self,
        checkpoint: Checkpoint,
        model: SeedCNN | EffnetVAE,
        *,
        device: str,
        backend: Backend = "eager",
        threads: int | None = None,
    ) -> None:
        self.checkpoint = checkpoint
        self.model = model.to(device).eval()
        self.device = device
        self.version = checkpoint.version or checkpoint.architecture
        self.graph: OnnxGraph | None = self._graph(backend, threads)
        self.backend = "onnx" if self.graph is not None else "eager"

    @classmethod
    def load(
        cls, uri: str | Path, *, device: str | None = None, backend: Backend = "auto", threads: int | None = None
    ) -> Predictor:
        """Load a checkpoint from a local path or an s3:// URI onto `device` (default: CUDA if present); `backend`
        auto runs a mood checkpoint on the CPU in ONNX Runtime when it is installed, else eager."""
        checkpoint = load_checkpoint(uri)
        return cls(checkpoint, checkpoint.build(), device=pick_device(device), backend=backend, threads=threads)

    def _graph(self, backend: Backend, threads: int | None) -> OnnxGraph | None:
        if backend == "eager":
            return None
        usable = (
            isinstance(self.model, EffnetVAE)
            and self.model.mood is not None
            and self.checkpoint.feature_mapping is not None
            and bool(self.checkpoint.version)  # the export is cached by version: an unversioned file would collide
            and self.device == "cpu"
        )
        if usable and onnxruntime_available():
            assert isinstance(self.model, EffnetVAE)
            try:
                return OnnxGraph.for_model(self.model, version=self.checkpoint.version, threads=threads)
            except Exception as exc:  # export or session errors vary (OSError, onnx, ORT); the fast path is optional
                if backend == "onnx":
                    raise
                log.warning("predictor.onnx_unavailable", extra={"reason": f"{type(exc).__name__}: {exc}"[:300]})
                return None
        if backend == "onnx":
            raise ValueError("the onnx backend needs onnxruntime, a CPU device and a versioned mood checkpoint")
        return None

    @property
    def architecture(self) -> str:
        """`seed-cnn` or `effnet-vae`."""
        return self.checkpoint.architecture

    def predict_maps(
        self, fmaps: torch.Tensor, stats: np.ndarray, *, sample: bool = False
    ) -> tuple[np.ndarray, np.ndarray]:
        """Encoder maps (n, c, h, w) + colour stats (n, 3) -> the head's own ((n, 8) normalised features, (n, h, w)
        attention): what the covers evaluation scores, from cached maps, without the mood."""
        colour = torch.from_numpy(np.asarray(stats, dtype=np.float32)).to(self.device)
        with torch.inference_mode():
            out = self.model.head(fmaps.to(self.device, dtype=torch.float32), sample=sample, stats=colour)
            norm = self.model.head.served(out).float().cpu().numpy()
        return np.clip(norm, 0.0, 1.0), out.attention.float().cpu().numpy()

    @property
    def genres(self) -> tuple[str, ...]:
        """The cover genres of the genre look, in the order of its probabilities (empty for a linear head)."""
        return self.model.head.config.genres if isinstance(self.model, EffnetVAE) else ()

    def outputs(self, images: list[Image.Image], *, sample: bool = False) -> BatchOutputs:
        """Photos -> features, attention, mood and genre look, from one backbone pass."""
        arrays = self.checkpoint.transform.arrays(images)
        batch = torch.from_numpy(arrays).to(self.device)
        stats = np.stack([colour_stats(image).as_array() for image in images])
        mapping = self.checkpoint.feature_mapping
        if not (isinstance(self.model, EffnetVAE) and self.model.mood is not None and mapping is not None):
            with torch.inference_mode():
                fmaps = self.model.features(batch)
            norm, attention = self.predict_maps(fmaps, stats, sample=sample)
            return BatchOutputs(norm, attention, None, None)
        head = self.model.head
        centroids = head.centroids.float().cpu().numpy()
        if self.graph is not None and not sample:
            named = self.graph.run(arrays, stats)
        else:
            with torch.inference_mode():
                maps = self.model.backbone.stage_maps(batch)
                out = head(maps[-1], sample=sample, stats=torch.from_numpy(stats).to(self.device))
                if out.logits is None:
                    raise ValueError("a mood checkpoint needs a genre-look head")
                mood, heat = mood_map(self.model.mood, [m.float() for m in maps])
                named = {
                    "look": torch.softmax(out.logits.float(), dim=-1).cpu().numpy(),
                    "attention": heat.cpu().numpy(),
                    "mood": mood.cpu().numpy(),
                }
        return composed_outputs(named, centroids=centroids, mapping=mapping)

    def predict(
        self, images: list[Image.Image], *, with_attention: bool = False, sample: bool = False
    ) -> list[Prediction]:
        """Photos -> one Prediction each; the latent mean is used unless `sample` is set."""
        if not images:
            return []
        outputs = self.outputs(images, sample=sample)
        return predictions(outputs, version=self.version, genres=self.genres, with_attention=with_attention)
