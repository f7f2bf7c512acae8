"""What a predictor answers, and how the served graph's outputs become it: shared by the PyTorch `Predictor` and the
torch-free `OnnxPredictor`, so both turn the same outputs into the same features, mood and genre look."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np

from services.inference.model.feature_mapping import FeatureMapping
from shared.features import AudioFeatures, denormalise
from shared.photo_reading import GenreLook, PhotoMood


@dataclass(frozen=True)
class Prediction:
    """One photo's features (raw Spotify units), its (h, w) attention map summing to 1 if asked, and the model;
    its mood (1-9) and genre look (probabilities over the cover genres) where the model has those heads."""

    features: AudioFeatures
    attention: np.ndarray | None
    model_version: str
    mood: PhotoMood | None = None
    genre_look: GenreLook | None = None


@dataclass(frozen=True)
class BatchOutputs:
    """A batch's (n, 8) normalised features, (n, h, w) attention, (n, 2) mood and (n, g) genre look (or None)."""

    features: np.ndarray
    attention: np.ndarray
    mood: np.ndarray | None
    look: np.ndarray | None


# The served graph's outputs (served_graph.ServedGraph.OUTPUTS) that answers are made of, read by name: a graph
# with more outputs serves unchanged; one without these is refused when it is loaded.
READ_OUTPUTS: Final = ("look", "attention", "mood")


def composed_outputs(
    named: Mapping[str, np.ndarray], *, centroids: np.ndarray, mapping: FeatureMapping
) -> BatchOutputs:
    """The served graph's outputs by name -> the batch's outputs, features composed from the genre look and the
    mood (feature_mapping.py)."""
    look, attention, mood = (named[name] for name in READ_OUTPUTS)
    norm = np.clip(mapping.compose(look @ centroids, mood), 0.0, 1.0)
    return BatchOutputs(norm, attention, mood, look)


def predictions(
    outputs: BatchOutputs, *, version: str, genres: Sequence[str], with_attention: bool
) -> list[Prediction]:
    """One Prediction per photo of the batch."""
    raw = denormalise(outputs.features)
    return [
        Prediction(
            features=AudioFeatures.from_vector(raw[i]),
            attention=outputs.attention[i] if with_attention else None,
            model_version=version,
            mood=_mood(outputs.mood[i]) if outputs.mood is not None else None,
            genre_look=(
                {g: float(p) for g, p in zip(genres, outputs.look[i].tolist(), strict=True)}
                if outputs.look is not None
                else None
            ),
        )
        for i in range(outputs.features.shape[0])
    ]


def _mood(values: np.ndarray) -> PhotoMood:
    return PhotoMood(valence=float(values[0]), arousal=float(values[1]))
