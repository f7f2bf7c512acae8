"""Public bodies of the Spotify account routes (/v1/auth, /v1/me) and the Spotify part of a playlist."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from shared.spotify_account import GenreProfile, GenresIn

__all__ = ["GenreProfile", "GenresIn", "Me", "SpotifyPlaylistRef"]


class SpotifyPlaylistRef(BaseModel):
    """Where the generated playlist lives on the user's Spotify account."""

    model_config = ConfigDict(extra="ignore")

    id: str = Field(examples=["3cEYpjA9oz9GiPac4AsH4n"])
    uri: str = Field(examples=["spotify:playlist:3cEYpjA9oz9GiPac4AsH4n"])
    url: str = Field(examples=["https://open.spotify.com/playlist/3cEYpjA9oz9GiPac4AsH4n"])
    skipped: int = Field(ge=0, description="Tracks Spotify no longer has, replaced from the next candidates.")
    saved: bool = Field(default=False, description="Saved playlists are kept when the next one is made.")


class Me(BaseModel):
    """Who is signed in with Spotify in this browser session, and their genres."""

    signed_in: bool
    spotify_configured: bool = Field(description="False when this server has no Spotify client id.")
    display_name: str | None = None
    spotify_user_id: str | None = None
    genres: GenreProfile | None = None
