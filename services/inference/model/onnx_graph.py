"""The served graph in ONNX Runtime: the CPU fast path for a mood checkpoint.

Why: on this project's 2-core CPUs ONNX Runtime runs EfficientNet-Lite0 plus both heads several times faster than
eager PyTorch with the same outputs (max difference ~1e-6; `python -m bench inference` and docs/services-inference.md
give the numbers). The graph is exported from the checkpoint's own modules at load time (the exported file holds the
backbone's weights, too big to ship in the repository) and cached on disk by model version, so only the first start
pays the few seconds of export. Eager PyTorch stays the fallback: for CUDA, for checkpoints without a mood head, and
where onnxruntime is not installed.

Graph: (images (n, 3, 224, 224) normalised, colour stats (n, 3)) -> (genre look (n, g), the mood's heat map
(n, 28, 28; mood_map.py), mood (n, 2)); the feature mapping runs after it in numpy, as on the eager path.
"""

from __future__ import annotations

import logging
import os
import tempfile
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from services.inference.model.architectures import EffnetVAE
from services.inference.model.mood_map import mood_map
from shared.paths import REPO_ROOT

log = logging.getLogger("pressedplay.inference.onnx")

DEFAULT_CACHE = REPO_ROOT / "var" / "cache" / "onnx"
OPSET = 17
INPUTS = ("images", "stats")
OUTPUTS = ("look", "mood_map", "mood")
# In the cache file's name: a graph with other outputs must not be served from an export of an earlier one.
GRAPH_REVISION = "mood-map"


class ServedGraph(nn.Module):
    """The part of the model that runs per photo, as one module with plain tensor inputs and outputs."""

    def __init__(self, model: EffnetVAE) -> None:
        super().__init__()
        if model.mood is None or not model.head.config.genre_decoder:
            raise ValueError("only a checkpoint with a mood head and a genre-look head has a served graph")
        self.backbone, self.head, self.mood = model.backbone, model.head, model.mood

    def forward(self, images: torch.Tensor, stats: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Images + colour stats -> (genre look, the mood's heat map, mood), the latent's mean (no sampling)."""
        maps = self.backbone.stage_maps(images)
        out = self.head(maps[-1], stats=stats, sample=False)
        assert out.logits is not None  # a genre-look head always has logits
        mood, heat = mood_map(self.mood, maps)
        return torch.softmax(out.logits, dim=-1), heat, mood


def onnxruntime_available() -> bool:
    """Whether the fast path can run here."""
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


def export(model: EffnetVAE, path: Path, *, image_size: int = 224) -> Path:
    """Write the served graph as ONNX (batch size dynamic); atomic, so a crash never leaves half a file."""
    graph = ServedGraph(model).eval()
    path.parent.mkdir(parents=True, exist_ok=True)
    images, stats = torch.zeros(2, 3, image_size, image_size), torch.full((2, 3), 0.5)
    dynamic = {name: {0: "n"} for name in (*INPUTS, *OUTPUTS)}
    with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".onnx.tmp", delete=False) as handle:
        temp = Path(handle.name)
    try:
        # The TorchScript exporter warns about constant folding and shape inference it cannot do on this graph;
        # harmless (the test compares the outputs), and noise in a service's log.
        with torch.inference_mode(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(graph, (images, stats), str(temp), input_names=list(INPUTS), output_names=list(OUTPUTS),
                              dynamic_axes=dynamic, opset_version=OPSET, dynamo=False)  # fmt: skip
        temp.replace(path)
    finally:
        temp.unlink(missing_ok=True)
    return path


class OnnxGraph:
    """An ONNX Runtime session over the served graph; `run` is safe to call from several threads."""

    def __init__(self, path: Path, *, threads: int | None = None) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # Pinned like torch's: more threads than cores only adds contention on a shared 2-core machine.
        options.intra_op_num_threads = threads or min(os.cpu_count() or 1, 4)
        options.inter_op_num_threads = 1
        # No spin-waiting for work between runs: ONNX Runtime's threads otherwise burn the cores the gateway and the
        # decode need (measured end to end, 8 clients: 24-28 playlists/s without it, 17-24 with it, both under the
        # load client of the time, which understated throughput; 21-25 ms of inference CPU per upload, not 36-64).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session: Any = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self.path = path

    @classmethod
    def for_model(
        cls, model: EffnetVAE, *, version: str, cache_dir: Path | None = None, threads: int | None = None
    ) -> OnnxGraph:
        """The cached export for this model version, exported first if missing."""
        path = (cache_dir or DEFAULT_CACHE) / f"{version}-{GRAPH_REVISION}.onnx"
        if not path.is_file():
            log.info("onnx.export", extra={"version": version})
            export(model, path)
        return cls(path, threads=threads)

    def run(self, images: torch.Tensor, stats: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(genre look, the mood's heat map, mood) as float32 arrays."""
        feeds = {"images": images.numpy().astype(np.float32, copy=False), "stats": stats.astype(np.float32)}
        look, heat, mood = self.session.run(list(OUTPUTS), feeds)
        return look, heat, mood
