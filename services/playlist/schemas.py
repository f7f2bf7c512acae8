"""Request and response bodies of the playlist API beyond the recommender's own models."""

from __future__ import annotations

from typing import Annotated, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from services.playlist.genre_map import MAX_NAME_CHARS
from shared.features import FEATURES_EXAMPLE

ExportFormat = Literal["json", "m3u8", "csv"]
MAX_GENRES_PER_REQUEST: Final = 200

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


class GenreList(BaseModel):
    """The seed genres a request may use, and how many catalog tracks each has."""

    genres: list[str] = Field(examples=[["acoustic", "afrobeat", "alt-rock"]])
    track_counts: dict[str, int] = Field(examples=[{"acoustic": 412, "afrobeat": 95}])


class ResolvedGenres(BaseModel):
    """The distinct seed genres some names resolve to, in the order a recommendation uses them."""

    genres: list[str] = Field(examples=[["hip-hop", "british"]])


class GenreMapRequest(BaseModel):
    """Any genre names (Spotify micro-genres included) to map onto seed genres."""

    model_config = ConfigDict(extra="forbid")

    genres: list[Annotated[str, Field(max_length=MAX_NAME_CHARS)]] = Field(
        min_length=1,
        max_length=MAX_GENRES_PER_REQUEST,
        examples=[["uk drill", "bedroom pop", "nu jazz"]],
        description=f"1 to {MAX_GENRES_PER_REQUEST} names of at most {MAX_NAME_CHARS} characters.",
    )
