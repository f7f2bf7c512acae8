"""Public bodies of the Spotify account routes (/v1/auth, /v1/me) and the Spotify part of a playlist."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field


class SpotifyPlaylistRef(BaseModel):
    """Where the generated playlist lives on the user's Spotify account."""

    model_config = ConfigDict(extra="ignore")

    id: str = Field(examples=["3cEYpjA9oz9GiPac4AsH4n"])
    uri: str = Field(examples=["spotify:playlist:3cEYpjA9oz9GiPac4AsH4n"])
    url: str = Field(examples=["https://open.spotify.com/playlist/3cEYpjA9oz9GiPac4AsH4n"])
    skipped: int = Field(ge=0, description="Tracks Spotify no longer has, replaced from the next candidates.")
    saved: bool = Field(default=False, description="Saved playlists are kept when the next one is made.")


class GenreProfile(BaseModel):
    """The signed-in user's genres: weights from their Spotify listening and the ones playlists use now."""

    model_config = ConfigDict(extra="ignore")

    source: Literal["top_artists", "top_tracks", "default"] = Field(
        description="Where the weights came from: the top artists' genres, the catalog genres of the top tracks' "
        "artists (when artists carry no genres), or a default mix."
    )
    counts: dict[str, float] = Field(examples=[{"indie-pop": 6.0, "chill": 6.0, "hip-hop": 2.0}])
    genres: list[str] = Field(description="Up to 5 seed genres used when a playlist names none.")
    edited: bool = False
    fetched_at: datetime


class Me(BaseModel):
    """Who is signed in with Spotify in this browser session, and their genres."""

    signed_in: bool
    spotify_configured: bool = Field(description="False when this server has no Spotify client id.")
    display_name: str | None = None
    spotify_user_id: str | None = None
    genres: GenreProfile | None = None


class GenresIn(BaseModel):
    """Genres to use: seed genres or Spotify micro-genres (mapped onto seed genres); at most 5 after mapping."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"genres": ["indie-pop", "uk drill"]}]})

    genres: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(min_length=1, max_length=20)
