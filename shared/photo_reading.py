"""What the model read in a photo beside its audio features: its mood and its genre look (crosses services:
inference answers with it, the gateway serves and stores it, ratings record it)."""

from __future__ import annotations

import math
from typing import Annotated, Any, Final

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from shared.genres import MAX_NAME_CHARS

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


# The model's cover genres are five; the bound only keeps a rating that carries a look to a bounded size.
MAX_LOOK_GENRES: Final = 32


def _a_distribution(look: dict[str, float]) -> dict[str, float]:
    if not math.isclose(sum(look.values()), 1.0, abs_tol=1e-3):
        raise ValueError("genre_look must be probabilities in [0, 1] summing to 1")
    return look


# One rule wherever a genre look travels (inference's answer, the gateway's playlist, a rating in and stored): finite
# probabilities in [0, 1] summing to 1 over 1 to MAX_LOOK_GENRES named genres. A NaN or an Infinity never gets past
# it (a stored NaN became null and broke every later read of the ratings).
GenreLook = Annotated[
    dict[
        Annotated[str, StringConstraints(min_length=1, max_length=MAX_NAME_CHARS)],
        Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)],
    ],
    Field(min_length=1, max_length=MAX_LOOK_GENRES),
    AfterValidator(_a_distribution),
]


class PhotoReading(BaseModel):
    """The photo's mood and genre look (probabilities over the cover genres, summing to 1)."""

    mood: PhotoMood | None = Field(default=None, description="Absent for models without a mood head.")
    genre_look: GenreLook | None = Field(
        default=None,
        description="How much the photo looks like the album covers of each genre; sums to 1.",
        examples=[GENRE_LOOK_EXAMPLE],
    )
