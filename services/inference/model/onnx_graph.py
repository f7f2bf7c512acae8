"""The served graph in ONNX Runtime: the CPU path for a mood checkpoint, and the only path of the torch-free image.

Why: on this project's 2-core CPUs ONNX Runtime runs EfficientNet-Lite0 plus both heads several times faster than
eager PyTorch with the same outputs (max difference ~1e-6; `python -m bench inference` and docs/services-inference.md
give the numbers). The graph comes packed beside its checkpoint (packed.py) or, where only the checkpoint is there,
is exported from it at load time and cached on disk by model version (served_graph.py; needs torch).

This module imports neither torch nor onnx. A session answers by the graph's own output names (`run` returns
{name: array}), so a head added to the served graph reaches the predictors without a list to edit here.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from services.inference.model.packed import PACKED_FORMAT_VERSION
from shared.paths import REPO_ROOT

if TYPE_CHECKING:
    from services.inference.model.architectures import EffnetVAE

log = logging.getLogger("pressedplay.inference.onnx")

DEFAULT_CACHE = REPO_ROOT / "var" / "cache" / "onnx"


def onnxruntime_available() -> bool:
    """Whether the fast path can run here."""
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


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
        self.output_names: tuple[str, ...] = tuple(output.name for output in self.session.get_outputs())

    @property
    def metadata(self) -> dict[str, str]:
        """The graph's custom metadata (a packed model's description lives there)."""
        return dict(self.session.get_modelmeta().custom_metadata_map)

    @classmethod
    def for_model(
        cls, model: EffnetVAE, *, version: str, cache_dir: Path | None = None, threads: int | None = None
    ) -> OnnxGraph:
        """The cached export for this model version, exported first if missing (imports torch)."""
        from services.inference.model.served_graph import export

        path = (cache_dir or DEFAULT_CACHE) / f"{version}-format{PACKED_FORMAT_VERSION}.onnx"
        if not path.is_file():
            log.info("onnx.export", extra={"version": version})
            export(model, path)
        return cls(path, threads=threads)

    def run(self, images: np.ndarray, stats: np.ndarray) -> dict[str, np.ndarray]:
        """Normalised images (n, 3, h, w) + colour stats (n, 3) -> every output of the graph by name, float32."""
        feeds = {"images": np.asarray(images, dtype=np.float32), "stats": np.asarray(stats, dtype=np.float32)}
        values = self.session.run(list(self.output_names), feeds)
        return dict(zip(self.output_names, values, strict=True))
