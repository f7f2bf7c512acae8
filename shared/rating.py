"""The feedback service's contract: a rating in, the stored rating out. Defined once here because the gateway
sends one and parses the answer.

A rating belongs to a rater: the Spotify user when signed in (`user`), else the browser's anonymous `session`.
One rating per rater and playlist: rating again replaces it, but only with a newer `rated_at` (a late retry or a
rating delivered from the outbox never overwrites a later change of mind), and a retry carrying the same
`Idempotency-Key` header changes nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Final, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, model_validator

from shared.features import FEATURES_EXAMPLE, AudioFeatures
from shared.genres import MAX_NAME_CHARS
from shared.photo_reading import GENRE_LOOK_EXAMPLE, MOOD_EXAMPLE, GenreLook, PhotoMood
from shared.recommendation import MAX_ALBUM_PHOTOS

PHOTO_MAX_BYTES: Final = 250_000  # the re-encoded photo a rating carries (JPEG), as the original kept it
IDEMPOTENCY_HEADER: Final = "Idempotency-Key"
IDEMPOTENCY_PATTERN: Final = r"^[A-Za-z0-9._:-]{1,128}$"
# When the caller stops waiting for a rating (Unix time, seconds). The feedback service keeps nothing it could not
# keep (stored or queued) before then, so a caller that gave up and answered "failed" never finds it stored.
DEADLINE_HEADER: Final = "X-Request-Deadline"


def _integer_only(value: object) -> object:
    # Literal[1, -1] alone takes `true` and `1.0` as 1 (lax equality); a rating is the integer itself (issue 14).
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("a rating is the integer 1 (liked) or -1 (disliked)")
    return value


RatingValue = Annotated[Literal[1, -1], BeforeValidator(_integer_only)]
_KEY = r"^[A-Za-z0-9._-]+$"
# Spotify track ids are 22 base62 characters (every id in the catalog is one). Bounding each string a rating carries
# bounds the rating: unbounded, one could outgrow what the store takes (a DynamoDB item is at most 400 KB).
TRACK_ID_MAX_CHARS: Final = 22
TrackId = Annotated[str, StringConstraints(min_length=1, max_length=TRACK_ID_MAX_CHARS)]
GenreName = Annotated[str, StringConstraints(min_length=1, max_length=MAX_NAME_CHARS)]


class RatingIn(BaseModel):
    """A person's verdict on one playlist, with what the playlist was made from."""

    model_config = ConfigDict(
        extra="forbid",
        ser_json_bytes="base64",
        val_json_bytes="base64",
        json_schema_extra={
            "examples": [
                {
                    "playlist_id": "b3f1c2d4e5f6a7b8",
                    "rating": 1,
                    "features": FEATURES_EXAMPLE,
                    "mood": MOOD_EXAMPLE,
                    "genre_look": GENRE_LOOK_EXAMPLE,
                    "model_version": "effnet-vae-20261125",
                    "genres": ["pop", "indie"],
                    "mode": "match",
                    "track_ids": ["4uLU6hMCjMI75M1A2tKUQC"],
                    "session": "9f86d081884c7d65",
                }
            ]
        },
    )

    playlist_id: str = Field(min_length=1, max_length=128, pattern=_KEY)
    rating: RatingValue = Field(description="1 = liked, -1 = disliked.")
    features: AudioFeatures
    model_version: str = Field(min_length=1, max_length=128)
    track_ids: list[TrackId] = Field(default_factory=list, max_length=100)
    track_photos: list[Annotated[int, Field(ge=0, lt=MAX_ALBUM_PHOTOS)]] = Field(
        default_factory=list,
        max_length=100,
        description="An album's: the index of the photo each of track_ids was chosen for (empty for one photo; then "
        "`photo` is that photo, for an album it is the collage of its photos).",
    )
    session: str | None = Field(
        default=None,
        min_length=1,
        max_length=128,
        pattern=_KEY,
        description="An opaque, non-secret session key: the rater when no `user` is given.",
    )
    user: str | None = Field(
        default=None, min_length=1, max_length=128, pattern=_KEY, description="The Spotify user id when signed in."
    )
    mood: PhotoMood | None = None
    genre_look: GenreLook | None = None
    genres: list[GenreName] = Field(default_factory=list, max_length=20)
    mode: Literal["match", "boost", "calm"] | None = None
    photo: bytes | None = Field(
        default=None, description="The photo, JPEG (base64 in JSON); above the inline limit it goes to object storage."
    )
    rated_at: datetime | None = Field(default=None, description="When the person rated; default: when received.")

    @model_validator(mode="after")
    def _a_photo_per_track(self) -> RatingIn:
        if self.track_photos and len(self.track_photos) != len(self.track_ids):
            raise ValueError(
                f"track_photos names {len(self.track_photos)} photos for {len(self.track_ids)} track_ids; give one per "
                "track or none"
            )
        return self


class RatingOut(BaseModel):
    """What was stored (or, `queued`, accepted into the outbox while the store is unreachable)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "0f8e2a7c9d6b4e3f8a1b2c3d4e5f6a7b",
                    "playlist_id": "b3f1c2d4e5f6a7b8",
                    "rating": 1,
                    "created_at": "2026-11-25T15:30:00Z",
                    "queued": False,
                }
            ]
        }
    )

    id: str
    playlist_id: str
    rating: Literal[1, -1]
    created_at: datetime
    queued: bool = Field(default=False, description="True: in the outbox, delivered when the store returns.")


class RatingDetail(RatingOut):
    """A stored rating with everything it carries (the photo as base64 JPEG: URL-safe alphabet out, either in)."""

    model_config = ConfigDict(ser_json_bytes="base64", val_json_bytes="base64")

    rater: str = Field(description="spotify:<user id> when signed in, else session:<session key>.")
    user: str | None = None
    session: str | None = None
    features: AudioFeatures
    mood: PhotoMood | None = None
    genre_look: GenreLook | None = None
    model_version: str
    genres: list[str] = Field(default_factory=list)
    mode: str | None = None
    track_ids: list[str]
    track_photos: list[int] = Field(default_factory=list)
    photo: bytes | None = None
    stored_at: datetime | None = None


class RatingList(BaseModel):
    """Ratings, oldest first."""

    ratings: list[RatingDetail]


class DeletedRatings(BaseModel):
    """How many ratings (with their photos) were deleted."""

    deleted: int


class RaterTransfer(BaseModel):
    """Carry a guest session's ratings into the Spotify account signed in from it (once: they are moved)."""

    model_config = ConfigDict(extra="forbid")

    session: str = Field(min_length=1, max_length=128, pattern=_KEY, description="The guest session's key.")
    user: str = Field(min_length=1, max_length=128, pattern=_KEY, description="The Spotify user id signed in.")


class TransferredRatings(BaseModel):
    """How many of the session's ratings now belong to the account (a later rating the account had is kept)."""

    moved: int
