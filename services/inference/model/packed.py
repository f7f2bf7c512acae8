"""A packed model: the served graph as ONNX, stored beside its checkpoint (`effnet-vae.pt` -> `effnet-vae.onnx`,
`<store>/<version>.pt` -> `<store>/<version>.onnx`), carrying in its metadata everything a torch-free server needs
around the graph: the version, the preprocessing, the genre centroids and the feature mapping.

Why: the CPU image serves with ONNX Runtime alone (no PyTorch: about a tenth of the image). The graph holds the
EfficientNet-Lite0 weights (~18 MB), too big for the repository, so it is made when the model is packed
(`pressedplay model pack`, the model store's publish, the image build's pack stage) and never committed.
This module imports neither torch nor onnx; `served_graph.py` writes packed files, `onnx_predictor.py` serves them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np

from services.inference.model.feature_mapping import FeatureMapping
from services.inference.model.transforms import ImageTransform
from shared.errors import InvalidInput
from shared.paths import REPO_ROOT

DEFAULT_MODEL_PATH: Final = REPO_ROOT / "models" / "effnet-vae.pt"
PACKED_SUFFIX: Final = ".onnx"
METADATA_KEY: Final = "pressedplay.model"
# 2: the `attention` output is the mood's heat map (mood_map.py), not the VAE attention layer of format 1. The
# load-time export cache is keyed by it too, so a graph of another format is never served.
PACKED_FORMAT_VERSION: Final = 2


class InvalidPackedModel(InvalidInput):
    """An ONNX file without the metadata a packed PRESSED / PLAY model carries, or with metadata this code cannot
    use (422)."""


def packed_uri(uri: str | Path) -> str:
    """Where the packed graph of a checkpoint lives: the same name with `.onnx` (an `.onnx` URI is itself)."""
    text = str(uri)
    if text.endswith(PACKED_SUFFIX):
        return text
    stem = text[: -len(".pt")] if text.endswith(".pt") else text
    return stem + PACKED_SUFFIX


@dataclass(frozen=True)
class PackedModelInfo:
    """What the graph's outputs are turned into features with, and how photos become its inputs."""

    version: str
    architecture: str
    created_at: str
    transform: ImageTransform
    genres: tuple[str, ...]
    centroids: np.ndarray  # (len(genres), 8): each cover genre's mean features, normalised units
    feature_mapping: FeatureMapping

    def to_metadata(self) -> dict[str, str]:
        """The ONNX metadata entries (string values)."""
        body = {
            "format_version": PACKED_FORMAT_VERSION,
            "version": self.version,
            "architecture": self.architecture,
            "created_at": self.created_at,
            "transform": self.transform.to_dict(),
            "genres": list(self.genres),
            "centroids": np.asarray(self.centroids, dtype=np.float32).tolist(),
            "feature_mapping": self.feature_mapping.to_dict(),
        }
        return {METADATA_KEY: json.dumps(body)}

    @classmethod
    def from_metadata(cls, metadata: dict[str, str], *, source: str) -> PackedModelInfo:
        """Read back what `to_metadata` wrote; InvalidPackedModel naming the file and the problem."""
        if METADATA_KEY not in metadata:
            raise InvalidPackedModel(f"{source} is an ONNX file but not a packed PRESSED / PLAY model (no metadata)")
        try:
            body: dict[str, Any] = json.loads(metadata[METADATA_KEY])
            if body.get("format_version") != PACKED_FORMAT_VERSION:
                raise ValueError(
                    f"format version {body.get('format_version')}, need {PACKED_FORMAT_VERSION} (pack it again: "
                    "`pressedplay model pack`)"
                )
            genres = tuple(str(g) for g in body["genres"])
            centroids = np.asarray(body["centroids"], dtype=np.float32)
            if centroids.shape != (len(genres), 8):
                raise ValueError(f"centroids of shape {centroids.shape} for {len(genres)} genres")
            return cls(
                version=str(body["version"]),
                architecture=str(body["architecture"]),
                created_at=str(body.get("created_at", "")),
                transform=ImageTransform.from_dict(body["transform"]),
                genres=genres,
                centroids=centroids,
                feature_mapping=FeatureMapping.from_dict(body["feature_mapping"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidPackedModel(f"{source} has unusable packed-model metadata: {exc}") from exc
