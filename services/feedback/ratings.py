"""Ratings: what a person thought of a playlist, and the store interface every adapter satisfies.

One rating per rater and playlist. The rater is `spotify:<user id>` when the person was signed in, else
`session:<session key>`; a rating with neither is its own rater (`anon:<random>`, batch imports). The rating's id
is derived from (playlist, rater), so every store, every replica and the outbox agree on it.

Writes are conditional (`RatingStore.put`): a rating replaces the stored one only when it was made later
(`created_at`, the moment the person rated) and does not carry the stored one's idempotency key. So a client retry
with the same `Idempotency-Key` is a no-op, and a rating delivered late from the outbox never overwrites a later
change of mind.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidatorFunctionWrapHandler, WrapValidator

from shared.errors import InvalidInput
from shared.features import AudioFeatures
from shared.photo_reading import GenreLook, PhotoMood

log = logging.getLogger("pressedplay.feedback")
# Fixed namespace so the same (playlist, rater) pair maps to the same rating id in every process and store.
_RATING_NAMESPACE = uuid.UUID("5b0f2f4e-5a55-4f0b-9c1f-0d6c6f0e7a11")

PutOutcome = Literal["created", "replaced", "unchanged"]


@dataclass(frozen=True)
class PutResult:
    """What a conditional write did, and the photo object (`photo_ref`) of the rating it found stored: the one it
    replaced, or the one that stays when nothing changed. The caller deletes the photo no rating points to any more
    (adapters/photos.py: drop_unreferenced_photo)."""

    outcome: PutOutcome
    stored_photo_ref: str | None = None


def _readable_look(value: Any, handler: ValidatorFunctionWrapHandler) -> GenreLook | None:
    """A stored look that breaks the rule is read as no look. Ratings came in without the rule until it was put on
    RatingIn (a NaN was stored as null): one such rating must not fail every list, export and delete of the store,
    nor the outbox's delivery. New ratings cannot carry one (RatingIn refuses it: 422)."""
    try:
        look: GenreLook | None = handler(value)
    except ValidationError as exc:
        log.warning("rating.genre_look_dropped", extra={"reason": str(exc.errors()[0]["msg"])[:200]})
        return None
    return look


StoredGenreLook = Annotated[GenreLook | None, WrapValidator(_readable_look)]


class Rating(BaseModel):
    """One stored rating."""

    model_config = ConfigDict(ser_json_bytes="base64", val_json_bytes="base64")

    id: str
    playlist_id: str = Field(min_length=1, max_length=128)
    rater: str = Field(min_length=1, max_length=160)
    user: str | None = Field(default=None, max_length=128)
    session: str | None = Field(default=None, max_length=128)
    rating: Literal[1, -1]
    features: AudioFeatures
    mood: PhotoMood | None = None
    genre_look: StoredGenreLook = None
    model_version: str = Field(max_length=128)
    genres: list[str] = Field(default_factory=list)
    mode: str | None = None
    track_ids: list[str] = Field(default_factory=list, max_length=100)
    # An album's: each track's photo (see RatingIn); its `photo` is then the collage, not a photo the model read.
    track_photos: list[int] = Field(default_factory=list, max_length=100)
    photo: bytes | None = None
    photo_ref: str | None = None
    idempotency_key: str | None = None
    created_at: datetime
    stored_at: datetime | None = None


class RatingStore(Protocol):
    """Where ratings live (SQLite on a laptop, DynamoDB in deployment)."""

    async def put(self, rating: Rating) -> PutResult:
        """Write conditionally (see the module docstring): created, replaced, or unchanged (retry or stale), with
        the photo_ref of the rating found stored."""
        ...

    async def get(self, playlist_id: str, rating_id: str) -> Rating | None:
        """One rating, or None."""
        ...

    async def for_playlist(self, playlist_id: str) -> list[Rating]:
        """Every rating of one playlist, oldest first."""
        ...

    async def for_rater(self, rater: str) -> list[Rating]:
        """Every rating of one rater, oldest first."""
        ...

    async def delete(self, playlist_id: str, rating_id: str, *, created_at: datetime | None = None) -> bool:
        """Delete one rating (only if still the version made at `created_at`, when given); True when deleted."""
        ...

    async def scan(self, *, limit: int, cursor: str | None = None) -> tuple[list[Rating], str | None]:
        """One page of the whole table and the cursor of the next (None at the end)."""
        ...

    async def ping(self) -> bool:
        """True when the store answers."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...


def rater_key(*, user: str | None, session: str | None) -> str:
    """Who rated: the Spotify user, else the session, else a new anonymous rater."""
    if user:
        return f"spotify:{user}"
    if session:
        return f"session:{session}"
    return f"anon:{uuid.uuid4().hex}"


def rating_id(*, playlist_id: str, rater: str) -> str:
    """The rating's id: stable for (playlist_id, rater)."""
    return uuid.uuid5(_RATING_NAMESPACE, f"{playlist_id}\x1f{rater}").hex


def timestamp(value: datetime) -> str:
    """A fixed-width UTC ISO string, so stored timestamps compare correctly as strings (DynamoDB conditions)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    try:
        value = value.astimezone(UTC)
    except OverflowError as exc:  # year 1 or 9999 pushed past the calendar by its offset
        raise InvalidInput("rated_at is outside the years 1-9999 in UTC") from exc
    # strftime's %Y does not pad years before 1000 ("213-..."), which sorted after "2026-..." and did not parse.
    return f"{value.year:04d}-{value:%m-%dT%H:%M:%S.%f}Z"


def new_rating(
    *,
    playlist_id: str,
    rating: Literal[1, -1],
    features: AudioFeatures,
    model_version: str,
    track_ids: list[str],
    track_photos: list[int] | None = None,
    session: str | None = None,
    user: str | None = None,
    mood: PhotoMood | None = None,
    genre_look: GenreLook | None = None,
    genres: list[str] | None = None,
    mode: str | None = None,
    photo: bytes | None = None,
    idempotency_key: str | None = None,
    now: datetime | None = None,
) -> Rating:
    """Build the rating to store, with its id and timestamp (microseconds: what the stores keep)."""
    rater = rater_key(user=user, session=session)
    created = datetime.fromisoformat(timestamp(now or datetime.now(UTC)))
    return Rating(
        id=rating_id(playlist_id=playlist_id, rater=rater),
        playlist_id=playlist_id,
        rater=rater,
        user=user,
        session=session,
        rating=rating,
        features=features,
        mood=mood,
        genre_look=genre_look,
        model_version=model_version,
        genres=list(genres or []),
        mode=mode,
        track_ids=track_ids,
        track_photos=list(track_photos or []),
        photo=photo,
        idempotency_key=idempotency_key,
        created_at=created,
    )


def should_replace(stored: Rating | None, incoming: Rating) -> bool:
    """The conditional write's rule, for stores that check it themselves (SQLite, fakes)."""
    if stored is None:
        return True
    if incoming.idempotency_key is not None and stored.idempotency_key == incoming.idempotency_key:
        return False
    return timestamp(stored.created_at) < timestamp(incoming.created_at)
