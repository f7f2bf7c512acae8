"""Exported ratings ready for the fine-tune: the photos through one backbone pass, with what was served."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from pipeline.data_errors import DatasetError
from services.feedback.export import read_export
from services.inference.model.architectures import EffnetVAE
from services.inference.model.image_io import decode_image
from services.inference.model.predictor import Predictor
from services.inference.model.transforms import colour_stats
from shared.errors import InvalidInput
from shared.features import normalise

BATCH = 32


@dataclass(frozen=True)
class FeedbackSet:
    """Exported ratings through one backbone pass."""

    stages: np.ndarray  # (n, 2064)
    mixture: np.ndarray  # (n, 8) genre-look mixture, normalised units
    served: np.ndarray  # (n, 2) served valence, arousal
    served_features: np.ndarray  # (n, 8) served features, normalised units
    reward: np.ndarray  # (n,)
    versions: list[str] = field(default_factory=list)


def backbone_pass(predictor: Predictor, images: list[Image.Image]) -> tuple[np.ndarray, np.ndarray]:
    """(pooled stages (n, 2064), genre-look mixture (n, 8)) of the photos."""
    model = predictor.model
    if not isinstance(model, EffnetVAE) or model.mood is None:
        raise InvalidInput("fine-tuning needs an effnet-vae checkpoint with a mood head and a genre-look head")
    stages, mixtures = [], []
    for start in range(0, len(images), BATCH):
        chunk = images[start : start + BATCH]
        batch = predictor.checkpoint.transform.batch(chunk).to(predictor.device)
        colour = torch.from_numpy(np.stack([colour_stats(image).as_array() for image in chunk])).to(predictor.device)
        with torch.inference_mode():
            fmaps, pooled = model.backbone.forward_with_stages(batch)
            out = model.head(fmaps, stats=colour)
            if out.logits is None:
                raise InvalidInput("fine-tuning needs a checkpoint with a genre-look head")
            look = torch.softmax(out.logits.float(), dim=-1)
            mixtures.append((look @ model.head.centroids.float()).cpu().numpy())
        stages.append(pooled.float().cpu().numpy())
    return np.concatenate(stages), np.concatenate(mixtures)


def load_feedback(folder: Path, predictor: Predictor) -> FeedbackSet:
    """Exported ratings that carry a photo and the served mood; raises DatasetError when none do. An album's
    rating is left out: its cover is a collage of several photos and its mood their mean, not one photo's reading."""
    rows = [
        r
        for r in read_export(folder).to_pylist()
        if r["cover"]
        and r["valence"] is not None
        and r["arousal"] is not None
        and r["reward"]
        and not r.get("track_photos")
    ]
    if not rows:
        raise DatasetError(f"{folder} holds no ratings with a photo and a served mood")
    images = [decode_image(r["cover"]) for r in rows]
    stages, mixture = backbone_pass(predictor, images)
    return FeedbackSet(
        stages=stages,
        mixture=mixture,
        served=np.array([[r["valence"], r["arousal"]] for r in rows], dtype=np.float64),
        served_features=normalise(np.array([r["features"] for r in rows], dtype=np.float32)),
        reward=np.array([r["reward"] for r in rows], dtype=np.float64),
        versions=[str(r["model_version"]) for r in rows],
    )
