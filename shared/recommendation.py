"""The playlist service's contract: the recommendation request and answer, modes and export formats.

Defined once here because the gateway speaks it too: it sends a RecommendationRequest, parses the answer into a
Recommendation once, keeps it typed in the session, and sends it back to be exported.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema, field_validator

from shared.features import FEATURES_EXAMPLE, AudioFeatures

Mode = Literal["match", "boost", "calm"]
GenreMatch = Literal["filter", "boost"]
ExportFormat = Literal["json", "m3u8", "csv"]

EXPORT_MEDIA_TYPES: Final[dict[str, str]] = {
    "json": "application/json",
    "m3u8": "audio/x-mpegurl",
    "csv": "text/csv; charset=utf-8",
}

RECOMMENDATION_EXAMPLE: Final = {
    "features": FEATURES_EXAMPLE,
    "genres": ["hip-hop", "uk garage"],
    "n": 20,
    "mode": "match",
}

# The before-validator accepts a list or a comma string too; the published schema says so.
# Weights are relative; the cap keeps their sum finite (two weights near 1e308 overflowed to inf, then 0/0).
MAX_GENRE_WEIGHT: Final = 1e6
GENRES_SCHEMA: Final[dict[str, Any]] = {
    "anyOf": [
        {
            "type": "object",
            "additionalProperties": {"type": "number", "exclusiveMinimum": 0, "maximum": MAX_GENRE_WEIGHT},
        },
        {"type": "array", "items": {"type": "string"}},
        {"type": "string"},
        {"type": "null"},
    ]
}


class RecommendationRequest(BaseModel):
    """Target features, the user's genres (a list or {genre: weight}), and how to pick."""

    model_config = ConfigDict(extra="forbid")

    features: AudioFeatures
    genres: Annotated[dict[str, float] | None, WithJsonSchema(GENRES_SCHEMA)] = Field(
        default=None,
        description="Any genre names (mapped onto seed genres): a list, a comma-separated string, or weights.",
        examples=[["hip hop", "r&b"], {"hip-hop": 2.0, "r&b": 1.0}],
    )
    n: int = Field(default=20, ge=1, le=100, description="Tracks to return.")
    mode: Mode = Field(default="match", description="boost lifts energy and valence; calm lowers them.")
    diversity: float = Field(default=0.3, ge=0.0, le=1.0, description="0 = closest tracks, 1 = most spread out.")
    seed: int | None = Field(
        default=None, ge=0, le=2**32 - 1, description="Seeds a small jitter: same seed, same playlist."
    )
    genre_match: GenreMatch = Field(default="filter", description="filter: only these genres; boost: prefer them.")
    max_per_artist: int = Field(default=2, ge=1, le=100)

    @field_validator("genres", mode="before")
    @classmethod
    def _genres_as_weights(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [part for part in value.split(",")]
        if isinstance(value, list | tuple):
            names = [str(v).strip() for v in value if str(v).strip()]
            return {name: 1.0 for name in names} or None
        return value

    @field_validator("genres")
    @classmethod
    def _positive_weights(cls, value: dict[str, float] | None) -> dict[str, float] | None:
        if value is None:
            return None
        bad = [name for name, w in value.items() if not math.isfinite(w) or not 0 < w <= MAX_GENRE_WEIGHT]
        if bad:
            raise ValueError(f"genre weights must be numbers in (0, {MAX_GENRE_WEIGHT:g}]: {', '.join(bad)}")
        return {name.strip(): weight for name, weight in value.items() if name.strip()} or None


class RecommendedTrack(BaseModel):
    """One track of a playlist."""

    id: str
    uri: str
    url: str
    name: str
    artist: str
    album: str
    release_date: str = ""
    duration_ms: int = 0
    features: AudioFeatures
    genres: list[str]
    why: str = Field(examples=["bright and upbeat like your photo, danceable, hip-hop"])
    distance: float = Field(description="Weighted feature distance to the target (lower is closer).")


class Recommendation(BaseModel):
    """A playlist and what it was chosen for."""

    tracks: list[RecommendedTrack]
    target: AudioFeatures = Field(description="The features searched for, after the mode was applied.")
    genres: list[str] = Field(description="Seed genres the request resolved to, best first.")
    mode: Mode
    warnings: list[str] = Field(default_factory=list)
    spares: list[RecommendedTrack] = Field(
        default_factory=list,
        description="Tracks beyond n, best first, chosen by the same rules: stand-ins for tracks a player lacks.",
    )


class ResolvedGenres(BaseModel):
    """The distinct seed genres some names resolve to, in the order a recommendation uses them."""

    genres: list[str] = Field(examples=[["hip-hop", "british"]])
