"""The 8 audio features: their one order, their bounds, and their normalisation.

Everything in the project (model targets, recommender distances, API schemas) uses this module, so the feature
order and the loudness scaling are defined exactly once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

AUDIO_FEATURES: Final[tuple[str, ...]] = (
    "acousticness",
    "danceability",
    "energy",
    "instrumentalness",
    "liveness",
    "loudness",
    "speechiness",
    "valence",
)
N_FEATURES: Final = len(AUDIO_FEATURES)
LOUDNESS_INDEX: Final = AUDIO_FEATURES.index("loudness")

# Spotify's loudness is "typically -60 to 0 dB"; mastered tracks reach a little above 0 (the catalog's maximum is
# +1.3 dB), so inputs may go to +5 dB while normalisation clips at 0 dB.
LOUDNESS_MIN_DB: Final = -60.0
LOUDNESS_MAX_DB: Final = 0.0
LOUDNESS_INPUT_MAX_DB: Final = 5.0

# (low, high) accepted for each feature in raw (Spotify) units.
FEATURE_BOUNDS: Final[dict[str, tuple[float, float]]] = {
    name: ((LOUDNESS_MIN_DB, LOUDNESS_INPUT_MAX_DB) if name == "loudness" else (0.0, 1.0)) for name in AUDIO_FEATURES
}


# The one example of a feature set every schema and OpenAPI page shows (a bright, upbeat photo).
FEATURES_EXAMPLE: Final[dict[str, Any]] = {  # Any: pydantic's JsonDict wants an invariant value type
    "acousticness": 0.12,
    "danceability": 0.71,
    "energy": 0.83,
    "instrumentalness": 0.02,
    "liveness": 0.15,
    "loudness": -5.2,
    "speechiness": 0.06,
    "valence": 0.74,
}


class AudioFeatures(BaseModel):
    """The 8 Spotify audio features in Spotify's own units (loudness in dB, the rest in [0, 1])."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [dict(FEATURES_EXAMPLE)]})

    acousticness: float = Field(ge=0.0, le=1.0, description="Confidence the track is acoustic.")
    danceability: float = Field(ge=0.0, le=1.0, description="How suitable the track is for dancing.")
    energy: float = Field(ge=0.0, le=1.0, description="Perceived intensity and activity.")
    instrumentalness: float = Field(ge=0.0, le=1.0, description="Likelihood the track has no vocals.")
    liveness: float = Field(ge=0.0, le=1.0, description="Likelihood of a live audience.")
    loudness: float = Field(ge=LOUDNESS_MIN_DB, le=LOUDNESS_INPUT_MAX_DB, description="Overall loudness in dB.")
    speechiness: float = Field(ge=0.0, le=1.0, description="Presence of spoken words.")
    valence: float = Field(ge=0.0, le=1.0, description="Musical positiveness: high is happy, low is sad or angry.")

    def to_vector(self) -> np.ndarray:
        """The features as a float32 vector in AUDIO_FEATURES order, raw units."""
        return np.array([getattr(self, name) for name in AUDIO_FEATURES], dtype=np.float32)

    @classmethod
    def from_vector(cls, vector: Sequence[float] | np.ndarray) -> AudioFeatures:
        """Build from a raw-unit vector in AUDIO_FEATURES order, clipping into the valid ranges."""
        clipped = clip_raw(np.asarray(vector, dtype=np.float64))
        return cls(**{name: float(value) for name, value in zip(AUDIO_FEATURES, clipped, strict=True)})


def feature_vector(values: Mapping[str, float]) -> np.ndarray:
    """A raw-unit vector from a name -> value mapping; raises KeyError naming the first missing feature."""
    return np.array([float(values[name]) for name in AUDIO_FEATURES], dtype=np.float32)


def clip_raw(raw: np.ndarray) -> np.ndarray:
    """Clip raw-unit features (last axis in AUDIO_FEATURES order) into their valid ranges."""
    low = np.array([FEATURE_BOUNDS[n][0] for n in AUDIO_FEATURES])
    high = np.array([FEATURE_BOUNDS[n][1] for n in AUDIO_FEATURES])
    clipped: np.ndarray = np.clip(raw, low, high)  # numpy's stubs type clip over a bare ndarray as Any
    return clipped


def normalise(raw: np.ndarray) -> np.ndarray:
    """Raw units -> [0, 1] on every feature (loudness dB mapped linearly from [-60, 0], clipped)."""
    out = np.array(raw, dtype=np.float32, copy=True)
    out[..., LOUDNESS_INDEX] = (out[..., LOUDNESS_INDEX] - LOUDNESS_MIN_DB) / (LOUDNESS_MAX_DB - LOUDNESS_MIN_DB)
    return np.clip(out, 0.0, 1.0)


def denormalise(norm: np.ndarray) -> np.ndarray:
    """[0, 1] units -> raw units (the inverse of normalise on valid inputs); clips first."""
    out = np.clip(np.array(norm, dtype=np.float32, copy=True), 0.0, 1.0)
    out[..., LOUDNESS_INDEX] = out[..., LOUDNESS_INDEX] * (LOUDNESS_MAX_DB - LOUDNESS_MIN_DB) + LOUDNESS_MIN_DB
    return out
