"""Public request/response bodies of the gateway, and the upstream answers it reads (leniently: extra keys ignored)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from services.gateway.account_schemas import SpotifyPlaylistRef
from shared.features import FEATURES_EXAMPLE, AudioFeatures
from shared.photo_reading import GENRE_LOOK_EXAMPLE, MOOD_EXAMPLE, PhotoReading
from shared.rating import DeletedRatings, RatingList, RatingOut, RatingValue
from shared.recommendation import AlbumRequest, Mode, Recommendation, RecommendationRequest


class Track(BaseModel):
    """One track of a playlist, with a link to open it in Spotify."""

    model_config = ConfigDict(extra="ignore")

    id: str = Field(examples=["4uLU6hMCjMI75M1A2tKUQC"])
    uri: str = Field(pattern=r"^spotify:track:[A-Za-z0-9]+$", examples=["spotify:track:4uLU6hMCjMI75M1A2tKUQC"])
    url: str = Field(examples=["https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC"])
    name: str = Field(examples=["Never Gonna Give You Up"])
    artist: str = Field(examples=["Rick Astley"])
    album: str | None = Field(default=None, examples=["Whenever You Need Somebody"])
    features: AudioFeatures
    genres: list[str] = Field(default_factory=list, examples=[["pop", "dance"]])
    why: str = Field(examples=["close in energy and valence; pop"])
    distance: float | None = Field(default=None, ge=0, examples=[0.12])
    photo: int | None = Field(
        default=None, ge=0, examples=[0], description="The `index` of the photo (in `photos`) it was chosen for."
    )


class PlaylistPhoto(PhotoReading):
    """One photo a playlist was made from: what the model read in it, and when it was taken when the photo says."""

    index: int = Field(ge=0, description="Its place among the photos as they were sent, from 0.")
    filename: str | None = Field(default=None, examples=["beach.jpg"])
    features: AudioFeatures
    taken_at: datetime | None = Field(
        default=None, description="EXIF DateTimeOriginal: the camera's local time, without a zone."
    )


class AttentionGrid(BaseModel):
    """The heat map: how much each part of the photo (squashed square) moved its mood toward the answer, a
    (height x width) grid of non-negative weights summing to 1 (the mood head's class-activation map)."""

    model_config = ConfigDict(extra="ignore")

    height: int = Field(ge=1, le=64, examples=[7])
    width: int = Field(ge=1, le=64, examples=[7])
    values: list[list[float]] = Field(description="Row-major weights, rows top to bottom.")


class Playlist(PhotoReading):
    """A playlist made from a photo: what the model read in it (features, mood, genre look) and the tracks chosen."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "Jm3k9QpXb2c",
                    "created_at": "2026-11-25T15:30:00Z",
                    "features": FEATURES_EXAMPLE,
                    "mood": MOOD_EXAMPLE,
                    "genre_look": GENRE_LOOK_EXAMPLE,
                    "model_version": "effnet-vae-20261130-3929c1db",
                    "genres": ["pop", "indie"],
                    "mode": "match",
                    "warnings": [],
                    "tracks": [
                        {
                            "id": "4uLU6hMCjMI75M1A2tKUQC",
                            "uri": "spotify:track:4uLU6hMCjMI75M1A2tKUQC",
                            "url": "https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC",
                            "name": "Never Gonna Give You Up",
                            "artist": "Rick Astley",
                            "album": "Whenever You Need Somebody",
                            "features": FEATURES_EXAMPLE,
                            "genres": ["pop"],
                            "why": "bright and easy like your photo, pop",
                            "distance": 0.12,
                        }
                    ],
                }
            ]
        }
    )

    id: str
    created_at: datetime
    features: AudioFeatures = Field(description="The 8 audio features predicted from the photo.")
    model_version: str
    genres: list[str] = Field(description="The seed genres the tracks were drawn from (empty: any genre).")
    mode: Mode
    tracks: list[Track]
    warnings: list[str] = Field(
        default_factory=list,
        description="What the recommender had to relax, and which photos of an album were left out and why.",
    )
    photos: list[PlaylistPhoto] = Field(
        default_factory=list,
        description="The photos the playlist follows, in playing order (one for a single photo); the top-level "
        "features, mood and genre look are their mean.",
    )
    spotify: SpotifyPlaylistRef | None = Field(
        default=None, description="The playlist on the user's Spotify account; absent when not signed in."
    )
    spotify_pending: bool = Field(
        default=False,
        description="True when, signed in, Spotify could not take the playlist (a warning says why): "
        "POST /v1/playlists/{id}/spotify saves it again.",
    )
    attention: AttentionGrid | None = Field(
        default=None, description="What made the photo feel the way it does: the web page draws it over the photo."
    )
    takes: list[str] = Field(
        default_factory=list,
        description="Every take of this photo, oldest first, this one included (POST .../takes makes another; GET "
        "any of them to go back). Empty for a playlist with no other take.",
    )


class StoredPlaylist(Playlist):
    """A playlist as the session store keeps it: the public view plus the playlist service's typed answer, which
    exports are rendered from (its tracks carry what the public view leaves out: release date, duration)."""

    model_config = ConfigDict(ser_json_bytes="base64", val_json_bytes="base64")

    recommendation: Recommendation
    request: RecommendationRequest | AlbumRequest | None = Field(
        default=None, description="What the playlist service was asked (another take asks again)."
    )
    photo: bytes | None = Field(default=None, description="The photo re-encoded for the rating (<= 250 KB JPEG).")
    spotify_user: str | None = Field(default=None, description="Who made it, when signed in with Spotify.")

    def asked(self) -> RecommendationRequest | AlbumRequest:
        """The request this playlist was made from (rebuilt from its fields where it was stored without it)."""
        if self.request is not None:
            return self.request
        genres = dict.fromkeys(self.genres, 1.0) or None
        n = len(self.recommendation.tracks)
        return RecommendationRequest(features=self.features, genres=genres, n=n, mode=self.mode)

    def public(self) -> Playlist:
        """The view a client sees."""
        return Playlist.model_validate(self.model_dump(exclude={"recommendation", "request", "photo", "spotify_user"}))


class FeedbackIn(BaseModel):
    """A like or a dislike."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"rating": 1}]})

    rating: RatingValue = Field(description="1 = liked, -1 = disliked.")


class FeedbackOut(RatingOut):
    """The stored rating (the feedback service's answer, passed on)."""

    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={
            "examples": [
                {"id": "0f8e2a7c", "playlist_id": "Jm3k9QpXb2c", "rating": 1, "created_at": "2026-11-25T15:31:00Z"}
            ]
        },
    )


class MyRatings(RatingList):
    """Your ratings (this browser's, and your Spotify account's when signed in), photos included, oldest first."""


class MyRatingsDeleted(DeletedRatings):
    """How many of your ratings were deleted, with their photos."""


class GenreResolution(BaseModel):
    """A genre name and the seed genres a playlist asked for with it would draw from (best first)."""

    name: str = Field(examples=["bedroom pop"])
    genres: list[str] = Field(examples=[["indie", "indie-pop"]])


class GenreList(BaseModel):
    """The seed genres a playlist can be drawn from."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"genres": ["acoustic", "afrobeat", "alt-rock"]}]})

    genres: list[str]


class UpstreamPrediction(PhotoReading):
    """The part of inference's answer the gateway uses."""

    model_config = ConfigDict(extra="ignore")

    features: AudioFeatures
    model_version: str
    attention: AttentionGrid | None = None
