"""Request and response bodies of the playlist API: the recommendation contract (shared with the gateway, so
defined in shared/recommendation.py) and the genre bodies only this service speaks."""

from __future__ import annotations

from typing import Annotated, Final

from pydantic import BaseModel, ConfigDict, Field

from shared.genres import MAX_NAME_CHARS
from shared.recommendation import (
    ALBUM_EXAMPLE,
    EXPORT_MEDIA_TYPES,
    RECOMMENDATION_EXAMPLE,
    AlbumRequest,
    ExportFormat,
    Mode,
    Recommendation,
    RecommendationRequest,
    RecommendedTrack,
    ResolvedGenres,
)

__all__ = [
    "ALBUM_EXAMPLE",
    "EXPORT_MEDIA_TYPES",
    "MAX_GENRES_PER_REQUEST",
    "RECOMMENDATION_EXAMPLE",
    "AlbumRequest",
    "ExportFormat",
    "GenreList",
    "GenreMapRequest",
    "Mode",
    "Recommendation",
    "RecommendationRequest",
    "RecommendedTrack",
    "ResolvedGenres",
]

MAX_GENRES_PER_REQUEST: Final = 200


class GenreList(BaseModel):
    """The seed genres a request may use, and how many catalog tracks each has."""

    genres: list[str] = Field(examples=[["acoustic", "afrobeat", "alt-rock"]])
    track_counts: dict[str, int] = Field(examples=[{"acoustic": 412, "afrobeat": 95}])


class GenreMapRequest(BaseModel):
    """Any genre names (Spotify micro-genres included) to map onto seed genres."""

    model_config = ConfigDict(extra="forbid")

    genres: list[Annotated[str, Field(max_length=MAX_NAME_CHARS)]] = Field(
        min_length=1,
        max_length=MAX_GENRES_PER_REQUEST,
        examples=[["uk drill", "bedroom pop", "nu jazz"]],
        description=f"1 to {MAX_GENRES_PER_REQUEST} names of at most {MAX_NAME_CHARS} characters.",
    )
