"""What the model read in a photo beside its audio features: its mood and its genre look (crosses services:
inference answers with it, the gateway serves and stores it, ratings record it)."""

from __future__ import annotations

import math
from typing import Any, Final

from pydantic import BaseModel, ConfigDict, Field, field_validator

MOOD_EXAMPLE: Final[dict[str, Any]] = {"valence": 6.8, "arousal": 4.9}
GENRE_LOOK_EXAMPLE: Final[dict[str, Any]] = {
    "Country": 0.06,
    "Electronic": 0.31,
    "HipHop": 0.16,
    "Pop": 0.24,
    "Rock": 0.23,
}


class PhotoMood(BaseModel):
    """How the photo feels, on the 1-9 scale people used to rate photos: valence 1 unpleasant .. 9 pleasant,
    arousal 1 calm .. 9 excited."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [MOOD_EXAMPLE]})

    valence: float = Field(ge=1.0, le=9.0)
    arousal: float = Field(ge=1.0, le=9.0)


GenreLook = dict[str, float]


class PhotoReading(BaseModel):
    """The photo's mood and genre look (probabilities over the cover genres, summing to 1)."""

    mood: PhotoMood | None = Field(default=None, description="Absent for models without a mood head.")
    genre_look: GenreLook | None = Field(
        default=None,
        description="How much the photo looks like the album covers of each genre; sums to 1.",
        examples=[GENRE_LOOK_EXAMPLE],
    )

    @field_validator("genre_look")
    @classmethod
    def _a_distribution(cls, value: GenreLook | None) -> GenreLook | None:
        if value is None:
            return None
        if (
            not value
            or any(not 0.0 <= p <= 1.0 for p in value.values())
            or not math.isclose(sum(value.values()), 1.0, abs_tol=1e-3)
        ):
            raise ValueError("genre_look must be probabilities in [0, 1] summing to 1")
        return value
