"""The playlist service's contract: the recommendation request and answer, modes and export formats.

Defined once here because the gateway speaks it too: it sends a RecommendationRequest, parses the answer into a
Recommendation once, keeps it typed in the session, and sends it back to be exported.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema, field_validator, model_validator

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

ALBUM_EXAMPLE: Final = {
    "photos": [FEATURES_EXAMPLE, {**FEATURES_EXAMPLE, "energy": 0.35, "valence": 0.3, "acousticness": 0.6}],
    "genres": ["indie", "pop"],
    "n": 12,
}
# An album's photos at most (one list for a day or a trip).
MAX_ALBUM_PHOTOS: Final = 30
# Tracks an "another take" leaves out: a few earlier takes of a long list.
MAX_AVOID: Final = 500
# Another take keeps at most this share of the previous take (its closest tracks) and leaves out the tracks of the
# last TAKE_MEMORY takes otherwise.
TAKE_KEEP_SHARE: Final = 0.3
TAKE_MEMORY: Final = 3
# Spare tracks beyond n by default (to replace tracks Spotify no longer has): a fifth more, at least 5, at most 25.
SPARE_SHARE: Final = 0.2
MIN_SPARES: Final = 5
MAX_SPARES: Final = 25


def default_spares(n: int) -> int:
    """How many spare tracks a list of n comes with when the request does not say."""
    return min(MAX_SPARES, max(MIN_SPARES, math.ceil(SPARE_SHARE * n)))


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


class ListSettings(BaseModel):
    """How to pick a list, whatever it is made for: the user's genres (a list or {genre: weight}), length, mode ..."""

    model_config = ConfigDict(extra="forbid")

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
    avoid: list[Annotated[str, Field(min_length=1, max_length=64)]] = Field(
        default_factory=list,
        max_length=MAX_AVOID,
        description="Track ids to leave out (the tracks of earlier takes, for another take of the same photo).",
    )
    holidays: bool = Field(
        default=False,
        description="Allow holiday songs (Christmas and other holidays); asking for the holidays genre also does.",
    )
    spares: int | None = Field(
        default=None,
        ge=0,
        le=50,
        description="Spare tracks beyond n, to replace tracks Spotify no longer has (default: a fifth of n, 5-25).",
    )

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


class RecommendationRequest(ListSettings):
    """Target features (one photo's), the user's genres (a list or {genre: weight}), and how to pick."""

    features: AudioFeatures


class AlbumRequest(ListSettings):
    """Several photos' features in playing order: one list that moves with them, each photo its share of the n
    tracks (n at least the number of photos)."""

    photos: list[AudioFeatures] = Field(min_length=1, max_length=MAX_ALBUM_PHOTOS)

    @model_validator(mode="after")
    def _a_track_for_every_photo(self) -> AlbumRequest:
        if self.n < len(self.photos):
            raise ValueError(f"n must be at least the number of photos ({len(self.photos)}), got {self.n}")
        return self

    def part(self, features: AudioFeatures, n: int) -> RecommendationRequest:
        """The request for one photo's part of the album (no spares: the album asks for its own)."""
        settings = self.model_dump(exclude={"photos"}) | {"n": n, "spares": 0}
        return RecommendationRequest.model_validate(settings | {"features": features})


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
    photo: int | None = Field(
        default=None, ge=0, description="In an album's list: the index of the photo the track was chosen for."
    )
    distance: float = Field(description="Weighted feature distance to the target (lower is closer).")


class Recommendation(BaseModel):
    """A playlist and what it was chosen for."""

    tracks: list[RecommendedTrack]
    target: AudioFeatures = Field(
        description="The features searched for, after the mode was applied (an album's: the mean of its photos')."
    )
    targets: list[AudioFeatures] | None = Field(
        default=None, description="An album's: each photo's target, in playing order (absent for one photo)."
    )
    genres: list[str] = Field(description="Seed genres the request resolved to, best first.")
    mode: Mode
    warnings: list[str] = Field(default_factory=list)
    spares: list[RecommendedTrack] = Field(
        default_factory=list,
        description="Tracks beyond n, best first, chosen by the same rules: stand-ins for tracks a player lacks.",
    )


def another_take(request: RecommendationRequest, earlier: list[list[RecommendedTrack]]) -> RecommendationRequest:
    """The request for another take of a playlist, given the tracks of its takes so far (oldest first).

    Other tracks, as close to the photo: the previous take's closest TAKE_KEEP_SHARE stay allowed (its anchors),
    every other track of the last TAKE_MEMORY takes is left out, and the spread between picks is halved, so the new
    tracks come from nearer the target rather than from its edges (docs/recommender.md measures the trade).
    """
    previous = earlier[-1] if earlier else []
    keep = int(TAKE_KEEP_SHARE * len(previous))
    anchors = {t.id for t in sorted(previous, key=lambda t: t.distance)[:keep]}
    avoid = [t.id for take in earlier[-TAKE_MEMORY:] for t in take if t.id not in anchors]
    return request.model_copy(
        update={"avoid": list(dict.fromkeys(avoid))[:MAX_AVOID], "diversity": request.diversity / 2, "seed": None}
    )


class ResolvedGenres(BaseModel):
    """The distinct seed genres some names resolve to, in the order a recommendation uses them."""

    genres: list[str] = Field(examples=[["hip-hop", "british"]])
