"""The Spotify account contract: what the gateway and the playlist service say to each other on `/v1/spotify/*`.

The playlist service owns Spotify; the gateway owns the browser session and names it with the `X-Account-Key`
header (a hash of the session token). Both sides speak these models: the playlist service answers with them and
the gateway parses each answer once into them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.features import AudioFeatures

ACCOUNT_HEADER: Final = "X-Account-Key"
ACCOUNT_PATTERN: Final = r"^[A-Za-z0-9_-]{16,128}$"
ProfileSource = Literal["top_artists", "top_tracks", "default"]


class SignInStart(BaseModel):
    """Where to send the browser: Spotify's consent page for a sign-in bound to this session."""

    authorize_url: str


class CallbackIn(BaseModel):
    """What Spotify sent back to the browser, and the key the new session will have."""

    model_config = ConfigDict(extra="forbid")

    new_account: str = Field(pattern=ACCOUNT_PATTERN)
    state: str | None = Field(default=None, max_length=512)
    code: str | None = Field(default=None, max_length=2048)
    error: str | None = Field(default=None, max_length=512)


class SpotifyUser(BaseModel):
    """Who is signed in under a session (read from the store only, no Spotify call)."""

    configured: bool
    signed_in: bool
    user_id: str | None = None
    display_name: str | None = None


class GenresIn(BaseModel):
    """Genres to use: seed genres or Spotify micro-genres (mapped onto seed genres); at most 5 after mapping."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"genres": ["indie-pop", "uk drill"]}]})

    genres: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(min_length=1, max_length=20)


class GenreProfile(BaseModel):
    """The signed-in user's genres: weights from their Spotify listening and the ones playlists use now."""

    model_config = ConfigDict(extra="ignore")

    source: ProfileSource = Field(
        description="Where the weights came from: the top artists' genres, the catalog genres of the top tracks' "
        "artists (when artists carry no genres), or a default mix."
    )
    counts: dict[str, float] = Field(
        description="Seed genre -> weight, heaviest first (at most 20 shown).",
        examples=[{"indie-pop": 6.0, "chill": 6.0, "hip-hop": 2.0}],
    )
    genres: list[str] = Field(description="Up to 5 seed genres used when a playlist names none.")
    edited: bool = Field(default=False, description="True when the user chose the genres themselves.")
    fetched_at: datetime

    def playlist_weights(self) -> dict[str, float]:
        """The genres a playlist uses, each with its share: from the listening's weights, equal when chosen by hand
        (a playlist gives each genre its share of the tracks)."""
        if self.edited:
            return dict.fromkeys(self.genres, 1.0)
        return {genre: max(float(self.counts.get(genre, 1.0)), 1e-6) for genre in self.genres}


class PublishIn(BaseModel):
    """A playlist to create: what it was made from (for its name and description), the candidate tracks best first."""

    model_config = ConfigDict(extra="forbid")

    features: AudioFeatures
    mood: str | None = Field(default=None, max_length=60, description="The photo's mood in words, if known.")
    genres: list[Annotated[str, Field(max_length=60)]] = Field(default_factory=list, max_length=20)
    mode: str = Field(default="match", max_length=20)
    public: bool = False
    candidates: list[Annotated[str, Field(pattern=r"^[A-Za-z0-9]{1,64}$")]] = Field(min_length=1, max_length=300)
    n: int = Field(ge=1, le=100)
    photos: list[AudioFeatures] = Field(
        default_factory=list,
        max_length=30,
        description="An album's photos' features in playing order: the description names each one's mood.",
    )


class PublishedPlaylist(BaseModel):
    """A generated playlist as it now is on Spotify."""

    id: str
    uri: str
    url: str
    track_ids: list[str] = Field(description="The tracks added, in playlist order.")
    skipped: int = Field(ge=0, description="Tracks Spotify refused (gone from Spotify), replaced from the candidates.")
    unfollowed: list[str] = Field(default_factory=list, description="Earlier unsaved generated playlists removed.")
    saved: bool = False
