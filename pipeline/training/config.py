"""What decides a training run (stored in the checkpoint), and what a run hands back."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.data.examples import Examples, default_per_release
from services.inference.model.architectures import EFFNET_VAE
from services.inference.model.checkpoint import Checkpoint
from shared.paths import REPO_ROOT

DEFAULT_OUT = REPO_ROOT / "var" / "train"
DEFAULT_CACHE = REPO_ROOT / "var" / "cache" / "train-inputs"
STATE_FILE = "train-state.pt"
MODEL_FILE = "model.pt"


@dataclass
class TrainConfig:
    """Everything that decides a training run (stored in the checkpoint)."""

    architecture: str = EFFNET_VAE
    data: Path | None = None
    out: Path = DEFAULT_OUT
    epochs: int = 40
    batch_size: int = 128
    lr: float = 3e-3
    weight_decay: float = 1e-4
    beta: float = 1e-4
    patience: int = 8
    seed: int = 0
    per_release: dict[str, int] = field(default_factory=dict)
    target: str = "genre-mean"
    dropout: float = 0.5
    head: str = "genre"
    genre_weight: float = 2.0
    pool_std: bool = False
    colour_inputs: bool = True
    resume: bool = False
    device: str | None = None
    threads: int = 2
    cache_dir: Path | None = DEFAULT_CACHE
    progress: bool = True

    def summary(self) -> dict[str, Any]:
        """JSON-safe hyperparameters (no machine paths)."""
        keep = (
            "architecture",
            "epochs",
            "batch_size",
            "lr",
            "weight_decay",
            "beta",
            "patience",
            "seed",
            "target",
            "dropout",
            "head",
            "genre_weight",
            "pool_std",
            "colour_inputs",
        )
        data = {k: v for k, v in asdict(self).items() if k in keep}
        return {**data, "per_release": self.resolved_per_release()}

    def resolved_per_release(self) -> dict[str, int]:
        """Copies per release to encode per split (0 = all)."""
        return {**default_per_release(self.architecture), **self.per_release}


@dataclass
class TrainResult:
    """Where the model went and how training went."""

    model_path: Path
    checkpoint: Checkpoint
    history: list[dict[str, float]]
    best_epoch: int
    examples: dict[str, Examples]
    is_main: bool = True


def data_summary(examples: dict[str, Examples]) -> dict[str, Any]:
    """Rows, releases and genre counts per split (what the model card reports)."""
    out: dict[str, Any] = {}
    for split, ex in examples.items():
        genres, counts = np.unique(ex.genres.astype(str), return_counts=True)
        out[split] = {
            "examples": len(ex),
            "releases": len(set(ex.release_ids)),
            "genres": {str(g): int(c) for g, c in zip(genres.tolist(), counts.tolist(), strict=True)},
        }
    out["split_key"] = "release_id"
    return out
